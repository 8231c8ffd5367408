"""Returns as an after-sales signal: what comes back, from whom, how fast (notebook 03.03).

Reads the netting of :func:`aftersales.clean.net_returns`: the net transaction lines and the
returns table (one row per cancellation line and purchase line it reverses, plus unmatched
remainders). Typical use::

    from aftersales import returns

    table = returns.customer_items(lines, returns_table)        # gross sold, matched returned
    returns.return_rates(table, C.ITEM, seed=42)                 # rates with bootstrap intervals
    returns.time_to_return(returns_table)                        # quantiles of the days
    flagged = returns.flag_returners(lines, returns_table)       # unusually high return shares
    returns.segment_review(flagged, segmented, segment_rates)    # action per segment
"""

from __future__ import annotations

from aftersales.returns._compare import (
    RANK_COLUMNS,
    netting_ranks,
    segment_both,
    segment_counts,
    top_before_after,
)
from aftersales.returns._customers import (
    CUSTOMER_COLUMNS,
    REVIEW_ACTION,
    REVIEW_COLUMNS,
    Returners,
    flag_returners,
    purchase_counts,
    segment_review,
)
from aftersales.returns._rates import (
    ALL,
    AMOUNTS,
    NO_LABEL,
    RATE_COLUMNS,
    customer_items,
    label_customers,
    labelled,
    largest_groups,
    overall_rate,
    ranked_items,
    return_rates,
)
from aftersales.returns._schema import (
    MATCHED,
    REQUIRED,
    UNMATCHED,
    check_returns,
    matched,
)
from aftersales.returns._timing import QUANTILES, match_summary, return_days, time_to_return

__all__ = [
    "ALL",
    "AMOUNTS",
    "CUSTOMER_COLUMNS",
    "MATCHED",
    "NO_LABEL",
    "QUANTILES",
    "RANK_COLUMNS",
    "RATE_COLUMNS",
    "REQUIRED",
    "REVIEW_ACTION",
    "REVIEW_COLUMNS",
    "UNMATCHED",
    "Returners",
    "check_returns",
    "customer_items",
    "flag_returners",
    "label_customers",
    "labelled",
    "largest_groups",
    "match_summary",
    "matched",
    "netting_ranks",
    "overall_rate",
    "purchase_counts",
    "ranked_items",
    "return_days",
    "return_rates",
    "segment_both",
    "segment_counts",
    "segment_review",
    "time_to_return",
    "top_before_after",
]
