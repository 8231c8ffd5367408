"""A network of the strongest rules: items on a circle, arrows from antecedent to consequent.

The layout is computed here, without networkx and without a force simulation: items are
grouped by connected component (largest first) and placed on a circle in breadth-first order
from each component's best connected item, so that items bought together sit side by side and
the same rules always give the same picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from scipy.sparse.csgraph import breadth_first_order, connected_components

from aftersales import basket, validate
from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.plots._base import labelled_axes, new_figure
from aftersales.plots.basket._common import LIFT_COLOURS, short_label

LABEL_RADIUS = 1.12
"""Distance of the node labels from the centre (the nodes sit on the unit circle)."""

POINTS_PER_UNIT = 105.0
"""Approximate size of one data unit in points in the network figure (for node sizes)."""


class Layout(NamedTuple):
    """Positions of the network's items on the unit circle.

    Attributes
    ----------
    items : pandas.Index
        Item ids in circle order (clockwise from the top).
    xy : numpy.ndarray
        ``(n, 2)`` positions, in the order of ``items``.
    angle : numpy.ndarray
        Angle of each position in radians (``pi / 2`` is the top).
    component : numpy.ndarray
        Connected component of each item, 0 for the largest.
    """

    items: pd.Index
    xy: np.ndarray
    angle: np.ndarray
    component: np.ndarray


def _side(value: object) -> tuple:
    if isinstance(value, Iterable) and not isinstance(value, str):
        return tuple(sorted(value, key=str))
    return (value,)


def rule_edges(rules: pd.DataFrame, *, n: int) -> pd.DataFrame:
    """Turn the first ``n`` rules into item-to-item edges.

    A rule ``{a, b} -> {c}`` gives the edges ``a -> c`` and ``b -> c``; an edge given by
    several rules keeps the metrics of the one with the highest lift.

    Parameters
    ----------
    rules : pandas.DataFrame
        Rules sorted strongest first (:func:`aftersales.basket.association_rules` or
        :func:`aftersales.basket.pair_rules`).
    n : int
        Number of rules to use.

    Returns
    -------
    pandas.DataFrame
        ``C.ANTECEDENTS`` and ``C.CONSEQUENTS`` (one item id each), ``C.CONFIDENCE`` and
        ``C.LIFT``, strongest lift first (ties by item ids).

    Raises
    ------
    ParameterError
        If ``n`` is not a positive integer.
    DataValidationError
        If ``rules`` lacks a column.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ParameterError(f"`n` must be a positive integer; got {n!r}")
    columns = [C.ANTECEDENTS, C.CONSEQUENTS, C.CONFIDENCE, C.LIFT]
    validate.require_columns(rules, columns, source="`rules`")
    head = rules[columns].head(int(n))
    edges = head.assign(
        **{
            C.ANTECEDENTS: head[C.ANTECEDENTS].map(_side),
            C.CONSEQUENTS: head[C.CONSEQUENTS].map(_side),
        }
    )
    edges = edges.explode(C.ANTECEDENTS).explode(C.CONSEQUENTS)
    edges = edges.sort_values(
        [C.LIFT, C.ANTECEDENTS, C.CONSEQUENTS], ascending=[False, True, True], kind="stable"
    )
    edges = edges.drop_duplicates([C.ANTECEDENTS, C.CONSEQUENTS])
    return edges.astype({C.CONFIDENCE: float, C.LIFT: float}).reset_index(drop=True)


def circle_layout(sources: Iterable[object], targets: Iterable[object]) -> Layout:
    """Place the items of a directed graph on the unit circle, neighbours side by side.

    Components are ordered by size (largest first, ties by their smallest item id) and
    separated by an empty slot; within a component the items follow a breadth-first walk
    from its item with most neighbours (ties by id), visiting neighbours in id order.

    Parameters
    ----------
    sources, targets : iterable
        Edge ends, one pair per position (direction does not matter for the layout).

    Returns
    -------
    Layout
        Items in circle order, their positions, angles and components.

    Raises
    ------
    ParameterError
        If the two lists differ in length or are empty.
    """
    sources, targets = list(sources), list(targets)
    if len(sources) != len(targets) or not sources:
        raise ParameterError(
            f"`sources` and `targets` must be non-empty and of equal length; got "
            f"{len(sources)} and {len(targets)}"
        )
    nodes = pd.Index(sorted(set(sources) | set(targets), key=str))
    first, second = nodes.get_indexer(sources), nodes.get_indexer(targets)
    size = len(nodes)
    adjacency = sp.csr_array((np.ones(len(first)), (first, second)), shape=(size, size))
    adjacency = sp.csr_array(((adjacency + adjacency.T) > 0).astype(np.int8))
    adjacency.sort_indices()
    n_components, labels = connected_components(adjacency, directed=False)
    degree = np.diff(adjacency.indptr)
    smallest = np.full(n_components, size)
    np.minimum.at(smallest, labels, np.arange(size))
    ranked = np.lexsort((smallest, -np.bincount(labels)))  # largest first, ties by item
    order, component = [], []
    for rank, label in enumerate(ranked):  # one walk per component
        members = np.flatnonzero(labels == label)
        start = members[np.lexsort((members, -degree[members]))[0]]
        walk = breadth_first_order(adjacency, start, directed=False, return_predecessors=False)
        order.append(walk)
        component.append(np.full(len(walk), rank))
    order, component = np.concatenate(order), np.concatenate(component)
    gaps = component if n_components > 1 else np.zeros(size, dtype=np.int64)
    slots = np.arange(size) + gaps
    total = size + (n_components if n_components > 1 else 0)
    angle = np.pi / 2 - 2 * np.pi * slots / total
    xy = np.column_stack([np.cos(angle), np.sin(angle)])
    return Layout(items=nodes[order], xy=xy, angle=angle, component=component)


