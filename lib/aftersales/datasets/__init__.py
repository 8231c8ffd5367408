"""Data sets: a registry of real public data sets and loaders for analysts' own files.

``load(name)`` returns a canonical frame (names from :mod:`aftersales.columns`), resolving
the parsed cache, ``data/raw``, the local mirror and finally the publisher's address.
"""

from __future__ import annotations

from aftersales.datasets._load import cache_path, check_content, fetch, load, spec
from aftersales.datasets._own import load_ratings, load_transactions
from aftersales.datasets._registry import REGISTRY
from aftersales.datasets._spec import DatasetSpec

NAMES: tuple[str, ...] = tuple(REGISTRY)
"""Registered data set names."""

__all__ = [
    "NAMES",
    "REGISTRY",
    "DatasetSpec",
    "cache_path",
    "check_content",
    "fetch",
    "load",
    "load_ratings",
    "load_transactions",
    "spec",
]
