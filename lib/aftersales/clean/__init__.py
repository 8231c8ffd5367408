"""Cleaning steps that account for every row they drop.

Each step takes a frame and returns ``(frame, audit_row)``; pipelines chain the steps and
return ``(frame, audit_table)``. :func:`reconcile` checks that an audit table adds up: the
rows in at the first step minus the rows out at the last equal the sum of ``dropped``.
:func:`item_content` describes the items of cleaned rows (text, categories, price), the table
the prepared data and the content-based models read.
"""

from __future__ import annotations

from aftersales.clean._audit import AuditRow, audit_table, reconcile
from aftersales.clean._content import CONTENT_COLUMNS, has_content, item_content
from aftersales.clean._extreme import EXTREME_METHODS, ExtremeQuantity, drop_extreme_quantities
from aftersales.clean._kcore import kcore
from aftersales.clean._matching import MATCHED, UNMATCHED
from aftersales.clean._ratings import (
    DUPLICATE_POLICIES,
    check_scale,
    clean_ratings,
    drop_missing_ids,
    drop_out_of_scale,
    resolve_duplicates,
)
from aftersales.clean._returns import (
    DERIVED_INVOICE,
    MARKERS,
    ONLINE_RETAIL_MARKER,
    RETURNS_MODES,
    Netted,
    ReturnMarker,
    empty_returns,
    net_returns,
)
from aftersales.clean._transactions import (
    NON_PRODUCT_CODES,
    clean_transactions,
    clean_transactions_net,
    drop_cancellations,
    drop_duplicate_lines,
    drop_missing_customer,
    drop_non_products,
    drop_nonpositive_price,
    drop_nonpositive_quantity,
    non_product_codes,
    skipped,
)

__all__ = [
    "CONTENT_COLUMNS",
    "DERIVED_INVOICE",
    "DUPLICATE_POLICIES",
    "EXTREME_METHODS",
    "MARKERS",
    "MATCHED",
    "NON_PRODUCT_CODES",
    "ONLINE_RETAIL_MARKER",
    "RETURNS_MODES",
    "UNMATCHED",
    "AuditRow",
    "ExtremeQuantity",
    "Netted",
    "ReturnMarker",
    "audit_table",
    "check_scale",
    "clean_ratings",
    "clean_transactions",
    "clean_transactions_net",
    "drop_cancellations",
    "drop_duplicate_lines",
    "drop_extreme_quantities",
    "drop_missing_customer",
    "drop_missing_ids",
    "drop_non_products",
    "drop_nonpositive_price",
    "drop_nonpositive_quantity",
    "drop_out_of_scale",
    "empty_returns",
    "has_content",
    "item_content",
    "kcore",
    "net_returns",
    "non_product_codes",
    "reconcile",
    "resolve_duplicates",
    "skipped",
]
