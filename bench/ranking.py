"""Rank every user x every unseen item: Surprise's predict loop versus ``recommend``.

Baseline ("the usual approach", Surprise FAQ ``get_top_n``): build the anti-testset of
a user, ``algo.test`` it (one ``predict`` per pair) and sort each user's predictions.
To keep the run bounded, the loop runs on a seeded sample of users and its time and
peak memory are extrapolated linearly to all users (it keeps every prediction, so both
grow with the number of users); the sample's own measurements are printed too.
Ours: ``aftersales.models.recommend(model, all users, k=10)``, measured on all users.
Time with ``time.perf_counter`` (median of repeats), peak memory with ``tracemalloc``
in a separate run. Targets: >= 100x faster for factorisation models and baselines,
>= 20x for the k-NN family, peak memory no more than the loop's.

Then a synthetic MovieLens-1M-sized set (6,040 users x 3,706 items, 1M ratings,
seeded): all-users top-10 for SVD must take < 3 s and < 1 GB peak.

Run: ``.venv/bin/python bench/ranking.py [--sample-users 40] [--skip-1m]``.
"""

from __future__ import annotations

import argparse
import heapq
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from surprise import AlgoBase, Dataset, Reader, Trainset

from aftersales import columns as C
from aftersales.models import make, recommend

TOP_K = 10
SEED = 0
MOVIELENS_FILE = Path("/work/shared/datasets/ml-100k/u.data")

# (label, model name, params, family target ratio). SVDpp is fitted with 5 epochs only
# to bound the bench's fit time; scoring cost does not depend on the number of epochs.
CASES: list[tuple[str, str, dict[str, Any], float | None]] = [
    ("NormalPredictor", "NormalPredictor", {}, None),
    ("BaselineOnly", "BaselineOnly", {}, 100.0),
    ("SVD", "SVD", {}, 100.0),
    ("SVDpp (5 epochs)", "SVDpp", {"n_epochs": 5}, 100.0),
    ("NMF", "NMF", {}, 100.0),
    ("SlopeOne", "SlopeOne", {}, 20.0),
    ("CoClustering", "CoClustering", {}, 100.0),
    ("KNNBasic user msd", "KNNBasic", {}, 20.0),
    ("KNNBasic item msd", "KNNBasic", {"sim_options": {"user_based": False}}, 20.0),
    ("KNNWithMeans user pearson", "KNNWithMeans", {"sim_options": {"name": "pearson"}}, 20.0),
    (
        "KNNWithZScore item cosine",
        "KNNWithZScore",
        {"sim_options": {"name": "cosine", "user_based": False}},
        20.0,
    ),
    (
        "KNNBaseline user pearson_bsl",
        "KNNBaseline",
        {"sim_options": {"name": "pearson_baseline"}},
        20.0,
    ),
]


def load_movielens() -> pd.DataFrame:
    try:
        from aftersales import datasets

        frame = datasets.load("movielens-100k")
        print("data: aftersales.datasets.load('movielens-100k')")
    except Exception as error:  # any failure: read the read-only mirror directly
        print(f"data: {MOVIELENS_FILE} (datasets.load failed: {error})")
        frame = pd.read_csv(MOVIELENS_FILE, sep="\t", names=[C.USER, C.ITEM, C.RATING, "ts"])
    return frame


def trainset_of(ratings: pd.DataFrame) -> Trainset:
    reader = Reader(rating_scale=(1, 5))
    frame = ratings[[C.USER, C.ITEM, C.RATING]]
    return Dataset.load_from_df(frame, reader).build_full_trainset()


def predict_loop_top_n(algo: AlgoBase, users: list[Any]) -> dict[Any, list[tuple[Any, float]]]:
    """Surprise FAQ: anti-testset -> algo.test -> sort each user's predictions."""
    ts = algo.trainset
    fill = ts.global_mean
    testset = []
    for raw_user in users:
        inner = ts.to_inner_uid(raw_user)
        seen = {i for (i, _) in ts.ur[inner]}
        testset += [(raw_user, ts.to_raw_iid(i), fill) for i in ts.all_items() if i not in seen]
    predictions = algo.test(testset)
    by_user: dict[Any, list[tuple[Any, float]]] = {}
    for p in predictions:
        by_user.setdefault(p.uid, []).append((p.iid, p.est))
    return {u: heapq.nlargest(TOP_K, recs, key=lambda t: t[1]) for u, recs in by_user.items()}


