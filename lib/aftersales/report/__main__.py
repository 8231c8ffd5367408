"""Command line of the report runner (``make reports``, ``make notebooks``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from aftersales import paths
from aftersales.errors import AftersalesError
from aftersales.report import refresh, run, write_index


def main(argv: list[str] | None = None) -> int:
    """Run report(s) from params files, or refresh notebooks in place.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when every run succeeded, 1 otherwise.
    """
    parser = argparse.ArgumentParser(
        prog="python -m aftersales.report",
        description="Run notebooks as parameterised reports: params/<run>.yaml -> reports/<run>/",
    )
    parser.add_argument("files", nargs="+", type=Path, help="params/*.yaml (or notebooks)")
    parser.add_argument("--notebooks", help="comma-separated notebook numbers, e.g. 01.00,02.00")
    parser.add_argument("--reports", type=Path, help="report root (default reports/)")
    parser.add_argument(
        "--in-place", action="store_true", help="re-execute the given notebooks in place"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    args = parser.parse_args(argv)
    progress = not args.no_progress
    if args.in_place:
        for path in args.files:
            began = time.perf_counter()
            refresh(path, progress=progress)
            print(f"{path}: refreshed ({time.perf_counter() - began:.1f} s)")
        return 0
    numbers = args.notebooks.split(",") if args.notebooks else None
    status = 0
    for params_file in args.files:
        try:
            manifest = run(params_file, notebooks=numbers, reports=args.reports, progress=progress)
        except AftersalesError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(f"[{manifest.run}] {manifest.status} in {manifest.duration_s:.1f} s")
        status |= manifest.status != "ok"
    index = write_index(args.reports or paths.reports_dir())
    print(f"index: {index}")
    return status


if __name__ == "__main__":
    sys.exit(main())
