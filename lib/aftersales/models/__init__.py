"""Surprise model registry and fast all-items scoring and ranking of fitted models.

``make_model(name, params, seed=...)`` builds any Surprise algorithm by name with checked
parameters; ``score_all`` and ``recommend`` score and rank every trainset item for many
users at once, giving exactly what ``model.predict(u, i).est`` gives pair by pair;
``predict_pairs`` does the same for a list of (user, item) pairs (a test fold).
"""

from __future__ import annotations

from aftersales.models._pairs import has_pair_scorer, predict_pairs
from aftersales.models._policy import (
    RANKING_POLICIES,
    UNKNOWN_USER_POLICIES,
    UnknownUsers,
    check_unknown_users,
)
from aftersales.models._ranking import (
    SUPPORTED_MODELS,
    Scores,
    recommend,
    score_all,
)
from aftersales.models._registry import (
    BASELINE_METHODS,
    MODEL_NAMES,
    SIM_OPTION_KEYS,
    SIMILARITIES,
    default_params,
    make_model,
)
from aftersales.models._seeded import SeededNormalPredictor

__all__ = [
    "BASELINE_METHODS",
    "MODEL_NAMES",
    "RANKING_POLICIES",
    "SIMILARITIES",
    "SIM_OPTION_KEYS",
    "SUPPORTED_MODELS",
    "UNKNOWN_USER_POLICIES",
    "Scores",
    "SeededNormalPredictor",
    "UnknownUsers",
    "check_unknown_users",
    "default_params",
    "has_pair_scorer",
    "make_model",
    "predict_pairs",
    "recommend",
    "score_all",
]
