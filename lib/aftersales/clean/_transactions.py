"""Cleaning steps for retail transaction lines (one row per invoice line)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.clean._audit import AuditRow, audit_table, keep_rows
from aftersales.clean._extreme import ExtremeQuantity, drop_extreme_quantities
from aftersales.clean._returns import (
    DERIVED_INVOICE,
    ONLINE_RETAIL_MARKER,
    ReturnMarker,
    empty_returns,
    net_returns,
)

ORDER_COLUMNS = (C.INVOICE, C.TIMESTAMP, C.CUSTOMER)
"""Columns every transactions frame needs; a step whose column is absent is skipped."""

NON_PRODUCT_CODES: Mapping[str, str] = MappingProxyType(
    {
        "POST": "postage",
        "DOT": "DOTCOM postage (web-shop delivery)",
        "C2": "carriage",
        "M": "manual adjustment",
        "BANK CHARGES": "bank charges",
        "AMAZONFEE": "Amazon fee",
        "CRUK": "CRUK commission (charity)",
        "D": "discount",
        "S": "samples",
        "B": "adjust bad debt",
        "PADS": "cushion pads at a nominal price (filler line)",
        "GIFT_0001_10": "gift voucher £10",
        "GIFT_0001_20": "gift voucher £20",
        "GIFT_0001_30": "gift voucher £30",
        "GIFT_0001_40": "gift voucher £40",
        "GIFT_0001_50": "gift voucher £50",
    }
)
"""Stock codes that are services, fees or bookkeeping, not products: code -> meaning.

Codes are compared after stripping white space and upper-casing, so ``"m"`` and
``"gift_0001_10"`` (both in Online Retail) match. Every code here occurs in Online Retail;
the ``DCGS...`` codes (eBay/dotcom gift-shop items) are real products and stay.
"""


def _normalise_codes(codes: Iterable[str]) -> frozenset[str]:
    return frozenset(str(code).strip().upper() for code in codes)


def non_product_codes(tx: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the non-product stock codes as a table, optionally with their row counts.

    Parameters
    ----------
    tx : pandas.DataFrame, optional
        Transactions; when given, column ``C.N_ROWS`` counts the lines with each code.

    Returns
    -------
    pandas.DataFrame
        Columns ``C.ITEM`` (the code), ``C.DESCRIPTION`` (its meaning) and, with ``tx``,
        ``C.N_ROWS``; one row per code in :data:`NON_PRODUCT_CODES`.

    Raises
    ------
    DataValidationError
        If ``tx`` lacks ``C.ITEM``.
    """
    table = pd.DataFrame(
        {
            C.ITEM: pd.Series(list(NON_PRODUCT_CODES), dtype="str"),
            C.DESCRIPTION: pd.Series(list(NON_PRODUCT_CODES.values()), dtype="str"),
        }
    )
    if tx is None:
        return table
    validate.require_columns(tx, [C.ITEM], source="non_product_codes: `tx`")
    counts = tx[C.ITEM].str.strip().str.upper().value_counts()
    n_rows = table[C.ITEM].map(counts).fillna(0).astype("int64")
    return table.assign(**{C.N_ROWS: n_rows})


def drop_missing_customer(tx: pd.DataFrame) -> tuple[pd.DataFrame, AuditRow]:
    """Drop lines without a customer id.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions with ``C.CUSTOMER``.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept lines (original index) and the audit row.

    Raises
    ------
    DataValidationError
        If the column is missing.
    """
    validate.require_columns(tx, [C.CUSTOMER], source="drop_missing_customer: `tx`")
    return keep_rows(
        tx,
        tx[C.CUSTOMER].isna().to_numpy(),
        step="missing_customer",
        rule=f"`{C.CUSTOMER}` is missing",
        reason="guest checkouts cannot be tied to a customer's history",
    )


def drop_cancellations(tx: pd.DataFrame) -> tuple[pd.DataFrame, AuditRow]:
    """Drop cancellation lines: invoice ids starting with ``C`` (negative quantities).

    Ids derived by the loaders from (customer, time) are not invoice numbers and are kept.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions with ``C.INVOICE``.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept lines and the audit row.

    Raises
    ------
    DataValidationError
        If the column is missing.
    """
    validate.require_columns(tx, [C.INVOICE], source="drop_cancellations: `tx`")
    ids = tx[C.INVOICE].str.strip()
    derived = ids.str.contains(DERIVED_INVOICE, regex=True).fillna(False)
    cancelled = ids.str.upper().str.startswith("C").fillna(False) & ~derived
    return keep_rows(
        tx,
        cancelled.to_numpy(dtype=bool),
        step="cancellations",
        rule=f"`{C.INVOICE}` starts with 'C'",
        reason="cancellation lines carry negative quantities that reverse a sale; not purchases",
    )


