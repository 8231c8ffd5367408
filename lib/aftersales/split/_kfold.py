"""k-fold cross-validation that reproduces ``surprise.model_selection.KFold`` exactly."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from aftersales.errors import ParameterError
from aftersales.random import Seed, int_seed
from aftersales.split._result import Split, check_frame, from_parts


def kfold(frame: pd.DataFrame, *, n_splits: int = 5, seed: Seed) -> Iterator[Split]:
    """Yield ``n_splits`` train/test splits whose test sets partition the rows.

    Follows Surprise's ``KFold(n_splits, random_state=seed).split(data)`` step for step:
    the row positions ``0..n-1`` are shuffled with ``numpy.random.RandomState(seed)``,
    then cut into consecutive folds, the first ``n % n_splits`` folds one row longer. For
    a frame loaded with ``Dataset.load_from_df`` (which keeps row order) and the same
    integer seed, the folds are Surprise's folds, rows in Surprise's order too (so
    :func:`to_surprise` builds the same trainset, with the same inner ids, and seeded
    algorithms fit identically): published protocols can be rerun.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions with ``C.USER`` and ``C.ITEM``; not modified.
    n_splits : int, default 5
        Number of folds, from 2 to the number of rows.
    seed : int or numpy.random.Generator
        An int is Surprise's ``random_state``; a generator first yields an int seed.

    Yields
    ------
    Split
        One per fold, ``fold`` set to 0, 1, ...

    Raises
    ------
    ParameterError
        If ``n_splits`` is not an integer in [2, number of rows] or ``seed`` is invalid.
    DataValidationError
        If the frame lacks ids or has fewer than two rows.
    """
    check_frame(frame, source="kfold: `frame`")
    n = len(frame)
    if isinstance(n_splits, bool) or not isinstance(n_splits, int | np.integer):
        raise ParameterError(f"`n_splits` must be an integer; got {n_splits!r}")
    if not 2 <= n_splits <= n:
        raise ParameterError(f"`n_splits` must be in [2, {n}] (the number of rows); got {n_splits}")
    indices = np.arange(n)
    np.random.RandomState(int_seed(seed)).shuffle(indices)  # Surprise's get_rng(int)
    return _folds(frame, indices, int(n_splits))


def _folds(frame: pd.DataFrame, indices: np.ndarray, n_splits: int) -> Iterator[Split]:
    n = len(indices)
    stop = 0
    for fold in range(n_splits):
        start = stop
        stop += n // n_splits + (1 if fold < n % n_splits else 0)
        train = np.concatenate([indices[:start], indices[stop:]])
        yield from_parts(
            frame.iloc[train], frame.iloc[indices[start:stop]], method="kfold", fold=fold
        )
