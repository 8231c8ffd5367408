"""Parameterised reports: papermill runs the notebooks, nbconvert renders them.

``python -m aftersales.report params/<run>.yaml [...]`` writes ``reports/<run>/`` with each
executed notebook, an offline HTML copy without code, ``figures/``, ``tables/`` and
``manifest.json``.

The names below are imported on first use (PEP 562), not with the package: papermill,
nbconvert and the notebooks' parameter classes (which import Surprise, implicit and mlxtend)
take seconds to load, and ``python -m aftersales.report --help`` should answer at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aftersales.lazy import attach

if TYPE_CHECKING:  # what the lazy names resolve to, for type checkers and readers
    from aftersales.report._index import key_metrics, write_index
    from aftersales.report._inplace import refresh
    from aftersales.report._manifest import CellTiming, Manifest, NotebookOutcome
    from aftersales.report._notebooks import NAME_PATTERN, canonical, declared, select
    from aftersales.report._render import to_html
    from aftersales.report._run import plan, read_params, run

_HOMES = {
    "NAME_PATTERN": "_notebooks",
    "CellTiming": "_manifest",
    "Manifest": "_manifest",
    "NotebookOutcome": "_manifest",
    "canonical": "_notebooks",
    "declared": "_notebooks",
    "key_metrics": "_index",
    "plan": "_run",
    "read_params": "_run",
    "refresh": "_inplace",
    "run": "_run",
    "select": "_notebooks",
    "to_html": "_render",
    "write_index": "_index",
}

__all__ = [
    "NAME_PATTERN",
    "CellTiming",
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


__getattr__, __dir__ = attach(__name__, _HOMES)
