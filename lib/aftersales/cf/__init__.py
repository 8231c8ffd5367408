"""Neighbourhood collaborative filtering, compared and explained (notebook 02.00).

- :func:`similarity_grid` evaluates one Surprise k-NN model for every basis (user- or
  item-based) and similarity measure; :func:`best_similarity` picks a measure per basis.
- :func:`knn_sweep` evaluates neighbourhood sizes per basis; :func:`best_k` picks one per
  basis and :func:`best_setting` the best configuration.
- :func:`sample_protocol` evaluates on a seeded sample of test users (fast defaults).
- :class:`UserCosineCFAlgo` runs ``aftersales.usercf.UserCosineCF`` (the source design's
  user CF done right) inside ``aftersales.evaluate.run_experiment`` (ranked, like every
  model, by ``aftersales.models.recommend``); :func:`compare_usercf` runs the comparison
  (a :class:`UserCFComparison`: the experiment and the ranked lists)
  and :func:`seed_flaws` lists what the design's sketch gets wrong.
- :func:`knn` and :func:`fit` build and fit one model on a training frame.
- :func:`choose_customer`, :func:`customer_summary`, :func:`customer_profile`,
  :func:`readable_explanations`, :func:`shareable_explanation` and :func:`top_k_overlap`
  show one customer's top-k and the neighbours behind each item, customer ids pseudonymised.
"""

from __future__ import annotations

from aftersales.cf._choose import KNNSetting, best_k, best_setting, best_similarity
from aftersales.cf._example import (
    READABLE_COLUMNS,
    choose_customer,
    customer_profile,
    customer_summary,
    readable_explanations,
    shareable_explanation,
    top_k_overlap,
)
from aftersales.cf._fit import fit, knn
from aftersales.cf._grid import (
    BASES,
    GRID_COLUMNS,
    KNN_MODELS,
    KNN_SWEEP_COLUMNS,
    knn_sweep,
    sample_protocol,
    similarity_grid,
)
from aftersales.cf._usercf import (
    COMPARISON_METRICS,
    LIST_COLUMNS,
    UserCFComparison,
    UserCosineCFAlgo,
    compare_usercf,
    seed_flaws,
)

__all__ = [
    "BASES",
    "COMPARISON_METRICS",
    "GRID_COLUMNS",
    "KNN_MODELS",
    "KNN_SWEEP_COLUMNS",
    "LIST_COLUMNS",
    "READABLE_COLUMNS",
    "KNNSetting",
    "UserCFComparison",
    "UserCosineCFAlgo",
    "best_k",
    "best_setting",
    "best_similarity",
    "choose_customer",
    "compare_usercf",
    "customer_profile",
    "customer_summary",
    "fit",
    "knn",
    "knn_sweep",
    "readable_explanations",
    "sample_protocol",
    "seed_flaws",
    "shareable_explanation",
    "similarity_grid",
    "top_k_overlap",
]
