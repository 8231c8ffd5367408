"""Prepare the data, or check an analyst's source file.

``python -m aftersales.datasets fetch [--all | NAME ...] [--refresh]`` verifies and caches the
registered data sets; ``python -m aftersales.datasets check sources/my-shop.yaml`` validates a
source file, reads its data and prints its profile and what each notebook can do with it,
without running anything; ``python -m aftersales.datasets example`` builds the example
own-data export that ``sources/example-export.yaml`` describes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from aftersales import capabilities
from aftersales import columns as C
from aftersales.datasets import NAMES, fetch, load, read_source, spec
from aftersales.datasets._example import build_example_export, export_path
from aftersales.errors import AftersalesError


def profile(frame: pd.DataFrame, *, kind: str) -> list[tuple[str, str]]:
    """Return the profile lines of a canonical frame: rows, people, items, dates, money.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical transactions or ratings.
    kind : {"transactions", "ratings"}
        What it holds.

    Returns
    -------
    list of (str, str)
        Label and value, in print order.
    """
    who = C.USER if kind == "ratings" else C.CUSTOMER
    lines = [("rows", f"{len(frame):,}")]
    if kind == "campaign":
        sizes = frame[C.TREATMENT].value_counts().sort_index()
        lines.append(("arms", ", ".join(f"{arm} {n:,}" for arm, n in sizes.items())))
    for label, column in (
        ("users" if kind == "ratings" else "customers", who),
        ("items", C.ITEM),
        ("invoices", C.INVOICE),
    ):
        if column in frame and frame[column].notna().any():
            missing = int(frame[column].isna().sum())
            extra = f" ({missing:,} rows without one)" if missing else ""
            lines.append((label, f"{frame[column].nunique(dropna=True):,}{extra}"))
    if C.TIMESTAMP in frame and frame[C.TIMESTAMP].notna().any():
        stamps = frame[C.TIMESTAMP].dropna()
        lines.append(("dates", f"{stamps.min():%Y-%m-%d} to {stamps.max():%Y-%m-%d} (UTC)"))
    else:
        lines.append(("dates", "none"))
    if kind == "transactions":
        present = capabilities.present_columns(frame)
        if C.REVENUE in present:
            money = "revenue column"
        elif capabilities.has_money(present):
            money = "quantity x unit_price"
        else:
            money = "none: monetary analyses are turned off"
        lines.append(("money", money))
    return lines


def build_example(*, refresh: bool = False) -> int:
    """Write ``data/raw/example-export/orders.csv.gz`` from online-retail (unless present).

    Parameters
    ----------
    refresh : bool, default False
        Rebuild the export even when it exists.

    Returns
    -------
    int
        0 on success, 1 when online-retail is not available.
    """
    target = export_path()
    if target.exists() and not refresh:
        print(f"example export: ready at {target}")
        return 0
    started = time.perf_counter()
    try:
        written = build_example_export(load("online-retail"))
    except AftersalesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"example export: written to {written} ({time.perf_counter() - started:.1f} s)")
    return 0


def check(path: Path) -> int:
    """Validate a source file, read its data and print its profile and capabilities.

    Parameters
    ----------
    path : Path
        The source YAML file.

    Returns
    -------
    int
        0 (errors are raised).

    Raises
    ------
    AftersalesError
        If the source or its data is invalid (the message names the problem).
    """
    source = read_source(path)
    frame = load(str(path.resolve()))
    print(f"{path}: {source.kind} from {source.path.name}")
    mapped = ", ".join(f"{k} <- {v}" for k, v in source.columns.items()) or "canonical names"
    print(f"  columns: {mapped}")
    for label, value in profile(frame, kind=source.kind):
        print(f"  {label}: {value}")
    table = capabilities.describe(source.kind, capabilities.present_columns(frame))
    print("notebooks:")
    for row in table.itertuples(index=False):
        print(f"  {row.notebook}  {row.status:<3}  {row.note}".rstrip())
    return 0


def main(argv: list[str] | None = None) -> int:
    """Fetch and verify data sets; print where each came from.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Process exit status: 0 on success, 1 when a data set could not be prepared or a
        source file is invalid.
    """
    parser = argparse.ArgumentParser(prog="python -m aftersales.datasets")
    sub = parser.add_subparsers(dest="command", required=True)
    get = sub.add_parser("fetch", help="verify and cache data sets")
    get.add_argument("names", nargs="*", help=f"data set names: {', '.join(NAMES)}")
    get.add_argument("--all", action="store_true", help="every registered data set")
    get.add_argument("--refresh", action="store_true", help="rebuild caches from raw files")
    test = sub.add_parser("check", help="validate a source file and print its profile")
    test.add_argument("source", type=Path, help="a source YAML file, e.g. sources/my-shop.yaml")
    example = sub.add_parser("example", help="build the example own-data export (make data)")
    example.add_argument("--refresh", action="store_true", help="rebuild it when present")
    args = parser.parse_args(argv)
    if args.command == "example":
        return build_example(refresh=args.refresh)
    if args.command == "check":
        try:
            return check(args.source)
        except AftersalesError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    names = list(NAMES) if args.all else args.names
    if not names:
        parser.error("name at least one data set, or pass --all")
    try:
        for name in names:
            started = time.perf_counter()
            path = fetch(name, refresh=args.refresh)
            print(f"{name}: ready at {path} ({time.perf_counter() - started:.1f} s)")
            print(f"  cite: {spec(name).citation}; licence: {spec(name).licence}")
    except AftersalesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
