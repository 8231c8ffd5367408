"""Named segments from the recency x frequency score grid, and an action per segment."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.choices import SEGMENTS
from aftersales.errors import DataValidationError, UnknownNameError

SEGMENT_GRID: tuple[tuple[str, str, str, str, str], ...] = (
    # R = 5; F = 1, 2, 3, 4, 5
    ("New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"),
    # R = 4
    (
        "Promising",
        "Potential Loyalists",
        "Potential Loyalists",
        "Loyal Customers",
        "Loyal Customers",
    ),
    # R = 3
    ("About to Sleep", "About to Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"),
    # R = 2
    ("Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"),
    # R = 1
    ("Lost", "Lost", "At Risk", "At Risk", "Can't Lose Them"),
)
"""The segment of each (R score, F score) cell: rows R = 5, 4, 3, 2, 1; columns F = 1..5.

This is the widely used recency x frequency map (R first, F second: "55" Champions, "51"
New Customers, "41" Promising, "33" Need Attention, "3[1-2]" About to Sleep, "[1-2][3-4]"
At Risk, "[1-2]5" Can't Lose Them), with its low-low corner split in two: R = 2 is
Hibernating and R = 1, the least recent fifth, is Lost. Monetary value does not enter.
"""

SEGMENT_ACTIONS: MappingProxyType[str, str] = MappingProxyType(
    {
        "Champions": "Loyalty perks and early access to new lines; ask for reviews and referrals",
        "Loyal Customers": "Upsell higher-value products; invite to the loyalty programme",
        "Potential Loyalists": "Offer loyalty-programme membership; recommend related products",
        "New Customers": "Onboarding follow-up: welcome mail, product tips, delivery check-in",
        "Promising": "Build the habit: free-shipping threshold or small next-order incentive",
        "Need Attention": "Time-limited offers picked from their past purchases",
        "About to Sleep": "Reconnect with popular products and a time-limited discount",
        "At Risk": "Win-back offer: personal mail with a discount on what they used to buy",
        "Can't Lose Them": "Personal win-back: call or survey them, strongest win-back offer",
        "Hibernating": "Low-cost reactivation: relevant news and occasional offers only",
        "Lost": "One last-chance win-back campaign, then stop paid contact",
    }
)
"""Recommended after-sales action for each segment (read-only)."""

_GRID = np.array(SEGMENT_GRID, dtype=object)[::-1]  # row index = r_score - 1


def segment_grid() -> pd.DataFrame:
    """Return :data:`SEGMENT_GRID` as a frame for display.

    Returns
    -------
    pandas.DataFrame
        Index ``C.R_SCORE`` 5..1, columns ``C.F_SCORE`` 1..5, cells the segment names.
    """
    return pd.DataFrame(
        [list(row) for row in SEGMENT_GRID],
        index=pd.Index([5, 4, 3, 2, 1], name=C.R_SCORE),
        columns=pd.Index([1, 2, 3, 4, 5], name=C.F_SCORE),
    )


def _checked_scores(values: pd.Series) -> np.ndarray:
    scores = values.to_numpy()
    valid = np.isin(scores, [1, 2, 3, 4, 5])
    if not valid.all():
        bad = scores[~valid][:3].tolist()
        raise DataValidationError(
            f"column `{values.name}` must hold scores 1-5; {int((~valid).sum())} rows fail "
            f"(first values: {bad})"
        )
    return scores.astype(np.int64)


def assign_segments(scored: pd.DataFrame) -> pd.DataFrame:
    """Add the named segment of each customer from its R and F scores.

    Parameters
    ----------
    scored : pandas.DataFrame
        A frame with ``C.R_SCORE`` and ``C.F_SCORE`` (1-5), e.g. from :func:`rfm_scores`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``scored`` with ``C.SEGMENT`` (str), looked up in :data:`SEGMENT_GRID`.

    Raises
    ------
    DataValidationError
        If a score column is missing or holds values other than 1-5.
    """
    validate.require_columns(scored, (C.R_SCORE, C.F_SCORE), source="scored frame")
    r = _checked_scores(scored[C.R_SCORE])
    f = _checked_scores(scored[C.F_SCORE])
    names = _GRID[r - 1, f - 1]
    return scored.assign(**{C.SEGMENT: pd.array(names, dtype="str")})


def attach_actions(segmented: pd.DataFrame) -> pd.DataFrame:
    """Add the recommended after-sales action of each customer's segment.

    Parameters
    ----------
    segmented : pandas.DataFrame
        A frame with ``C.SEGMENT`` (e.g. from :func:`assign_segments`), or the segment
        summary.

    Returns
    -------
    pandas.DataFrame
        A copy with ``C.ACTION`` from :data:`SEGMENT_ACTIONS`.

    Raises
    ------
    DataValidationError
        If ``C.SEGMENT`` is missing.
    UnknownNameError
        If a segment is not in :data:`SEGMENTS`; the message lists the valid names.
    """
    validate.require_columns(segmented, (C.SEGMENT,), source="segmented frame")
    segments = segmented[C.SEGMENT]
    unknown = sorted(set(segments.dropna().unique()) - set(SEGMENTS))
    if unknown or segments.isna().any():
        raise UnknownNameError(
            f"column `{C.SEGMENT}`: unknown segment(s) {unknown or ['<missing>']}; "
            f"valid: {list(SEGMENTS)}"
        )
    return segmented.assign(**{C.ACTION: segments.map(SEGMENT_ACTIONS).astype("str")})


def segment_summary(segmented: pd.DataFrame) -> pd.DataFrame:
    """Summarise customers per segment.

    Parameters
    ----------
    segmented : pandas.DataFrame
        Output of :func:`segment_customers` or :func:`assign_segments` on an RFM table
        (``C.SEGMENT``, ``C.RECENCY``, ``C.FREQUENCY``, ``C.MONETARY``).

    Returns
    -------
    pandas.DataFrame
        One row per segment in :data:`SEGMENTS` order (empty segments included, with
        zero counts and missing means): ``C.SEGMENT``, ``C.N_CUSTOMERS``,
        ``C.CUSTOMER_SHARE``, mean ``C.RECENCY`` (days), mean ``C.FREQUENCY`` (invoices),
        mean ``C.MONETARY``, ``C.REVENUE_SHARE`` (share of all customers' net revenue) and
        ``C.ACTION``.

    Raises
    ------
    DataValidationError
        If a column is missing.
    UnknownNameError
        If a segment is not in :data:`SEGMENTS`.
    """
    needed = (C.SEGMENT, C.RECENCY, C.FREQUENCY, C.MONETARY)
    validate.require_columns(segmented, needed, source="segmented frame")
    attach_actions(segmented[[C.SEGMENT]])  # validates the names
    grouped = segmented.groupby(C.SEGMENT)
    means = grouped[[C.RECENCY, C.FREQUENCY, C.MONETARY]].mean().reindex(list(SEGMENTS))
    counts = grouped.size().reindex(list(SEGMENTS), fill_value=0)
    revenue = grouped[C.MONETARY].sum().reindex(list(SEGMENTS), fill_value=0.0)
    total = float(segmented[C.MONETARY].sum())
    summary = pd.DataFrame(
        {
            C.SEGMENT: pd.array(SEGMENTS, dtype="str"),
            C.N_CUSTOMERS: counts.to_numpy(dtype=np.int64),
            C.CUSTOMER_SHARE: counts.to_numpy(dtype=np.float64) / max(len(segmented), 1),
            C.RECENCY: means[C.RECENCY].to_numpy(),
            C.FREQUENCY: means[C.FREQUENCY].to_numpy(),
            C.MONETARY: means[C.MONETARY].to_numpy(),
            C.REVENUE_SHARE: revenue.to_numpy(dtype=np.float64) / total if total else np.nan,
        }
    )
    return attach_actions(summary)
