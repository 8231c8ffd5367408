"""Top-k selection per row of a dense score matrix, shared by every ranking model."""

from __future__ import annotations

import numpy as np


def top_k(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Top ``k`` finite entries of each row: descending value, equal values by column.

    Parameters
    ----------
    values : numpy.ndarray
        2-D scores; NaN and infinite entries are never selected.
    k : int
        Entries per row, >= 1.

    Returns
    -------
    tuple of numpy.ndarray
        Flat ``(row, column, value, rank)`` in row-then-rank order; ``rank`` counts from 1.
    """
    finite = np.isfinite(values)
    n_cols = values.shape[1]
    candidate = finite
    if k < n_cols:  # a cheap first cut: everything at or above each row's k-th value
        kth = np.partition(np.where(finite, values, -np.inf), n_cols - k, axis=1)[:, n_cols - k]
        candidate = finite & (values >= kth[:, None])
    row, col = np.nonzero(candidate)
    value = values[row, col]
    order = np.lexsort((col, -value, row))
    row, col, value = row[order], col[order], value[order]
    rank = np.arange(row.size) - np.searchsorted(row, row, side="left") + 1
    keep = rank <= k
    return row[keep], col[keep], value[keep], rank[keep]
