"""Randomised campaigns: did it work, whom to contact next time, and how big the next one must be.

Effects per arm with intervals (:func:`arm_effects`), the first checks (sample-ratio mismatch,
covariate balance), a two-model uplift baseline with Qini and uplift-at-k curves against
random targeting, the profit of targeting the top share, and sample sizes checked by
simulation.
"""

from __future__ import annotations

from aftersales.campaign._checks import (
    SampleRatio,
    arm_counts,
    balance,
    design_matrix,
    sample_ratio,
)
from aftersales.campaign._effects import arm_effects
from aftersales.campaign._planning import own_segments_plan
from aftersales.campaign._power import (
    detectable_lift,
    power_table,
    sample_size,
    segment_plan,
    simulated_power,
)
from aftersales.campaign._profit import BestTarget, best_target, targeting_profit
from aftersales.campaign._schema import (
    check_arms,
    covariates,
    design_shares,
    is_binary,
    outcome_values,
    outcomes,
)
from aftersales.campaign._select import (
    binary_outcomes,
    planning_baseline,
    scored_customers,
    strongest_arm,
    uplift_target,
)
from aftersales.campaign._uplift import (
    FRACTIONS,
    UpliftSplit,
    qini_coefficient,
    t_learner_scores,
    uplift_curves,
    uplift_split,
)

__all__ = [
    "FRACTIONS",
    "BestTarget",
    "SampleRatio",
    "UpliftSplit",
    "arm_counts",
    "arm_effects",
    "balance",
    "best_target",
    "binary_outcomes",
    "check_arms",
    "covariates",
    "design_matrix",
    "design_shares",
    "detectable_lift",
    "is_binary",
    "outcome_values",
    "outcomes",
    "own_segments_plan",
    "planning_baseline",
    "power_table",
    "qini_coefficient",
    "sample_ratio",
    "sample_size",
    "scored_customers",
    "segment_plan",
    "simulated_power",
    "strongest_arm",
    "t_learner_scores",
    "targeting_profit",
    "uplift_curves",
    "uplift_split",
    "uplift_target",
]
