"""From segments, clusters and lifetime value to CRM tables: per customer, per segment, exports.

The glue of notebook 03.00: :mod:`aftersales.segment` and :mod:`aftersales.clv` compute;
this package observes lifetime value up to the RFM reference date, joins the results per
customer, summarises them per segment with the recommended after-sales action, counts
segments per country, and builds the tables that may leave the machine (customer ids
pseudonymised unless raw ids are asked for explicitly)::

    from aftersales import crm, segment

    segmented = segment.segment_customers(transactions)
    clusters = crm.choose_clusters(segmented, seed=0)
    value = crm.lifetime_value(transactions)
    customers = crm.customer_table(segmented, clusters, value)   # raw ids: keep it local
    crm.action_plan(customers)                                   # one row per segment
    crm.export_table(customers, key=key)                         # pseudonymised
"""

from __future__ import annotations

from aftersales.crm._clusters import choose_clusters
from aftersales.crm._countries import (
    OTHER_COUNTRIES,
    UNKNOWN_COUNTRY,
    customer_countries,
    segment_by_country,
)
from aftersales.crm._tables import (
    EXPORT_COLUMNS,
    TOP_COLUMNS,
    action_plan,
    customer_table,
    export_table,
    segments_by_cluster,
    top_customers,
)
from aftersales.crm._value import (
    LifetimeValue,
    holdout_summary,
    lifetime_value,
    model_parameters,
    observation_end,
)

__all__ = [
    "EXPORT_COLUMNS",
    "OTHER_COUNTRIES",
    "TOP_COLUMNS",
    "UNKNOWN_COUNTRY",
    "LifetimeValue",
    "action_plan",
    "choose_clusters",
    "customer_countries",
    "customer_table",
    "export_table",
    "holdout_summary",
    "lifetime_value",
    "model_parameters",
    "observation_end",
    "segment_by_country",
    "segments_by_cluster",
    "top_customers",
]
