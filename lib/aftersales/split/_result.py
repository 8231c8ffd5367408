"""The split result and the checks every splitter shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError


@dataclass(frozen=True, eq=False)
class Split:
    """A train/test pair and what the test set holds that train does not.

    Attributes
    ----------
    train, test : pandas.DataFrame
        Disjoint row subsets of the input; together they are the whole input. Each keeps
        the input's index, so a row can be traced back, and the input's row order (k-fold
        splits use Surprise's shuffled order instead, see :func:`kfold`).
    cold_users, cold_items : pandas.Index
        Users and items that appear in ``test`` but not in ``train`` (cold start), sorted.
    method : str
        Registry name of the splitter that made it.
    train_only_groups : int
        Users (or items, for the per-item splitter) too small to split, whose rows were all
        kept in train: one interaction for the stratified splitters, at most ``n`` for
        leave-last-n; 0 for the other splitters.
    fold : int or None
        Fold number (0-based) for k-fold splits, otherwise ``None``.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    cold_users: pd.Index
    cold_items: pd.Index
    method: str
    train_only_groups: int = 0
    fold: int | None = None

    def __repr__(self) -> str:
        fold = "" if self.fold is None else f", fold={self.fold}"
        return (
            f"Split(method={self.method!r}{fold}, train={len(self.train)} rows, "
            f"test={len(self.test)} rows, cold_users={len(self.cold_users)}, "
            f"cold_items={len(self.cold_items)}, train_only_groups={self.train_only_groups})"
        )


def make_split(
    frame: pd.DataFrame,
    test_mask: np.ndarray,
    *,
    method: str,
    train_only_groups: int = 0,
    fold: int | None = None,
) -> Split:
    """Cut ``frame`` by a boolean test mask and work out the cold users and items.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input rows (not modified).
    test_mask : numpy.ndarray
        True for rows that go to the test set.
    method : str
        Splitter name recorded in the result.
    train_only_groups : int, default 0
        Groups kept entirely in train (see :class:`Split`).
    fold : int, optional
        Fold number for k-fold splits.

    Returns
    -------
    Split
        The result.
    """
    test_mask = np.asarray(test_mask, dtype=bool)
    return from_parts(
        frame[~test_mask],
        frame[test_mask],
        method=method,
        train_only_groups=train_only_groups,
        fold=fold,
    )


def from_parts(
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    method: str,
    train_only_groups: int = 0,
    fold: int | None = None,
) -> Split:
    """Wrap a train/test pair in a :class:`Split`, working out cold users and items.

    Parameters
    ----------
    train, test : pandas.DataFrame
        The two parts.
    method : str
        Splitter name recorded in the result.
    train_only_groups : int, default 0
        Groups kept entirely in train (see :class:`Split`).
    fold : int, optional
        Fold number for k-fold splits.

    Returns
    -------
    Split
        The result.
    """
    cold_users = pd.Index(test[C.USER].unique()).difference(pd.Index(train[C.USER].unique()))
    cold_items = pd.Index(test[C.ITEM].unique()).difference(pd.Index(train[C.ITEM].unique()))
    return Split(train, test, cold_users, cold_items, method, int(train_only_groups), fold)


def check_frame(frame: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Check that a frame can be split: user and item ids present, at least two rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions.
    source : str
        How to name the frame in messages.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself.

    Raises
    ------
    DataValidationError
        If a column or an id is missing, or there are fewer than two rows.
    """
    validate.require_columns(frame, [C.USER, C.ITEM], source=source)
    validate.non_null(frame[C.USER], source=source)
    validate.non_null(frame[C.ITEM], source=source)
    if len(frame) < 2:
        raise DataValidationError(f"{source}: has {len(frame)} rows; a split needs at least 2")
    return frame


def check_test_size(test_size: object) -> float:
    """Validate a test fraction.

    Parameters
    ----------
    test_size : float
        Fraction of rows (or of each group's rows) for the test set.

    Returns
    -------
    float
        The fraction.

    Raises
    ------
    ParameterError
        If it is not a number strictly between 0 and 1.
    """
    if (
        isinstance(test_size, bool)
        or not isinstance(test_size, int | float | np.floating)
        or not 0 < test_size < 1
    ):
        raise ParameterError(f"`test_size` must be in (0, 1); got {test_size!r}")
    return float(test_size)


def round_half_up(values: np.ndarray) -> np.ndarray:
    """Round to the nearest integer, halves up (``2.5 -> 3``), as int64.

    Parameters
    ----------
    values : numpy.ndarray
        Non-negative numbers.

    Returns
    -------
    numpy.ndarray
        Rounded integers.
    """
    return np.floor(np.asarray(values, dtype="float64") + 0.5).astype("int64")


def time_values(frame: pd.DataFrame, *, source: str) -> np.ndarray:
    """Return ``C.TIMESTAMP`` as sortable int64 values, refusing frames without times.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions.
    source : str
        How to name the frame in messages.

    Returns
    -------
    numpy.ndarray
        One int64 per row (epoch ticks for datetimes, the numbers themselves otherwise).

    Raises
    ------
    DataValidationError
        If the column is absent, not datetime or numeric, or has missing values.
    """
    if C.TIMESTAMP not in frame.columns:
        raise DataValidationError(
            f"{source}: has no `{C.TIMESTAMP}` column, and this splitter orders rows by time; "
            f"the columns present are {list(frame.columns)}"
        )
    values = frame[C.TIMESTAMP]
    validate.non_null(values, source=source)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return np.asarray(values.array.asi8, dtype="int64")
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype="int64")
    raise DataValidationError(
        f"{source}: column `{C.TIMESTAMP}` must hold datetimes or epoch numbers; "
        f"got dtype {values.dtype}"
    )


def rank_within(codes: np.ndarray, *keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank rows within their group by ``keys`` (last key is the primary sort key).

    Parameters
    ----------
    codes : numpy.ndarray
        Group code per row (0..g-1).
    *keys : numpy.ndarray
        Sort keys within a group, least significant first (``numpy.lexsort`` order).

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        The 0-based rank of each row within its group, and the size of each group.
    """
    sizes = np.bincount(codes)
    order = np.lexsort((*keys, codes))
    starts = np.cumsum(sizes) - sizes
    rank = np.empty(len(codes), dtype="int64")
    rank[order] = np.arange(len(codes)) - starts[codes[order]]
    return rank, sizes
