"""Customer value and segments before and after netting the returns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import outputs, segment, validate
from aftersales.errors import ParameterError
from aftersales.returns._rates import NO_LABEL

RANK_COLUMNS: tuple[str, ...] = (
    C.CUSTOMER,
    C.GROSS_MONETARY,
    C.GROSS_RANK,
    C.GROSS_SEGMENT,
    C.NET_MONETARY,
    C.NET_RANK,
    C.NET_SEGMENT,
)
"""Columns of :func:`netting_ranks`."""


def segment_both(
    gross_lines: pd.DataFrame,
    net_lines: pd.DataFrame,
    *,
    reference_date: segment.DateLike | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Segment the customers before and after netting on one reference date.

    Netting can remove the last day's purchases, which would move the default reference
    date (the day after the last line) and every recency with it; here both sides use the
    same day.

    Parameters
    ----------
    gross_lines : pandas.DataFrame
        Cleaned lines before netting (``returns: ignore``).
    net_lines : pandas.DataFrame
        The net lines.
    reference_date : date-like, optional
        The RFM reference day; default the day after the last gross line.

    Returns
    -------
    tuple of pandas.DataFrame
        :func:`aftersales.segment.segment_customers` of the gross and of the net lines.

    Raises
    ------
    DataValidationError
        If a column is missing or a side has too few customers to score.
    ParameterError
        If ``reference_date`` is not after the first transaction day.
    """
    validate.require_columns(gross_lines, (C.TIMESTAMP,), source="gross lines")
    if reference_date is None:
        last = pd.Timestamp(gross_lines[C.TIMESTAMP].max())
        reference_date = last.normalize() + pd.Timedelta(days=1)
    return (
        segment.segment_customers(gross_lines, reference_date=reference_date),
        segment.segment_customers(net_lines, reference_date=reference_date),
    )


def _ranks(table: pd.DataFrame) -> pd.DataFrame:
    """Index customers (str) -> monetary, rank by descending monetary (ties by id), segment."""
    frame = pd.DataFrame(
        {
            C.CUSTOMER: table[C.CUSTOMER].astype("str").to_numpy(),
            C.MONETARY: table[C.MONETARY].to_numpy(dtype=np.float64),
            C.SEGMENT: table[C.SEGMENT].astype("str").to_numpy(),
        }
    )
    frame = frame.sort_values([C.MONETARY, C.CUSTOMER], ascending=[False, True], kind="stable")
    return frame.assign(**{C.RANK: np.arange(1, len(frame) + 1)}).set_index(C.CUSTOMER)


def netting_ranks(gross: pd.DataFrame, net: pd.DataFrame) -> pd.DataFrame:
    """Each customer's monetary value, rank and segment before and after netting.

    Parameters
    ----------
    gross : pandas.DataFrame
        :func:`aftersales.segment.segment_customers` on the lines before netting
        (``returns: ignore``): ``C.CUSTOMER``, ``C.MONETARY``, ``C.SEGMENT``.
    net : pandas.DataFrame
        The same on the net lines. A customer whose every purchase was returned is absent.

    Returns
    -------
    pandas.DataFrame
        :data:`RANK_COLUMNS`, one row per customer of either table, by gross rank (then
        net rank). Ranks are 1 for the largest value, ties by id; a customer missing on one
        side has value 0, no rank (``<NA>``) and segment :data:`NO_LABEL` there.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    needed = (C.CUSTOMER, C.MONETARY, C.SEGMENT)
    validate.require_columns(gross, needed, source="gross segments")
    validate.require_columns(net, needed, source="net segments")
    before, after = _ranks(gross), _ranks(net)
    ids = before.index.union(after.index)
    before, after = before.reindex(ids), after.reindex(ids)
    table = pd.DataFrame(
        {
            C.CUSTOMER: ids.to_numpy(),
            C.GROSS_MONETARY: before[C.MONETARY].fillna(0.0).to_numpy(),
            C.GROSS_RANK: before[C.RANK].astype("Int64").array,
            C.GROSS_SEGMENT: before[C.SEGMENT].fillna(NO_LABEL).to_numpy(),
            C.NET_MONETARY: after[C.MONETARY].fillna(0.0).to_numpy(),
            C.NET_RANK: after[C.RANK].astype("Int64").array,
            C.NET_SEGMENT: after[C.SEGMENT].fillna(NO_LABEL).to_numpy(),
        }
    )
    table = table.sort_values([C.GROSS_RANK, C.NET_RANK], na_position="last", kind="stable")
    return table.reset_index(drop=True)[list(RANK_COLUMNS)]


def top_before_after(
    ranks: pd.DataFrame, *, n: int = 10, by: str = C.GROSS_RANK, key: bytes | str
) -> pd.DataFrame:
    """Return the ``n`` customers ranked first before (or after) netting, ids pseudonymised.

    Parameters
    ----------
    ranks : pandas.DataFrame
        :func:`netting_ranks`.
    n : int, default 10
        How many customers.
    by : str, default ``C.GROSS_RANK``
        ``C.GROSS_RANK`` (the top before netting, and where they end) or ``C.NET_RANK``.
    key : bytes or str
        Pseudonymisation key (see :func:`aftersales.outputs.pseudonym_key`).

    Returns
    -------
    pandas.DataFrame
        :data:`RANK_COLUMNS` with ``C.CUSTOMER_KEY`` tokens instead of ``C.CUSTOMER``.

    Raises
    ------
    ParameterError
        If ``n`` < 1, ``by`` is neither rank, or the key is unusable.
    DataValidationError
        If a column is missing.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError(f"`n` must be an integer >= 1; got {n!r}")
    if by not in (C.GROSS_RANK, C.NET_RANK):
        raise ParameterError(f"`by` must be {C.GROSS_RANK!r} or {C.NET_RANK!r}; got {by!r}")
    validate.require_columns(ranks, RANK_COLUMNS, source="netting ranks")
    top = ranks[ranks[by].notna().to_numpy()].sort_values(by, kind="stable").head(n)
    shown = outputs.shareable(top.reset_index(drop=True), key=key)
    return shown.rename(columns={C.CUSTOMER: C.CUSTOMER_KEY})


def segment_counts(ranks: pd.DataFrame) -> pd.DataFrame:
    """Count customers per segment before and after netting.

    Parameters
    ----------
    ranks : pandas.DataFrame
        :func:`netting_ranks`.

    Returns
    -------
    pandas.DataFrame
        ``C.SEGMENT``, ``C.N_BEFORE``, ``C.N_AFTER`` and ``C.DIFFERENCE`` (after - before),
        segments in :data:`aftersales.segment.SEGMENTS` order, then :data:`NO_LABEL` when a
        side has customers without a segment.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(ranks, (C.GROSS_SEGMENT, C.NET_SEGMENT), source="netting ranks")
    before = ranks[C.GROSS_SEGMENT].value_counts()
    after = ranks[C.NET_SEGMENT].value_counts()
    order = list(segment.SEGMENTS)
    if NO_LABEL in before.index or NO_LABEL in after.index:
        order.append(NO_LABEL)
    n_before = before.reindex(order, fill_value=0).to_numpy(dtype=np.int64)
    n_after = after.reindex(order, fill_value=0).to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            C.SEGMENT: order,
            C.N_BEFORE: n_before,
            C.N_AFTER: n_after,
            C.DIFFERENCE: n_after - n_before,
        }
    )
