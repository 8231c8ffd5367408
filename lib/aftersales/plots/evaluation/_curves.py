"""Figures for comparing models: curves, bars with intervals, trade-offs and heatmaps.

Every function takes a tidy frame (one row per point or bar) and the names of its
columns, and returns a ``matplotlib.figure.Figure`` built with the object API, so the
notebooks of the 02 and 04 series draw sweeps, validation curves, comparison tables and
metric@k curves the same way. Labels come from the caller: give units in them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from aftersales.errors import DataValidationError
from aftersales.plots._base import labelled_axes, new_figure

SIZE = (7.5, 4.2)


def _require(frame: pd.DataFrame, columns: Sequence[str | None], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        kind = type(frame).__name__
        raise DataValidationError(f"{what}: expected a pandas DataFrame; got {kind}")
    missing = [column for column in columns if column is not None and column not in frame]
    if missing:
        raise DataValidationError(
            f"{what}: column(s) {missing} missing; the frame has {list(frame.columns)}"
        )
    if frame.empty:
        raise DataValidationError(f"{what}: the frame is empty; nothing to draw")


def _groups(frame: pd.DataFrame, hue: str | None) -> list[tuple[str | None, pd.DataFrame]]:
    if hue is None:
        return [(None, frame)]
    return [(str(key), part) for key, part in frame.groupby(hue, sort=False, observed=True)]


def _errors(part: pd.DataFrame, value: str, low: str | None, high: str | None) -> np.ndarray | None:
    """Asymmetric error-bar lengths ``[value - low, high - value]``, or None."""
    if low is None or high is None:
        return None
    centre = part[value].to_numpy(dtype=float)
    below = np.clip(centre - part[low].to_numpy(dtype=float), 0, None)
    above = np.clip(part[high].to_numpy(dtype=float) - centre, 0, None)
    return np.vstack([below, above])


def curves(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    low: str | None = None,
    high: str | None = None,
    title: str,
    xlabel: str,
    ylabel: str,
    log_x: bool = False,
) -> Figure:
    """Draw one line with markers per ``hue`` value, ``y`` against ``x``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per point.
    x, y : str
        Columns of the horizontal and vertical values; points are joined in ``x`` order.
    hue : str, optional
        Column whose values name the lines (first-appearance order); one line without it.
    low, high : str, optional
        Columns bounding a shaded band around each line (e.g. a confidence interval).
    title, xlabel, ylabel : str
        Title and axis labels.
    log_x : bool, default False
        Logarithmic horizontal axis.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with a legend when ``hue`` is given.

    Raises
    ------
    DataValidationError
        If a named column is missing or the frame is empty.
    """
    _require(frame, [x, y, hue, low, high], "curves")
    figure = new_figure(SIZE)
    axes = labelled_axes(figure, title, xlabel, ylabel)
    for name, part in _groups(frame, hue):  # one line per model or metric
        part = part.sort_values(x)
        (line,) = axes.plot(part[x], part[y], marker="o", markersize=4, label=name)
        if low is not None and high is not None:
            axes.fill_between(
                part[x], part[low], part[high], color=line.get_color(), alpha=0.15, linewidth=0
            )
    if log_x:
        axes.set_xscale("log")
    if hue is not None:
        axes.legend(title=hue, fontsize="small")
    return figure


def bars_ci(
    frame: pd.DataFrame,
    *,
    label: str,
    value: str,
    low: str | None = None,
    high: str | None = None,
    hue: str | None = None,
    title: str,
    xlabel: str,
    ylabel: str,
    horizontal: bool = True,
) -> Figure:
    """Draw bars with error bars, grouped by ``hue`` when given.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per bar.
    label : str
        Column naming the bars (or the groups of bars, with ``hue``), in first-appearance
        order; with ``horizontal`` the first is drawn on top.
    value : str
        Column of the bar lengths.
    low, high : str, optional
        Columns of the interval drawn as an error bar.
    hue : str, optional
        Column splitting each label into side-by-side bars (e.g. one per model).
    title, xlabel, ylabel : str
        Title and axis labels; ``xlabel`` names the horizontal axis as drawn.
    horizontal : bool, default True
        Horizontal bars (long labels).

    Returns
    -------
    matplotlib.figure.Figure
        The chart.

    Raises
    ------
    DataValidationError
        If a named column is missing or the frame is empty.
    """
    _require(frame, [label, value, low, high, hue], "bars_ci")
    labels = list(dict.fromkeys(frame[label].astype(str)))
    height = max(SIZE[1], 0.35 * len(labels) * (1 if hue is None else 1.6) + 1.2)
    figure = new_figure((SIZE[0], height if horizontal else SIZE[1]))
    axes = labelled_axes(figure, title, xlabel, ylabel)
    positions = np.arange(len(labels), dtype=float)
    groups = _groups(frame, hue)
    width = 0.8 / len(groups)
    for number, (name, part) in enumerate(groups):  # one bar series per hue value
        where = positions[[labels.index(str(v)) for v in part[label]]]
        where = where + (number - (len(groups) - 1) / 2) * width
        errors = _errors(part, value, low, high)
        draw = axes.barh if horizontal else axes.bar
        options = {"xerr": errors} if horizontal else {"yerr": errors}
        draw(where, part[value].to_numpy(dtype=float), width, label=name, capsize=3, **options)
    if horizontal:
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
    else:
        axes.set_xticks(positions, labels)
        if len(labels) > 6:
            axes.tick_params(axis="x", labelrotation=45)
    if hue is not None:
        axes.legend(title=hue, fontsize="small")
    return figure


def tradeoff(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    label: str,
    title: str,
    xlabel: str,
    ylabel: str,
    log_x: bool = True,
    plain_ticks: bool = False,
) -> Figure:
    """Scatter ``y`` against ``x`` with each point labelled: the one trade-off chart.

    Accuracy against training or ranking time (02.01, 02.02, 04.00), coverage against
    novelty (02.02): the caller picks the columns and names the axes; the frames come from
    the domain packages (e.g. :func:`aftersales.evaluate.accuracy_and_time`,
    :func:`aftersales.evaluate.metric_and_time`).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per model.
    x, y : str
        Columns of the coordinates (``x`` positive when ``log_x``).
    label : str
        Column of the text written next to each point.
    title, xlabel, ylabel : str
        Title and axis labels.
    log_x : bool, default True
        Logarithmic horizontal axis (times span orders of magnitude).
    plain_ticks : bool, default False
        With ``log_x``, mark the axis at 1, 2 and 5 times each power of ten written as plain
        numbers (``0.2``, ``5``) instead of powers of ten, minor ticks unlabelled.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.

    Raises
    ------
    DataValidationError
        If a named column is missing, the frame is empty, or ``log_x`` meets an ``x`` <= 0.
    """
    _require(frame, [x, y, label], "tradeoff")
    xs = frame[x].to_numpy(dtype=float)
    if log_x and (xs <= 0).any():
        raise DataValidationError(
            f"tradeoff: column {x!r} must be > 0 on a logarithmic axis; got {xs.min()}"
        )
    figure = new_figure(SIZE)
    axes = labelled_axes(figure, title, xlabel, ylabel)
    axes.scatter(xs, frame[y].to_numpy(dtype=float), color="tab:blue", zorder=3)
    for text, xv, yv in zip(frame[label].astype(str), xs, frame[y], strict=True):
        axes.annotate(text, (xv, yv), xytext=(4, 4), textcoords="offset points", fontsize=8)
    if log_x:
        axes.set_xscale("log")
    axes.margins(x=0.15, y=0.12)
    if log_x and plain_ticks:
        axis = axes.xaxis
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axis.set_minor_formatter(NullFormatter())  # "3x10^-1" minor labels overlap
    return figure


def heatmap(
    table: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, fmt: str = "{:.3f}"
) -> Figure:
    """Draw a pivot table as a heatmap with the values written in the cells.

    Parameters
    ----------
    table : pandas.DataFrame
        Numeric values; its index labels the rows, its columns the columns.
    title, xlabel, ylabel : str
        Title and axis labels (``xlabel`` describes the columns).
    fmt : str, default "{:.3f}"
        Format of the cell text; missing values are left blank.

    Returns
    -------
    matplotlib.figure.Figure
        The chart, with a colour bar.

    Raises
    ------
    DataValidationError
        If the table is empty or not numeric.
    """
    _require(table, [], "heatmap")
    try:
        values = table.to_numpy(dtype=float)
    except (TypeError, ValueError) as error:
        raise DataValidationError(f"heatmap: the table must be numeric; {error}") from None
    figure = new_figure(SIZE)
    axes = labelled_axes(figure, title, xlabel, ylabel, grid=False)
    image = axes.imshow(values, cmap="viridis", aspect="auto")
    axes.set_xticks(np.arange(values.shape[1]), [str(c) for c in table.columns])
    axes.set_yticks(np.arange(values.shape[0]), [str(i) for i in table.index])
    finite = values[np.isfinite(values)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    rows, cols = np.nonzero(np.isfinite(values))
    for row, col in zip(rows, cols, strict=True):  # one label per cell of a small grid
        colour = "black" if values[row, col] > middle else "white"
        axes.text(col, row, fmt.format(values[row, col]), ha="center", va="center", color=colour)
    figure.colorbar(image, ax=axes)
    return figure


__all__ = ["bars_ci", "curves", "heatmap", "tradeoff"]