def drop_nonpositive_quantity(tx: pd.DataFrame) -> tuple[pd.DataFrame, AuditRow]:
    """Drop lines whose quantity is zero or negative (stock adjustments, damages).

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions with ``C.QUANTITY``.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept lines and the audit row.

    Raises
    ------
    DataValidationError
        If the column is missing.
    """
    validate.require_columns(tx, [C.QUANTITY], source="drop_nonpositive_quantity: `tx`")
    quantity = tx[C.QUANTITY].to_numpy(dtype="float64")
    return keep_rows(
        tx,
        ~(quantity > 0),  # NaN counts as not positive
        step="nonpositive_quantity",
        rule=f"`{C.QUANTITY}` <= 0 or missing",
        reason="lines that remove stock without a cancellation invoice are not purchases",
    )


def drop_nonpositive_price(tx: pd.DataFrame) -> tuple[pd.DataFrame, AuditRow]:
    """Drop lines whose unit price is zero, negative or missing.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions with ``C.UNIT_PRICE``.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept lines and the audit row.

    Raises
    ------
    DataValidationError
        If the column is missing.
    """
    validate.require_columns(tx, [C.UNIT_PRICE], source="drop_nonpositive_price: `tx`")
    price = tx[C.UNIT_PRICE].to_numpy(dtype="float64")
    return keep_rows(
        tx,
        ~(price > 0),
        step="nonpositive_price",
        rule=f"`{C.UNIT_PRICE}` <= 0 or missing",
        reason="free items, write-offs and debt adjustments are not sales",
    )


def drop_non_products(
    tx: pd.DataFrame, *, codes: Iterable[str] = NON_PRODUCT_CODES
) -> tuple[pd.DataFrame, AuditRow]:
    """Drop lines whose stock code is a service, fee or bookkeeping code.

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions with ``C.ITEM``.
    codes : iterable of str, default NON_PRODUCT_CODES
        Codes to drop, compared after stripping and upper-casing.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept lines and the audit row.

    Raises
    ------
    DataValidationError
        If the column is missing.
    """
    validate.require_columns(tx, [C.ITEM], source="drop_non_products: `tx`")
    wanted = _normalise_codes(codes)
    found = tx[C.ITEM].str.strip().str.upper().isin(wanted)
    return keep_rows(
        tx,
        found.to_numpy(dtype=bool),
        step="non_product_codes",
        rule=f"`{C.ITEM}` is one of {len(wanted)} non-product codes ({', '.join(sorted(wanted))})",
        reason="postage, fees, discounts, manual adjustments and vouchers are not products",
    )


def drop_duplicate_lines(tx: pd.DataFrame) -> tuple[pd.DataFrame, AuditRow]:
    """Drop lines identical in every column to an earlier line (the first copy stays).

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        Kept lines and the audit row.
    """
    return keep_rows(
        tx,
        tx.duplicated(keep="first").to_numpy(dtype=bool),
        step="duplicate_lines",
        rule="all columns equal to an earlier line",
        reason="double-entered lines would inflate purchase counts and revenue",
    )