def timed(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def mb(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:8.1f}"


def bench_movielens(sample_users: int) -> bool:
    ts = trainset_of(load_movielens())
    all_users = [ts.to_raw_uid(u) for u in range(ts.n_users)]
    chooser = np.random.default_rng(SEED)
    sample = [all_users[i] for i in chooser.choice(ts.n_users, sample_users, replace=False)]
    scale = ts.n_users / sample_users
    print(f"movielens-100k: {ts.n_users} users x {ts.n_items} items, {ts.n_ratings} ratings")
    print(
        f"loop = per-pair predict on {sample_users} sampled users, time and memory "
        f"extrapolated x{scale:.1f} to all users; ours = recommend() on all users, "
        f"top-{TOP_K}"
    )
    header = (
        f"{'model':30s} {'loop s':>8s} {'ours s':>8s} {'speed-up':>9s} {'target':>7s} "
        f"{'loop MB':>8s} {'(sample)':>8s} {'ours MB':>8s} {'mem ratio':>9s}  ok"
    )
    print(header)
    all_ok = True
    for label, name, params, target in CASES:
        algo = make(name, params, seed=SEED).fit(ts)
        recommend(algo, all_users[:1], TOP_K)  # warm the trainset caches (built once)
        loop_s = timed(lambda a=algo: predict_loop_top_n(a, sample), 1) * scale
        loop_peak = peak_bytes(lambda a=algo: predict_loop_top_n(a, sample))
        ours_s = timed(lambda a=algo: recommend(a, None, TOP_K), 3)
        ours_peak = peak_bytes(lambda a=algo: recommend(a, None, TOP_K))
        speed = loop_s / ours_s
        memory = ours_peak / (loop_peak * scale)
        ok = (target is None or speed >= target) and memory <= 1.0
        all_ok &= ok
        print(
            f"{label:30s} {loop_s:8.2f} {ours_s:8.3f} {speed:8.1f}x "
            f"{'' if target is None else f'{target:.0f}x':>7s} {mb(loop_peak * scale)} "
            f"{mb(loop_peak)} {mb(ours_peak)} {memory:9.3f}  {'yes' if ok else 'NO'}",
            flush=True,
        )
    return all_ok


def synthetic_ratings(n_users: int, n_items: int, n_ratings: int, seed: int) -> pd.DataFrame:
    gen = np.random.default_rng(seed)
    # skewed item popularity and user activity, like MovieLens; distinct pairs only
    item_p = gen.pareto(1.2, n_items) + 0.05
    user_p = gen.pareto(1.5, n_users) + 0.05
    pairs = np.empty(0, np.int64)
    while pairs.size < n_ratings:
        u = gen.choice(n_users, 2 * n_ratings, p=user_p / user_p.sum())
        i = gen.choice(n_items, 2 * n_ratings, p=item_p / item_p.sum())
        pairs = np.unique(np.concatenate([pairs, u * n_items + i]))
    pairs = gen.choice(pairs, n_ratings, replace=False)
    return pd.DataFrame(
        {
            C.USER: pairs // n_items,
            C.ITEM: pairs % n_items,
            C.RATING: gen.integers(1, 6, n_ratings).astype(np.float64),
        }
    )


def bench_synthetic_1m() -> bool:
    ratings = synthetic_ratings(6040, 3706, 1_000_000, SEED)
    ts = trainset_of(ratings)
    print(
        f"\nsynthetic ML-1M size: {ts.n_users} users x {ts.n_items} items, "
        f"{ts.n_ratings} ratings (seed {SEED}); SVD defaults (100 factors)"
    )
    start = time.perf_counter()
    algo = make("SVD", {}, seed=SEED).fit(ts)
    print(f"SVD fit {time.perf_counter() - start:.1f} s (not part of the target)")
    cold = timed(lambda: recommend(algo, None, TOP_K), 1)  # builds the trainset arrays
    seconds = timed(lambda: recommend(algo, None, TOP_K), 3)
    peak = peak_bytes(lambda: recommend(algo, None, TOP_K))
    ok = seconds < 3.0 and peak < 2**30
    ok &= cold < 3.0
    print(
        f"all-users top-{TOP_K}: {seconds:.2f} s, first call {cold:.2f} s incl. building the "
        f"trainset arrays (target < 3 s); peak {mb(peak).strip()} MB (target < 1024 MB)  "
        f"{'yes' if ok else 'NO'}"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-users", type=int, default=40)
    parser.add_argument("--skip-1m", action="store_true")
    args = parser.parse_args()
    ok = bench_movielens(args.sample_users)
    if not args.skip_1m:
        ok &= bench_synthetic_1m()
    print("\nall targets met" if ok else "\nSOME TARGETS MISSED")


if __name__ == "__main__":
    main()
