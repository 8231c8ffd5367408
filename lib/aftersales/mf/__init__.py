"""Matrix factorisation notebook helpers: seeded parameter searches and comparison tables.

:func:`search` runs Surprise's own ``GridSearchCV`` or a seeded ``RandomizedSearchCV``
over a grid checked against the model's parameters and returns tidy results;
:func:`comparison_table` turns an experiment into the RMSE / MAE / time table of notebook
02.01; :func:`search_slice` and :func:`search_ranking` prepare a search for its figures.
"""

from __future__ import annotations

from aftersales.mf._grid import OPTION_PARAMS, check_grid, combinations
from aftersales.mf._search import (
    SEARCH_KINDS,
    SEARCH_METRICS,
    SearchResult,
    SeededRandomizedSearchCV,
    dataset,
    search,
)
from aftersales.mf._tables import (
    comparison_table,
    evaluation_protocol,
    search_ranking,
    search_slice,
)

__all__ = [
    "OPTION_PARAMS",
    "SEARCH_KINDS",
    "SEARCH_METRICS",
    "SearchResult",
    "SeededRandomizedSearchCV",
    "check_grid",
    "combinations",
    "comparison_table",
    "dataset",
    "evaluation_protocol",
    "search",
    "search_ranking",
    "search_slice",
]
