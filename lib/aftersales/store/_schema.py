"""The store's one documented schema: tables (columns, types, keys, source) and views.

Every table is created in every store, empty when the run did not produce its source
(``store_tables`` says which were loaded), so the views and any saved query work on every
run. Times are UTC (``TIMESTAMP`` without zone); customer keys are the keyed pseudonyms of
:mod:`aftersales.privacy`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from aftersales import columns as C

SCHEMA_VERSION = 1
"""Raised whenever a table, column, type or view changes; older stores are refused."""

STORE_FILE = "store.duckdb"
"""The store's file name inside a run folder."""

META_TABLE = "store_meta"
"""One row: schema version, build time and load time of the store."""

LOADED_TABLE = "store_tables"
"""One row per schema table: rows loaded and the file it came from (empty: not produced)."""

AT_RISK_SEGMENTS: tuple[str, ...] = ("At Risk", "Can't Lose Them")
"""Segments of :data:`VIEWS` ``at_risk_high_value``: valuable customers slipping away."""

HIGH_VALUE_QUANTILE = 0.75
"""``at_risk_high_value`` keeps customers whose CLV is at least this quantile of all CLVs."""

PRICE_BANDS: tuple[str, ...] = ("low", "mid", "high", "top")
"""Price bands of products: quartiles of the products' median unit price."""


