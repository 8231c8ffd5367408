"""Write a store: the schema's tables from a run's sources, derived tables in SQL, the views.

The file is written beside its final name and renamed into place, so a reader never sees a
half-built store.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from aftersales import columns as C
from aftersales import locks
from aftersales.errors import DataValidationError, ParameterError
from aftersales.store import _schema as S
from aftersales.store._sources import Sources


@dataclass(frozen=True)
class Built:
    """What :func:`write` made: the store, rows per table, and the seconds it took."""

    path: Path
    rows: dict[str, int]
    seconds: float


def _insert(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, **renamed: str) -> None:
    """Insert ``frame`` into table ``name``: schema columns it lacks become NULL.

    ``renamed`` maps a schema column to the frame's column holding it.
    """
    definition = S.table(name)
    picks = []
    for column in definition.columns:
        source = renamed.get(column.name, column.name)
        if source in frame.columns:
            picks.append(f'CAST(f."{source}" AS {column.type})')
        else:
            picks.append(f"CAST(NULL AS {column.type})")
    arrow = pa.Table.from_pandas(frame, preserve_index=False)  # DuckDB scans Arrow fastest
    con.register("f", arrow)
    try:
        con.execute(f'INSERT INTO "{name}" SELECT {", ".join(picks)} FROM f')
    finally:
        con.unregister("f")


def _naive_utc(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    stamp = frame[column]
    if getattr(stamp.dtype, "tz", None) is not None:
        return frame.assign(**{column: stamp.dt.tz_convert("UTC").dt.tz_localize(None)})
    return frame


_SALE = f"coalesce({C.KEPT}, TRUE) AND {C.QUANTITY} > 0 AND {C.UNIT_PRICE} > 0"
"""A line that counts as a sale: kept by cleaning (or not known) and positive."""

_ORDERS = f"""
    INSERT INTO orders
    SELECT {C.INVOICE}, any_value({C.CUSTOMER_KEY}), any_value({C.COUNTRY}), min({C.TIMESTAMP}),
           count(*), count(DISTINCT {C.ITEM}), sum({C.QUANTITY}), sum({C.REVENUE}),
           starts_with({C.INVOICE}, 'C')
    FROM order_lines GROUP BY {C.INVOICE}"""

_RULE_ITEMS = f"""
    INSERT INTO rule_items
    SELECT DISTINCT {C.RULE_ID}, side, trim(item) FROM (
        SELECT {C.RULE_ID}, 'antecedent' AS side,
               unnest(string_split({C.ANTECEDENTS}, ' + ')) AS item FROM rules
        UNION ALL
        SELECT {C.RULE_ID}, 'consequent', unnest(string_split({C.CONSEQUENTS}, ' + ')) FROM rules
    )"""

_PRODUCTS = f"""
    INSERT INTO products
    WITH sale AS (SELECT * FROM order_lines WHERE {_SALE}),
    named AS (
        SELECT {C.ITEM}, first({C.DESCRIPTION} ORDER BY n DESC, {C.DESCRIPTION}) AS name
        FROM (SELECT {C.ITEM}, {C.DESCRIPTION}, count(*) AS n FROM sale
              WHERE {C.DESCRIPTION} IS NOT NULL GROUP BY ALL)
        GROUP BY {C.ITEM}),
    stats AS (
        SELECT {C.ITEM}, median({C.UNIT_PRICE}) AS price,
               count(DISTINCT {C.CUSTOMER_KEY}) AS buyers, count(*) AS lines
        FROM sale GROUP BY {C.ITEM}),
    cuts AS (SELECT quantile_cont(price, [0.25, 0.5, 0.75]) AS q FROM stats),
    recommended AS (
        SELECT {C.ITEM}, min({C.ITEM_NAME}) AS name FROM recommendations GROUP BY {C.ITEM}),
    terms AS (
        SELECT {C.ITEM}, string_agg({C.TERM}, ', ' ORDER BY {C.WEIGHT} DESC, {C.TERM}) AS top
        FROM (SELECT *, row_number() OVER (PARTITION BY {C.ITEM}
                                           ORDER BY {C.WEIGHT} DESC, {C.TERM}) AS place
              FROM product_terms)
        WHERE place <= 5 GROUP BY {C.ITEM}),
    items AS (
        SELECT {C.ITEM} FROM stats UNION SELECT {C.ITEM} FROM recommended
        UNION SELECT {C.ITEM} FROM ratings UNION SELECT {C.ITEM} FROM product_terms)
    SELECT i.{C.ITEM}, coalesce(named.name, recommended.name), stats.price,
           CASE WHEN stats.price IS NULL THEN NULL
                WHEN stats.price <= cuts.q[1] THEN '{S.PRICE_BANDS[0]}'
                WHEN stats.price <= cuts.q[2] THEN '{S.PRICE_BANDS[1]}'
                WHEN stats.price <= cuts.q[3] THEN '{S.PRICE_BANDS[2]}'
                ELSE '{S.PRICE_BANDS[3]}' END,
           coalesce(stats.buyers, 0), coalesce(stats.lines, 0), terms.top
    FROM items i CROSS JOIN cuts
    LEFT JOIN named USING ({C.ITEM}) LEFT JOIN stats USING ({C.ITEM})
    LEFT JOIN recommended USING ({C.ITEM}) LEFT JOIN terms USING ({C.ITEM})"""

_SEGMENT_COLUMNS = ", ".join(
    f"seg.{c.name}"
    for c in S.table("customers").columns[5:]  # segment ... action
)

_CUSTOMERS = f"""
    INSERT INTO customers
    WITH lines AS (
        SELECT * FROM order_lines
        WHERE {C.CUSTOMER_KEY} IS NOT NULL AND coalesce({C.KEPT}, TRUE)),
    span AS (
        SELECT {C.CUSTOMER_KEY},
               min({C.TIMESTAMP}) FILTER (WHERE {C.QUANTITY} > 0) AS first_seen,
               max({C.TIMESTAMP}) FILTER (WHERE {C.QUANTITY} > 0) AS last_seen
        FROM lines GROUP BY {C.CUSTOMER_KEY}),
    main AS (
        SELECT {C.CUSTOMER_KEY}, first({C.COUNTRY} ORDER BY spent DESC, {C.COUNTRY}) AS country
        FROM (SELECT {C.CUSTOMER_KEY}, {C.COUNTRY}, sum({C.REVENUE}) AS spent FROM lines
              WHERE {C.COUNTRY} IS NOT NULL GROUP BY ALL)
        GROUP BY {C.CUSTOMER_KEY}),
    known AS ({{keys}})
    SELECT k.{C.CUSTOMER_KEY}, seg.{C.CUSTOMER}, main.country, span.first_seen, span.last_seen,
           {_SEGMENT_COLUMNS}
    FROM known k
    LEFT JOIN seg USING ({C.CUSTOMER_KEY})
    LEFT JOIN main USING ({C.CUSTOMER_KEY}) LEFT JOIN span USING ({C.CUSTOMER_KEY})"""

_ALL_KEYS = f"""
    SELECT {C.CUSTOMER_KEY} FROM order_lines WHERE {C.CUSTOMER_KEY} IS NOT NULL
    UNION SELECT {C.CUSTOMER_KEY} FROM ratings UNION SELECT {C.CUSTOMER_KEY} FROM recommendations"""


def _rules(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{C.RULE_ID: range(1, len(frame) + 1)})


def _runs(manifest: dict) -> pd.DataFrame:
    given = manifest.get("parameters", {})
    row = {name: manifest.get(name) for name in S.table("runs").names}
    row |= {
        "dataset": given.get("dataset"),
        "notebooks": json.dumps(manifest.get("notebooks", []), default=str),
        "parameters": json.dumps(given, sort_keys=True, default=str),
    }
    return pd.DataFrame([row]).astype({"duration_s": "float64"})


def _check_keys(con: duckdb.DuckDBPyConnection) -> None:
    counts = " UNION ALL ".join(
        f"SELECT '{t.name}' AS name, count(*) - count(DISTINCT ({', '.join(t.key)})) AS extra "
        f'FROM "{t.name}"'
        for t in S.TABLES
    )
    for name, extra in con.execute(f"SELECT * FROM ({counts}) WHERE extra > 0").fetchall():
        keys = ", ".join(S.table(name).key)
        raise DataValidationError(
            f"store table `{name}`: {extra} rows repeat a value of its key ({keys}); its "
            "source holds duplicate rows"
        )


def _raw_ids(sources: Sources, allow_raw_ids: bool) -> None:
    segments = sources.segments
    if segments is not None and C.CUSTOMER in segments and not allow_raw_ids:
        raise ParameterError(
            "the run's segments hold raw customer ids; the store takes them only when the run "
            "sets `export_raw_ids` (pass allow_raw_ids=True)"
        )


def load(con: duckdb.DuckDBPyConnection, sources: Sources, *, allow_raw_ids: bool = False) -> None:
    """Create the schema in ``con`` and fill it from ``sources``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An empty, writable database.
    sources : Sources
        What the run produced (:func:`aftersales.store.read_run`).
    allow_raw_ids : bool, default False
        Keep the raw customer ids of a run that exported them (``export_raw_ids``).

    Raises
    ------
    ParameterError
        If a source holds raw customer ids and ``allow_raw_ids`` is false.
    DataValidationError
        If a source lacks a column its table needs, or a table's key repeats.
    """
    _raw_ids(sources, allow_raw_ids)
    con.execute(";\n".join(S.ddl(definition) for definition in S.TABLES))
    if sources.lines is not None:
        _insert(con, "order_lines", sources.lines)
        con.execute(_ORDERS)
    if sources.interactions is not None:
        _insert(con, "ratings", _naive_utc(sources.interactions, C.TIMESTAMP))
    if sources.recommendations is not None:
        _insert(con, "recommendations", sources.recommendations, reason=C.EXPLANATION)
    if sources.content_terms is not None:
        missing = {C.ITEM, C.TERM, C.WEIGHT} - set(sources.content_terms.columns)
        if missing:
            raise DataValidationError(
                f"{sources.files['content_terms']}: columns {sorted(missing)} are missing; "
                f"the store reads `{C.ITEM}`, `{C.TERM}`, `{C.WEIGHT}`"
            )
        _insert(con, "product_terms", sources.content_terms)
    if sources.rules is not None:
        _insert(con, "rules", _rules(sources.rules))
        con.execute(_RULE_ITEMS)
    if sources.segment_actions is not None:
        _insert(con, "segment_actions", sources.segment_actions)
    con.execute(_PRODUCTS)
    segments = sources.segments
    if segments is None:
        segments = pd.DataFrame({C.CUSTOMER_KEY: pd.Series([], dtype="str")})
    wanted = [C.CUSTOMER, *(c.name for c in S.table("customers").columns[5:])]
    seg = segments.assign(**{name: pd.NA for name in wanted if name not in segments})
    con.register("seg", seg)
    keys = f"SELECT {C.CUSTOMER_KEY} FROM seg" if sources.segments is not None else _ALL_KEYS
    con.execute(_CUSTOMERS.format(keys=keys))
    con.unregister("seg")
    if sources.returns is not None:
        con.register("f", sources.returns)
        con.execute("CREATE TABLE returns AS SELECT * FROM f")
        con.unregister("f")
    _insert(con, "runs", _runs(sources.manifest))
    con.execute(";\n".join(f'CREATE VIEW "{name}" AS {sql}' for name, sql in S.VIEWS.items()))
    _check_keys(con)


def write(
    sources: Sources, path: Path, *, allow_raw_ids: bool = False, began: float | None = None
) -> Built:
    """Build a store file from a run's sources, replacing any store at ``path``.

    Parameters
    ----------
    sources : Sources
        What the run produced.
    path : Path
        The store file (``reports/<run>/store.duckdb``).
    allow_raw_ids : bool, default False
        Keep the raw ids of a run that exported them.
    began : float, optional
        ``time.perf_counter()`` when reading the sources began, so the recorded load time
        includes it.

    Returns
    -------
    Built
        The store, rows per table and the seconds taken.

    Raises
    ------
    ParameterError, DataValidationError
        As :func:`load`.
    WriteError
        If the file cannot be written; names the folder.
    """
    began = time.perf_counter() if began is None else began
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        con = duckdb.connect(str(partial))
    except (OSError, duckdb.IOException) as exc:
        raise locks.write_error(OSError(str(exc)), path.parent, path.name) from exc
    _quiet(con)
    try:
        load(con, sources, allow_raw_ids=allow_raw_ids)
        rows = {
            t.name: con.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0] for t in S.TABLES
        }
        loaded = {t.name: _source_of(t.name, sources) for t in S.TABLES}
        con.execute(
            f"CREATE TABLE {S.LOADED_TABLE} (table_name VARCHAR, n_rows BIGINT, source VARCHAR)"
        )
        con.executemany(
            f"INSERT INTO {S.LOADED_TABLE} VALUES (?, ?, ?)",
            [(name, rows[name], loaded[name]) for name in rows],
        )
        seconds = round(time.perf_counter() - began, 3)
        con.execute(
            f"CREATE TABLE {S.META_TABLE} (schema_version INTEGER, built VARCHAR, "
            "run VARCHAR, load_seconds DOUBLE)"
        )
        con.execute(
            f"INSERT INTO {S.META_TABLE} VALUES (?, ?, ?, ?)",
            [
                S.SCHEMA_VERSION,
                datetime.now(UTC).isoformat(timespec="seconds"),
                sources.manifest.get("run"),
                seconds,
            ],
        )
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        partial.unlink(missing_ok=True)
        raise
    con.close()
    try:
        os.replace(partial, path)
    except OSError as exc:
        raise locks.write_error(exc, path.parent, path.name) from exc
    return Built(path, rows, seconds)


def _quiet(con: duckdb.DuckDBPyConnection) -> None:
    """Switch DuckDB's progress bar off (a kernel without ipywidgets draws none anyway)."""
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.InvalidInputException:  # under Jupyter without ipywidgets it cannot change
        pass


