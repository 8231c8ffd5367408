"""Parameterised reports: papermill runs the notebooks, nbconvert renders them.

``python -m aftersales.report params/<run>.yaml [...]`` writes ``reports/<run>/`` with each
executed notebook, an offline HTML copy without code, ``figures/``, ``tables/`` and
``manifest.json``.
"""

from __future__ import annotations

from aftersales.report._index import key_metrics, write_index
from aftersales.report._inplace import refresh
from aftersales.report._manifest import Manifest, NotebookOutcome
from aftersales.report._notebooks import NAME_PATTERN, canonical, declared, select
from aftersales.report._render import to_html
from aftersales.report._run import plan, read_params, run

__all__ = [
    "NAME_PATTERN",
    "Manifest",
    "NotebookOutcome",
    "canonical",
    "declared",
    "key_metrics",
    "plan",
    "read_params",
    "refresh",
    "run",
    "select",
    "to_html",
    "write_index",
]