def rule_network(
    rules: pd.DataFrame, baskets: basket.Baskets, *, n: int = 20, title: str | None = None
) -> Figure:
    """Draw the strongest rules as a network of items.

    Items are nodes on a circle (:func:`circle_layout`), labelled with short descriptions and
    sized by support; each rule is an arrow from antecedent to consequent item, coloured by
    lift and as wide as its confidence. Arrows bend, so ``a -> b`` and ``b -> a`` both show.

    Parameters
    ----------
    rules : pandas.DataFrame
        Rules sorted strongest first (from :mod:`aftersales.basket`).
    baskets : aftersales.basket.Baskets
        The baskets the rules come from (descriptions and item supports).
    n : int, default 20
        Number of rules drawn (the first ``n``).
    title : str, optional
        Figure title; by default it counts rules, items and arrows.

    Returns
    -------
    matplotlib.figure.Figure
        One square axes without ticks and a colour bar of lift.

    Raises
    ------
    ParameterError
        If ``n`` is not a positive integer.
    DataValidationError
        If ``rules`` lacks a column.
    """
    edges = rule_edges(rules, n=n)
    figure = new_figure((9.0, 8.0))
    shown = min(int(n), len(rules))
    if len(edges) == 0:
        axes = labelled_axes(figure, title or "No rule passes the thresholds", "", "", grid=False)
        axes.set_aspect("equal")
        axes.set_axis_off()
        return figure
    layout = circle_layout(edges[C.ANTECEDENTS], edges[C.CONSEQUENTS])
    heading = (
        title or f"The {shown} strongest rules by lift: {len(layout.items)} items"
    ) + "\narrow: antecedent \u2192 consequent; width: confidence; node area: support"
    axes = labelled_axes(figure, heading, "", "", grid=False)  # a network: no axes to name
    axes.set_aspect("equal")
    axes.set_axis_off()
    support = baskets.item_support().reindex(layout.items).fillna(0.0).to_numpy()
    # Node diameters (points) fit the gap between neighbours on the circle, about
    # POINTS_PER_UNIT points per data unit at this figure size.
    step = float(np.abs(np.diff(layout.angle)).min()) if len(layout.items) > 1 else np.pi
    widest = float(np.clip(0.8 * step * POINTS_PER_UNIT, 6.0, 26.0))
    share = support / max(float(support.max()), 1e-12)
    area = (0.45 * widest) ** 2 + (widest**2 - (0.45 * widest) ** 2) * share
    position = pd.Series(np.arange(len(layout.items)), index=layout.items)
    lifts = edges[C.LIFT].to_numpy()
    norm = Normalize(vmin=float(lifts.min()), vmax=float(lifts.max()))
    if norm.vmin == norm.vmax:
        norm = Normalize(vmin=norm.vmin - 0.5, vmax=norm.vmax + 0.5)
    radius = np.sqrt(area) / 2  # marker radius in points
    start = position[edges[C.ANTECEDENTS]].to_numpy()
    end = position[edges[C.CONSEQUENTS]].to_numpy()
    for i in np.argsort(lifts, kind="stable"):  # weakest first, strongest on top
        axes.add_patch(
            FancyArrowPatch(
                tuple(layout.xy[start[i]]),
                tuple(layout.xy[end[i]]),
                arrowstyle="-|>",
                connectionstyle="arc3,rad=0.18",
                mutation_scale=12,
                linewidth=0.6 + 3.0 * float(edges[C.CONFIDENCE].iloc[i]),
                color=LIFT_COLOURS(norm(lifts[i])),
                shrinkA=radius[start[i]] + 1,
                shrinkB=radius[end[i]] + 1,
                zorder=2,
            )
        )
    axes.scatter(*layout.xy.T, s=area, color="white", edgecolor="0.25", linewidth=1.2, zorder=3)
    descriptions = baskets.descriptions.reindex(layout.items)
    for (x, y), angle, item, text in zip(
        layout.xy, layout.angle, layout.items, descriptions, strict=True
    ):
        right = np.cos(angle) >= -1e-9
        axes.text(
            LABEL_RADIUS * x,
            LABEL_RADIUS * y,
            short_label(text, width=32, fallback=item),
            rotation=np.degrees(angle) if right else np.degrees(angle) - 180.0,
            rotation_mode="anchor",
            ha="left" if right else "right",
            va="center",
            fontsize=8,
        )
    axes.set_xlim(-2.3, 2.3)
    axes.set_ylim(-2.3, 2.3)
    colours = ScalarMappable(norm=norm, cmap=LIFT_COLOURS)
    figure.colorbar(colours, ax=axes, shrink=0.6, label="lift (times more often than by chance)")
    return figure
