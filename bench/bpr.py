"""BPR on issue #7's reference protocol: which library, which grid (issue #21).

Protocol (``aftersales.topn.reference_protocol``): movielens-100k, all 100,000 ratings,
``item_stratified_split(test_size=0.25, seed=42)``, every training rating an interaction,
k = 10, every test rating relevant, training items left out of the lists. Tuning uses an
item-stratified 0.25 validation split of the TRAINING data only (the split
``topn.tune`` draws for seed 42); the test set scores only the point the validation
picked (NDCG@10, as ``reference_protocol`` does).

Two implementations are searched over the same kind of grid, on the same validation split:

* ``implicit``: ``implicit.cpu.bpr.BayesianPersonalizedRanking`` on one thread, as
  ``topn.BPR`` was fitted before issue #21 (``LegacyBPR`` below). It draws the negative
  item ``j`` from the interactions, i.e. in proportion to its popularity;
* ``cornac``: ``topn.BPR`` (``cornac.models.BPR``, seeded, hence one thread), which draws
  ``j`` uniformly from the catalogue.

For each it prints every grid point's validation NDCG@10 and fit time, then the picked
point refitted on the whole training data with its test precision@10 and NDCG@10, and the
Spearman correlation of the learned item biases with item popularity (a bias that cannot
follow popularity is the signature of popularity-weighted negatives). Target: precision@10
>= 0.38 (the reference workbench publishes 0.389 with cornac's BPR).

Section ``--retail``: online-retail as 02.02 runs it (train before the last month, the
month before it as validation), the grid of ``params/online-retail.yaml`` for both
implementations: seconds of tuning and refit, and the test precision@10 and NDCG@10 (the
report must not get slower).

Section ``--cost``: what BPR adds to 02.02's reference protocol, before and after: the old
grid (``OLD_GRID``, 8 points) with ``implicit`` and the grid of ``topn.REFERENCE_GRIDS``
with cornac, each tuned on the validation split and refitted, in turns (medians of
``--repeats``), so a shared machine's load weighs on both alike.

Run: ``.venv/bin/python bench/bpr.py [--models implicit cornac] [--narrow] [--retail]
[--cost [--repeats 2]]``
(``--narrow`` searches only the grid kept in ``topn.REFERENCE_GRIDS``).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import spearmanr

from aftersales import columns as C
from aftersales import datasets, topn
from aftersales import split as splitters
from aftersales.metrics import ranking_metrics
from aftersales.random import int_seed, rng

SEED = 42
K = 10
TARGET_PRECISION = 0.38

WIDE = {
    "implicit": {
        "factors": [64, 128, 256],
        "learning_rate": [0.01, 0.05],
        "regularization": [0.001, 0.01, 0.05],
        "iterations": [30, 100],
    },
    "cornac": {
        "factors": [64, 128, 256],
        "learning_rate": [0.01, 0.05],
        "regularization": [0.001, 0.01, 0.03],
        "iterations": [100, 200],
    },
}


OLD_GRID = {"factors": [64, 128], "regularization": [0.01, 0.05], "iterations": [30, 50]}
"""``topn.REFERENCE_GRIDS['bpr']`` before issue #21's change (with implicit)."""


class LegacyBPR(topn.BPR):
    """BPR as fitted before issue #21: ``implicit``'s SGD (popularity-weighted negatives)."""

    def __init__(self, *, verify_negative_samples: bool = True, **options: object) -> None:
        super().__init__(**options)
        self.verify_negative_samples = verify_negative_samples

    def _fit(self, matrix: sp.csr_matrix, data: topn.Interactions) -> None:
        from implicit.cpu.bpr import BayesianPersonalizedRanking

        model = BayesianPersonalizedRanking(
            factors=self.factors,
            learning_rate=self.learning_rate,
            regularization=self.regularization,
            iterations=self.iterations,
            num_threads=1,
            verify_negative_samples=self.verify_negative_samples,
            random_state=int_seed(self.seed),
        )
        model.fit(matrix.astype(np.float32), show_progress=False)
        self._users = np.asarray(model.user_factors, dtype=np.float64)
        self._items = np.asarray(model.item_factors, dtype=np.float64)


def build(kind: str, params: dict, seed: int) -> topn.TopNModel:
    return LegacyBPR(**params, seed=seed) if kind == "implicit" else topn.BPR(**params, seed=seed)


def fit_and_score(
    kind: str, params: dict, train: pd.DataFrame, test: pd.DataFrame, seed: int
) -> tuple[topn.TopNModel, float, dict[str, float]]:
    model = build(kind, params, seed)
    start = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - start
    users = pd.Index(test[C.USER].unique()).intersection(pd.Index(model.users_))
    results = ranking_metrics(model.recommend(users, K, unknown_users="skip"), test, ks=K)
    return model, seconds, {m: results[(m, K)].value for m in ("precision", "ndcg")}


def bias_popularity(model: topn.TopNModel, train: pd.DataFrame) -> float:
    counts = train[C.ITEM].value_counts().reindex(model.items_).to_numpy()
    return float(spearmanr(model._items[:, -1], counts).statistic)


