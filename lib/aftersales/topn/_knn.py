"""Item-kNN's neighbour search in bounded memory: sparse co-occurrence blocks, top k each.

No items x items matrix is ever dense: target items are taken in consecutive blocks
whose co-occurrence rows ``X_i' X`` hold about :data:`_SIMILARITY_BLOCK_ENTRIES`
entries, and each block keeps its ``k`` best neighbours per item.
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp

from aftersales.topk import top_k

_SIMILARITY_BLOCK_ENTRIES = 2_000_000
"""Co-occurrence entries of a block of target items (about 80 MB with the temporaries)."""
_DENSE_SHARE = 8
"""A block of similarities is ranked as dense rows when over 1 / 8 of its entries are set."""
_DENSE_BLOCK_BYTES = 32 * 2**20
"""Bytes of the dense similarity rows ranked at once."""


def item_blocks(by_item: sp.csr_matrix, matrix: sp.csr_matrix) -> list[tuple[int, int]]:
    """Consecutive item ranges whose sparse co-occurrence rows hold about a block's entries.

    Row ``i`` of ``X_i' X`` has at most ``min(n_items, sum_{u has i} n_u)`` entries; ranges
    are cut so that bound adds up to :data:`_SIMILARITY_BLOCK_ENTRIES` (one item at least).

    Parameters
    ----------
    by_item : scipy.sparse.csr_matrix
        Items x users (``X'``).
    matrix : scipy.sparse.csr_matrix
        Users x items (``X``).

    Returns
    -------
    list of tuple of int
        ``(start, stop)`` item ranges covering every item once, in order.
    """
    n_items = matrix.shape[1]
    per_user = np.diff(matrix.indptr).astype(np.float64)
    bound = np.minimum(by_item @ per_user, n_items)
    block = np.floor(np.cumsum(bound) / _SIMILARITY_BLOCK_ENTRIES).astype(np.int64)
    cuts = np.flatnonzero(np.diff(block)) + 1
    edges = [0, *cuts.tolist(), n_items]
    return list(itertools.pairwise(edges))


def neighbours(
    dots: sp.csr_matrix, start: int, norms: np.ndarray, shrinkage: float, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the ``k`` most similar items of each target item of a block.

    ``dots`` holds ``x_i . x_j`` for the block's targets ``i = start + row``; only items
    that share a customer with ``i`` can have ``s_ij > 0``. A dense-enough block is
    ranked as dense rows (at most :data:`_DENSE_BLOCK_BYTES` at a time), a sparse one on
    its non-zeros only. Either way ties go to the smaller item id (as
    :func:`aftersales.topk.top_k`), so both give the same neighbours.

    Parameters
    ----------
    dots : scipy.sparse.csr_matrix
        Block rows of ``X'X`` (targets x all items).
    start : int
        Item id of the block's first target.
    norms : numpy.ndarray
        ``|x_j|`` of every item.
    shrinkage : float
        Added to the denominator of the cosine.
    k : int
        Neighbours kept per target.

    Returns
    -------
    tuple of numpy.ndarray
        ``(neighbor, target, similarity)``.
    """
    n_rows, n_items = dots.shape
    if dots.nnz * _DENSE_SHARE >= n_rows * n_items:
        step = max(1, _DENSE_BLOCK_BYTES // (8 * 2 * n_items))
        parts = []
        for first in range(0, n_rows, step):  # dense rows, bounded
            block = dots[first : first + step].toarray()
            targets = np.arange(first, first + block.shape[0]) + start
            sims = block / (norms[targets, None] * norms[None, :] + shrinkage)
            sims[np.arange(block.shape[0]), targets] = -np.inf  # not itself
            sims[sims <= 0] = -np.inf
            target, neighbor, value, _ = top_k(sims, k)
            parts.append((neighbor, targets[target], value))
        neighbor, target, value = (np.concatenate(p) for p in zip(*parts, strict=True))
        return neighbor, target, value
    dots.sort_indices()  # ascending neighbour within each row: the stable sort keeps it
    target = np.repeat(np.arange(n_rows), np.diff(dots.indptr)) + start
    neighbor = dots.indices.astype(np.int64)
    sims = dots.data / (norms[target] * norms[neighbor] + shrinkage)
    keep = (sims > 0) & (neighbor != target)
    target, neighbor, sims = target[keep], neighbor[keep], sims[keep]
    order = np.lexsort((-sims, target))  # stable: equal similarities by neighbour id
    target, neighbor, sims = target[order], neighbor[order], sims[order]
    rank = np.arange(target.size) - np.searchsorted(target, target, side="left")
    best = rank < k
    return neighbor[best], target[best], sims[best]
