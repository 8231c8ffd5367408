"""Findings in words, rendered from a run's result frames (issue #12).

A notebook's prose says what to look at; the numbers, names and comparisons a run found are
written by these functions, so they read right on every data set and parameter file. Each one
is pure: result frames in, an ``IPython.display.Markdown`` paragraph out, numbers rounded to the
precision the computation holds on any CPU.
"""

from aftersales.narrate._basket import (
    country_rules_findings,
    cross_sell_findings,
    segment_rules_findings,
    top_rules_findings,
)
from aftersales.narrate._campaign import (
    arm_findings,
    balance_findings,
    plan_findings,
    power_findings,
    profit_findings,
    srm_findings,
    uplift_findings,
)
from aftersales.narrate._cf import (
    example_findings,
    k_sweep_findings,
    similarity_findings,
    usercf_findings,
)
from aftersales.narrate._evaluation import comparison_findings, protocol_findings
from aftersales.narrate._mf import mf_findings, search_findings, sweep_findings
from aftersales.narrate._replenish import buy_again_findings
from aftersales.narrate._retention import (
    calibration_findings,
    contact_findings,
    retention_findings,
    retention_setup,
)
from aftersales.narrate._returns import (
    netting_findings,
    rate_range_findings,
    returns_overview,
    review_findings,
    timing_findings,
    top_returned_findings,
)
from aftersales.narrate._scale import scale_agreement, scale_findings
from aftersales.narrate._segment import (
    dropout_findings,
    holdout_findings,
    largest_spenders,
    revenue_concentration,
    silhouette_findings,
)
from aftersales.narrate._topn import coverage_findings

__all__ = [
    "arm_findings",
    "balance_findings",
    "buy_again_findings",
    "calibration_findings",
    "comparison_findings",
    "contact_findings",
    "country_rules_findings",
    "coverage_findings",
    "cross_sell_findings",
    "dropout_findings",
    "example_findings",
    "holdout_findings",
    "k_sweep_findings",
    "largest_spenders",
    "mf_findings",
    "netting_findings",
    "plan_findings",
    "power_findings",
    "profit_findings",
    "protocol_findings",
    "rate_range_findings",
    "retention_findings",
    "retention_setup",
    "returns_overview",
    "revenue_concentration",
    "review_findings",
    "scale_agreement",
    "scale_findings",
    "search_findings",
    "segment_rules_findings",
    "silhouette_findings",
    "similarity_findings",
    "srm_findings",
    "sweep_findings",
    "timing_findings",
    "top_returned_findings",
    "top_rules_findings",
    "uplift_findings",
    "usercf_findings",
]
