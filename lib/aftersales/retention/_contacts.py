"""Per-customer risk, the value at risk, and the contact list with a reason in words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import segment, validate
from aftersales.errors import DataValidationError, ParameterError

RETURN_NOTE = 0.2
"""Return share from which the reason mentions what the customer sent back."""

RISK_COLUMNS: tuple[str, ...] = (
    C.CUSTOMER,
    C.SEGMENT,
    C.RISK,
    C.CLV,
    C.VALUE_AT_RISK,
    C.RECENCY,
    C.MEDIAN_GAP,
    C.REASON,
)
"""Columns of :func:`risk_table`, in order."""


def reasons(features: pd.DataFrame) -> pd.Series:
    """Say in words why a customer may be leaving, from their features.

    A customer with two or more purchase days: "no purchase for 94 days; usually buys every
    30" (the median gap, rounded to whole days). With one purchase day: "one purchase day,
    94 days ago". A return share of at least :data:`RETURN_NOTE` adds "; returned 35 % of
    what they bought".

    Parameters
    ----------
    features : pandas.DataFrame
        Output of :func:`aftersales.retention.features` (``C.RECENCY``, ``C.MEDIAN_GAP``,
        ``C.RETURN_SHARE``).

    Returns
    -------
    pandas.Series
        One reason per row (str), same index.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(features, (C.RECENCY, C.MEDIAN_GAP, C.RETURN_SHARE), source="features")
    recency = features[C.RECENCY].astype(np.int64).astype("str")
    gap = features[C.MEDIAN_GAP]
    usual = gap.round().astype("Int64").astype("str")
    repeat = "no purchase for " + recency + " days; usually buys every " + usual
    once = "one purchase day, " + recency + " days ago"
    text = repeat.where(gap.notna(), once)
    share = features[C.RETURN_SHARE].astype(np.float64)
    percent = (share * 100).round().astype("Int64").astype("str")
    note = "; returned " + percent + " % of what they bought"
    text = text.where(~(share >= RETURN_NOTE).fillna(False), text + note)
    return text.astype("str")


def segments_of(features: pd.DataFrame) -> pd.Series:
    """Return each customer's RFM segment from their features (as of the features' day).

    Parameters
    ----------
    features : pandas.DataFrame
        Output of :func:`aftersales.retention.features` (``C.CUSTOMER``, ``C.RECENCY``,
        ``C.FREQUENCY``, ``C.MONETARY``); at least five customers.

    Returns
    -------
    pandas.Series
        Segment name per row (str), same index.

    Raises
    ------
    DataValidationError
        If a column is missing or there are fewer than five customers.
    """
    rfm = features[[C.CUSTOMER, C.RECENCY, C.FREQUENCY, C.MONETARY]]
    segmented = segment.assign_segments(segment.rfm_scores(rfm))
    return pd.Series(segmented[C.SEGMENT].to_numpy(), index=features.index, name=C.SEGMENT)


