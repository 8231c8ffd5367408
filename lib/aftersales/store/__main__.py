"""Command line of the customer store.

``python -m aftersales.store <store> "SELECT ..." [--csv F | --parquet F]`` opens the store
read-only and prints the result (or writes it: the CRM export for service automation);
``python -m aftersales.store build <run folder>`` (re)builds a run's store. Errors are
printed as one line (DuckDB's own message for a bad query), without a Python traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MAX_ROWS = 50
"""Rows printed; the rest is counted (export with --csv or --parquet to get them all)."""


def parser() -> argparse.ArgumentParser:
    """Return the command line's argument parser.

    Returns
    -------
    argparse.ArgumentParser
        The parser of ``python -m aftersales.store``.
    """
    parse = argparse.ArgumentParser(
        prog="python -m aftersales.store",
        description="Query a run's customer store read-only (or `build RUN_FOLDER` to rebuild it)",
    )
    parse.add_argument("store", help="reports/<run>/ or its store.duckdb; or `build`")
    parse.add_argument("sql", help='one SQL statement, e.g. "SELECT * FROM customer_360"')
    out = parse.add_mutually_exclusive_group()
    out.add_argument("--csv", type=Path, help="write the result to this CSV file")
    out.add_argument("--parquet", type=Path, help="write the result to this Parquet file")
    return parse


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on a named error (printed on stderr).
    """
    args = parser().parse_args(argv)
    from aftersales import locks, store
    from aftersales.errors import AftersalesError

    try:
        if args.store == "build":
            built = store.build_run(Path(args.sql))
            print(f"{built.path}: {sum(built.rows.values()):,} rows in {built.seconds:.2f} s")
            return 0
        with store.connect(args.store) as con:
            result = store.query(con, args.sql)
        target = args.csv or args.parquet
        if target is None:
            if result.empty:
                print(f"(no rows) columns: {', '.join(map(str, result.columns))}")
                return 0
            print(result.head(MAX_ROWS).to_string(index=False, max_colwidth=60))
            if len(result) > MAX_ROWS:
                print(f"... {len(result):,} rows; --csv or --parquet writes them all")
            return 0
        try:
            if args.csv:
                result.to_csv(target, index=False)
            else:
                result.to_parquet(target, index=False)
        except OSError as exc:
            raise locks.write_error(exc, target.parent, target.name) from exc
        print(f"{len(result):,} rows written to {target}")
        return 0
    except AftersalesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
