"""The questions notebook 03.02 asks a store: counts, checks, one customer, an audience."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from aftersales import columns as C
from aftersales import privacy
from aftersales.choices import CLV_BANDS
from aftersales.errors import ParameterError, UnknownCustomerError
from aftersales.store import _schema as S
from aftersales.store._access import query

EXAMPLE_QUERY = f"""
WITH recent AS (
    SELECT DISTINCT l.{C.CUSTOMER_KEY}
    FROM order_lines l JOIN products p USING ({C.ITEM})
    WHERE p.{C.PRODUCT_NAME} ILIKE '%teapot%' AND l.{C.QUANTITY} > 0
      AND l.{C.TIMESTAMP} >= (SELECT max({C.TIMESTAMP}) FROM order_lines) - INTERVAL 90 DAY
)
SELECT c.{C.CUSTOMER_KEY}, c.{C.CLV}, r.{C.RANK}, r.{C.ITEM_NAME}, r.{C.REASON}
FROM customers c
JOIN recent USING ({C.CUSTOMER_KEY})
JOIN recommendations r USING ({C.CUSTOMER_KEY})
WHERE c.{C.SEGMENT} = 'At Risk' AND c.{C.COUNTRY} = 'Germany' AND r.{C.RANK} <= 3
ORDER BY c.{C.CLV} DESC, c.{C.CUSTOMER_KEY}, r.{C.RANK}
""".strip()
"""The README's question: At Risk customers in Germany who bought a teapot in the last 90
days of the data, with their top-3 recommendations and why."""


def row_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Return rows per table and where each came from (empty source: not produced by the run).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.

    Returns
    -------
    pandas.DataFrame
        ``table_name``, ``n_rows``, ``source``, in schema order.
    """
    return query(con, f"SELECT * FROM {S.LOADED_TABLE}")


CHECKS: dict[str, str] = {
    "every recommendation's customer exists": f"""
        SELECT count(*) FROM recommendations r WHERE NOT EXISTS
          (SELECT 1 FROM customers c WHERE c.{C.CUSTOMER_KEY} = r.{C.CUSTOMER_KEY})""",
    "every recommended item is a product": f"""
        SELECT count(*) FROM recommendations r
        WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.{C.ITEM} = r.{C.ITEM})""",
    "every kept order line's product exists": f"""
        SELECT count(*) FROM order_lines l WHERE coalesce(l.{C.KEPT}, TRUE)
          AND l.{C.QUANTITY} > 0 AND l.{C.UNIT_PRICE} > 0
          AND NOT EXISTS (SELECT 1 FROM products p WHERE p.{C.ITEM} = l.{C.ITEM})""",
    "every order's customer exists (lines with a customer)": f"""
        SELECT count(*) FROM orders o WHERE o.{C.CUSTOMER_KEY} IS NOT NULL AND NOT EXISTS
          (SELECT 1 FROM customers c WHERE c.{C.CUSTOMER_KEY} = o.{C.CUSTOMER_KEY})""",
    "every segmented customer's segment has an action": f"""
        SELECT count(*) FROM customers c WHERE c.{C.SEGMENT} IS NOT NULL AND NOT EXISTS
          (SELECT 1 FROM segment_actions a WHERE a.{C.SEGMENT} = c.{C.SEGMENT})""",
    "every rule's items are products": f"""
        SELECT count(*) FROM rule_items i
        WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.{C.ITEM} = i.{C.ITEM})""",
}
"""Data-quality checks between tables: each query counts the rows that break the rule."""


