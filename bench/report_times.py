"""Where a report run's time goes: seconds per notebook and the slowest cells.

Run as ``.venv/bin/python bench/report_times.py [--reports DIR] [--top N] [--before DIR]``
after ``make reports`` (or any ``python -m aftersales.report`` run). It reads every
``reports/<run>/manifest.json`` and prints

- a table of notebook x run, in seconds, with each run's total (wall seconds, and the
  kernels' CPU seconds, user + system, where the manifests record them);
- the ``N`` slowest code cells of all runs (run, notebook, cell position, seconds, first line);
- with ``--before DIR`` (the report root of the old code), a before/after table per run and
  notebook, and what the total would take on an idle machine with two CPUs.

It measures nothing itself: keep the report folder of the old code and compare. Wall seconds
depend on what else the machine runs; CPU seconds much less, so on a shared machine compare
those. Manifests written before per-cell timings (or CPU seconds) existed show what they hold.
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
        ``(notebooks, cells)``: ``run, notebook, status, seconds, cpu_seconds`` (None
        where the manifest has no CPU seconds) and ``run, notebook, cell, seconds, source``.
    """
    notebook_rows, cell_rows = [], []
    for path in sorted(reports.glob("*/manifest.json")):
        manifest = json.loads(path.read_text())
        run = manifest.get("run", path.parent.name)
        for entry in manifest.get("notebooks", []):
            name = entry["notebook"]
            times = (entry.get("duration_s"), entry.get("cpu_s"))
            notebook_rows.append((run, name, entry["status"], *times))
            for cell in entry.get("cells", []):
                cell_rows.append((run, name, cell["cell"], cell["seconds"], cell["source"]))
    columns = ["run", "notebook", "status", "seconds", "cpu_seconds"]
    notebooks = pd.DataFrame(notebook_rows, columns=columns)
    cells = pd.DataFrame(cell_rows, columns=["run", "notebook", "cell", "seconds", "source"])
    return notebooks, cells


def times_table(notebooks: pd.DataFrame, values: str = "seconds") -> pd.DataFrame:
    """Return seconds per notebook (rows) and run (columns), with a ``total`` row.

    Parameters
    ----------
    notebooks : pandas.DataFrame
        The first frame of :func:`load`.
    values : str, default "seconds"
        ``"seconds"`` (wall) or ``"cpu_seconds"``.

    Returns
    -------
    pandas.DataFrame
        Seconds rounded to 0.1; empty where a run did not execute a notebook.
    """
    frame = notebooks.assign(**{values: pd.to_numeric(notebooks[values])})
    table = frame.pivot_table(
        index="notebook", columns="run", values=values, aggfunc="sum", sort=True
    )
    table.loc["total"] = table.sum()
    return table.round(1)


IDLE_CPUS = 2
"""CPUs of the machine the projection assumes (``make reports`` on two cores)."""


def compare(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Return a before/after table: one row per run and notebook, with a ``total`` row.

    Parameters
    ----------
    before, after : pandas.DataFrame
        First frames of :func:`load` for the old and the new code.

    Returns
    -------
    pandas.DataFrame
        ``run, notebook`` and, for each side, ``seconds`` (wall) and ``cpu`` (CPU seconds,
        or wall where the side recorded none: CPU seconds did not exist before), then
        ``change_%`` (after against before of the CPU columns, in per cent). Two total
        rows: the notebooks both sides ran, and every notebook of either side with the
        ones the new side did not run at their before values (the projection's input).
    """

    def side(frame: pd.DataFrame) -> pd.DataFrame:
        cpu = pd.to_numeric(frame["cpu_seconds"]).fillna(pd.to_numeric(frame["seconds"]))
        return frame.assign(cpu=cpu).set_index(["run", "notebook"])[["seconds", "cpu"]]

    table = side(before).join(side(after), how="outer", suffixes=("_before", "_after"))
    both = table.dropna()
    table.loc[("total", "of the notebooks run in both"), :] = both.sum()
    merged = table["cpu_after"].fillna(table["cpu_before"]).iloc[:-1]
    table.loc[("total", "after, the others at their before"), :] = [
        table["seconds_before"].iloc[:-1].sum(),
        table["cpu_before"].iloc[:-1].sum(),
        None,
        merged.sum(),
    ]
    table["change_%"] = (table["cpu_after"] / table["cpu_before"] - 1) * 100
    return table.round(1).reset_index()


def projected_wall(cpu_seconds: float, *, cpus: int = IDLE_CPUS) -> float:
    """Return the seconds a pool of ``cpus`` kernels needs for ``cpu_seconds`` of notebooks.

    A lower bound reached when the pool keeps every CPU busy until the end (no notebook is
    longer than the rest together), each kernel using one CPU.

    Parameters
    ----------
    cpu_seconds : float
        Sum of the notebooks' CPU seconds.
    cpus : int, default :data:`IDLE_CPUS`
        CPUs of the idle machine.

    Returns
    -------
    float
        Seconds.
    """
    return cpu_seconds / cpus


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
    parse.add_argument("--before", type=Path, help="report root of the old code, to compare")
    args = parse.parse_args(argv)
    reports = args.reports or paths.reports_dir()
    notebooks, cells = load(reports)
    if notebooks.empty:
        print(f"no report runs under {reports}: run `make reports` first")
        return 0
    with pd.option_context("display.width", 160, "display.max_colwidth", 70):
        print(f"seconds per notebook and run ({reports}):")
        print(times_table(notebooks).to_string(na_rep="-"))
        if notebooks["cpu_seconds"].notna().any():
            print("\nCPU seconds (user + system) of each notebook's kernel:")
            print(times_table(notebooks, "cpu_seconds").to_string(na_rep="-"))
        if args.before is not None:
            old, _ = load(args.before)
            table = compare(old, notebooks)
            print(f"\nbefore ({args.before}) and after; cpu = wall where none was recorded:")
            print(table.to_string(index=False, na_rep="-"))
            total = table[table["run"] == "total"].iloc[-1]
            print(
                f"notebook time on an idle {IDLE_CPUS}-CPU machine (pool always busy): "
                f"before >= {projected_wall(total['cpu_before']):.0f} s, "
                f"after >= {projected_wall(total['cpu_after']):.0f} s"
            )
        unfinished = notebooks[notebooks["status"] != "ok"]
        if len(unfinished):
            print(
                "\nnot ok:",
                ", ".join(f"{r.run}/{r.notebook} ({r.status})" for r in unfinished.itertuples()),
            )
        if cells.empty or args.top < 1:
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
