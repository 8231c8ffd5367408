"""02.00's k-NN estimates must not depend on the order of the training ratings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import evaluate

ORDER_ATOL = 1e-9
"""Largest change of a prediction (stars) or of the RMSE allowed when the training rows
are shuffled. Measured on the synthetic set below: at most 1.8e-15 for the
pearson_baseline and pearson models (summation order only). 02.00 shows 4 decimals."""


def _ratings() -> tuple[pd.DataFrame, pd.DataFrame]:
    """80 users x 50 items, ~30 % rated from a rank-3 latent model, 20 % held out."""
    rng = np.random.default_rng(11)
    users, items = rng.normal(size=(80, 3)), rng.normal(size=(50, 3))
    pairs = [(u, i) for u in range(80) for i in range(50) if rng.random() < 0.3]
    noise = rng.normal(0, 0.5, size=len(pairs))
    ratings = [
        float(np.clip(np.round(3 + users[u] @ items[i] + e), 1, 5))
        for (u, i), e in zip(pairs, noise, strict=True)
    ]
    frame = pd.DataFrame(
        {
            C.USER: [f"u{u}" for u, _ in pairs],
            C.ITEM: [f"i{i}" for _, i in pairs],
            C.RATING: ratings,
        }
    )
    held = rng.random(len(frame)) < 0.2
    return frame[~held].reset_index(drop=True), frame[held].reset_index(drop=True)


def _predictions(model: str, basis: str, similarity: str, train, test) -> np.ndarray:
    algo = evaluate.fit_ratings(
        evaluate.knn_model(model, basis=basis, similarity=similarity, k=10, seed=0),
        train,
        scale=(1.0, 5.0),
    )
    pairs = zip(test[C.USER], test[C.ITEM], strict=True)
    return np.array([algo.predict(u, i).est for u, i in pairs])


TIES = pytest.mark.xfail(
    strict=True,
    reason="cosine and msd similarities tie (e.g. 1.0 on one co-rated item); Surprise breaks "
    "ties by list position, so shuffled rows pick other neighbours (up to 0.39 stars here)",
)


@pytest.mark.parametrize(
    ("model", "basis", "similarity"),
    [
        ("KNNWithMeans", "item", "pearson_baseline"),
        ("KNNWithMeans", "user", "pearson_baseline"),
        ("KNNBaseline", "item", "pearson_baseline"),
        ("KNNWithZScore", "item", "pearson"),
        pytest.param("KNNBasic", "user", "cosine", marks=TIES),
        pytest.param("KNNWithMeans", "user", "msd", marks=TIES),
    ],
)
def test_shuffled_training_rows_give_the_same_estimates(model, basis, similarity) -> None:
    train, test = _ratings()
    base = _predictions(model, basis, similarity, train, test)
    truth = test[C.RATING].to_numpy()
    base_rmse = np.sqrt(np.mean((base - truth) ** 2))
    for seed in range(3):
        order = np.random.default_rng(seed).permutation(len(train))
        shuffled = train.iloc[order].reset_index(drop=True)
        moved = _predictions(model, basis, similarity, shuffled, test)
        assert np.abs(moved - base).max() <= ORDER_ATOL
        assert abs(np.sqrt(np.mean((moved - truth) ** 2)) - base_rmse) <= ORDER_ATOL
