"""Figures of the top-N notebook (02.02) that :mod:`aftersales.plots.evaluation` does not draw."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales.errors import DataValidationError
from aftersales.plots._base import label_axes, new_figure

_CURVE_COLUMNS = (C.METRIC, C.K, C.VALUE, C.FIT_TIME, C.BEST)


def validation_curves(
    curves: Mapping[str, pd.DataFrame], *, metric: str = "ndcg", k: int = 10
) -> Figure:
    """Draw each tuned model's validation metric against its first grid parameter.

    One panel per model. The horizontal axis is the grid's first parameter (logarithmic
    when its values are positive numbers spanning a factor of 10 or more); a second grid
    parameter gives one line per value; further parameters are averaged over. Up to eight
    grid values are written as tick labels. The chosen grid point is circled.

    Parameters
    ----------
    curves : mapping of str to pandas.DataFrame
        Model label -> the curve of :func:`aftersales.topn.tune` (grid parameter columns,
        then ``C.METRIC, C.K, C.VALUE, C.FIT_TIME, C.BEST``).
    metric : str, default "ndcg"
        The validation metric drawn.
    k : int, default 10
        Its list length.

    Returns
    -------
    matplotlib.figure.Figure
        The panels, titled by model.

    Raises
    ------
    DataValidationError
        If ``curves`` is empty, or a curve lacks a column or the metric at ``k``.
    """
    if not curves:
        raise DataValidationError("validation_curves: no curve to draw (nothing was tuned)")
    figure = new_figure((3.6 * len(curves), 3.6))
    panels = figure.subplots(1, len(curves), squeeze=False, sharey=True)[0]
    figure.suptitle(f"Validation {metric}@{k} over each model's grid (validation split of train)")
    ylabel = f"{metric}@{k} on the validation split"
    for number, (model, curve) in enumerate(curves.items()):  # a few models
        axes = panels[number]
        missing = [c for c in _CURVE_COLUMNS if c not in curve.columns]
        if missing:
            raise DataValidationError(f"validation_curves: curve {model!r} lacks {missing}")
        rows = curve[(curve[C.METRIC] == metric) & (curve[C.K] == k)]
        if rows.empty:
            raise DataValidationError(f"validation_curves: curve {model!r} has no {metric}@{k}")
        keys = [c for c in curve.columns if c not in _CURVE_COLUMNS]
        x, hue = keys[0], (keys[1] if len(keys) > 1 else None)
        groups = [(None, rows)] if hue is None else list(rows.groupby(hue, sort=True))
        for value, part in groups:  # one line per value of the second parameter
            points = part.groupby(x, sort=True)[C.VALUE].mean()
            name = None if hue is None else f"{hue}={value}"
            axes.plot(points.index, points.to_numpy(), marker="o", markersize=4, label=name)
        best = rows[rows[C.BEST]]
        axes.scatter(best[x], best[C.VALUE], s=120, facecolors="none", edgecolors="black", zorder=3)
        xs = pd.to_numeric(rows[x], errors="coerce").to_numpy(dtype=float)
        if np.all(xs > 0) and xs.max() / xs.min() >= 10:
            axes.set_xscale("log")
        values = np.unique(xs[np.isfinite(xs)])
        if 0 < len(values) <= 8:  # label the grid values themselves, not powers of ten
            axes.set_xticks(values, [f"{value:g}" for value in values])
            axes.minorticks_off()
        label_axes(axes, model, x, ylabel if number == 0 else "")
        if hue is not None:
            axes.legend(fontsize="small")
    return figure
