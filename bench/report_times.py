"""Where a report run's time goes: seconds per notebook and the slowest cells.

Run as ``.venv/bin/python bench/report_times.py [--reports DIR] [--top N]`` after
``make reports`` (or any ``python -m aftersales.report`` run). It reads every
``reports/<run>/manifest.json`` and prints

- a table of notebook x run, in seconds, with each run's total;
- the ``N`` slowest code cells of all runs (run, notebook, cell position, seconds, first line).

It measures nothing itself, so it is the same before and after a change: keep the report
folder of the old code (``--reports``) and compare the two tables. Manifests written before
per-cell timings existed show notebook times only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from aftersales import paths


def load(reports: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the notebook and cell timings of every run under ``reports``.

    Parameters
    ----------
    reports : Path
        A report root holding ``<run>/manifest.json`` files.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(notebooks, cells)``: ``run, notebook, status, seconds`` and
        ``run, notebook, cell, seconds, source``.
    """
    notebook_rows, cell_rows = [], []
    for path in sorted(reports.glob("*/manifest.json")):
        manifest = json.loads(path.read_text())
        run = manifest.get("run", path.parent.name)
        for entry in manifest.get("notebooks", []):
            name = entry["notebook"]
            notebook_rows.append((run, name, entry["status"], entry.get("duration_s")))
            for cell in entry.get("cells", []):
                cell_rows.append((run, name, cell["cell"], cell["seconds"], cell["source"]))
    notebooks = pd.DataFrame(notebook_rows, columns=["run", "notebook", "status", "seconds"])
    cells = pd.DataFrame(cell_rows, columns=["run", "notebook", "cell", "seconds", "source"])
    return notebooks, cells


def times_table(notebooks: pd.DataFrame) -> pd.DataFrame:
    """Return seconds per notebook (rows) and run (columns), with a ``total`` row.

    Parameters
    ----------
    notebooks : pandas.DataFrame
        The first frame of :func:`load`.

    Returns
    -------
    pandas.DataFrame
        Seconds rounded to 0.1; empty where a run did not execute a notebook.
    """
    table = notebooks.pivot_table(
        index="notebook", columns="run", values="seconds", aggfunc="sum", sort=True
    )
    table.loc["total"] = table.sum()
    return table.round(1)


def main(argv: list[str] | None = None) -> int:
    """Print the tables.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Always 0 (no reports yet is not an error: the script says so).
    """
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--reports", type=Path, default=None, help="report root (reports/)")
    parse.add_argument("--top", type=int, default=15, help="how many slowest cells to show")
    args = parse.parse_args(argv)
    reports = args.reports or paths.reports_dir()
    notebooks, cells = load(reports)
    if notebooks.empty:
        print(f"no report runs under {reports}: run `make reports` first")
        return 0
    with pd.option_context("display.width", 160, "display.max_colwidth", 70):
        print(f"seconds per notebook and run ({reports}):")
        print(times_table(notebooks).to_string(na_rep="-"))
        unfinished = notebooks[notebooks["status"] != "ok"]
        if len(unfinished):
            print(
                "\nnot ok:",
                ", ".join(f"{r.run}/{r.notebook} ({r.status})" for r in unfinished.itertuples()),
            )
        if cells.empty:
            print("\n(no per-cell timings in these manifests)")
            return 0
        slowest = cells.nlargest(args.top, "seconds")
        share = slowest["seconds"] / notebooks["seconds"].sum()
        slowest = slowest.assign(
            seconds=slowest["seconds"].round(1), share=share.map("{:.0%}".format)
        )
        print(f"\nslowest {len(slowest)} cells (share of all runs' notebook time):")
        print(slowest.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
