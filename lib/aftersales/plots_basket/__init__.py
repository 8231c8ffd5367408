"""Figures and tables of market-basket analysis (notebook 03.01).

Each figure function returns a :class:`matplotlib.figure.Figure` built with the object API
(no pyplot state), with a title, labelled axes and units. The tables behind them (two groups'
rules compared, cross-sell lists for the most sold items) are frames with stable order.
"""

from __future__ import annotations

from aftersales.plots_basket._common import LIFT_COLOURS, short_label
from aftersales.plots_basket._figures import rule_comparison, rules_scatter
from aftersales.plots_basket._network import Layout, circle_layout, rule_edges, rule_network
from aftersales.plots_basket._tables import (
    BOTH,
    compare_rules,
    cross_sell,
    group_column,
    only_in,
    pair_metrics_in,
)

__all__ = [
    "BOTH",
    "LIFT_COLOURS",
    "Layout",
    "circle_layout",
    "compare_rules",
    "cross_sell",
    "group_column",
    "only_in",
    "pair_metrics_in",
    "rule_comparison",
    "rule_edges",
    "rule_network",
    "rules_scatter",
    "short_label",
]
