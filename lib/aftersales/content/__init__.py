"""Content-based recommendation: item features, the content and hybrid models' helpers, cold start.

:func:`item_content` describes every item by its words, categories and price (cached with
the preparation as ``prepared.content``); :func:`content_features` turns that table into
sparse TF-IDF, one-hot and price-band features; :func:`load_features` does both for a data
set name. The models themselves live with the other top-N models
(``aftersales.topn.ContentBased`` and ``aftersales.topn.Hybrid``, registered as
``"content"`` and ``"hybrid"``). :func:`explain_content` and :func:`explanation_sentences`
say which bought items and shared features stand behind a recommendation;
:func:`cold_start_setting` and :func:`cold_start_study` run notebook 02.03's warm,
cold-item and cold-customer protocol.
"""

from __future__ import annotations

from aftersales.clean import CONTENT_COLUMNS, has_content, item_content
from aftersales.content._coldstart import (
    SCENARIOS,
    ColdStart,
    cold_start_setting,
    validation_split,
)
from aftersales.content._explain import (
    CONTENT_EXPLANATION_COLUMNS,
    explain_content,
    explain_examples,
    explanation_sentences,
)
from aftersales.content._features import ContentFeatures, content_features, load_features
from aftersales.content._study import COLD_METRICS, ColdStartStudy, cold_start_study, tune_blend

__all__ = [
    "COLD_METRICS",
    "CONTENT_COLUMNS",
    "CONTENT_EXPLANATION_COLUMNS",
    "SCENARIOS",
    "ColdStart",
    "ColdStartStudy",
    "ContentFeatures",
    "cold_start_setting",
    "cold_start_study",
    "content_features",
    "explain_content",
    "explain_examples",
    "explanation_sentences",
    "has_content",
    "item_content",
    "load_features",
    "tune_blend",
    "validation_split",
]
