"""Experiments: run models under one protocol, summarise with intervals, test significance.

:func:`run_experiment` fits Surprise algorithms on each fold, records fit, predict and
ranking times and every metric per user; :func:`significance` compares every model with
the best one using paired tests and Holm's correction; :func:`sweep` refits one model
for each value of one parameter (neighbourhood size, factors, epochs); :func:`combine`
merges the runs of rating and ranking-only models; :func:`group_summary` and
:func:`best_per_group` break the per-user metrics down by customer group;
:func:`make_protocol` builds notebook 04.00's protocol (chronological on transactions) and
:func:`compare_models` evaluates its rating and ranking-only models under it as one experiment.

The comparison studies of the rating notebooks live here too: :func:`search` runs Surprise's
``GridSearchCV`` or a seeded ``RandomizedSearchCV`` over a checked grid (tidied by
:func:`search_slice` and :func:`search_ranking`); :func:`evaluation_protocol` picks the split
or k folds and :func:`accuracy_and_time` tabulates error and time per model;
:func:`published_protocol` reruns Surprise's published MovieLens 100K benchmark next to
:data:`PUBLISHED_SCORES`.

Notebook 02.00's neighbourhood studies: :func:`similarity_grid` evaluates one Surprise k-NN
model for every basis and similarity measure (:func:`best_similarity` picks one per basis),
:func:`knn_sweep` evaluates neighbourhood sizes (:func:`best_k`, :func:`best_setting` choose),
:func:`sample_protocol` evaluates on a seeded sample of test users, :func:`knn_model` and
:func:`fit_ratings` build and fit one model on a training frame (reusing an identical earlier
fit), and :func:`compare_usercf` sets the seed design's user CF
(``aftersales.usercf.UserCosineCFAlgo``) beside Surprise's models, keeping the ranked lists.
"""

from __future__ import annotations

from aftersales.evaluate._choice import (
    LABELS,
    PROTOCOLS,
    Protocol,
    leading_models,
    make_protocol,
    protocol_table,
)
from aftersales.evaluate._compare_models import compare_models, rank_with_fallback
from aftersales.evaluate._comparison import (
    MARKERS,
    best_model,
    comparison_table,
    headline_first,
    mark_significance,
)
from aftersales.evaluate._frames import (
    PER_FOLD_COLUMNS,
    PER_USER_COLUMNS,
    SUMMARY_COLUMNS,
    TIMING_COLUMNS,
)
from aftersales.evaluate._groups import (
    BEST_PER_GROUP_COLUMNS,
    GROUP_SUMMARY_COLUMNS,
    activity_buckets,
    best_per_group,
    customer_groups,
    describe_best,
    group_summary,
)
from aftersales.evaluate._knn_choice import KNNSetting, best_k, best_setting, best_similarity
from aftersales.evaluate._knn_fit import fit_ratings, knn_model
from aftersales.evaluate._knn_grid import (
    GRID_COLUMNS,
    KNN_SWEEP_COLUMNS,
    knn_sweep,
    sample_protocol,
    similarity_grid,
)
from aftersales.evaluate._protocol import RankFn, as_folds
from aftersales.evaluate._published import (
    PUBLISHED_CI_MODELS,
    PUBLISHED_COLUMNS,
    PUBLISHED_METRICS,
    PUBLISHED_SCORES,
    PUBLISHED_SCRIPT,
    PUBLISHED_SOURCE,
    PublishedScore,
    published_protocol,
    published_table,
)
from aftersales.evaluate._runner import Experiment, combine, run_experiment
from aftersales.evaluate._search import (
    SEARCH_KINDS,
    SEARCH_METRICS,
    SearchResult,
    SeededRandomizedSearchCV,
    search,
    surprise_dataset,
)
from aftersales.evaluate._search_grid import OPTION_PARAMS, check_grid, grid_combinations
from aftersales.evaluate._search_tables import (
    accuracy_and_time,
    evaluation_protocol,
    metric_and_time,
    search_ranking,
    search_slice,
)
from aftersales.evaluate._sharing import fit_once, fold_key
from aftersales.evaluate._significance import SIGNIFICANCE_COLUMNS, significance
from aftersales.evaluate._sweep import SWEEP_COLUMNS, sweep
from aftersales.evaluate._usercf import (
    USERCF_LIST_COLUMNS,
    USERCF_METRICS,
    UserCFComparison,
    compare_usercf,
)

__all__ = [
    "BEST_PER_GROUP_COLUMNS",
    "GRID_COLUMNS",
    "GROUP_SUMMARY_COLUMNS",
    "KNN_SWEEP_COLUMNS",
    "LABELS",
    "MARKERS",
    "OPTION_PARAMS",
    "PER_FOLD_COLUMNS",
    "PER_USER_COLUMNS",
    "PROTOCOLS",
    "PUBLISHED_CI_MODELS",
    "PUBLISHED_COLUMNS",
    "PUBLISHED_METRICS",
    "PUBLISHED_SCORES",
    "PUBLISHED_SCRIPT",
    "PUBLISHED_SOURCE",
    "SEARCH_KINDS",
    "SEARCH_METRICS",
    "SIGNIFICANCE_COLUMNS",
    "SUMMARY_COLUMNS",
    "SWEEP_COLUMNS",
    "TIMING_COLUMNS",
    "USERCF_LIST_COLUMNS",
    "USERCF_METRICS",
    "Experiment",
    "KNNSetting",
    "Protocol",
    "PublishedScore",
    "RankFn",
    "SearchResult",
    "SeededRandomizedSearchCV",
    "UserCFComparison",
    "accuracy_and_time",
    "activity_buckets",
    "as_folds",
    "best_k",
    "best_model",
    "best_per_group",
    "best_setting",
    "best_similarity",
    "check_grid",
    "combine",
    "compare_models",
    "compare_usercf",
    "comparison_table",
    "customer_groups",
    "describe_best",
    "evaluation_protocol",
    "fit_once",
    "fit_ratings",
    "fold_key",
    "grid_combinations",
    "group_summary",
    "headline_first",
    "knn_model",
    "knn_sweep",
    "leading_models",
    "make_protocol",
    "mark_significance",
    "metric_and_time",
    "protocol_table",
    "published_protocol",
    "published_table",
    "rank_with_fallback",
    "run_experiment",
    "sample_protocol",
    "search",
    "search_ranking",
    "search_slice",
    "significance",
    "similarity_grid",
    "surprise_dataset",
    "sweep",
]
