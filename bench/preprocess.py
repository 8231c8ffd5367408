"""Preprocessing speed on Online Retail: clean every line, aggregate to customer x item pairs.

Run as ``.venv/bin/python bench/preprocess.py [--sample 5000] [--repeat 3] [--no-memory]``.
Times the vectorised path (``clean.clean_transactions`` then ``interactions.aggregate`` and
``interactions.to_ratings``) on all 541,909 lines (target: under 10 s on 2 cores), and a naive
row-wise baseline (``DataFrame.apply(axis=1)`` filters, a Python set for duplicates and a
``groupby.apply`` aggregation) on a sample of lines, checks both give the same pairs on that
sample, and prints rows per second and the speed ratio. Peak memory comes from a second run of
each path under tracemalloc (which slows pure-Python code, so that run is not timed).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from aftersales import clean, datasets
from aftersales import columns as C
from aftersales import interactions as I

T = TypeVar("T")


def vectorised(tx: pd.DataFrame) -> pd.DataFrame:
    """Clean, reconcile, aggregate and rate: the workbench's path."""
    lines, audit = clean.clean_transactions(tx)
    clean.reconcile(audit)
    return I.to_ratings(I.aggregate(lines), "frequency_quantile")


def naive(tx: pd.DataFrame) -> pd.DataFrame:
    """Row-wise baseline: the same rules written one row at a time."""
    codes = {code.upper() for code in clean.NON_PRODUCT_CODES}

    def is_sale(row: pd.Series) -> bool:
        return (
            isinstance(row[C.CUSTOMER], str)
            and not row[C.INVOICE].upper().startswith("C")
            and row[C.QUANTITY] > 0
            and row[C.UNIT_PRICE] > 0
            and row[C.ITEM].strip().upper() not in codes
        )

    sales = tx[tx.apply(is_sale, axis=1)]
    seen: set[tuple] = set()
    first = []
    for row in sales.itertuples(index=False):
        first.append(tuple(row) not in seen)
        seen.add(tuple(row))
    lines = sales[first]

    def summarise(group: pd.DataFrame) -> pd.Series:
        return pd.Series(
            {
                C.PURCHASE_COUNT: group[C.INVOICE].nunique(),
                C.TOTAL_QUANTITY: group[C.QUANTITY].sum(),
                C.REVENUE: (group[C.QUANTITY] * group[C.UNIT_PRICE]).sum(),
                C.FIRST_PURCHASE: group[C.TIMESTAMP].min(),
                C.LAST_PURCHASE: group[C.TIMESTAMP].max(),
            }
        )

    pairs = lines.groupby([C.CUSTOMER, C.ITEM]).apply(summarise).reset_index()
    pairs = pairs.rename(columns={C.CUSTOMER: C.USER})
    return I.to_ratings(pairs.astype({C.PURCHASE_COUNT: "int64", C.TOTAL_QUANTITY: "int64"}))


def timed(func: Callable[[], T], *, repeat: int, memory: bool) -> tuple[T, float, float | None]:
    """Return the result, the best wall time of ``repeat`` runs and the peak MiB (or None)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    peak = None
    if memory:
        tracemalloc.start()
        func()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, best, peak


def show(label: str, rows: int, seconds: float, peak: float | None) -> None:
    memory = "" if peak is None else f", peak {peak:,.0f} MiB"
    print(f"{label:<44s} {rows:>9,} rows {seconds:8.3f} s {rows / seconds:>12,.0f} rows/s{memory}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=5_000, help="lines for the naive path")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is shown)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args()
    memory = not args.no_memory

    start = time.perf_counter()
    raw = datasets.load("online-retail")
    print(f"load online-retail: {len(raw):,} lines in {time.perf_counter() - start:.2f} s")

    full, full_s, full_peak = timed(lambda: vectorised(raw), repeat=args.repeat, memory=memory)
    show("vectorised clean + aggregate + rate (all)", len(raw), full_s, full_peak)
    verdict = "met" if full_s < 10 else "MISSED"
    print(f"  -> {len(full):,} customer x item pairs; target < 10 s: {verdict}")

    sample = raw.iloc[: args.sample]
    fast, fast_s, fast_peak = timed(lambda: vectorised(sample), repeat=args.repeat, memory=memory)
    slow, slow_s, slow_peak = timed(lambda: naive(sample), repeat=1, memory=memory)
    show("vectorised (sample)", len(sample), fast_s, fast_peak)
    show("naive row-wise + groupby.apply (sample)", len(sample), slow_s, slow_peak)
    pd.testing.assert_frame_equal(
        fast.reset_index(drop=True), slow.reset_index(drop=True), check_dtype=False
    )
    print(f"  -> same {len(fast):,} pairs and ratings from both paths")
    rate_ratio = (len(raw) / full_s) / (len(sample) / slow_s)
    print(f"speed-up on the sample: {slow_s / fast_s:,.0f}x")
    print(f"rows/s, full vectorised over naive sample: {rate_ratio:,.0f}x")
    if memory and fast_peak is not None and slow_peak is not None:
        print(f"peak memory on the sample, naive / vectorised: {slow_peak / fast_peak:.2f}x")


if __name__ == "__main__":
    main()
