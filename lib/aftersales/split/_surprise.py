"""Hand a train/test pair to Surprise."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.clean import check_scale

if TYPE_CHECKING:
    from surprise import Trainset


def to_surprise(
    train: pd.DataFrame, test: pd.DataFrame, *, scale: tuple[float, float]
) -> tuple[Trainset, list[tuple[object, object, float]]]:
    """Convert a train/test pair to Surprise's trainset and testset.

    Parameters
    ----------
    train, test : pandas.DataFrame
        Rows with ``C.USER``, ``C.ITEM`` and ``C.RATING`` (e.g. ``Split.train``/``.test``).
    scale : tuple of (float, float)
        Rating scale for ``surprise.Reader(rating_scale=scale)``.

    Returns
    -------
    tuple of (surprise.Trainset, list of tuple)
        ``Dataset.load_from_df(train, reader).build_full_trainset()``, and the test rows as
        ``(raw_uid, raw_iid, rating)`` tuples of Python scalars, in row order.

    Raises
    ------
    ParameterError
        If ``scale`` is not a valid pair.
    DataValidationError
        If a column is missing, ``train`` is empty, or a rating is missing or off the scale.
    """
    from surprise import Dataset, Reader  # imported here: splitting alone does not need it

    low, high = check_scale(scale)
    columns = [C.USER, C.ITEM, C.RATING]
    for name, frame in (("train", train), ("test", test)):
        source = f"to_surprise: `{name}`"
        validate.require_columns(frame, columns, source=source)
        validate.non_null(frame[C.RATING], source=source)
        validate.within(frame[C.RATING], low, high, source=source)
    validate.require_rows(train, source="to_surprise: `train`")
    reader = Reader(rating_scale=(low, high))
    trainset = Dataset.load_from_df(train[columns], reader).build_full_trainset()
    testset = list(
        zip(
            test[C.USER].tolist(),
            test[C.ITEM].tolist(),
            test[C.RATING].astype("float64").tolist(),
            strict=True,
        )
    )
    return trainset, testset
