"""The tidy frames of an experiment, built from its entries."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.evaluate._summary import Entry

PER_USER_COLUMNS: tuple[str, ...] = (C.MODEL, C.FOLD, C.USER, C.METRIC, C.K, C.VALUE)
PER_FOLD_COLUMNS: tuple[str, ...] = (
    C.MODEL,
    C.FOLD,
    C.METRIC,
    C.K,
    C.VALUE,
    C.N_USERS,
    C.N_EXCLUDED,
)
TIMING_COLUMNS: tuple[str, ...] = (C.MODEL, C.FOLD, C.FIT_TIME, C.PREDICT_TIME, C.RANK_TIME)
SUMMARY_COLUMNS: tuple[str, ...] = (C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH)


def entry_frame(entry: Entry) -> pd.DataFrame:
    """Per-user rows of one entry, in the per-user frame's columns."""
    result = entry.result
    n = len(result.per_user)
    return pd.DataFrame(
        {
            C.MODEL: np.repeat(entry.model, n),
            C.FOLD: np.repeat(entry.fold, n),
            C.USER: result.per_user.index.to_numpy(),
            C.METRIC: np.repeat(result.name, n),
            C.K: pd.array(np.repeat(result.k if result.k is not None else pd.NA, n), "Int64"),
            C.VALUE: result.per_user.to_numpy(dtype="float64"),
        }
    )


def per_user_frame(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate entry frames into the per-user frame (typed even when empty)."""
    frames = [frame for frame in frames if len(frame)]
    dtypes = {C.MODEL: "str", C.FOLD: "int64", C.METRIC: "str", C.K: "Int64", C.VALUE: "float64"}
    if not frames:  # e.g. only catalogue coverage was requested
        return pd.DataFrame({name: [] for name in PER_USER_COLUMNS}).astype(dtypes)
    return pd.concat(frames, ignore_index=True).astype(dtypes)


def per_fold_frame(entries: list[Entry]) -> pd.DataFrame:
    """One row per entry: its headline value and user counts."""
    rows = [
        (
            entry.model,
            entry.fold,
            entry.result.name,
            entry.result.k,
            entry.result.value,
            entry.result.n_users,
            entry.result.n_excluded,
        )
        for entry in entries
    ]
    frame = pd.DataFrame(rows, columns=list(PER_FOLD_COLUMNS))
    return frame.astype({C.K: "Int64"})


def same_k(column: pd.Series, k: object) -> pd.Series:
    """Return where ``column`` equals ``k``, a missing ``k`` matching missing values.

    Rating metrics have no list length, so their ``C.K`` is missing; this selects them
    with ``k=None`` (or NaN) and list metrics with their length.
    """
    if pd.isna(k):
        return column.isna()
    return (column == k).fillna(False).astype(bool)
