"""The top-k neighbour sums of the vectorised k-NN scorer, against heapq.nlargest by hand."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from aftersales.models._knn import _PAD, _top_k_sums


def _by_heapq(sims: np.ndarray, values: np.ndarray, k: int):
    """Surprise's rule per row: heapq.nlargest(k) in list order, then positive entries only."""
    m, rows, _ = sims.shape
    out = np.zeros((m, rows)), np.zeros((m, rows)), np.zeros((m, rows), dtype=np.int64)
    for a in range(m):
        for r in range(rows):
            entries = [(s, j) for j, s in enumerate(sims[a, r]) if s != _PAD]
            top = heapq.nlargest(k, entries, key=lambda e: e[0])  # stable: earlier wins ties
            kept = [(s, j) for s, j in top if s > 0]
            out[0][a, r] = sum(s for s, _ in kept)
            out[1][a, r] = sum(s * values[a, j] for s, j in kept)
            out[2][a, r] = len(kept)
    return out


def test_rows_with_few_positive_entries_keep_them_all():
    # k = 2. Row 0: one positive (0.5) -> kept alone. Row 1: exactly two positives -> both.
    # Row 2: three positives 0.9, 0.4, 0.4 -> 0.9 and the first 0.4 (list order).
    sims = np.array([[[0.5, -0.2, 0.0, _PAD], [0.3, 0.6, -0.1, _PAD], [0.4, 0.9, 0.4, -1.0]]])
    values = np.array([[1.0, 2.0, 3.0, 0.0]])
    sum_sim, sum_d, count = _top_k_sums(sims.transpose(0, 2, 1), values, 2)
    assert count.tolist() == [[1, 2, 2]]
    np.testing.assert_allclose(sum_sim, [[0.5, 0.9, 1.3]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(sum_d, [[0.5, 0.3 + 1.2, 0.9 * 2.0 + 0.4]], rtol=0, atol=1e-15)


@pytest.mark.parametrize("k", [1, 3, 5, 8])
def test_sums_equal_heapq_with_ties_padding_and_negative_entries(k):
    generator = np.random.default_rng(k)
    m, rows, width = 4, 30, 8
    sims = generator.choice([-0.5, -0.1, 0.0, 0.2, 0.2, 0.7, 1.0], size=(m, rows, width))
    sims[:, :, 6:] = np.where(generator.random((m, rows, 2)) < 0.5, _PAD, sims[:, :, 6:])
    sims[:, ::2, 6:] = _PAD  # shorter lists in half of the rows
    values = generator.normal(size=(m, width))
    got = _top_k_sums(np.ascontiguousarray(sims.transpose(0, 2, 1)), values, k)
    expected = _by_heapq(sims, values, k)
    np.testing.assert_array_equal(got[2], expected[2])
    np.testing.assert_allclose(got[0], expected[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got[1], expected[1], rtol=0, atol=1e-12)
