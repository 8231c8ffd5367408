"""Customers whose return share is unusually high, and what it means per segment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import segment, validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.returns._rates import AMOUNTS, NO_LABEL, RATE_COLUMNS, customer_items
from aftersales.returns._schema import matched

REVIEW_ACTION = "Review before next campaign"
"""The action of a segment holding customers with an unusually high return share."""

CUSTOMER_COLUMNS: tuple[str, ...] = (
    C.CUSTOMER,
    C.N_PURCHASES,
    *AMOUNTS,
    C.RETURN_SHARE,
    C.FLAGGED,
)
"""Columns of :attr:`Returners.customers`."""

REVIEW_COLUMNS: tuple[str, ...] = (
    C.SEGMENT,
    *RATE_COLUMNS,
    C.N_FLAGGED,
    C.FLAGGED_RETURNED_VALUE,
    C.FLAGGED_NET_VALUE,
    C.ACTION,
)
"""Columns of :func:`segment_review`."""


@dataclass(frozen=True)
class Returners:
    """Every customer's return share and which ones are flagged.

    Attributes
    ----------
    customers : pandas.DataFrame
        :data:`CUSTOMER_COLUMNS`, one row per customer who bought, sorted by id.
    threshold : float
        The return share (of value) a flagged customer exceeds.
    quantile : float
        The quantile of the eligible customers' shares that gave ``threshold``.
    min_purchases : int
        Fewest purchase invoices (before netting) a customer needs to be eligible.
    """

    customers: pd.DataFrame
    threshold: float
    quantile: float
    min_purchases: int

    @property
    def rule(self) -> str:
        """The flagging rule in words."""
        return (
            f"a return share above {100 * self.threshold:.1f} % of the value bought, the "
            f"{100 * self.quantile:g}th percentile among customers with at least "
            f"{self.min_purchases} purchase invoices (only they can be flagged)"
        )


def purchase_counts(lines: pd.DataFrame, returns: pd.DataFrame) -> pd.Series:
    """Purchase invoices of each customer before netting.

    An invoice returned in full leaves no net line, so the invoices of the net lines and of
    the matched returns are counted together.

    Parameters
    ----------
    lines : pandas.DataFrame
        Net transaction lines: customer and invoice.
    returns : pandas.DataFrame
        The returns table of the same netting.

    Returns
    -------
    pandas.Series
        Customer id (str) -> distinct purchase invoices, sorted by id, named
        ``C.N_PURCHASES``.

    Raises
    ------
    DataValidationError
        If a column is missing or the returns table fails its checks.
    """
    validate.require_columns(lines, (C.CUSTOMER, C.INVOICE), source="net lines")
    back = matched(returns)
    pairs = pd.DataFrame(
        {
            C.CUSTOMER: np.concatenate(
                [lines[C.CUSTOMER].astype("str").to_numpy(), back[C.CUSTOMER].astype("str")]
            ),
            C.INVOICE: np.concatenate(
                [lines[C.INVOICE].astype("str").to_numpy(), back[C.INVOICE].astype("str")]
            ),
        }
    )
    counts = pairs.groupby(C.CUSTOMER, sort=True)[C.INVOICE].nunique()
    return counts.astype(np.int64).rename(C.N_PURCHASES)


def flag_returners(
    lines: pd.DataFrame,
    returns: pd.DataFrame,
    *,
    quantile: float = 0.95,
    min_purchases: int = 5,
) -> Returners:
    """Flag customers whose share of value returned is unusually high.

    A customer's return share is the value of their matched returns over the value they
    bought (before netting). Among customers with at least ``min_purchases`` purchase
    invoices, the ``quantile`` of the shares is the threshold; eligible customers above it
    (and above zero) are flagged. Customers with fewer purchases are never flagged: one
    returned order out of two says little.

    Parameters
    ----------
    lines : pandas.DataFrame
        Net transaction lines.
    returns : pandas.DataFrame
        The returns table of the same netting.
    quantile : float, default 0.95
        Quantile of the eligible shares that a flagged customer exceeds, in (0, 1).
    min_purchases : int, default 5
        Fewest purchase invoices to be eligible.

    Returns
    -------
    Returners
        Every customer's amounts and share, the flags and the rule.

    Raises
    ------
    ParameterError
        If ``quantile`` is not in (0, 1) or ``min_purchases`` < 1.
    DataValidationError
        If a column is missing, the returns table fails its checks, or no customer has
        ``min_purchases`` purchases.
    """
    if not 0 < quantile < 1:
        raise ParameterError(f"`quantile` must be in (0, 1); got {quantile!r}")
    if isinstance(min_purchases, bool) or not isinstance(min_purchases, int) or min_purchases < 1:
        raise ParameterError(f"`min_purchases` must be an integer >= 1; got {min_purchases!r}")
    items = customer_items(lines, returns)
    amounts = items.groupby(C.CUSTOMER, sort=True)[list(AMOUNTS)].sum()
    counts = purchase_counts(lines, returns).reindex(amounts.index, fill_value=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = (amounts[C.RETURNED_VALUE] / amounts[C.SOLD_VALUE]).fillna(0.0).to_numpy()
    eligible = counts.to_numpy() >= min_purchases
    if not eligible.any():
        raise DataValidationError(
            f"no customer has at least {min_purchases} purchase invoices; lower `min_purchases`"
        )
    threshold = float(np.quantile(shares[eligible], quantile))
    flagged = eligible & (shares > threshold) & (shares > 0)
    customers = amounts.reset_index().assign(
        **{C.N_PURCHASES: counts.to_numpy(), C.RETURN_SHARE: shares, C.FLAGGED: flagged}
    )
    return Returners(customers[list(CUSTOMER_COLUMNS)], threshold, float(quantile), min_purchases)


def segment_review(
    returners: Returners, segmented: pd.DataFrame, rates: pd.DataFrame
) -> pd.DataFrame:
    """Per segment: return rates, flagged customers, the value at stake and the action.

    The value at stake of a segment is the value its customers returned (matched returns);
    of it, the part returned by flagged customers, and the net value those customers still
    hold (what a campaign to them builds on). A segment with a flagged customer gets
    :data:`REVIEW_ACTION`.

    Parameters
    ----------
    returners : Returners
        :func:`flag_returners`.
    segmented : pandas.DataFrame
        ``C.CUSTOMER`` and ``C.SEGMENT`` on net data; customers missing from it (every
        purchase returned) form :data:`NO_LABEL`.
    rates : pandas.DataFrame
        :func:`return_rates` by ``C.SEGMENT`` of the same customers.

    Returns
    -------
    pandas.DataFrame
        :data:`REVIEW_COLUMNS`, segments in :data:`aftersales.segment.SEGMENTS` order, then
        :data:`NO_LABEL` if it holds anyone; segments without a customer left out.

    Raises
    ------
    DataValidationError
        If a column is missing, or ``rates`` lacks a segment of the flagged customers.
    """
    validate.require_columns(segmented, (C.CUSTOMER, C.SEGMENT), source="segmented customers")
    validate.require_columns(rates, (C.SEGMENT, *RATE_COLUMNS), source="segment rates")
    customers = returners.customers
    lookup = pd.Series(
        segmented[C.SEGMENT].astype("str").to_numpy(),
        index=segmented[C.CUSTOMER].astype("str").to_numpy(),
    )
    labels = lookup.reindex(customers[C.CUSTOMER].astype("str").to_numpy()).fillna(NO_LABEL)
    flagged = customers[C.FLAGGED].to_numpy(dtype=bool)
    returned = customers[C.RETURNED_VALUE].to_numpy(dtype=np.float64)
    net = customers[C.SOLD_VALUE].to_numpy(dtype=np.float64) - returned
    per = (
        pd.DataFrame(
            {
                C.SEGMENT: labels.to_numpy(),
                C.N_FLAGGED: flagged.astype(np.int64),
                C.FLAGGED_RETURNED_VALUE: np.where(flagged, returned, 0.0),
                C.FLAGGED_NET_VALUE: np.where(flagged, net, 0.0),
            }
        )
        .groupby(C.SEGMENT, sort=True)
        .sum()
    )
    missing = sorted(set(per.index[per[C.N_FLAGGED] > 0]) - set(rates[C.SEGMENT]))
    if missing:
        raise DataValidationError(f"segment rates: no row for segment(s) {missing}")
    order = [s for s in (*segment.SEGMENTS, NO_LABEL) if s in set(rates[C.SEGMENT])]
    table = rates.set_index(C.SEGMENT).reindex(order)[list(RATE_COLUMNS)]
    table = table.join(per, how="left").fillna(
        {C.N_FLAGGED: 0, C.FLAGGED_RETURNED_VALUE: 0.0, C.FLAGGED_NET_VALUE: 0.0}
    )
    table[C.N_FLAGGED] = table[C.N_FLAGGED].astype(np.int64)
    table[C.ACTION] = np.where(table[C.N_FLAGGED] > 0, REVIEW_ACTION, "")
    return table.rename_axis(C.SEGMENT).reset_index()[list(REVIEW_COLUMNS)]