def checks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Run :data:`CHECKS`: how many rows break each rule between tables.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.

    Returns
    -------
    pandas.DataFrame
        ``check``, ``failing`` (rows that break it) and ``ok``.
    """
    rows = [(name, int(con.execute(sql).fetchone()[0])) for name, sql in CHECKS.items()]
    frame = pd.DataFrame(rows, columns=["check", "failing"])
    return frame.assign(ok=frame["failing"].eq(0))


def require_customer(con: duckdb.DuckDBPyConnection, key: str) -> str:
    """Return ``key`` if the store knows that customer.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.
    key : str
        A customer key (``c_`` + 16 hex characters).

    Returns
    -------
    str
        The key.

    Raises
    ------
    UnknownCustomerError
        If no customer has that key; a raw id is told to be pseudonymised first.
    """
    found = con.execute(
        f"SELECT count(*) FROM customers WHERE {C.CUSTOMER_KEY} = ?", [key]
    ).fetchone()[0]
    if not found:
        hint = (
            ""
            if str(key).startswith(privacy.PREFIX)
            else f"; keys look like {privacy.PREFIX}0123456789abcdef (raw ids are never stored: "
            "pseudonymise with aftersales.privacy and the run's key)"
        )
        raise UnknownCustomerError(f"customer {key!r} is not in the store{hint}")
    return key


def pick_customer(con: duckdb.DuckDBPyConnection) -> str:
    """Return the example customer: the highest CLV among those with recommendations.

    Falls back on the customer with the most orders when no CLV or recommendation is stored.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.

    Returns
    -------
    str
        A customer key.

    Raises
    ------
    UnknownCustomerError
        If the store holds no customer.
    """
    row = con.execute(
        f"""SELECT {C.CUSTOMER_KEY} FROM customer_360
            ORDER BY top_recommendations IS NULL, {C.CLV} DESC NULLS LAST,
                     {C.N_ORDERS} DESC NULLS LAST, {C.MONETARY} DESC NULLS LAST,
                     {C.CUSTOMER_KEY} LIMIT 1"""
    ).fetchone()
    if row is None:
        raise UnknownCustomerError("the store holds no customer")
    return row[0]


def profile(con: duckdb.DuckDBPyConnection, key: str) -> pd.DataFrame:
    """Return one customer's row of ``customer_360``, transposed to read down.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.
    key : str
        A customer key.

    Returns
    -------
    pandas.DataFrame
        Index: the columns of ``customer_360``; one column ``value``.

    Raises
    ------
    UnknownCustomerError
        If the key is unknown.
    """
    require_customer(con, key)
    row = query(con, f"SELECT * FROM customer_360 WHERE {C.CUSTOMER_KEY} = ?", [key])
    return row.T.rename(columns={0: C.VALUE})


def history(con: duckdb.DuckDBPyConnection, key: str) -> pd.DataFrame:
    """Return one customer's orders in time order.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.
    key : str
        A customer key.

    Returns
    -------
    pandas.DataFrame
        The customer's rows of ``orders`` without the key, oldest first.

    Raises
    ------
    UnknownCustomerError
        If the key is unknown.
    """
    require_customer(con, key)
    return query(
        con,
        f"""SELECT * EXCLUDE ({C.CUSTOMER_KEY}) FROM orders WHERE {C.CUSTOMER_KEY} = ?
            ORDER BY {C.TIMESTAMP}, {C.INVOICE}""",
        [key],
    )


def recommendations_for(con: duckdb.DuckDBPyConnection, key: str) -> pd.DataFrame:
    """Return one customer's recommendations with their reasons, by rank.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.
    key : str
        A customer key.

    Returns
    -------
    pandas.DataFrame
        ``rank``, item, name, price band, score, model, reason.

    Raises
    ------
    UnknownCustomerError
        If the key is unknown.
    """
    require_customer(con, key)
    return query(
        con,
        f"""SELECT r.{C.RANK}, r.{C.ITEM}, r.{C.ITEM_NAME}, p.{C.PRICE_BAND}, r.{C.SCORE},
                   r.{C.MODEL}, r.{C.REASON}
            FROM recommendations r LEFT JOIN products p USING ({C.ITEM})
            WHERE r.{C.CUSTOMER_KEY} = ? ORDER BY r.{C.RANK}""",
        [key],
    )


def rules_firing(con: duckdb.DuckDBPyConnection, key: str) -> pd.DataFrame:
    """Return the rules whose every antecedent item is in the customer's last basket.

    The last basket is the customer's latest invoice that is not a cancellation.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.
    key : str
        A customer key.

    Returns
    -------
    pandas.DataFrame
        The firing rules (``rules`` columns), strongest lift first.

    Raises
    ------
    UnknownCustomerError
        If the key is unknown.
    """
    require_customer(con, key)
    return query(
        con,
        f"""WITH last AS (
                SELECT {C.INVOICE} FROM orders
                WHERE {C.CUSTOMER_KEY} = ? AND NOT {C.CANCELLED}
                ORDER BY {C.TIMESTAMP} DESC, {C.INVOICE} DESC LIMIT 1),
            basket AS (
                SELECT DISTINCT {C.ITEM} FROM order_lines
                WHERE {C.INVOICE} = (SELECT {C.INVOICE} FROM last) AND {C.QUANTITY} > 0),
            fired AS (
                SELECT i.{C.RULE_ID} FROM rule_items i
                WHERE i.{C.SIDE} = 'antecedent'
                GROUP BY i.{C.RULE_ID}
                HAVING bool_and(i.{C.ITEM} IN (SELECT {C.ITEM} FROM basket)))
            SELECT r.* FROM rules r JOIN fired USING ({C.RULE_ID})
            ORDER BY r.{C.LIFT} DESC, r.{C.RULE_ID}""",
        [key],
    )


def audience(
    con: duckdb.DuckDBPyConnection,
    *,
    segments: Sequence[str] = (),
    countries: Sequence[str] = (),
    clv_band: str = "any",
    product: str = "",
    days: int = 90,
) -> pd.DataFrame:
    """Build a campaign audience: customers by segment, country, CLV band and recent product.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open store.
    segments, countries : sequence of str, optional
        Keep customers in these segments / countries (empty: any).
    clv_band : {"any", "top_quarter", "top_half", "bottom_half"}, default "any"
        CLV quantile band among all customers with a CLV.
    product : str, optional
        Keep customers who bought a product whose name contains this text (case-insensitive)
        in the last ``days`` days of the data; empty: no product filter.
    days : int, default 90
        Window of the product filter, ending at the last line of the data.

    Returns
    -------
    pandas.DataFrame
        ``customer_key``, country, segment, action, CLV, P(alive) and the next best offer,
        highest CLV first.

    Raises
    ------
    ParameterError
        If ``clv_band`` is unknown or ``days`` < 1.
    """
    if clv_band not in CLV_BANDS:
        raise ParameterError(f"`clv_band` must be one of {list(CLV_BANDS)}; got {clv_band!r}")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ParameterError(f"`days` must be a positive integer; got {days!r}")
    band = {
        "any": "TRUE",
        "top_quarter": "c.clv >= (SELECT quantile_cont(clv, 0.75) FROM customers)",
        "top_half": "c.clv >= (SELECT quantile_cont(clv, 0.5) FROM customers)",
        "bottom_half": "c.clv < (SELECT quantile_cont(clv, 0.5) FROM customers)",
    }[clv_band]
    recent = (
        f"""AND c.{C.CUSTOMER_KEY} IN (
            SELECT l.{C.CUSTOMER_KEY} FROM order_lines l JOIN products p USING ({C.ITEM})
            WHERE p.{C.PRODUCT_NAME} ILIKE '%' || $product || '%' AND l.{C.QUANTITY} > 0
              AND l.{C.TIMESTAMP} >= (SELECT max({C.TIMESTAMP}) FROM order_lines)
                                     - to_days(CAST($days AS INTEGER)))"""
        if product
        else ""
    )
    sql = f"""
        SELECT c.{C.CUSTOMER_KEY}, c.{C.COUNTRY}, c.{C.SEGMENT}, c.{C.MONETARY}, c.{C.CLV},
               c.{C.P_ALIVE}, n.{C.ITEM_NAME} AS next_best_offer, c.{C.ACTION}
        FROM customers c LEFT JOIN next_best_offer n USING ({C.CUSTOMER_KEY})
        WHERE (len($segments) = 0 OR list_contains($segments, c.{C.SEGMENT}))
          AND (len($countries) = 0 OR list_contains($countries, c.{C.COUNTRY}))
          AND {band} {recent}
        ORDER BY c.{C.CLV} DESC NULLS LAST, c.{C.MONETARY} DESC NULLS LAST, c.{C.CUSTOMER_KEY}"""
    values: dict = {"segments": list(segments), "countries": list(countries)}
    if product:
        values |= {"product": product, "days": days}
    return query(con, sql, values)
