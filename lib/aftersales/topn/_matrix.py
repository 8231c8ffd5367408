"""Implicit feedback: ratings to weights, and frames (or Surprise trainsets) to a sparse matrix."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError


def implicit_from_ratings(frame: pd.DataFrame, *, threshold: float | None = None) -> pd.DataFrame:
    """Read explicit ratings as implicit feedback: a rated item is an interaction.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings with ``C.USER``, ``C.ITEM`` and ``C.RATING``; not modified.
    threshold : float, optional
        Keep only ratings ``>= threshold`` (e.g. 4 for "liked"); None keeps every rating.

    Returns
    -------
    pandas.DataFrame
        The kept rows, one per (user, item) pair (the last in row order when a pair
        repeats), with every input column plus ``C.WEIGHT`` = 1.0 after ``C.ITEM``; the
        input index is kept.

    Raises
    ------
    ParameterError
        If ``threshold`` is not a number.
    DataValidationError
        If a column is missing, a rating is not numeric, or no rating reaches the
        threshold (an empty interaction matrix).
    """
    source = "implicit_from_ratings: `frame`"
    validate.require_columns(frame, [C.USER, C.ITEM, C.RATING], source=source)
    validate.require_rows(frame, source=source)
    ratings = validate.numeric(frame[C.RATING], source=source).to_numpy(dtype="float64")
    if threshold is None:
        keep = np.ones(len(frame), dtype=bool)
    else:
        if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
            raise ParameterError(f"`threshold` must be a number or None; got {threshold!r}")
        keep = ratings >= threshold
    if not keep.any():
        raise DataValidationError(
            f"{source}: no rating is >= threshold {threshold!r} (ratings run from "
            f"{np.nanmin(ratings):g} to {np.nanmax(ratings):g}), so the interaction matrix "
            "would be empty; lower the threshold"
        )
    kept = frame[keep]
    kept = kept[~kept.duplicated([C.USER, C.ITEM], keep="last").to_numpy()]
    out = kept.drop(columns=[C.WEIGHT], errors="ignore")
    out.insert(list(out.columns).index(C.ITEM) + 1, C.WEIGHT, 1.0)
    return out


@dataclass(frozen=True, eq=False)
class Interactions:
    """A users x items matrix of implicit feedback with its id indexes.

    Attributes
    ----------
    users, items : pandas.Index
        Sorted distinct user and item ids; row ``r`` is ``users[r]``, column ``c`` is
        ``items[c]``.
    values : scipy.sparse.csr_matrix
        float64 values (weights summed over repeated pairs), every stored entry > 0.
    """

    users: pd.Index
    items: pd.Index
    values: sp.csr_matrix

    @property
    def binary(self) -> sp.csr_matrix:
        """The same pattern with every stored value set to 1."""
        out = self.values.copy()
        out.data = np.ones_like(out.data)
        return out

    @property
    def user_counts(self) -> np.ndarray:
        """Number of distinct users of every item (its popularity)."""
        return np.bincount(self.values.indices, minlength=len(self.items)).astype(np.float64)


_TRAINSET_FRAMES: weakref.WeakKeyDictionary[Any, pd.DataFrame] = weakref.WeakKeyDictionary()
"""Each live Surprise trainset's ratings frame: the models of a fold share one trainset
(``evaluate`` keeps one per fold), and each top-N model read it again (1.2 s on
online-retail's 230,000 ratings)."""


def _from_trainset(trainset: Any) -> pd.DataFrame:
    """Return a Surprise trainset as a ratings frame with raw ids (built once per trainset).

    The frame is shared by every caller of the same trainset: :func:`interaction_matrix`
    only reads it.
    """
    try:
        return _TRAINSET_FRAMES[trainset]
    except (KeyError, TypeError):  # not seen yet, or not weak-referenceable
        pass
    frame = _trainset_frame(trainset)
    try:
        _TRAINSET_FRAMES[trainset] = frame
    except TypeError:
        pass
    return frame


def _trainset_frame(trainset: Any) -> pd.DataFrame:
    triples = np.array(list(trainset.all_ratings()), dtype=np.float64).reshape(-1, 3)
    users = np.array([trainset.to_raw_uid(u) for u in range(trainset.n_users)], dtype=object)
    items = np.array([trainset.to_raw_iid(i) for i in range(trainset.n_items)], dtype=object)
    frame = pd.DataFrame(
        {
            C.USER: users[triples[:, 0].astype(np.int64)],
            C.ITEM: items[triples[:, 1].astype(np.int64)],
            C.RATING: triples[:, 2],
        }
    )
    return frame.infer_objects()


def value_column(frame: pd.DataFrame) -> str | None:
    """Return the column holding interaction strengths: ``C.WEIGHT``, else ``C.RATING``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Interactions.

    Returns
    -------
    str or None
        The column name, or None when neither is present (every pair counts 1).
    """
    for column in (C.WEIGHT, C.RATING):
        if column in frame.columns:
            return column
    return None


def interaction_matrix(data: Any, *, source: str) -> Interactions:
    """Build the sparse users x items matrix a model is fitted on.

    Parameters
    ----------
    data : pandas.DataFrame or surprise.Trainset
        A frame with ``C.USER``, ``C.ITEM`` and optionally ``C.WEIGHT`` or ``C.RATING``
        (see :func:`value_column`); or a Surprise trainset (its ratings are the values).
    source : str
        How to name the data in messages.

    Returns
    -------
    Interactions
        The matrix and its id indexes.

    Raises
    ------
    DataValidationError
        If ``data`` is neither, lacks a column, is empty, has a missing id, or has a
        value that is missing, not finite or not > 0.
    """
    if hasattr(data, "all_ratings") and hasattr(data, "to_raw_uid"):
        data = _from_trainset(data)
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(
            f"{source}: expected a DataFrame or a Surprise trainset; got {type(data).__name__}"
        )
    validate.require_columns(data, [C.USER, C.ITEM], source=source)
    if len(data) == 0:
        raise DataValidationError(
            f"{source}: the interaction matrix is empty (no rows); a model needs at least one "
            "(user, item) interaction"
        )
    validate.non_null(data[C.USER], source=source)
    validate.non_null(data[C.ITEM], source=source)
    column = value_column(data)
    if column is None:
        values = np.ones(len(data))
    else:
        raw = validate.numeric(data[column], source=source)
        values = raw.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~(np.isfinite(values) & (values > 0))
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise DataValidationError(
                f"{source}: column `{column}` must hold finite numbers > 0 (implicit "
                f"strengths); {int(bad.sum())} rows fail (first: row {first + 1} value "
                f"{raw.iloc[first]!r})"
            )
    u_codes, users = pd.factorize(data[C.USER], sort=True)
    i_codes, items = pd.factorize(data[C.ITEM], sort=True)
    matrix = sp.csr_matrix((values, (u_codes, i_codes)), shape=(len(users), len(items)))
    matrix.sum_duplicates()
    matrix.sort_indices()
    return Interactions(users=pd.Index(users), items=pd.Index(items), values=matrix)
