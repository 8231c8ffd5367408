"""Exact top-k per row of a score matrix, with a deterministic tie order."""

from __future__ import annotations

import numpy as np


def top_k(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the top ``k`` finite entries of every row.

    Entries are ordered by descending value, then ascending column; ``-inf`` marks
    entries that must not be returned. Ties at the k-th value are cut by column.

    Parameters
    ----------
    values : numpy.ndarray
        Scores, shape ``(n_rows, n_cols)``.
    k : int
        Entries per row, >= 1.

    Returns
    -------
    tuple of numpy.ndarray
        Flat ``(row, column, value, rank)`` arrays in row-then-rank order, rank from 1.
    """
    n_cols = values.shape[1]
    lowest = np.finfo(np.float64).min  # -inf marks excluded items
    if k < n_cols:
        kth = np.partition(values, n_cols - k, axis=1)[:, n_cols - k, None]
        level = np.maximum(kth, lowest)
    else:
        level = np.full((values.shape[0], 1), lowest)
    keep = values >= level
    clash = np.count_nonzero(keep, axis=1) > k  # ties at the k-th value overflow k
    if clash.any():
        sub, cut = values[clash], level[clash]
        tied = sub == cut
        room = k - np.count_nonzero(sub > cut, axis=1)[:, None]
        keep[clash] = (sub > cut) | (tied & (np.cumsum(tied, axis=1) <= room))
    row, col = np.nonzero(keep)
    score = values[row, col]
    order = np.lexsort((col, -score, row))
    row, col, score = row[order], col[order], score[order]
    starts = np.searchsorted(row, row, side="left")
    rank = np.arange(row.size) - starts + 1
    return row, col, score, rank
