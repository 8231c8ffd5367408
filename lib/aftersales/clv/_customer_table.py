"""One row per customer (segment, cluster, RFM, lifetime value, action) and tables built on it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import outputs, segment, validate
from aftersales.clv._lifetime import LifetimeValue
from aftersales.errors import DataValidationError, ParameterError

EXPORT_COLUMNS: tuple[str, ...] = (
    C.CUSTOMER,
    C.SEGMENT,
    C.CLUSTER,
    C.RECENCY,
    C.FREQUENCY,
    C.MONETARY,
    C.R_SCORE,
    C.F_SCORE,
    C.M_SCORE,
    C.RFM_CODE,
    C.P_ALIVE,
    C.EXPECTED_PURCHASES,
    C.CLV,
    C.ACTION,
)
"""Columns of :func:`customer_table` and of the exported ``segments`` table, in order.

In exports the id column becomes ``C.CUSTOMER_KEY`` (keyed pseudonyms), so that
:func:`aftersales.outputs.write`, which refuses a ``C.CUSTOMER`` column, accepts them.

``C.RECENCY`` (days), ``C.FREQUENCY`` (invoices) and ``C.MONETARY`` (net revenue) have their
RFM meaning; the lifetime-value columns come from the BG/NBD and Gamma-Gamma models.
"""

TOP_COLUMNS: tuple[str, ...] = (
    C.RANK,
    C.CUSTOMER,
    C.SEGMENT,
    C.CLUSTER,
    C.RECENCY,
    C.FREQUENCY,
    C.MONETARY,
    C.P_ALIVE,
    C.EXPECTED_PURCHASES,
    C.CLV,
)
"""Columns of :func:`top_customers`."""


def _ids(frame: pd.DataFrame) -> pd.Index:
    return pd.Index(frame[C.CUSTOMER].astype("str").to_numpy(dtype=object))


def _same_customers(left: pd.Index, right: pd.Index, *, what: str) -> None:
    if left.has_duplicates or right.has_duplicates:
        raise DataValidationError(f"{what}: column `{C.CUSTOMER}` must be unique")
    missing, extra = left.difference(right), right.difference(left)
    if len(missing) or len(extra):
        raise DataValidationError(
            f"{what}: the customers differ from the segment table ({len(missing)} missing, "
            f"{len(extra)} extra); compute both from the same transactions and reference date"
        )


def _pseudonymised(frame: pd.DataFrame, *, key: bytes | str) -> pd.DataFrame:
    """Replace ``C.CUSTOMER`` by keyed tokens named ``C.CUSTOMER_KEY``."""
    return outputs.shareable(frame, key=key).rename(columns={C.CUSTOMER: C.CUSTOMER_KEY})


def customer_table(
    segmented: pd.DataFrame, clustering: segment.Clustering, value: LifetimeValue
) -> pd.DataFrame:
    """Join segment, cluster and lifetime value into one row per customer, with its action.

    Parameters
    ----------
    segmented : pandas.DataFrame
        Output of :func:`aftersales.segment.segment_customers`.
    clustering : aftersales.segment.Clustering
        k-means on the same customers.
    value : LifetimeValue
        Lifetime value of the same customers (see :func:`lifetime_value`).

    Returns
    -------
    pandas.DataFrame
        :data:`EXPORT_COLUMNS`, one row per customer, sorted by id. Holds raw customer ids:
        show or export it only through :func:`export_table` or
        :func:`aftersales.outputs.shareable`.

    Raises
    ------
    DataValidationError
        If a column is missing, or the three inputs do not cover the same customers.
    UnknownNameError
        If a segment name is unknown.
    """
    needed = [c for c in EXPORT_COLUMNS if c not in (C.CLUSTER, C.P_ALIVE, C.EXPECTED_PURCHASES)]
    needed.remove(C.CLV)
    needed.remove(C.ACTION)
    validate.require_columns(segmented, needed, source="segmented frame")
    ids = _ids(segmented)
    labels, lifetime = clustering.labels, value.customers
    validate.require_columns(
        lifetime, (C.CUSTOMER, C.P_ALIVE, C.EXPECTED_PURCHASES, C.CLV), source="lifetime value"
    )
    _same_customers(ids, _ids(labels), what="clustering")
    _same_customers(ids, _ids(lifetime), what="lifetime value")
    cluster = pd.Series(labels[C.CLUSTER].to_numpy(), index=_ids(labels)).reindex(ids)
    worth = lifetime.set_index(_ids(lifetime))[[C.P_ALIVE, C.EXPECTED_PURCHASES, C.CLV]]
    worth = worth.reindex(ids)
    table = segmented.assign(
        **{
            C.CUSTOMER: segmented[C.CUSTOMER].astype("str").to_numpy(),
            C.CLUSTER: cluster.to_numpy(dtype=np.int64),
            C.P_ALIVE: worth[C.P_ALIVE].to_numpy(dtype=np.float64),
            C.EXPECTED_PURCHASES: worth[C.EXPECTED_PURCHASES].to_numpy(dtype=np.float64),
            C.CLV: worth[C.CLV].to_numpy(dtype=np.float64),
        }
    )
    table = segment.attach_actions(table)[list(EXPORT_COLUMNS)]
    return table.sort_values(C.CUSTOMER, kind="stable").reset_index(drop=True)


def action_plan(customers: pd.DataFrame) -> pd.DataFrame:
    """Summarise customers per segment with the recommended after-sales action.

    Parameters
    ----------
    customers : pandas.DataFrame
        Output of :func:`customer_table`.

    Returns
    -------
    pandas.DataFrame
        One row per segment in :data:`aftersales.segment.SEGMENTS` order (empty segments
        kept with zero counts and missing means): ``C.SEGMENT``, ``C.N_CUSTOMERS``,
        ``C.CUSTOMER_SHARE``, ``C.REVENUE_SHARE`` (of past net revenue), mean ``C.P_ALIVE``,
        mean ``C.CLV``, ``C.CLV_SHARE`` (of the total expected lifetime value) and
        ``C.ACTION``. No customer ids: safe to export.

    Raises
    ------
    DataValidationError
        If a column is missing.
    UnknownNameError
        If a segment name is unknown.
    """
    needed = (C.SEGMENT, C.MONETARY, C.P_ALIVE, C.CLV)
    validate.require_columns(customers, needed, source="customer table")
    segment.attach_actions(customers[[C.SEGMENT]])  # validates the names
    order = list(segment.SEGMENTS)
    grouped = customers.groupby(C.SEGMENT)
    counts = grouped.size().reindex(order, fill_value=0).to_numpy(dtype=np.int64)
    sums = grouped[[C.MONETARY, C.CLV]].sum().reindex(order, fill_value=0.0)
    means = grouped[[C.P_ALIVE, C.CLV]].mean().reindex(order)
    revenue, value = float(customers[C.MONETARY].sum()), float(customers[C.CLV].sum())
    plan = pd.DataFrame(
        {
            C.SEGMENT: pd.array(order, dtype="str"),
            C.N_CUSTOMERS: counts,
            C.CUSTOMER_SHARE: counts / max(len(customers), 1),
            C.REVENUE_SHARE: sums[C.MONETARY].to_numpy() / revenue if revenue else np.nan,
            C.P_ALIVE: means[C.P_ALIVE].to_numpy(),
            C.CLV: means[C.CLV].to_numpy(),
            C.CLV_SHARE: sums[C.CLV].to_numpy() / value if value else np.nan,
        }
    )
    return segment.attach_actions(plan)


def top_customers(customers: pd.DataFrame, *, n: int, key: bytes | str) -> pd.DataFrame:
    """Return the ``n`` customers with the highest lifetime value, ids pseudonymised.

    Parameters
    ----------
    customers : pandas.DataFrame
        Output of :func:`customer_table`.
    n : int
        How many (all when fewer customers).
    key : bytes or str
        Pseudonymisation key (see :func:`aftersales.outputs.pseudonym_key`).

    Returns
    -------
    pandas.DataFrame
        :data:`TOP_COLUMNS`, ``C.RANK`` 1..n by descending ``C.CLV`` (ties by customer id;
        by descending ``C.EXPECTED_PURCHASES`` when no customer has a value, for data
        without money), with the id column replaced by keyed tokens in ``C.CUSTOMER_KEY``.

    Raises
    ------
    ParameterError
        If ``n`` < 1 or the key is unusable.
    DataValidationError
        If a column is missing.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ParameterError(f"`top_customers` must be an integer >= 1; got {n!r}")
    validate.require_columns(customers, TOP_COLUMNS[1:], source="customer table")
    by = C.CLV if customers[C.CLV].notna().any() else C.EXPECTED_PURCHASES
    ranked = customers.sort_values([by, C.CUSTOMER], ascending=[False, True], kind="stable")
    top = ranked.head(int(n)).reset_index(drop=True)
    top = top.assign(**{C.RANK: np.arange(1, len(top) + 1)})[list(TOP_COLUMNS)]
    return _pseudonymised(top, key=key)


