"""Every recommender behind one contract, its registry, and fast scoring and ranking.

:class:`Recommender` is the contract (fit, score_all, recommend, explain; rating models add
predict); :class:`Ranker` holds the one ``recommend``; :func:`recommender` gives a Surprise
algorithm the contract through :class:`SurpriseRecommender`.

``make(name, params, seed=...)`` builds any model of :data:`REGISTRY` by name with checked
parameters (Surprise's algorithms, the top-N models, ``usercf``, ``fbt``); ``score_all`` and
``recommend`` score and rank every trainset item for many users at once, giving exactly what
``model.predict(u, i).est`` gives pair by pair;
``predict_pairs`` does the same for a list of (user, item) pairs (a test fold).
:func:`make_models` splits names into rating and ranking-only models (notebook 04.00).

The export (notebook 04.00's ``recommendations.csv``): :func:`recommendation_table`, each
customer's top-N with a readable reason per item (:func:`explanation_text`), customer ids
pseudonymised; :func:`fit_model` fits a model on a ratings frame, :func:`bought_share`
checks the table holds nothing already bought.

One customer's recommendations made readable (notebook 02.00's worked example):
:func:`choose_customer`, :func:`customer_summary`, :func:`customer_profile`,
:func:`readable_explanations`, :func:`shareable_explanation` (customer ids pseudonymised) and
:func:`top_k_overlap`.
"""

from __future__ import annotations

from aftersales.models._contract import Ranker, RatingRecommender, Recommender, Scores
from aftersales.models._example import (
    READABLE_COLUMNS,
    choose_customer,
    customer_profile,
    customer_summary,
    readable_explanations,
    shareable_explanation,
    top_k_overlap,
)
from aftersales.models._explain import (
    EXPLANATION_COLUMNS,
    Names,
    check_options,
    explain_knn,
    explanation_frame,
)
from aftersales.models._export import (
    EXPORT_COLUMNS,
    bought_share,
    explain_items,
    explanation_text,
    fit_model,
    recommendation_table,
)
from aftersales.models._make import (
    NAMES,
    RATING_MODELS,
    REGISTRY,
    make,
    make_models,
    model_class,
    model_params,
)
from aftersales.models._pairs import has_pair_scorer, predict_pairs
from aftersales.models._policy import (
    RANKING_POLICIES,
    UNKNOWN_USER_POLICIES,
    UnknownUsers,
    check_unknown_users,
)
from aftersales.models._ranking import recommend, score_all
from aftersales.models._registry import (
    BASELINE_METHODS,
    MODEL_NAMES,
    SIM_OPTION_KEYS,
    SIMILARITIES,
    default_params,
)
from aftersales.models._seeded import SeededNormalPredictor
from aftersales.models._surprise import SUPPORTED_MODELS, SurpriseRecommender, recommender

__all__ = [
    "BASELINE_METHODS",
    "EXPLANATION_COLUMNS",
    "EXPORT_COLUMNS",
    "MODEL_NAMES",
    "NAMES",
    "RANKING_POLICIES",
    "RATING_MODELS",
    "READABLE_COLUMNS",
    "REGISTRY",
    "SIMILARITIES",
    "SIM_OPTION_KEYS",
    "SUPPORTED_MODELS",
    "UNKNOWN_USER_POLICIES",
    "Names",
    "Ranker",
    "RatingRecommender",
    "Recommender",
    "Scores",
    "SeededNormalPredictor",
    "SurpriseRecommender",
    "UnknownUsers",
    "bought_share",
    "check_options",
    "check_unknown_users",
    "choose_customer",
    "customer_profile",
    "customer_summary",
    "default_params",
    "explain_items",
    "explain_knn",
    "explanation_frame",
    "explanation_text",
    "fit_model",
    "has_pair_scorer",
    "make",
    "make_models",
    "model_class",
    "model_params",
    "predict_pairs",
    "readable_explanations",
    "recommend",
    "recommendation_table",
    "recommender",
    "score_all",
    "shareable_explanation",
    "top_k_overlap",
]
