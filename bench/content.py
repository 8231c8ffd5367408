"""Content-based and hybrid models on online-retail: fit + rank every customer, time and memory.

Setting: notebook 02.02's retail split (``aftersales.topn.topn_setting``: the last month of
purchases is the test period), the default content features of the prepared data
(``aftersales.content.content_features(prepared.content)``: TF-IDF of the descriptions and
price quintiles). For each model the script fits on the whole training period and ranks
10 items for every training customer (``recommend(None, 10)``); it prints the median wall
time over repeats (``time.perf_counter``) and the peak traced memory of one fit + rank
(``tracemalloc``, a separate run).

Baseline, in the same run: popularity and item-kNN (the hybrid's collaborative part) under
the same fit + rank; ratios are against item-kNN. Targets (issue #16): ``content`` and
``hybrid`` each fit + rank all customers in < 10 s with a peak < 1 GB.

Run: ``.venv/bin/python bench/content.py [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable

from aftersales import content, models, prepare, topn

SEED = 42
TARGET_SECONDS = 10.0
TARGET_BYTES = 2**30


def timed(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):  # a few repeats: the median resists a busy machine
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    prepared = prepare.prepare(dataset="online-retail")
    setting = topn.topn_setting(prepared)
    start = time.perf_counter()
    features = content.content_features(prepared.content)
    print(f"{features}; built in {time.perf_counter() - start:.2f} s")
    specs = {
        "popularity": ("popularity", {}),
        "itemknn": ("itemknn", {}),
        "content": ("content", {"features": features}),
        "hybrid": ("hybrid", {"features": features, "collaborative": "itemknn"}),
    }
    n_users = setting.train["user_id"].nunique()
    print(f"training: {len(setting.train):,} pairs, {n_users:,} customers; k = 10\n")
    rows = {}
    for label, (name, params) in specs.items():  # four models

        def work(name: str = name, params: dict = params) -> object:
            model = models.make(name, params, seed=SEED).fit(setting.train)
            return model.recommend(None, 10)

        seconds = timed(work, args.repeats)
        rows[label] = (seconds, peak_bytes(work))
    base = rows["itemknn"][0]
    print(f"{'model':<12}{'fit+rank s':>12}{'x itemknn':>11}{'peak MB':>10}  target")
    for label, (seconds, peak) in rows.items():  # four rows
        met = seconds < TARGET_SECONDS and peak < TARGET_BYTES
        flag = ("met" if met else "MISSED") if label in ("content", "hybrid") else ""
        print(f"{label:<12}{seconds:>12.2f}{seconds / base:>11.2f}{peak / 2**20:>10.0f}  {flag}")


if __name__ == "__main__":
    main()
