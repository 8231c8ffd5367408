"""Netting Online Retail's cancellations: the vectorised matcher against a plain loop.

Run as ``.venv/bin/python bench/returns.py [--repeat 3] [--no-memory]``. Times
``clean.net_returns`` on all 541,909 lines (target: under 3 s on 2 cores) and a reference that
walks the lines in time order with one FIFO queue of open purchases per (customer, item),
checks both give the same net quantities and the same (return line, purchase line, units)
pieces, and prints the time and peak-memory ratios. Peak memory comes from a second run of each
path under tracemalloc (which slows pure-Python code, so that run is not timed).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections import defaultdict, deque
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

from aftersales import clean, datasets
from aftersales import columns as C

T = TypeVar("T")


def reference(tx: pd.DataFrame) -> tuple[dict[int, float], list[tuple[int, int, float]]]:
    """Loop over lines in (time, purchases before returns, row) order; FIFO per pair.

    Returns the remaining quantity per purchase row position, and the pieces as (return
    position, purchase position or -1 for the unmatched remainder, units).
    """
    is_ret = clean.ONLINE_RETAIL_MARKER.mask(tx)
    quantity = tx[C.QUANTITY].to_numpy(dtype="float64")
    customer = tx[C.CUSTOMER].to_numpy(dtype=object)
    item = tx[C.ITEM].to_numpy(dtype=object)
    stamps = tx[C.TIMESTAMP].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    order = np.lexsort((np.arange(len(tx)), is_ret, stamps))
    left: dict[int, float] = {}
    queues: dict[tuple, deque[int]] = {}
    pieces: list[tuple[int, int, float]] = []
    for i in order.tolist():
        key = (customer[i], item[i])
        usable = isinstance(key[0], str) and isinstance(key[1], str)
        if not is_ret[i]:
            if quantity[i] > 0 and usable:
                left[i] = quantity[i]
                queues.setdefault(key, deque()).append(i)
            continue
        want = abs(quantity[i])
        queue = queues.get(key) if usable else None
        while want > 0 and queue:
            j = queue[0]
            take = min(want, left[j])
            pieces.append((i, j, take))
            left[j] -= take
            want -= take
            if left[j] <= 0:
                queue.popleft()
        if want > 0:
            pieces.append((i, -1, want))
    return left, pieces


def net_of(tx: pd.DataFrame, netted: clean.Netted) -> dict[int, float]:
    """Return the remaining quantity per purchase row position (0 for lines returned in full)."""
    position = pd.Series(np.arange(len(tx)), index=tx.index)
    bought = ~clean.ONLINE_RETAIL_MARKER.mask(tx) & (tx[C.QUANTITY].to_numpy() > 0)
    usable = tx[C.CUSTOMER].notna().to_numpy() & tx[C.ITEM].notna().to_numpy()
    left = dict.fromkeys(np.flatnonzero(bought & usable).tolist(), 0.0)
    kept = position[netted.lines.index].to_numpy().tolist()
    quantities = netted.lines[C.QUANTITY].to_numpy(dtype="float64").tolist()
    left.update((i, q) for i, q in zip(kept, quantities, strict=True) if i in left)
    return left


def keyed(tx: pd.DataFrame, pieces: list[tuple[int, int, float]]) -> dict[tuple, float]:
    """Sum the reference pieces by (return invoice, original invoice or None, item)."""
    invoice = tx[C.INVOICE].to_numpy(dtype=object)
    item = tx[C.ITEM].to_numpy(dtype=object)
    out: dict[tuple, float] = defaultdict(float)
    for i, j, units in pieces:
        out[(invoice[i], invoice[j] if j >= 0 else None, item[i])] += units
    return dict(out)


def keyed_table(returns: pd.DataFrame) -> dict[tuple, float]:
    """Sum the returns table by (return invoice, original invoice or None, item)."""
    frame = returns.astype({C.INVOICE: object}).assign(
        **{C.INVOICE: returns[C.INVOICE].astype(object).where(returns[C.INVOICE].notna(), None)}
    )
    sums = frame.groupby([C.RETURN_INVOICE, C.INVOICE, C.ITEM], dropna=False)[C.QUANTITY].sum()
    return {(a, None if pd.isna(b) else b, c): float(q) for (a, b, c), q in sums.items()}


def timed(func: Callable[[], T], *, repeat: int, memory: bool) -> tuple[T, float, float | None]:
    """Return the result, the best wall time of ``repeat`` runs and the peak MiB (or None)."""
    best = float("inf")
    result = func()
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (best is shown)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    args = parser.parse_args()
    memory = not args.no_memory

    start = time.perf_counter()
    raw = datasets.load("online-retail")
    print(f"load online-retail: {len(raw):,} lines in {time.perf_counter() - start:.2f} s")

    netted, fast_s, fast_peak = timed(
        lambda: clean.net_returns(raw), repeat=args.repeat, memory=memory
    )
    (left, pieces), slow_s, slow_peak = timed(lambda: reference(raw), repeat=1, memory=memory)
    for label, seconds, peak in (
        ("vectorised clean.net_returns", fast_s, fast_peak),
        ("reference loop, FIFO queue per pair", slow_s, slow_peak),
    ):
        extra = "" if peak is None else f", peak {peak:,.0f} MiB"
        print(f"{label:<40s} {len(raw):>9,} lines {seconds:8.3f} s{extra}")
    verdict = "met" if fast_s < 3 else "MISSED"
    print(f"  -> {len(netted.returns):,} return rows; target < 3 s: {verdict}")

    assert net_of(raw, netted) == left, "net quantities differ from the reference"
    assert keyed_table(netted.returns) == keyed(raw, pieces), "returns differ from the reference"
    print(
        f"  -> same net quantity on all {len(left):,} purchase lines and the same units per "
        f"(return invoice, original invoice, item) as the reference"
    )
    print(f"time, reference / vectorised: {slow_s / fast_s:,.1f}x")
    if memory and fast_peak is not None and slow_peak is not None:
        print(f"peak memory, reference / vectorised: {slow_peak / fast_peak:.2f}x")


if __name__ == "__main__":
    main()
