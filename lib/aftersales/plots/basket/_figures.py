"""Rules as points: support against confidence, and confidence in two groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from aftersales import columns as C
from aftersales import validate
from aftersales.basket import BOTH, group_column, only_in
from aftersales.errors import ParameterError
from aftersales.plots._base import labelled_axes, new_figure
from aftersales.plots.basket._common import LIFT_COLOURS

SIZE = (7.5, 5.0)


def rules_scatter(
    rules: pd.DataFrame, *, min_confidence: float | None = None, title: str | None = None
) -> Figure:
    """Support against confidence of every rule, coloured by lift.

    Parameters
    ----------
    rules : pandas.DataFrame
        A rules frame (``C.SUPPORT``, ``C.CONFIDENCE``, ``C.LIFT``), usually every rule mined
        at the minimum support before the confidence filter.
    min_confidence : float, optional
        Draw this confidence threshold and count the rules that reach it.
    title : str, optional
        Figure title; by default it counts the rules.

    Returns
    -------
    matplotlib.figure.Figure
        A scatter on a logarithmic support axis with a colour bar of lift; the strongest
        rules are drawn on top.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(rules, (C.SUPPORT, C.CONFIDENCE, C.LIFT), source="`rules`")
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        title or f"{len(rules):,} association rules: support against confidence",
        "support (share of baskets holding the whole rule, log scale)",
        "confidence (share of antecedent baskets)",
    )
    order = np.argsort(rules[C.LIFT].to_numpy(), kind="stable")  # strongest drawn last
    points = axes.scatter(
        rules[C.SUPPORT].to_numpy()[order],
        rules[C.CONFIDENCE].to_numpy()[order],
        c=rules[C.LIFT].to_numpy()[order],
        cmap=LIFT_COLOURS,
        s=14,
        alpha=0.8,
        linewidths=0,
    )
    axes.set_xscale("log")
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=1))
    axes.xaxis.set_minor_formatter(PercentFormatter(xmax=1.0, decimals=1))
    axes.tick_params(axis="x", which="minor", labelsize=7)
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    axes.set_ylim(0.0, 1.02)
    if min_confidence is not None:
        passed = int((rules[C.CONFIDENCE] >= min_confidence).sum())
        axes.axhline(
            min_confidence,
            color="tab:red",
            linestyle="--",
            linewidth=1,
            label=f"min confidence {min_confidence:g}: {passed:,} of {len(rules):,} rules pass",
        )
        axes.legend(loc="lower right", fontsize=8)
    figure.colorbar(points, ax=axes, label="lift")
    return figure


GROUP_COLOURS = ("tab:blue", "tab:orange", "tab:green")
"""Rules found in the first group only, the second only, and both."""


def rule_comparison(comparison: pd.DataFrame, *, labels: tuple[str, str]) -> Figure:
    """Confidence of each pooled pair rule in two groups, one point per rule.

    Points above the diagonal are rules more reliable in the second group, below it in the
    first; the colour says in which group the rule reached the thresholds.

    Parameters
    ----------
    comparison : pandas.DataFrame
        Output of :func:`aftersales.plots.basket.compare_rules`.
    labels : tuple of (str, str)
        The two groups' labels, as given to ``compare_rules``.

    Returns
    -------
    matplotlib.figure.Figure
        A square scatter with the diagonal; rules undefined in a group (an item never bought
        there) are left out and counted in the legend.

    Raises
    ------
    ParameterError
        If ``labels`` is not a pair.
    DataValidationError
        If a column is missing.
    """
    if not isinstance(labels, tuple | list) or len(labels) != 2:
        raise ParameterError(f"`labels` must be a pair of group labels; got {labels!r}")
    x_column, y_column = (group_column(C.CONFIDENCE, label) for label in labels)
    validate.require_columns(comparison, (x_column, y_column, C.FOUND_IN), source="comparison")
    figure = new_figure((9.0, 6.0))
    axes = labelled_axes(
        figure,
        f"{len(comparison):,} pair rules in {labels[0]} and {labels[1]}",
        f"confidence among {labels[0]} baskets",
        f"confidence among {labels[1]} baskets",
    )
    defined = comparison[x_column].notna() & comparison[y_column].notna()
    for where, colour in zip((*map(only_in, labels), BOTH), GROUP_COLOURS, strict=True):
        rows = comparison.loc[defined & comparison[C.FOUND_IN].eq(where)]
        axes.scatter(
            rows[x_column],
            rows[y_column],
            s=16,
            alpha=0.75,
            color=colour,
            linewidths=0,
            label=f"passes in {where} ({len(rows):,})",
        )
    axes.plot([0, 1], [0, 1], color="0.4", linestyle="--", linewidth=1, label="equal confidence")
    if (~defined).any():
        axes.plot([], [], " ", label=f"{int((~defined).sum())} undefined in one group, not shown")
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.02, 1.02)
    axes.set_aspect("equal")
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    return figure
