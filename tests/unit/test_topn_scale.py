"""Tests of the top-N models at the hardware limit: EASE's routes and memory budget, sparse kNN."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from aftersales import columns as C
from aftersales import topn
from aftersales.errors import MemoryBudgetError, ParameterError
from aftersales.topn import _ease, _knn, _memory

# The 4 x 5 matrix of test_topn.py (4 users < 5 items: Woodbury); its transpose has 5 users
# and 4 items (Cholesky).
X = np.array(
    [
        [1, 1, 0, 0, 1],
        [1, 0, 1, 0, 0],
        [0, 1, 1, 1, 0],
        [1, 1, 0, 1, 1],
    ],
    dtype=float,
)


def frame_of(x):
    users, items = np.nonzero(x)
    return pd.DataFrame({C.USER: users, C.ITEM: items})


def ease_by_ridge(x, lam):
    """B[:, j]: ridge regression of item j on the other items (the definition, column by column)."""
    n = x.shape[1]
    weights = np.zeros((n, n))
    for j in range(n):  # a handful of items
        others = np.delete(np.arange(n), j)
        xo = x[:, others]
        weights[others, j] = np.linalg.solve(xo.T @ xo + lam * np.eye(n - 1), xo.T @ x[:, j])
    return weights


@pytest.mark.parametrize(("x", "route"), [(X, "woodbury"), (X.T, "cholesky")])
def test_ease_route_by_shape_matches_the_definition(x, route):
    model = topn.EASE(regularization=1.5).fit(frame_of(x))
    assert model.route_ == route
    np.testing.assert_allclose(model._weights, ease_by_ridge(x, 1.5), atol=1e-12)


def test_both_routes_agree_on_tall_and_wide_matrices():
    generator = np.random.default_rng(3)
    for shape in [(40, 12), (12, 40)]:  # tall: Cholesky's shape; wide: Woodbury's
        dense = (generator.random(shape) < 0.3).astype(float)
        dense[0] = 1.0  # every item used
        matrix = sp.csr_matrix(dense)
        expected = ease_by_ridge(dense, 4.0)
        for route in _ease.ROUTES:
            weights = _ease.ease_weights(matrix, 4.0, route)
            np.testing.assert_allclose(weights, expected, atol=1e-12)


def test_ease_route_unknown_is_named():
    with pytest.raises(ParameterError, match="cholesky, woodbury"):
        _ease.ease_weights(sp.csr_matrix(X), 1.0, "inverse")


def test_ease_memory_estimate_by_hand():
    # Items' user counts in X: 3, 3, 2, 2, 2 -> sum of squares 30.
    # Woodbury (4 users, 5 items): X X' has at most min(4^2, 30) = 16 entries:
    #   8 * (5^2 + 4*5 + 4^2) + 12 * 16 = 488 + 192 = 680 bytes.
    # Cholesky on X' (5 users, 4 items): its users' counts are 3, 3, 2, 2, 2 -> X'X at most
    #   min(4^2, 30) = 16 entries: 2 * 8 * 4^2 + 12 * 16 = 256 + 192 = 448 bytes.
    assert _memory.ease_estimate(sp.csr_matrix(X)) == ("woodbury", 680)
    assert _memory.ease_estimate(sp.csr_matrix(X.T)) == ("cholesky", 448)
    model = topn.EASE(regularization=1.0, memory_budget=448).fit(frame_of(X.T))
    assert model.memory_estimate_ == 448


def test_ease_refuses_over_budget_with_estimate_and_alternatives():
    with pytest.raises(MemoryBudgetError) as caught:
        topn.EASE(regularization=1.0, memory_budget=447).fit(frame_of(X.T))
    message = str(caught.value)
    for needle in ("5 users x 4 items", "cholesky", "memory_budget", "'itemknn'", "'als'"):
        assert needle in message
    assert isinstance(caught.value, MemoryError)


def test_default_budget_is_half_the_machine():
    assert _memory.budget_bytes(None) == pytest.approx(0.5 * _memory.machine_memory())
    assert _memory.budget_bytes(1e9) == 1e9


@pytest.mark.parametrize("bad", [0, -1.0, True, "1GB", float("inf"), float("nan")])
def test_memory_budget_must_be_positive_bytes(bad):
    with pytest.raises(ParameterError, match="memory_budget"):
        topn.EASE(memory_budget=bad)


def random_frame(seed, n_users, n_items, density):
    generator = np.random.default_rng(seed)
    mask = generator.random((n_users, n_items)) < density
    mask[np.arange(n_users), np.arange(n_users) % n_items] = True
    mask[np.arange(n_items) % n_users, np.arange(n_items)] = True  # every item used
    return frame_of(mask.astype(float))


def knn_weights(frame, monkeypatch, **settings):
    with monkeypatch.context() as patch:
        for name, value in settings.items():  # module constants of the fit
            patch.setattr(_knn, name, value)
        return topn.ItemKNN(neighbors=5, shrinkage=2.0).fit(frame)._weights.toarray()


@pytest.mark.parametrize("density", [0.05, 0.4])
def test_itemknn_sparse_and_dense_ranking_and_blocks_agree(monkeypatch, density):
    # Binary data has many equal similarities: both paths must break ties the same way.
    frame = random_frame(5, 60, 45, density)
    dense = knn_weights(frame, monkeypatch, _DENSE_SHARE=10**9)
    sparse = knn_weights(frame, monkeypatch, _DENSE_SHARE=0)
    small_blocks = knn_weights(frame, monkeypatch, _DENSE_SHARE=0, _SIMILARITY_BLOCK_ENTRIES=7)
    dense_rows = knn_weights(frame, monkeypatch, _DENSE_SHARE=10**9, _DENSE_BLOCK_BYTES=1)
    np.testing.assert_array_equal(sparse, dense)
    np.testing.assert_array_equal(small_blocks, dense)
    np.testing.assert_array_equal(dense_rows, dense)
    assert ((dense > 0).sum(axis=0) <= 5).all()  # at most k neighbours per target item


def test_itemknn_blocks_cover_every_item_once():
    matrix = sp.csr_matrix((np.random.default_rng(1).random((30, 25)) < 0.3).astype(float))
    blocks = _knn.item_blocks(matrix.T.tocsr(), matrix)
    assert blocks[0][0] == 0 and blocks[-1][1] == 25
    assert all(a[1] == b[0] for a, b in itertools.pairwise(blocks))
