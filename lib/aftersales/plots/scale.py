"""Figures of the scale-out measurements (notebook 05.00): time and memory against size."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales import validate
from aftersales.plots._base import labelled_axes, new_figure

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
    figure = new_figure((10.0, 4.0))
    xlabel = "order lines (source, enlarged)"
    time_axes = labelled_axes(
        figure, "Preparation + RFM: wall time", xlabel, "wall time (s)", 1, 2, 1, grid=False
    )
    memory_axes = labelled_axes(
        figure,
        "Preparation + RFM: peak memory (process tree)",
        xlabel,
        "peak memory (MiB)",
        1,
        2,
        2,
        grid=False,
    )
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
    for axes in (time_axes, memory_axes):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.legend(frameon=False)
    return figure
