"""Every figure of the workbench: one module per analysis area, one shared base.

Functions take frames and return a :class:`matplotlib.figure.Figure` with a title, labelled
axes and units; they draw, they do not compute (the numbers come from the domain packages).

- :mod:`~aftersales.plots._base`: figure creation and labelled axes, shared by every module;
- :mod:`~aftersales.plots.data`: the data (01.00), re-exported here (``plots.bars``, ...);
- :mod:`~aftersales.plots.ratings`: rating CF and its neighbourhoods (02.00);
- :mod:`~aftersales.plots.topn`: top-N validation curves (02.02);
- :mod:`~aftersales.plots.evaluation`: comparing models, trade-offs, sweeps, searches (02.x, 04.00);
- :mod:`~aftersales.plots.segments`: RFM segments, clusters and lifetime value (03.00);
- :mod:`~aftersales.plots.basket`: association rules and their network (03.01);
- :mod:`~aftersales.plots.store`: the customer store (03.02);
- :mod:`~aftersales.plots.returns`: returns (03.03);
- :mod:`~aftersales.plots.retention`: who is about to leave (03.04);
- :mod:`~aftersales.plots.replenish`: replenishment (04.00);
- :mod:`~aftersales.plots.campaign`: campaign effects, uplift and planning (04.01);
- :mod:`~aftersales.plots.scale`: time and memory against data size (05.00).

A new figure goes in the module of its area (a new area gets a new module), creates its
figure with :func:`new_figure` and names its axes with :func:`labelled_axes` (or
:func:`label_axes` and :func:`twin_y` for axes made otherwise). Import an area module by name
(``from aftersales.plots import evaluation``): this package imports only the data figures, so
``import aftersales.plots`` stays light.
"""

from __future__ import annotations

from aftersales.plots._base import SIZE, label_axes, labelled_axes, new_figure, single_axes, twin_y
from aftersales.plots.data import audit, bars, histogram, long_tail, overview, timeline

__all__ = [
    "SIZE",
    "audit",
    "bars",
    "histogram",
    "label_axes",
    "labelled_axes",
    "long_tail",
    "new_figure",
    "overview",
    "single_axes",
    "timeline",
    "twin_y",
]
