"""Figures of the scale-out measurements (notebook 05.00): time and memory against size."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales import validate

_STYLE = {"pandas": ("#d6604d", "o"), "spark": ("#4393c3", "s")}


def scale_curves(table: pd.DataFrame, *, memory_limit_mib: float | None = None) -> Figure:
    """Draw wall time and peak memory against the number of lines, one line per engine.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`aftersales.scale.measure_scales`.
    memory_limit_mib : float, optional
        Drawn as a dashed line on the memory panel.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels on log-log axes; finished runs are joined by lines, a run stopped at the
        memory limit is a cross at the time and memory it had reached.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    needed = (C.ENGINE, C.N_LINES, C.STATUS, C.SECONDS, C.PEAK_MIB)
    validate.require_columns(table, needed, source="scale table")
    figure = Figure(figsize=(10.0, 4.0), layout="constrained")
    time_axes, memory_axes = figure.subplots(1, 2)
    for engine, rows in table.groupby(C.ENGINE, sort=False):
        colour, marker = _STYLE.get(str(engine), ("#333333", "^"))
        done = rows[rows[C.STATUS] == "ok"]
        stopped = rows[(rows[C.STATUS] != "ok") & (rows[C.PEAK_MIB] > 0)]
        for axes, column in ((time_axes, C.SECONDS), (memory_axes, C.PEAK_MIB)):
            axes.plot(done[C.N_LINES], done[column], marker=marker, color=colour, label=engine)
            if len(stopped):
                axes.scatter(
                    stopped[C.N_LINES],
                    stopped[column],
                    marker="x",
                    s=60,
                    color=colour,
                    label=f"{engine} stopped",
                )
    if memory_limit_mib is not None:
        memory_axes.axhline(memory_limit_mib, color="#999999", ls="--", lw=1, label="memory limit")
    for axes, label in ((time_axes, "wall time (s)"), (memory_axes, "peak memory (MiB)")):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("order lines (source, enlarged)")
        axes.set_ylabel(label)
        axes.legend(frameon=False)
    time_axes.set_title("Preparation + RFM: wall time")
    memory_axes.set_title("Preparation + RFM: peak memory (process tree)")
    return figure
