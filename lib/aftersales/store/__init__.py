"""The integrated customer store: every run's outputs in one embedded DuckDB file.

A report run ends by writing ``reports/<run>/store.duckdb`` from what its notebooks
produced (:func:`build_run`); analysts and notebooks open it with :func:`connect`, and
``python -m aftersales.store <store> "SELECT ..."`` answers from a shell (read-only), with
``--csv`` / ``--parquet`` to export the result::

    from aftersales import store

    con = store.connect("reports/online-retail")
    store.query(con, "SELECT * FROM at_risk_high_value LIMIT 10")

The schema (:data:`TABLES`, :data:`VIEWS`, :func:`describe`) is versioned
(:data:`SCHEMA_VERSION`); a store of another version is refused with how to rebuild it.
Customer keys are keyed pseudonyms; raw ids enter only when the run set ``export_raw_ids``.
"""

from __future__ import annotations

import time
from pathlib import Path

from aftersales import outputs
from aftersales.store._access import (
    REBUILD,
    connect,
    query,
    schema_version,
    store_path,
    timed,
)
from aftersales.store._build import Built, load, record_run, write
from aftersales.store._questions import (
    CHECKS,
    CLV_BANDS,
    EXAMPLE_QUERY,
    audience,
    checks,
    history,
    pick_customer,
    profile,
    recommendations_for,
    require_customer,
    row_counts,
    rules_firing,
)
from aftersales.store._schema import (
    AT_RISK_SEGMENTS,
    FREE_TABLES,
    HIGH_VALUE_QUANTILE,
    PRICE_BANDS,
    SCHEMA_VERSION,
    STORE_FILE,
    TABLES,
    VIEWS,
    Column,
    Table,
    describe,
)
from aftersales.store._sources import Sources, keyed, order_lines, read_run
from aftersales.store._standalone import build_from_data, standalone_path


def build_run(folder: str | Path, *, key: bytes | str | None = None) -> Built:
    """Build ``<folder>/store.duckdb`` from a run folder's outputs.

    Parameters
    ----------
    folder : str or Path
        ``reports/<run>/`` (or a run's staging folder) holding ``manifest.json``.
    key : bytes or str, optional
        The key the run pseudonymised with; default as the notebooks resolve it
        (:func:`aftersales.outputs.pseudonym_key`).

    Returns
    -------
    Built
        The store, rows per table and the load time in seconds.

    Raises
    ------
    StoreMissingError
        If ``folder`` is not a run folder.
    ParameterError
        If the key is unusable, or raw ids are found in a run that did not export them.
    DataValidationError
        If a source is malformed or made with another key.
    WriteError
        If the store cannot be written.
    """
    began = time.perf_counter()
    folder = Path(folder)
    resolved = key if isinstance(key, bytes) else outputs.pseudonym_key(key or "")
    sources = read_run(folder, key=resolved)
    raw = bool(sources.manifest.get("parameters", {}).get("export_raw_ids", False))
    return write(sources, folder / STORE_FILE, allow_raw_ids=raw, began=began)


__all__ = [
    "AT_RISK_SEGMENTS",
    "CHECKS",
    "CLV_BANDS",
    "EXAMPLE_QUERY",
    "FREE_TABLES",
    "HIGH_VALUE_QUANTILE",
    "PRICE_BANDS",
    "REBUILD",
    "SCHEMA_VERSION",
    "STORE_FILE",
    "TABLES",
    "VIEWS",
    "Built",
    "Column",
    "Sources",
    "Table",
    "audience",
    "build_from_data",
    "build_run",
    "checks",
    "connect",
    "describe",
    "history",
    "keyed",
    "load",
    "order_lines",
    "pick_customer",
    "profile",
    "query",
    "read_run",
    "recommendations_for",
    "record_run",
    "require_customer",
    "row_counts",
    "rules_firing",
    "schema_version",
    "standalone_path",
    "store_path",
    "timed",
    "write",
]