def clean_transactions(
    tx: pd.DataFrame,
    *,
    drop_extreme_quantity: ExtremeQuantity | None = None,
    codes: Iterable[str] = NON_PRODUCT_CODES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every transaction cleaning step in order and collect the audit.

    Steps: missing customer, cancellations, non-positive quantity, non-positive price,
    non-product codes, exact duplicate lines, then extreme quantities if a rule is given.
    A step whose column the data lacks (an order-level export has no ``item_id`` or
    ``quantity``) keeps every row and says so in its audit row. Cancellations are dropped
    and the purchases they reverse kept (gross figures); :func:`clean_transactions_net`
    nets them instead.

    Parameters
    ----------
    tx : pandas.DataFrame
        Canonical transactions (``C.TRANSACTIONS_COLUMNS``); not modified.
    drop_extreme_quantity : ExtremeQuantity, optional
        Rule for extreme quantities; ``None`` (default) keeps every quantity.
    codes : iterable of str, default NON_PRODUCT_CODES
        Non-product stock codes to drop.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame)
        Cleaned lines (original index and order) and the audit table, which
        :func:`reconcile` accepts.

    Raises
    ------
    DataValidationError
        If a canonical column is missing.
    """
    validate.require_columns(tx, ORDER_COLUMNS, source="clean_transactions: `tx`")
    return _pipeline(tx, drop_extreme_quantity, codes, netting=None)[:2]


def clean_transactions_net(
    tx: pd.DataFrame,
    *,
    drop_extreme_quantity: ExtremeQuantity | None = None,
    codes: Iterable[str] = NON_PRODUCT_CODES,
    marker: ReturnMarker = ONLINE_RETAIL_MARKER,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Clean transactions with returns netted against the purchases they reverse.

    Steps: missing customer, exact duplicate lines (first, so a double-entered line is
    not netted twice), non-positive price and non-product codes (so returns of postage,
    discounts and manual adjustments are not netted, and only purchases that stay are
    matched), the netting of :func:`net_returns` (its audit rows), non-positive quantity
    (stock adjustments that are not returns), then extreme quantities (on net quantities)
    if a rule is given. The row rules commute, and exact duplicates pass or fail each of
    them together, so the purchase lines kept are those of :func:`clean_transactions`
    less what the returns matched: net revenue is gross revenue minus the matched value
    (without an extreme-quantity rule). Without an item, quantity or price column (an
    order-level export) nothing can be matched, and cancellations are dropped as
    :func:`clean_transactions` does.

    Parameters
    ----------
    tx : pandas.DataFrame
        Canonical transactions; not modified.
    drop_extreme_quantity : ExtremeQuantity, optional
        Rule for extreme quantities; ``None`` (default) keeps every quantity.
    codes : iterable of str, default NON_PRODUCT_CODES
        Non-product stock codes to drop.
    marker : ReturnMarker, default invoice ids starting with ``C``
        How return lines are marked.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame, pandas.DataFrame)
        Net lines (original index and order), the audit table (reconciles) and the
        returns table (:data:`aftersales.columns.RETURNS_COLUMNS`).

    Raises
    ------
    DataValidationError
        If a canonical column, or the column the marker reads, is missing.
    """
    validate.require_columns(tx, ORDER_COLUMNS, source="clean_transactions_net: `tx`")
    return _pipeline(tx, drop_extreme_quantity, codes, netting=marker)


def _pipeline(
    tx: pd.DataFrame,
    drop_extreme_quantity: ExtremeQuantity | None,
    codes: Iterable[str],
    *,
    netting: ReturnMarker | None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows: list[AuditRow | pd.DataFrame] = []
    frame = tx
    returns = empty_returns()
    if netting is not None and all(c in tx for c in (C.ITEM, C.QUANTITY, C.UNIT_PRICE)):
        frame, row = drop_missing_customer(frame)
        rows.append(row)
        for step in (
            drop_duplicate_lines,
            drop_nonpositive_price,
            lambda f: drop_non_products(f, codes=codes),
        ):
            frame, row = step(frame)
            rows.append(row)
        netted = net_returns(frame, marker=netting)
        frame, returns = netted.lines, netted.returns
        rows.append(netted.audit)
        frame, row = drop_nonpositive_quantity(frame)
        rows.append(row)
        if drop_extreme_quantity is not None:
            frame, row = drop_extreme_quantities(frame, drop_extreme_quantity)
            rows.append(row)
        return frame, audit_table(rows), returns
    steps: tuple[tuple[str, str, Callable[[pd.DataFrame], tuple[pd.DataFrame, AuditRow]]], ...] = (
        ("missing_customer", C.CUSTOMER, drop_missing_customer),
        ("cancellations", C.INVOICE, drop_cancellations),
        ("nonpositive_quantity", C.QUANTITY, drop_nonpositive_quantity),
        ("nonpositive_price", C.UNIT_PRICE, drop_nonpositive_price),
        ("non_products", C.ITEM, lambda f: drop_non_products(f, codes=codes)),
        ("duplicate_lines", "", drop_duplicate_lines),
    )
    if drop_extreme_quantity is not None:
        rule = drop_extreme_quantity
        steps += (("extreme_quantity", C.QUANTITY, lambda f: drop_extreme_quantities(f, rule)),)
    for name, column, step in steps:
        frame, row = step(frame) if not column or column in frame else skipped(frame, name, column)
        rows.append(row)
    return frame, audit_table(rows), returns


def skipped(frame: pd.DataFrame, step: str, column: str) -> tuple[pd.DataFrame, AuditRow]:
    """Keep every row and record that a step did not apply (its column is absent).

    Parameters
    ----------
    frame : pandas.DataFrame
        Transactions without ``column``.
    step : str
        The step's audit name.
    column : str
        The canonical column the step reads.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditRow)
        ``frame`` itself and an audit row that drops nothing and says why.
    """
    return keep_rows(
        frame,
        np.zeros(len(frame), dtype=bool),
        step=step,
        rule=f"skipped: the data has no `{column}` column",
        reason="an order-level export or one without this column: the rule does not apply",
    )
