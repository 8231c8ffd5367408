"""The shared base of every figure: figure creation and labelled axes.

Figures are built with matplotlib's object API (no pyplot state), so a notebook cell that
returns a figure shows exactly one image with a stable text form (``<Figure size ...>``),
which nbval can compare. Every figure function of the package creates its figure with
:func:`new_figure` (or :func:`single_axes`) and names its axes with :func:`labelled_axes`,
:func:`label_axes` (axes made by ``Figure.subplots``, e.g. panels sharing an axis) or
:func:`twin_y` (a second vertical axis).
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

SIZE = (7.5, 4.0)


def label_axes(
    axes: Axes,
    title: str,
    xlabel: str,
    ylabel: str,
    *,
    grid: bool = True,
    title_size: str | None = None,
) -> Axes:
    """Give axes a title, axis labels and (by default) a light grid.

    Parameters
    ----------
    axes : matplotlib.axes.Axes
        The axes.
    title, xlabel, ylabel : str
        Texts of the axes (give units in the labels); empty leaves a text out.
    grid : bool, default True
        Draw a light grid (``alpha=0.3``); False for figures that draw their own or none.
    title_size : str, optional
        Font size of the title (e.g. ``"medium"`` for panels under a figure title).

    Returns
    -------
    matplotlib.axes.Axes
        ``axes``.
    """
    if title_size is None:
        axes.set_title(title)
    else:
        axes.set_title(title, fontsize=title_size)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    if grid:
        axes.grid(alpha=0.3)
    return axes


def labelled_axes(
    figure: Figure,
    title: str,
    xlabel: str,
    ylabel: str,
    *position: int,
    grid: bool = True,
    title_size: str | None = None,
) -> Axes:
    """Add a subplot with a title, axis labels and (by default) a light grid.

    Every figure module of the package builds its axes with this, so the figures share
    one look.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure.
    title, xlabel, ylabel : str
        Texts of the axes (give units in the labels).
    *position : int
        ``add_subplot`` position, e.g. ``1, 2, 1``; none for a single subplot.
    grid : bool, default True
        Draw a light grid (see :func:`label_axes`).
    title_size : str, optional
        Font size of the title.

    Returns
    -------
    matplotlib.axes.Axes
        The new axes.
    """
    axes = figure.add_subplot(*position) if position else figure.add_subplot()
    return label_axes(axes, title, xlabel, ylabel, grid=grid, title_size=title_size)


def twin_y(axes: Axes, ylabel: str) -> Axes:
    """Return a second vertical axis sharing ``axes``' horizontal one, labelled ``ylabel``.

    Parameters
    ----------
    axes : matplotlib.axes.Axes
        The axes whose horizontal axis is shared.
    ylabel : str
        Label of the new vertical axis (with its unit).

    Returns
    -------
    matplotlib.axes.Axes
        The twin axes (drawn on the right).
    """
    twin = axes.twinx()
    twin.set_ylabel(ylabel)
    return twin


def new_figure(size: tuple[float, float] = SIZE, *, layout: str | None = "constrained") -> Figure:
    """Return an empty figure of ``size`` inches, by default with the constrained layout.

    Parameters
    ----------
    size : tuple of float, default SIZE
        Width and height in inches.
    layout : str or None, default "constrained"
        matplotlib's layout engine; None for none (the figure places its axes itself).

    Returns
    -------
    matplotlib.figure.Figure
        A figure outside pyplot's state.
    """
    return Figure(figsize=size, layout=layout)


def single_axes(
    title: str, xlabel: str, ylabel: str, *, size: tuple[float, float] = SIZE
) -> tuple[Figure, Axes]:
    """Return a new figure with one labelled axes (see :func:`labelled_axes`).

    Parameters
    ----------
    title, xlabel, ylabel : str
        Texts of the axes (give units in the labels).
    size : tuple of float, default SIZE
        Width and height in inches.

    Returns
    -------
    tuple
        The figure and its axes.
    """
    figure = new_figure(size)
    return figure, labelled_axes(figure, title, xlabel, ylabel)
