"""Batched top-k ranking, shared by every ranking model: batch sizes and per-row top-k."""

from __future__ import annotations

import numpy as np

from aftersales import validate

BATCH_BYTES = 32 * 2**20
"""Default working memory of one batch of dense float64 scores."""


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


def batch_rows(
    batch_size: int | None, n_cols: int, *, budget: int = BATCH_BYTES, blocks: int = 2
) -> int:
    """Users per batch: ``batch_size`` if given, else as many as fit in ``budget`` bytes.

    Parameters
    ----------
    batch_size : int or None
        Asked-for batch size; None sizes the batch from the budget.
    n_cols : int
        Columns (items) of a dense score block.
    budget : int, default :data:`BATCH_BYTES`
        Bytes the batch may use.
    blocks : int, default 2
        Dense float64 blocks of ``rows x n_cols`` alive at once while a batch is scored.

    Returns
    -------
    int
        Rows per batch, at least 1.

    Raises
    ------
    ParameterError
        If ``batch_size`` is not a positive integer.
    """
    if batch_size is None:
        return max(1, budget // (8 * blocks * max(n_cols, 1)))
    validate.positive_int(batch_size, "batch_size")
    return batch_size