def record_run(path: Path, manifest: dict) -> None:
    """Replace the ``runs`` row of a store by a (final) manifest.

    The runner builds the store before the notebooks that read it; once the run has ended
    the row gets the final status, duration and every notebook's outcome.

    Parameters
    ----------
    path : Path
        The store file.
    manifest : dict
        The run's manifest (``manifest.json`` as a mapping).

    Raises
    ------
    WriteError
        If the store cannot be written.
    """
    try:
        with duckdb.connect(str(path)) as con:
            con.execute('DELETE FROM "runs"')
            _insert(con, "runs", _runs(manifest))
            con.execute("CHECKPOINT")
    except (OSError, duckdb.IOException) as exc:
        raise locks.write_error(OSError(str(exc)), Path(path).parent, Path(path).name) from exc


_DERIVED = {
    "orders": "lines",
    "products": "lines",
    "customers": "segments",
    "rule_items": "rules",
    "product_terms": "content_terms",
    "ratings": "interactions",
    "order_lines": "lines",
    "runs": None,
}


def _source_of(name: str, sources: Sources) -> str | None:
    if name == "runs":
        return "manifest.json"
    origin = _DERIVED.get(name, name)
    found = sources.files.get(origin)
    if name in ("orders", "products") and found:
        return f"derived from order_lines ({found})"
    if name == "customers" and not found:
        lines = sources.files.get("lines")
        return f"customers of {lines}" if lines else None
    return found
