"""Figures of market-basket analysis (notebook 03.01).

Each figure function returns a :class:`matplotlib.figure.Figure` built with the object API
(no pyplot state), with a title, labelled axes and units. The tables behind them (two groups'
rules compared, cross-sell lists) are computed in :mod:`aftersales.basket`.
"""

from __future__ import annotations

from aftersales.plots.basket._common import LIFT_COLOURS, short_label
from aftersales.plots.basket._figures import rule_comparison, rules_scatter
from aftersales.plots.basket._network import Layout, circle_layout, rule_edges, rule_network

__all__ = [
    "LIFT_COLOURS",
    "Layout",
    "circle_layout",
    "rule_comparison",
    "rule_edges",
    "rule_network",
    "rules_scatter",
    "short_label",
]