@dataclass(frozen=True)
class Column:
    """One column: name, DuckDB type, meaning."""

    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Table:
    """One table of the store.

    ``columns`` is empty for a table stored as its source writes it (``returns``);
    ``source`` says where the rows come from in a run folder.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    source: str
    doc: str

    @property
    def names(self) -> list[str]:
        """The column names in order."""
        return [column.name for column in self.columns]


def _c(name: str, kind: str, doc: str) -> Column:
    return Column(name, kind, doc)


_KEY = _c(C.CUSTOMER_KEY, "VARCHAR", "keyed pseudonym of the customer (c_ + 16 hex)")

TABLES: tuple[Table, ...] = (
    Table(
        "customers",
        (
            _KEY,
            _c(C.CUSTOMER, "VARCHAR", "raw id, only when the run sets export_raw_ids"),
            _c(C.COUNTRY, "VARCHAR", "country of most of the customer's lines"),
            _c(C.FIRST_PURCHASE, "TIMESTAMP", "first purchase (UTC)"),
            _c(C.LAST_PURCHASE, "TIMESTAMP", "last purchase (UTC)"),
            _c(C.SEGMENT, "VARCHAR", "named RFM segment (03.00)"),
            _c(C.CLUSTER, "INTEGER", "k-means cluster (03.00)"),
            _c(C.RECENCY, "INTEGER", "days since the last purchase at the RFM reference date"),
            _c(C.FREQUENCY, "INTEGER", "invoices"),
            _c(C.MONETARY, "DOUBLE", "net revenue"),
            _c(C.R_SCORE, "INTEGER", "recency quintile score 1-5"),
            _c(C.F_SCORE, "INTEGER", "frequency quintile score 1-5"),
            _c(C.M_SCORE, "INTEGER", "monetary quintile score 1-5"),
            _c(C.RFM_CODE, "VARCHAR", "R, F and M scores as text"),
            _c(C.P_ALIVE, "DOUBLE", "BG/NBD probability the customer is still active"),
            _c(C.EXPECTED_PURCHASES, "DOUBLE", "BG/NBD expected purchases over the horizon"),
            _c(C.CLV, "DOUBLE", "discounted lifetime value over the horizon"),
            _c(C.ACTION, "VARCHAR", "the segment's after-sales action"),
        ),
        (C.CUSTOMER_KEY,),
        "tables/segments.csv (03.00), else the customers of order_lines, ratings or "
        "recommendations; first/last purchase and country from order_lines",
        "one row per customer",
    ),
    Table(
        "orders",
        (
            _c(C.INVOICE, "VARCHAR", "invoice number (C...: a cancellation)"),
            _KEY,
            _c(C.COUNTRY, "VARCHAR", "country of the invoice"),
            _c(C.TIMESTAMP, "TIMESTAMP", "invoice time (UTC)"),
            _c(C.N_LINES, "INTEGER", "lines"),
            _c(C.N_ITEMS, "INTEGER", "distinct items"),
            _c(C.QUANTITY, "BIGINT", "units"),
            _c(C.REVENUE, "DOUBLE", "sum of quantity x unit price"),
            _c(C.CANCELLED, "BOOLEAN", "a cancellation invoice"),
        ),
        (C.INVOICE,),
        "order_lines, grouped by invoice",
        "one row per invoice",
    ),
    Table(
        "order_lines",
        (
            _c(C.LINE_NO, "BIGINT", "line number in the data set (from 0)"),
            _c(C.INVOICE, "VARCHAR", "invoice number"),
            _c(C.ITEM, "VARCHAR", "stock code"),
            _c(C.DESCRIPTION, "VARCHAR", "description as written on the line"),
            _c(C.QUANTITY, "INTEGER", "units (negative: returned or cancelled)"),
            _c(C.UNIT_PRICE, "DOUBLE", "price per unit"),
            _c(C.REVENUE, "DOUBLE", "quantity x unit price"),
            _c(C.TIMESTAMP, "TIMESTAMP", "invoice time (UTC)"),
            _KEY,
            _c(C.COUNTRY, "VARCHAR", "country"),
            _c(C.KEPT, "BOOLEAN", "kept by the cleaning of 01.00 (NULL: not known)"),
        ),
        (C.LINE_NO,),
        "the run's data set (every line), kept flags from the 01.00 cache named by "
        "data/processed.json",
        "one row per transaction line",
    ),
    Table(
        "products",
        (
            _c(C.ITEM, "VARCHAR", "item id (stock code, film id)"),
            _c(C.PRODUCT_NAME, "VARCHAR", "most frequent description, or the recommended name"),
            _c(C.UNIT_PRICE, "DOUBLE", "median unit price of kept sales lines"),
            _c(C.PRICE_BAND, "VARCHAR", "quartile of the median price: low, mid, high, top"),
            _c(C.N_CUSTOMERS, "INTEGER", "customers who bought it (kept lines)"),
            _c(C.N_LINES, "INTEGER", "kept lines"),
            _c(C.TOP_TERMS, "VARCHAR", "strongest content terms, from product_terms"),
        ),
        (C.ITEM,),
        "order_lines, recommendations and product_terms",
        "one row per item",
    ),
    Table(
        "product_terms",
        (
            _c(C.ITEM, "VARCHAR", "item id"),
            _c(C.TERM, "VARCHAR", "content term"),
            _c(C.WEIGHT, "DOUBLE", "the term's weight for the item"),
        ),
        (C.ITEM, C.TERM),
        "tables/content_terms.csv (content features), when the run wrote it",
        "content features' terms per item",
    ),
    Table(
        "ratings",
        (
            _KEY,
            _c(C.ITEM, "VARCHAR", "item id"),
            _c(C.RATING, "DOUBLE", "rating 1-5 (retail: from purchase frequency)"),
            _c(C.WEIGHT, "DOUBLE", "implicit weight (retail)"),
            _c(C.TIMESTAMP, "TIMESTAMP", "time of the (last) interaction (UTC)"),
        ),
        (C.CUSTOMER_KEY, C.ITEM),
        "data/interactions.parquet (01.00; absent when the licence forbids redistribution)",
        "one row per customer and item",
    ),
    Table(
        "recommendations",
        (
            _KEY,
            _c(C.RANK, "INTEGER", "rank from 1"),
            _c(C.ITEM, "VARCHAR", "recommended item"),
            _c(C.ITEM_NAME, "VARCHAR", "its name"),
            _c(C.SCORE, "DOUBLE", "the model's score"),
            _c(C.MODEL, "VARCHAR", "the model that ranked it"),
            _c(C.REASON, "VARCHAR", "why, in words"),
        ),
        (C.CUSTOMER_KEY, C.RANK),
        "tables/recommendations.csv (04.00); model from the manifest and tables/metrics.csv",
        "each customer's top-N",
    ),
    Table(
        "rules",
        (
            _c(C.RULE_ID, "INTEGER", "rule number (strongest lift first)"),
            _c(C.ANTECEDENTS, "VARCHAR", "items of the if-side, joined by ' + '"),
            _c(C.CONSEQUENTS, "VARCHAR", "items of the then-side"),
            _c(C.ANTECEDENT_DESCRIPTIONS, "VARCHAR", "their descriptions"),
            _c(C.CONSEQUENT_DESCRIPTIONS, "VARCHAR", "their descriptions"),
            _c(C.SUPPORT, "DOUBLE", "share of baskets with both sides"),
            _c(C.CONFIDENCE, "DOUBLE", "P(then | if)"),
            _c(C.LIFT, "DOUBLE", "confidence / P(then)"),
        ),
        (C.RULE_ID,),
        "tables/rules.csv (03.01)",
        "association rules",
    ),
    Table(
        "rule_items",
        (
            _c(C.RULE_ID, "INTEGER", "rule number"),
            _c(C.SIDE, "VARCHAR", "antecedent or consequent"),
            _c(C.ITEM, "VARCHAR", "item id"),
        ),
        (C.RULE_ID, C.SIDE, C.ITEM),
        "rules, one row per item of each side",
        "rules' items, for 'which rules fire on this basket'",
    ),
    Table(
        "segment_actions",
        (
            _c(C.SEGMENT, "VARCHAR", "named segment"),
            _c(C.N_CUSTOMERS, "INTEGER", "customers"),
            _c(C.CUSTOMER_SHARE, "DOUBLE", "share of customers"),
            _c(C.REVENUE_SHARE, "DOUBLE", "share of past net revenue"),
            _c(C.P_ALIVE, "DOUBLE", "mean P(alive)"),
            _c(C.CLV, "DOUBLE", "mean CLV"),
            _c(C.CLV_SHARE, "DOUBLE", "share of the total expected lifetime value"),
            _c(C.ACTION, "VARCHAR", "recommended after-sales action"),
        ),
        (C.SEGMENT,),
        "tables/segment_actions.csv (03.00)",
        "one row per segment",
    ),
    Table(
        "runs",
        (
            _c("run", "VARCHAR", "run name (the params file's stem)"),
            _c("params_file", "VARCHAR", "params file"),
            _c("dataset", "VARCHAR", "data set"),
            _c("started", "VARCHAR", "start time (ISO 8601, UTC)"),
            _c("git_commit", "VARCHAR", "code version"),
            _c("python", "VARCHAR", "Python version"),
            _c("status", "VARCHAR", "running, ok, failed or interrupted"),
            _c("duration_s", "DOUBLE", "seconds (NULL while running)"),
            _c("notebooks", "VARCHAR", "notebook outcomes (JSON)"),
            _c("parameters", "VARCHAR", "parameters (JSON; secrets as fingerprints)"),
        ),
        ("run",),
        "manifest.json",
        "the run that made the store",
    ),
)
"""Every table, in load order."""

FREE_TABLES: dict[str, str] = {
    "returns": "tables/returns.csv (the returns notebook), columns as written",
}
"""Tables stored as their source writes them, only when the run wrote them."""

_AT_RISK = ", ".join("'" + name.replace("'", "''") + "'" for name in AT_RISK_SEGMENTS)

VIEWS: dict[str, str] = {
    "customer_360": f"""
        SELECT c.*, a.{C.N_ORDERS}, a.{C.REVENUE}, a.last_order,
               r.top_recommendations, r.{C.MODEL} AS recommended_by
        FROM customers c
        LEFT JOIN (
            SELECT {C.CUSTOMER_KEY},
                   count(*) FILTER (WHERE NOT {C.CANCELLED}) AS {C.N_ORDERS},
                   sum({C.REVENUE}) AS {C.REVENUE}, max({C.TIMESTAMP}) AS last_order
            FROM orders GROUP BY {C.CUSTOMER_KEY}
        ) a USING ({C.CUSTOMER_KEY})
        LEFT JOIN (
            SELECT {C.CUSTOMER_KEY}, any_value({C.MODEL}) AS {C.MODEL},
                   string_agg({C.ITEM_NAME}, ' | ' ORDER BY {C.RANK})
                       FILTER (WHERE {C.RANK} <= 3) AS top_recommendations
            FROM recommendations GROUP BY {C.CUSTOMER_KEY}
        ) r USING ({C.CUSTOMER_KEY})""",
    "next_best_offer": f"""
        SELECT r.{C.CUSTOMER_KEY}, c.{C.SEGMENT}, c.{C.COUNTRY}, c.{C.CLV}, c.{C.ACTION},
               r.{C.ITEM}, r.{C.ITEM_NAME}, p.{C.PRICE_BAND}, r.{C.SCORE}, r.{C.MODEL},
               r.{C.REASON}
        FROM recommendations r
        LEFT JOIN customers c USING ({C.CUSTOMER_KEY})
        LEFT JOIN products p USING ({C.ITEM})
        WHERE r.{C.RANK} = 1""",
    "at_risk_high_value": f"""
        SELECT c.*
        FROM customers c
        WHERE c.{C.SEGMENT} IN ({_AT_RISK})
          AND c.{C.CLV} >= (SELECT quantile_cont({C.CLV}, {HIGH_VALUE_QUANTILE}) FROM customers)
        ORDER BY c.{C.CLV} DESC, c.{C.CUSTOMER_KEY}""",
}
"""Views for the common questions: the whole customer, the next offer, who to win back."""

VIEW_DOCS: dict[str, str] = {
    "customer_360": "customers with orders, revenue, last order and top-3 recommendations",
    "next_best_offer": "each customer's first recommendation with segment, action and reason",
    "at_risk_high_value": (
        f"customers of {', '.join(AT_RISK_SEGMENTS)} with CLV in the top "
        f"{round(100 * (1 - HIGH_VALUE_QUANTILE))}%"
    ),
}


def table(name: str) -> Table:
    """Return the schema table called ``name``.

    Parameters
    ----------
    name : str
        A table of :data:`TABLES`.

    Returns
    -------
    Table
        Its definition.

    Raises
    ------
    KeyError
        If no table has that name.
    """
    for found in TABLES:
        if found.name == name:
            return found
    raise KeyError(name)


def ddl(definition: Table) -> str:
    """Return the ``CREATE TABLE`` statement of a table.

    Keys are documented here and checked by the builder rather than declared as DuckDB
    constraints: an index on half a million lines would cost more than the whole load.

    Parameters
    ----------
    definition : Table
        A table of :data:`TABLES`.

    Returns
    -------
    str
        The statement.
    """
    body = ", ".join(f'"{c.name}" {c.type}' for c in definition.columns)
    return f'CREATE TABLE "{definition.name}" ({body})'


def describe() -> pd.DataFrame:
    """Return the schema as a table: one row per column of every table, then the views.

    Returns
    -------
    pandas.DataFrame
        ``table``, ``column``, ``type``, ``key`` (part of the table's key), ``meaning``.
    """
    rows = [(t.name, c.name, c.type, c.name in t.key, c.doc) for t in TABLES for c in t.columns]
    rows += [(name, "(as written)", "", False, source) for name, source in FREE_TABLES.items()]
    rows += [(name, "(view)", "", False, doc) for name, doc in VIEW_DOCS.items()]
    return pd.DataFrame(rows, columns=["table", "column", "type", "key", "meaning"])
