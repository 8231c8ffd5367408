"""Turn the caller's protocol and model specifications into folds and fresh algorithms."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError
from aftersales.validate import non_null, numeric, require_columns, require_rows

Fold: TypeAlias = tuple[pd.DataFrame, pd.DataFrame]
ModelSpec: TypeAlias = Any
"""An unfitted Surprise algorithm (copied for every fold) or a zero-argument factory."""


def _as_pair(candidate: object) -> Fold | None:
    if (
        not isinstance(candidate, pd.DataFrame)  # a frame may have columns named so
        and hasattr(candidate, "train")
        and hasattr(candidate, "test")
    ):
        candidate = (candidate.train, candidate.test)  # e.g. aftersales.split.Split
    if (
        isinstance(candidate, tuple)
        and len(candidate) == 2
        and all(isinstance(part, pd.DataFrame) for part in candidate)
    ):
        return candidate[0], candidate[1]
    return None


def as_folds(protocol: object) -> list[Fold]:
    """Return the protocol as a list of ``(train, test)`` frames.

    Parameters
    ----------
    protocol : object
        One split (a ``(train, test)`` tuple of frames or an object with ``train`` and
        ``test`` attributes), or an iterable of such splits (k folds).

    Returns
    -------
    list of tuple of pandas.DataFrame
        The folds, each checked to hold ``C.USER``, ``C.ITEM`` and numeric ``C.RATING``.

    Raises
    ------
    ParameterError
        If ``protocol`` is neither a split nor an iterable of splits, or holds no split.
    DataValidationError
        If a frame lacks a column, a train frame is empty, or a rating is missing.
    """
    single = _as_pair(protocol)
    if single is not None:
        folds = [single]
    elif isinstance(protocol, Iterable) and not isinstance(protocol, pd.DataFrame | str):
        folds = []
        for number, candidate in enumerate(protocol):
            pair = _as_pair(candidate)
            if pair is None:
                raise ParameterError(
                    f"`protocol`: fold {number} must be a (train, test) pair of frames or have "
                    f"`train` and `test` attributes; got {type(candidate).__name__}"
                )
            folds.append(pair)
    else:
        raise ParameterError(
            "`protocol` must be a (train, test) pair, a split with `train` and `test`, or an "
            f"iterable of those; got {type(protocol).__name__}"
        )
    if not folds:
        raise ParameterError("`protocol` holds no fold; expected at least one (train, test)")
    for number, (train, test) in enumerate(folds):
        for name, frame in (("train", train), ("test", test)):
            source = f"`protocol` fold {number} `{name}`"
            require_columns(frame, [C.USER, C.ITEM, C.RATING], source=source)
            require_rows(frame, source=source)
            numeric(non_null(frame[C.RATING], source=source), source=source)
    return folds


def infer_scale(folds: list[Fold]) -> tuple[float, float]:
    """Return the smallest and largest rating over every fold's train and test frames."""
    ratings = np.concatenate(
        [frame[C.RATING].to_numpy(dtype="float64") for fold in folds for frame in fold]
    )
    low, high = float(ratings.min()), float(ratings.max())
    if low == high:
        raise DataValidationError(
            f"`protocol`: every rating is {low:g}; pass `rating_scale` to fit a model"
        )
    return low, high


def instantiate(label: str, spec: ModelSpec) -> Any:
    """Return a fresh, unfitted algorithm for one fold.

    Parameters
    ----------
    label : str
        The model's label (named in messages).
    spec : object
        An algorithm with ``fit`` and ``test`` methods (deep-copied, so the caller's object
        is never fitted) or a zero-argument callable returning one.

    Returns
    -------
    object
        An algorithm with ``fit`` and ``test`` methods.

    Raises
    ------
    ParameterError
        If ``spec`` is neither, or the factory returns something else.
    """
    if hasattr(spec, "fit") and hasattr(spec, "test") and not isinstance(spec, type):
        return copy.deepcopy(spec)
    if callable(spec):
        algo = spec()
        if hasattr(algo, "fit") and hasattr(algo, "test"):
            return algo
        raise ParameterError(
            f"`models[{label!r}]`: the factory must return an algorithm with `fit` and "
            f"`test`; it returned {type(algo).__name__}"
        )
    raise ParameterError(
        f"`models[{label!r}]` must be an unfitted Surprise algorithm or a factory returning "
        f"one; got {type(spec).__name__}"
    )


def check_models(models: Mapping[str, ModelSpec]) -> dict[str, ModelSpec]:
    """Check the model mapping: a non-empty mapping of string labels.

    Parameters
    ----------
    models : mapping of str to object
        Labels to model specifications.

    Returns
    -------
    dict of str to object
        A copy of the mapping.

    Raises
    ------
    ParameterError
        If it is not a mapping, is empty or has a label that is not a string.
    """
    if not isinstance(models, Mapping) or not models:
        raise ParameterError(
            f"`models` must be a non-empty mapping {{label: algorithm or factory}}; got {models!r}"
        )
    bad = [label for label in models if not isinstance(label, str) or not label]
    if bad:
        raise ParameterError(f"`models`: labels must be non-empty strings; got {bad!r}")
    return dict(models)


def to_surprise(
    train: pd.DataFrame, test: pd.DataFrame, scale: tuple[float, float], trainset: Any = None
) -> Any:
    """Build Surprise's trainset and testset of one fold.

    Parameters
    ----------
    train, test : pandas.DataFrame
        Checked fold frames.
    scale : tuple of float
        The rating scale given to ``surprise.Reader``.
    trainset : surprise.Trainset, optional
        The trainset of these very training rows and scale, built before (reused).

    Returns
    -------
    tuple
        ``(trainset, testset)``: ``Dataset.load_from_df(...).build_full_trainset()`` and
        the test rows as ``(user, item, rating)`` tuples of Python scalars.
    """
    from surprise import Dataset, Reader  # imported here: metrics alone do not need it

    columns = [C.USER, C.ITEM, C.RATING]
    reader = Reader(rating_scale=scale)
    if trainset is None:
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


RankFn: TypeAlias = Callable[[Any, np.ndarray, int], pd.DataFrame]
"""``rank_fn(model, users, k)`` returns the top-k frame (``C.USER``, ``C.ITEM``, ``C.RANK``)."""