def risk_table(
    features: pd.DataFrame, risk: np.ndarray, value: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return each customer's risk, RFM segment, lifetime value, value at risk and reason.

    Parameters
    ----------
    features : pandas.DataFrame
        Output of :func:`aftersales.retention.features` for the day the list is made.
    risk : numpy.ndarray
        Probability of not buying again within the horizon, per row of ``features``.
    value : pandas.DataFrame, optional
        ``C.CUSTOMER`` and ``C.CLV`` (e.g. ``clv.lifetime_value(...).customers``); missing
        customers and no table give a missing value at risk.

    Returns
    -------
    pandas.DataFrame
        :data:`RISK_COLUMNS`, one row per customer, highest value at risk first (then
        highest risk, then id): ``C.SEGMENT`` is the RFM segment from the features'
        recency, frequency and money, ``C.VALUE_AT_RISK`` is risk x lifetime value.

    Raises
    ------
    DataValidationError
        If a column is missing or ``risk`` does not hold one value per customer.
    """
    validate.require_columns(features, (C.CUSTOMER, C.RECENCY, C.FREQUENCY), source="features")
    risk = np.asarray(risk, dtype=np.float64)
    if risk.shape != (len(features),):
        raise DataValidationError(
            f"`risk` must hold one value per customer ({len(features)}); got {risk.shape}"
        )
    segments = segments_of(features)
    ids = features[C.CUSTOMER].astype("str")
    if value is None:
        clv = pd.Series(np.nan, index=features.index)
    else:
        validate.require_columns(value, (C.CUSTOMER, C.CLV), source="value table")
        lookup = value.assign(**{C.CUSTOMER: value[C.CUSTOMER].astype("str")})
        clv = ids.map(lookup.set_index(C.CUSTOMER)[C.CLV]).astype(np.float64)
    table = pd.DataFrame(
        {
            C.CUSTOMER: ids.to_numpy(),
            C.SEGMENT: segments.to_numpy(),
            C.RISK: risk,
            C.CLV: clv.to_numpy(),
            C.VALUE_AT_RISK: risk * clv.to_numpy(),
            C.RECENCY: features[C.RECENCY].to_numpy(),
            C.MEDIAN_GAP: features[C.MEDIAN_GAP].to_numpy(),
            C.REASON: reasons(features).to_numpy(),
        }
    )
    return table.sort_values(
        [C.VALUE_AT_RISK, C.RISK, C.CUSTOMER],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)


def not_yet_due(risks: pd.DataFrame) -> pd.Series:
    """Flag repeat buyers whose silence is shorter than their usual gap between purchases.

    A customer who usually buys every 128 days and bought 3 days ago is likely not to buy
    within a 13-week horizon, so a model gives them a high risk; yet nothing is wrong, and a
    retention contact would be premature. One-purchase-day customers have no usual gap and
    are never flagged.

    Parameters
    ----------
    risks : pandas.DataFrame
        Output of :func:`risk_table` (``C.RECENCY``, ``C.MEDIAN_GAP``).

    Returns
    -------
    pandas.Series
        bool, same index: recency (days) below the median gap (days).

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(risks, (C.RECENCY, C.MEDIAN_GAP), source="risk table")
    gap = risks[C.MEDIAN_GAP].astype(np.float64)
    return (risks[C.RECENCY].astype(np.float64) < gap).fillna(False).astype(bool)


def contact_list(
    risks: pd.DataFrame,
    *,
    per_segment: int = 10,
    min_risk: float = 0.5,
    overdue_only: bool = True,
) -> pd.DataFrame:
    """Pick, in every segment, the customers most worth a retention contact.

    Parameters
    ----------
    risks : pandas.DataFrame
        Output of :func:`risk_table`.
    per_segment : int, default 10
        Customers listed per segment.
    min_risk : float, default 0.5
        Lowest risk listed: a customer likely to buy anyway needs no retention contact.
    overdue_only : bool, default True
        Leave out the repeat buyers who are :func:`not_yet_due` (silent for less than their
        usual gap between purchases): their risk reflects a long buying cycle, not leaving.

    Returns
    -------
    pandas.DataFrame
        :data:`RISK_COLUMNS` plus ``C.ACTION`` (the segment's action), segments in
        :data:`aftersales.segment.SEGMENTS` order, within a segment by value at risk (then
        risk) as in ``risks``.

    Raises
    ------
    ParameterError
        If ``per_segment`` < 1, ``min_risk`` is not in [0, 1] or ``overdue_only`` is not
        a bool.
    DataValidationError
        If a column is missing.
    """
    if not isinstance(overdue_only, bool):
        raise ParameterError(f"`contact_overdue_only` must be true or false; got {overdue_only!r}")
    if isinstance(per_segment, bool) or not isinstance(per_segment, int) or per_segment < 1:
        raise ParameterError(f"`contact_per_segment` must be an integer >= 1; got {per_segment!r}")
    if not 0 <= min_risk <= 1:
        raise ParameterError(f"`contact_min_risk` must be in [0, 1]; got {min_risk!r}")
    validate.require_columns(risks, RISK_COLUMNS, source="risk table")
    keep = risks[C.RISK] >= min_risk
    if overdue_only:
        keep &= ~not_yet_due(risks)
    eligible = risks[keep]
    rank = pd.Categorical(eligible[C.SEGMENT], categories=list(segment.SEGMENTS), ordered=True)
    ordered = eligible.assign(_order=rank.codes).sort_values("_order", kind="stable")
    picked = ordered.groupby("_order", sort=True).head(per_segment).drop(columns="_order")
    return segment.attach_actions(picked.reset_index(drop=True))
