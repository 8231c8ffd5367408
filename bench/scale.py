"""Preparation + RFM on pandas and on Spark at 1x, 10x and 50x online-retail (issue #18).

Online Retail's 541,909 lines are enlarged N times (``aftersales.scale.enlarge``: new
customer and invoice ids per copy, dates and quantities jittered per customer with a seed,
the same item catalogue), written as Parquet, and each engine runs preparation + RFM on
each size in a child process (``python -m aftersales.scale.run``): read, clean with
returns netted, aggregate customer x item pairs, RFM scores and segments. Wall time is the
child's own; peak memory is the largest resident memory of the child and every process it
starts (Spark's JVM included), sampled with psutil. A run whose tree passes
``--memory-limit-mib`` (default 8 GiB, the same for both engines; Spark's tree needs about
7 GiB at 50x) is killed and recorded as stopped by memory, and that engine is not run at
larger sizes. Spark runs on ``local[2]`` with ``--driver-memory`` (default 6g: with 2g, 50x ends in
Spark's out-of-memory error, which the workload reports as EngineMemoryError naming the
driver memory). Both engines
must report the same kept lines, pairs and customers at each size they both finish.

Prints the table as it goes, then the ratios (Spark / pandas) where both finished, and
writes ``scale_out.csv`` under ``--out`` (default ``reports/scale-out/``). With
``--notebook`` the measurement is run by notebook 05.00 as a report instead (``python -m
aftersales.report``: the executed notebook, its HTML, figure, table and manifest land in
``--out``), so the report carries the curves.

The machine is shared: timings move with the load of other processes; run the 50x size
once, when the machine is quiet, and say how loaded it was (``uptime`` is printed).

Run: ``.venv/bin/python bench/scale.py [--scales 1 10 50] [--engines pandas spark]
[--memory-limit-mib 8192] [--driver-memory 6g] [--notebook]``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales import datasets, paths, scale


def _print_row(row: dict) -> None:
    print(
        f"  {row[C.SCALE]:>6g}x {row[C.ENGINE]:<7} {row[C.N_LINES]:>12,} lines  "
        f"{row[C.STATUS]:<8} {row[C.SECONDS]:>8.1f} s  {row[C.PEAK_MIB]:>8.0f} MiB",
        flush=True,
    )


def _by_notebook(args: argparse.Namespace, out: Path) -> None:
    """Run notebook 05.00 as the report ``out.name`` under ``out.parent`` (HTML, manifest)."""
    import subprocess
    import sys
    import tempfile

    import yaml

    values = {
        "dataset": "online-retail",
        "notebooks": ["05.00"],
        "scales": args.scales,
        "engines": args.engines,
        "memory_limit_mib": args.memory_limit_mib,
        "spark_driver_memory": args.driver_memory,
        "timeout_s": args.timeout,
        "seed": args.seed,
    }
    with tempfile.TemporaryDirectory() as folder:
        params_file = Path(folder) / f"{out.name}.yaml"
        params_file.write_text(yaml.safe_dump(values), encoding="utf-8")
        command = [sys.executable, "-m", "aftersales.report", "--jobs", "1"]
        command += ["--reports", str(out.parent), str(params_file)]
        subprocess.run(command, check=True)
    table = pd.read_csv(out / "tables" / "scale_out.csv")
    print(table.round(1).to_string(index=False))
    print(scale.ratios(table).round(2).to_string())


def main() -> None:
    """Measure, print and write the scale-out table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0, 50.0])
    parser.add_argument("--engines", nargs="+", default=list(scale.ENGINES))
    parser.add_argument("--memory-limit-mib", type=float, default=8192.0)
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=paths.reports_dir() / "scale-out")
    parser.add_argument("--notebook", action="store_true", help="measure through notebook 05.00")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    print(
        f"load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs"
    )
    if args.notebook:
        _by_notebook(args, args.out)
        return
    lines = datasets.load("online-retail")
    print(f"scales {args.scales}, engines {args.engines}, limit {args.memory_limit_mib:g} MiB")
    table = scale.measure_scales(
        lines,
        args.scales,
        seed=args.seed,
        engines=args.engines,
        memory_limit_mib=args.memory_limit_mib,
        timeout=args.timeout,
        driver_memory=args.driver_memory,
        on_result=_print_row,
    )
    print()
    print(table.round(1).to_string(index=False))
    ratios = scale.ratios(table)
    print("\nSpark / pandas where both finished:")
    print(ratios.round(2).to_string() if len(ratios) else "  (no size finished by both)")
    path = args.out / "scale_out.csv"
    table.to_csv(path, index=False)
    load = os.getloadavg()
    print(f"\nwritten {path}; load average after: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
