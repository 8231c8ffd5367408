"""``python -m aftersales.datasets fetch [--all | NAME ...] [--refresh]``: prepare the data."""

from __future__ import annotations

import argparse
import sys
import time

from aftersales.datasets import NAMES, fetch, spec
from aftersales.errors import AftersalesError


def main(argv: list[str] | None = None) -> int:
    """Fetch and verify data sets; print where each came from.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Process exit status: 0 on success, 1 when a data set could not be prepared.
    """
    parser = argparse.ArgumentParser(prog="python -m aftersales.datasets")
    sub = parser.add_subparsers(dest="command", required=True)
    get = sub.add_parser("fetch", help="verify and cache data sets")
    get.add_argument("names", nargs="*", help=f"data set names: {', '.join(NAMES)}")
    get.add_argument("--all", action="store_true", help="every registered data set")
    get.add_argument("--refresh", action="store_true", help="rebuild caches from raw files")
    args = parser.parse_args(argv)
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
