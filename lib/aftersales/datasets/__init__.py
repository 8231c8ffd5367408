"""Data sets: a registry of real public data sets and loaders for analysts' own files.

``load(name)`` returns a canonical frame (names from :mod:`aftersales.columns`), resolving
the parsed cache, ``data/raw``, the local mirror and finally the publisher's address; given
the path of a source YAML file instead of a name, it reads the analyst's own export. A data set
holds ratings, transactions or a randomised campaign (``hillstrom``, or a source of kind
``campaign``: one row per customer with its arm, outcomes and covariates).
:func:`describe` and :func:`per_month` summarise a loaded frame (counts, density, dates).
"""

from __future__ import annotations

from aftersales.datasets._campaign import check_arms, load_campaign, outcome_values
from aftersales.datasets._describe import describe, per_month
from aftersales.datasets._load import (
    cache_path,
    check_content,
    fetch,
    fingerprint,
    load,
    source,
    spec,
)
from aftersales.datasets._own import load_ratings, load_transactions
from aftersales.datasets._registry import REGISTRY
from aftersales.datasets._source import KINDS, Source, is_source, load_source, read_source
from aftersales.datasets._spec import DatasetSpec

NAMES: tuple[str, ...] = tuple(REGISTRY)
"""Registered data set names."""

__all__ = [
    "KINDS",
    "NAMES",
    "REGISTRY",
    "DatasetSpec",
    "Source",
    "cache_path",
    "check_arms",
    "check_content",
    "describe",
    "fetch",
    "fingerprint",
    "is_source",
    "load",
    "load_campaign",
    "load_ratings",
    "load_source",
    "load_transactions",
    "outcome_values",
    "per_month",
    "read_source",
    "source",
    "spec",
]
