"""Cleaning steps for explicit ratings (one row per user, item and rating)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.choices import DUPLICATE_POLICIES
from aftersales.clean._audit import AuditRow, audit_table, keep_rows
from aftersales.errors import ParameterError, UnknownNameError


def check_scale(scale: tuple[float, float]) -> tuple[float, float]:
    """Validate a rating scale ``(low, high)``.

    Parameters
    ----------
    scale : tuple of (float, float)
        Lowest and highest rating allowed.

    Returns
    -------
    tuple of (float, float)
        The scale as floats.

    Raises
    ------
    ParameterError
        If it is not two finite numbers with ``low < high``.
    """
    try:
        low, high = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise ParameterError(f"`scale` must be a pair (low, high); got {scale!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ParameterError(f"`scale` must be finite with low < high; got {scale!r}")
    return low, high


def drop_missing_ids(r: pd.DataFrame) -> tuple[pd.DataFrame, AuditRow]:
    """Drop ratings without a user id or an item id.

    Parameters
    ----------
    r : pandas.DataFrame
        Ratings with ``C.USER`` and ``C.ITEM``.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept ratings (original index) and the audit row.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(r, [C.USER, C.ITEM], source="drop_missing_ids: `r`")
    missing = (r[C.USER].isna() | r[C.ITEM].isna()).to_numpy(dtype=bool)
    return keep_rows(
        r,
        missing,
        step="missing_ids",
        rule=f"`{C.USER}` or `{C.ITEM}` is missing",
        reason="a rating that names no user or no item cannot be used",
    )


def drop_out_of_scale(
    r: pd.DataFrame, *, scale: tuple[float, float] = (1, 5)
) -> tuple[pd.DataFrame, AuditRow]:
    """Drop ratings that are missing or outside the declared scale.

    Parameters
    ----------
    r : pandas.DataFrame
        Ratings with ``C.RATING``.
    scale : tuple of (float, float), default (1, 5)
        Lowest and highest valid rating (both included).

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept ratings and the audit row.

    Raises
    ------
    DataValidationError
        If the column is missing.
    ParameterError
        If ``scale`` is not a valid pair.
    """
    low, high = check_scale(scale)
    validate.require_columns(r, [C.RATING], source="drop_out_of_scale: `r`")
    rating = r[C.RATING].to_numpy(dtype="float64")
    inside = (rating >= low) & (rating <= high)  # NaN compares false: dropped
    return keep_rows(
        r,
        ~inside,
        step="out_of_scale",
        rule=f"`{C.RATING}` missing or outside [{low:g}, {high:g}]",
        reason="values off the declared scale are entry errors or a different scale",
    )


def resolve_duplicates(r: pd.DataFrame, *, policy: str = "latest") -> tuple[pd.DataFrame, AuditRow]:
    """Keep one rating per (user, item) pair.

    The kept row is the latest by ``C.TIMESTAMP`` (missing times count as oldest; ties and
    frames without timestamps fall back to the last row in frame order). With
    ``policy="mean"`` that row's rating is replaced by the mean of the pair's ratings.

    Parameters
    ----------
    r : pandas.DataFrame
        Ratings with ``C.USER``, ``C.ITEM``, ``C.RATING`` and optionally ``C.TIMESTAMP``.
    policy : {"latest", "mean"}, default "latest"
        How repeated pairs are merged.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        One row per pair (index and order of the kept rows) and the audit row, whose
        ``dropped`` counts the rows merged away.

    Raises
    ------
    UnknownNameError
        If ``policy`` is not one of :data:`DUPLICATE_POLICIES`.
    DataValidationError
        If a column is missing.
    """
    if policy not in DUPLICATE_POLICIES:
        raise UnknownNameError(
            f"`duplicates` policy must be one of {list(DUPLICATE_POLICIES)}; got {policy!r}"
        )
    validate.require_columns(r, [C.USER, C.ITEM, C.RATING], source="resolve_duplicates: `r`")
    keys = r[[C.USER, C.ITEM]].reset_index(drop=True)
    if C.TIMESTAMP in r.columns:
        order = (
            r[C.TIMESTAMP].reset_index(drop=True).sort_values(kind="stable", na_position="first")
        )
        keys = keys.loc[order.index]
    latest = ~keys.duplicated(keep="last")
    kept = np.sort(latest.index.to_numpy()[latest.to_numpy()])
    drop = np.ones(len(r), dtype=bool)
    drop[kept] = False
    out, row = keep_rows(
        r,
        drop,
        step="duplicate_pairs",
        rule=f"(`{C.USER}`, `{C.ITEM}`) repeated; kept "
        + ("the latest" if policy == "latest" else "one row with the mean rating"),
        reason="each user rates an item once; repeats would count twice in training",
    )
    if policy == "mean":
        mean = r.groupby([C.USER, C.ITEM], sort=False, dropna=False)[C.RATING].transform("mean")
        out = out.assign(**{C.RATING: mean.to_numpy(dtype="float64")[kept]})
    return out, row


def clean_ratings(
    r: pd.DataFrame, *, scale: tuple[float, float] = (1, 5), duplicates: str = "latest"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every rating cleaning step in order and collect the audit.

    Steps: missing ids, missing or out-of-scale ratings, repeated (user, item) pairs.

    Parameters
    ----------
    r : pandas.DataFrame
        Canonical ratings (``C.USER``, ``C.ITEM``, ``C.RATING``, optional ``C.TIMESTAMP``);
        not modified.
    scale : tuple of (float, float), default (1, 5)
        Declared rating scale, both ends included.
    duplicates : {"latest", "mean"}, default "latest"
        Policy for repeated pairs (see :func:`resolve_duplicates`).

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame)
        Cleaned ratings and the audit table.

    Raises
    ------
    ParameterError
        If ``scale`` is invalid.
    UnknownNameError
        If ``duplicates`` is not a known policy.
    DataValidationError
        If a column is missing.
    """
    check_scale(scale)
    if duplicates not in DUPLICATE_POLICIES:
        raise UnknownNameError(
            f"`duplicates` must be one of {list(DUPLICATE_POLICIES)}; got {duplicates!r}"
        )
    validate.require_columns(r, [C.USER, C.ITEM, C.RATING], source="clean_ratings: `r`")
    frame, first = drop_missing_ids(r)
    frame, second = drop_out_of_scale(frame, scale=scale)
    frame, third = resolve_duplicates(frame, policy=duplicates)
    return frame, audit_table([first, second, third])