def search(kind: str, grid: dict, parts: splitters.Split, train, test, model_seed: int) -> dict:
    keys = list(grid)
    rows = []
    for values in itertools.product(*grid.values()):  # the grid points, one fit each
        params = dict(zip(keys, values, strict=True))
        _, seconds, scores = fit_and_score(kind, params, parts.train, parts.test, model_seed)
        rows.append({**params, "val_ndcg": scores["ndcg"], "fit_s": seconds})
        print(f"  {kind} {params}: validation NDCG@10 {scores['ndcg']:.4f}, {seconds:.1f} s")
    table = pd.DataFrame(rows)
    best = table.loc[table["val_ndcg"].idxmax()]
    params = {key: type(grid[key][0])(best[key]) for key in keys}
    model, seconds, scores = fit_and_score(kind, params, train, test, SEED)
    print(
        f"{kind}: {len(table)} points, {table['fit_s'].sum():.0f} s of validation fits; picked "
        f"{params} (validation NDCG@10 {best['val_ndcg']:.4f}) -> test precision@10 "
        f"{scores['precision']:.4f}, NDCG@10 {scores['ndcg']:.4f}, fit {seconds:.1f} s, "
        f"bias-popularity Spearman {bias_popularity(model, train):.2f}"
    )
    top = table.sort_values("val_ndcg", ascending=False).head(5)
    print(top.round(4).to_string(index=False))
    return {"kind": kind, **params, **scores, "fit_s": seconds}


def retail(kinds: list[str]) -> None:
    import yaml

    from aftersales import params, prepare

    config = yaml.safe_load(open("params/online-retail.yaml"))
    grid = config["topn_grids"]["bpr"]
    checked = params.check("02.02", dataset="online-retail", seed=SEED)
    setting = topn.topn_setting(
        prepare.prepare(checked.preparation()),
        threshold=checked.relevance_threshold,
        test_months=checked.test_months,
        weight=checked.implicit_weight,
        rating_scheme=checked.rating_scheme,
        group=checked.popularity_group,
    )
    validation, train, test = setting.validation, setting.train, setting.test
    print(f"online-retail: {len(train):,} training pairs; grid {grid}")
    for kind in kinds:  # two implementations
        start = time.perf_counter()
        scores = []
        for values in itertools.product(*grid.values()):  # the grid of the params file
            point = dict(zip(grid, values, strict=True))
            scores.append((fit_and_score(kind, point, validation.train, validation.test, 0), point))
        best = max(scores, key=lambda entry: entry[0][2]["ndcg"])[1]
        _, seconds, result = fit_and_score(kind, best, train, test, SEED)
        total = time.perf_counter() - start
        print(
            f"  {kind}: tuning + refit {total:.1f} s (refit {seconds:.1f} s), picked {best} -> "
            f"test precision@10 {result['precision']:.4f}, NDCG@10 {result['ndcg']:.4f}"
        )


def tuning_seconds(kind: str, grid: dict, parts: splitters.Split, train, test, seed: int) -> float:
    """Seconds to fit every grid point on the validation split, pick, refit and rank."""
    start = time.perf_counter()
    scores = []
    for values in itertools.product(*grid.values()):  # the grid points
        point = dict(zip(grid, values, strict=True))
        scores.append((fit_and_score(kind, point, parts.train, parts.test, seed)[2]["ndcg"], point))
    best = max(scores, key=lambda entry: entry[0])[1]
    fit_and_score(kind, best, train, test, SEED)
    return time.perf_counter() - start


def cost(parts: splitters.Split, train, test, model_seed: int, repeats: int) -> None:
    new_grid = {key: list(values) for key, values in topn.REFERENCE_GRIDS["bpr"].items()}
    runs = {"implicit, old grid": ("implicit", OLD_GRID), "cornac, new grid": ("cornac", new_grid)}
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _ in range(repeats):  # before, after, before, after, ...
        for label, (kind, grid) in runs.items():
            times[label].append(tuning_seconds(kind, grid, parts, train, test, model_seed))
    for label, values in times.items():
        runs_text = ", ".join(f"{value:.1f}" for value in values)
        print(f"  {label}: median {statistics.median(values):.1f} s (runs: {runs_text})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["implicit", "cornac"], choices=list(WIDE))
    parser.add_argument("--narrow", action="store_true", help="only topn.REFERENCE_GRIDS['bpr']")
    parser.add_argument("--retail", action="store_true", help="online-retail's grid instead")
    parser.add_argument("--cost", action="store_true", help="tuning seconds, old and new grid")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if args.retail:
        retail(args.models)
        return
    ratings = datasets.load("movielens-100k")
    split = splitters.item_stratified_split(ratings, test_size=0.25, seed=SEED)
    train = topn.implicit_from_ratings(split.train)
    # the validation split and model seed topn.tune draws for seed 42
    split_seed, model_seed = (int(x) for x in rng(SEED).integers(0, 2**31 - 1, size=2))
    parts = splitters.split(train, "item_stratified", test_size=0.25, seed=split_seed)
    if args.cost:
        cost(parts, train, split.test, model_seed, args.repeats)
        return
    picked = []
    for kind in args.models:  # two implementations
        grid = WIDE[kind]
        if args.narrow and kind == "cornac":
            grid = {key: list(values) for key, values in topn.REFERENCE_GRIDS["bpr"].items()}
        picked.append(search(kind, grid, parts, train, split.test, model_seed))
    print("\npicked on validation, scored on the test set:")
    table = pd.DataFrame(picked)
    table["reaches_target"] = table["precision"] >= TARGET_PRECISION
    print(table.round(4).to_string(index=False))


if __name__ == "__main__":
    main()
