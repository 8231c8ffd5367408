"""Findings in words, rendered from a run's result frames (issue #12).

A notebook's prose says what to look at; the numbers, names and comparisons a run found are
written by these functions, so they read right on every data set and parameter file. Each one
is pure: result frames in, an ``IPython.display.Markdown`` paragraph out, numbers rounded to the
precision the computation holds on any CPU.

The functions are imported on first use (:func:`aftersales.lazy.attach`): each module needs
the domain package it narrates (scikit-learn for retention, mlxtend for baskets), and a
notebook should load only those it calls.
"""

from typing import TYPE_CHECKING

from aftersales.lazy import attach

if TYPE_CHECKING:  # what the lazy names resolve to, for type checkers and readers
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

_HOMES = {
    "arm_findings": "_campaign",
    "balance_findings": "_campaign",
    "buy_again_findings": "_replenish",
    "calibration_findings": "_retention",
    "comparison_findings": "_evaluation",
    "contact_findings": "_retention",
    "country_rules_findings": "_basket",
    "coverage_findings": "_topn",
    "cross_sell_findings": "_basket",
    "dropout_findings": "_segment",
    "example_findings": "_cf",
    "holdout_findings": "_segment",
    "k_sweep_findings": "_cf",
    "largest_spenders": "_segment",
    "mf_findings": "_mf",
    "netting_findings": "_returns",
    "plan_findings": "_campaign",
    "power_findings": "_campaign",
    "profit_findings": "_campaign",
    "protocol_findings": "_evaluation",
    "rate_range_findings": "_returns",
    "retention_findings": "_retention",
    "retention_setup": "_retention",
    "returns_overview": "_returns",
    "revenue_concentration": "_segment",
    "review_findings": "_returns",
    "scale_agreement": "_scale",
    "scale_findings": "_scale",
    "search_findings": "_mf",
    "segment_rules_findings": "_basket",
    "silhouette_findings": "_segment",
    "similarity_findings": "_cf",
    "srm_findings": "_campaign",
    "sweep_findings": "_mf",
    "timing_findings": "_returns",
    "top_returned_findings": "_returns",
    "top_rules_findings": "_basket",
    "uplift_findings": "_campaign",
    "usercf_findings": "_cf",
}

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

__getattr__, __dir__ = attach(__name__, _HOMES)