def export_table(
    customers: pd.DataFrame, *, key: bytes | str | None, raw_ids: bool = False
) -> pd.DataFrame:
    """Return the per-customer table to export, customer ids pseudonymised.

    Parameters
    ----------
    customers : pandas.DataFrame
        Output of :func:`customer_table`.
    key : bytes or str or None
        Pseudonymisation key (see :func:`aftersales.outputs.pseudonym_key`); may be
        ``None`` only with ``raw_ids``.
    raw_ids : bool, default False
        Keep raw customer ids (personal data). Only when a parameter asks for it
        explicitly; :func:`aftersales.outputs.write` then needs ``allow_raw_ids=True``.

    Returns
    -------
    pandas.DataFrame
        :data:`EXPORT_COLUMNS` (the id column named ``C.CUSTOMER_KEY`` and holding keyed
        tokens, or ``C.CUSTOMER`` with raw ids when ``raw_ids``), sorted by segment (most
        valuable first), then descending ``C.CLV``, then the id.

    Raises
    ------
    ParameterError
        If no key is given without ``raw_ids``, or the key is unusable.
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(customers, EXPORT_COLUMNS, source="customer table")
    table = customers[list(EXPORT_COLUMNS)]
    if not raw_ids:
        if key is None:
            raise ParameterError("`key` is required unless `raw_ids` is true")
        table = _pseudonymised(table, key=key)
    ids = table[C.CUSTOMER if raw_ids else C.CUSTOMER_KEY]
    rank = table[C.SEGMENT].map({name: i for i, name in enumerate(segment.SEGMENTS)})
    order = np.lexsort(
        (
            ids.astype("str").to_numpy(dtype=object),
            -table[C.CLV].to_numpy(dtype=np.float64),
            rank.to_numpy(dtype=np.int64),
        )
    )
    return table.iloc[order].reset_index(drop=True)
