"""Own data at scale: a 1,000,000-line export through preparation and 03.00's library work.

Builds ``data/interim/bench-own/orders.csv`` (git-ignored): online-retail lines repeated (each
repeat's customers and invoices renamed, so they are new customers) to 1,000,000 lines, with
renamed columns, ``dd/mm/yyyy HH:MM`` local times and ``;`` separators, and a source file for
it. Then, each in a fresh child process (peak RSS from ``resource.getrusage``): the baseline,
the same steps on the registered online-retail (541,909 lines), and the own 1M-line file.
Steps: load, clean, interactions and split (``prepare``), RFM and segments, k-means, BG/NBD +
Gamma-Gamma lifetime value. Target for the own file: < 60 s and < 2 GB.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales import datasets, paths
from aftersales.datasets._example import DATE_FORMAT, EXPORT_COLUMNS, TIMEZONE

LINES = 1_000_000

STEPS = """
import json, sys, time
from aftersales import clv, prepare, segment
t0 = time.perf_counter()
prepared = prepare.prepare(dataset=sys.argv[1], cache=False)
t1 = time.perf_counter()
segmented = segment.segment_customers(prepared.cleaned)
clusters = segment.choose_clusters(segmented, n_clusters=0, k_min=2, k_max=8, seed=42)
value = clv.lifetime_value(prepared.cleaned)
t2 = time.perf_counter()
print(json.dumps({"prepare": t1 - t0, "segment_clv": t2 - t1, "customers": len(segmented)}))
"""


def build(folder: Path) -> Path:
    """Write the 1M-line export and its source file; return the source file."""
    folder.mkdir(parents=True, exist_ok=True)
    retail = datasets.load("online-retail")
    copies = []
    for n in range(-(-LINES // len(retail))):
        part = retail.assign(
            **{
                C.CUSTOMER: retail[C.CUSTOMER].where(
                    retail[C.CUSTOMER].isna(), retail[C.CUSTOMER] + f"-{n}"
                ),
                C.INVOICE: retail[C.INVOICE] + f"-{n}",
            }
        )
        copies.append(part)
    frame = pd.concat(copies, ignore_index=True).iloc[:LINES]
    local = frame[C.TIMESTAMP].dt.tz_convert(TIMEZONE).dt.strftime(DATE_FORMAT)
    frame = frame.assign(**{C.TIMESTAMP: local})[list(EXPORT_COLUMNS)].rename(
        columns=EXPORT_COLUMNS
    )
    frame.to_csv(folder / "orders.csv", sep=";", index=False)
    source = folder / "bench-own.yaml"
    mapping = ", ".join(f"{k}: {v}" for k, v in EXPORT_COLUMNS.items())
    source.write_text(
        f"kind: transactions\npath: orders.csv\ndelimiter: ';'\ncolumns: {{{mapping}}}\n"
        f'dates: {{format: "{DATE_FORMAT}", timezone: {TIMEZONE}}}\n'
    )
    return source


def measure(dataset: str) -> dict[str, float]:
    """Run the steps in a child process; return its times and peak RSS (MB)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", STEPS, dataset], check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall": wall, "peak_mb": peak, **json.loads(done.stdout.strip().splitlines()[-1])}


def main() -> None:
    """Build the file, measure baseline then own data, print ratios."""
    t = time.perf_counter()
    source = build(paths.interim_dir() / "bench-own")
    print(f"built {LINES:,}-line export in {time.perf_counter() - t:.1f} s: {source}")
    base = measure("online-retail")
    # RUSAGE_CHILDREN is the maximum over finished children: run the bigger one last.
    own = measure(str(source))
    for name, row in (("online-retail (541,909 lines)", base), (f"own ({LINES:,} lines)", own)):
        print(
            f"{name}: wall {row['wall']:.1f} s (prepare {row['prepare']:.1f} s, segments + CLV "
            f"{row['segment_clv']:.1f} s), peak RSS {row['peak_mb']:,.0f} MB, "
            f"{row['customers']:,} customers"
        )
    print(
        f"ratio own/baseline: wall {own['wall'] / base['wall']:.2f}, "
        f"peak RSS {own['peak_mb'] / base['peak_mb']:.2f}"
    )
    ok = own["wall"] < 60 and own["peak_mb"] < 2048
    print(f"target (< 60 s, < 2 GB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
