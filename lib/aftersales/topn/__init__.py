"""Implicit-feedback top-N recommenders: "what should this customer buy next".

Rating predictors rank poorly on purchase data; these models learn from who interacted
with what (optionally how strongly: ``C.WEIGHT`` counts, quantities or revenue) and only
rank. ``aftersales.models.make(name, params, seed=...)`` builds one of :data:`TOPN_MODELS`
(an unfitted model's ``params`` are its parameters with their defaults):

- ``"popularity"``: :class:`Popularity`, global or per group (country, segment);
- ``"itemknn"``: :class:`ItemKNN`, cosine with shrinkage over the customer x item matrix;
- ``"ease"``: :class:`EASE`, the closed-form shallow autoencoder (solved through the
  items x items or, with fewer users than items, the users x users system; refused with
  ``MemoryBudgetError`` when its estimated peak exceeds ``memory_budget``);
- ``"als"``: :class:`ALS`, confidence-weighted factorisation (``implicit`` library);
- ``"bpr"``: :class:`BPR`, Bayesian personalised ranking (``cornac`` library);
- ``"content"``: :class:`ContentBased`, cosine of item content to the customer's profile;
- ``"hybrid"``: :class:`Hybrid`, a collaborative model blended with ``content``.

Every model follows ``aftersales.models.Recommender``: ``fit(frame)`` (``C.USER``,
``C.ITEM`` [, ``C.WEIGHT`` or ``C.RATING``], or a Surprise trainset), ``score_all(users)``
(dense scores and the item index, as ``aftersales.models.Scores``), ``recommend(users, k, *,
exclude_seen=True)`` (``aftersales.models.Ranker``'s, the one every model shares) and
``explain(user, items)``; ``aftersales.models.recommend`` ranks with any model, so
``aftersales.evaluate`` treats them alike. Users absent from the training data get the
popularity fallback. ``predict``, ``estimate`` and ``test`` raise :class:`RankingOnlyError`.

:func:`tune` picks parameters on a validation split of the training data
(:func:`validation_split`: the month before a cut-off), and :func:`tune_export` the
parameters an exported model is refitted with;
:func:`reference_protocol` runs issue #7's movielens-100k protocol next to Surprise's SVD;
:func:`purchase_time_split` is the retail setting (train before a date, test the month
after), and :func:`user_groups` gives the country of each customer for ``Popularity``.
A model's ``explain`` lists the training items behind a recommendation (``explain_lists``
for many users at once). :func:`compare_topn` tunes and evaluates several models (and SVD)
on one split, :func:`examples` draws example lists with explanations,
:func:`reference_table` sets issue #7's numbers beside ours, and
:func:`topn_setting` builds the train, test and validation data of notebook 02.02 for
ratings or transactions.
"""

from __future__ import annotations

from aftersales.errors import RankingOnlyError
from aftersales.topn._base import TopNModel
from aftersales.topn._common import MAX_FACTORS, MAX_ITERATIONS, RanksOnly
from aftersales.topn._compare import (
    COMPARE_METRICS,
    SVD_LABEL,
    Comparison,
    ExampleLists,
    at_k,
    compare_topn,
    examples,
    reference_table,
)
from aftersales.topn._content import ContentBased, Hybrid
from aftersales.topn._explain import TOPN_EXPLANATION_COLUMNS, ItemReasons
from aftersales.topn._factor import ALS, BPR
from aftersales.topn._matrix import (
    Interactions,
    implicit_from_ratings,
    interaction_matrix,
    value_column,
)
from aftersales.topn._models import EASE, ItemKNN, Popularity
from aftersales.topn._protocols import (
    ISSUE_SVD,
    REFERENCE_GRIDS,
    REFERENCE_METRICS,
    ReferenceResult,
    reference_protocol,
)
from aftersales.topn._refit import ExportTuning, tune_export
from aftersales.topn._registry import TOPN_MODELS
from aftersales.topn._retail import purchase_time_split, user_groups, validation_split
from aftersales.topn._setting import GROUPINGS, TopNSetting, topn_setting
from aftersales.topn._tune import Tuned, tune

__all__ = [
    "ALS",
    "BPR",
    "COMPARE_METRICS",
    "EASE",
    "GROUPINGS",
    "ISSUE_SVD",
    "MAX_FACTORS",
    "MAX_ITERATIONS",
    "REFERENCE_GRIDS",
    "REFERENCE_METRICS",
    "SVD_LABEL",
    "TOPN_EXPLANATION_COLUMNS",
    "TOPN_MODELS",
    "Comparison",
    "ContentBased",
    "ExampleLists",
    "ExportTuning",
    "Hybrid",
    "Interactions",
    "ItemKNN",
    "ItemReasons",
    "Popularity",
    "RankingOnlyError",
    "RanksOnly",
    "ReferenceResult",
    "TopNModel",
    "TopNSetting",
    "Tuned",
    "at_k",
    "compare_topn",
    "examples",
    "implicit_from_ratings",
    "interaction_matrix",
    "purchase_time_split",
    "reference_protocol",
    "reference_table",
    "topn_setting",
    "tune",
    "tune_export",
    "user_groups",
    "validation_split",
    "value_column",
]
