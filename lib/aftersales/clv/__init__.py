"""Customer lifetime value: BG/NBD purchases, Gamma-Gamma spend, CLV and a holdout check.

Follows Fader, Hardie and Lee (2005), "Counting your customers the easy way: an alternative
to the Pareto/NBD model", Marketing Science 24(2), and Fader, Hardie and Lee (2005),
"RFM and CLV: using iso-value curves for customer base analysis", JMR 42(4)::

    from aftersales import clv

    summary = clv.summary_from_transactions(transactions)          # weeks, purchase days
    bgnbd = clv.fit_bgnbd(summary[C.FREQUENCY], summary[C.RECENCY], summary[C.T])
    spend = clv.fit_gamma_gamma(summary[C.FREQUENCY], summary[C.MONETARY])
    value = clv.customer_lifetime_value(bgnbd, spend, summary, months=12)
    check = clv.calibration_holdout(transactions, calibration_end="2011-09-09")

The same in one call, observed up to the RFM reference date, and the per-customer tables that
join it with the segments and clusters (ids pseudonymised in whatever may leave the machine)::

    value = clv.lifetime_value(transactions, reference_date="2011-12-10")
    customers = clv.customer_table(segmented, clustering, value)   # raw ids: keep it local
    clv.action_plan(customers)                                     # one row per segment
    clv.export_table(customers, key=key)                           # pseudonymised

Frequency here counts repeat purchase days (not invoices), recency and T are measured from
each customer's first purchase day; the RFM table of :mod:`aftersales.segment` uses the
same column names with their RFM meaning (days since the last purchase, invoices).
"""

from __future__ import annotations

from aftersales.clv._bgnbd import (
    BGNBD,
    bgnbd_log_likelihood,
    expected_purchases,
    fit_bgnbd,
    probability_alive,
)
from aftersales.clv._customer_table import (
    EXPORT_COLUMNS,
    TOP_COLUMNS,
    action_plan,
    customer_table,
    export_table,
    top_customers,
)
from aftersales.clv._gamma_gamma import (
    GammaGamma,
    expected_spend,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
)
from aftersales.clv._holdout import HoldoutCheck, calibration_holdout
from aftersales.clv._lifetime import (
    LifetimeValue,
    holdout_summary,
    lifetime_value,
    model_parameters,
    observation_end,
)
from aftersales.clv._optimise import GRADIENT_TOL
from aftersales.clv._simulate import simulate_bgnbd, simulate_gamma_gamma
from aftersales.clv._summary import SUMMARY_COLUMNS, TIME_UNITS, summary_from_transactions
from aftersales.clv._value import MONTH_DAYS, customer_lifetime_value

__all__ = [
    "BGNBD",
    "EXPORT_COLUMNS",
    "GRADIENT_TOL",
    "MONTH_DAYS",
    "SUMMARY_COLUMNS",
    "TIME_UNITS",
    "TOP_COLUMNS",
    "GammaGamma",
    "HoldoutCheck",
    "LifetimeValue",
    "action_plan",
    "bgnbd_log_likelihood",
    "calibration_holdout",
    "customer_lifetime_value",
    "customer_table",
    "expected_purchases",
    "expected_spend",
    "export_table",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "holdout_summary",
    "lifetime_value",
    "model_parameters",
    "observation_end",
    "probability_alive",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "summary_from_transactions",
    "top_customers",
]
