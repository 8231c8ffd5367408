"""The shared base of every figure: figure creation and labelled axes.

Figures are built with matplotlib's object API (no pyplot state), so a notebook cell that
returns a figure shows exactly one image with a stable text form (``<Figure size ...>``),
which nbval can compare.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

SIZE = (7.5, 4.0)


def labelled_axes(figure: Figure, title: str, xlabel: str, ylabel: str, *position: int) -> Axes:
    """Add a subplot with a title, axis labels and a light grid.

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

    Returns
    -------
    matplotlib.axes.Axes
        The new axes.
    """
    axes = figure.add_subplot(*position) if position else figure.add_subplot()
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(alpha=0.3)
    return axes


def new_figure(size: tuple[float, float] = SIZE) -> Figure:
    """Return an empty figure of ``size`` inches with the constrained layout.

    Parameters
    ----------
    size : tuple of float, default SIZE
        Width and height in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A figure outside pyplot's state.
    """
    return Figure(figsize=size, layout="constrained")


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
