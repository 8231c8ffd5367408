"""Buy again (replenishment): when a customer is due to buy an item they buy repeatedly.

For each (customer, item) bought on two or more distinct days, :func:`schedule` takes the
customer's own median interval between purchase days, shrinks it towards the item's typical
interval when the customer has few repeats, and dates the next purchase; :func:`due_list`
lists the pairs due or overdue with the evidence in words ("bought every ~30 days, last 41
days ago"); :func:`evaluate` checks "due in the next 30 days" on the window after a cut-off
against simpler rules.
"""

from aftersales.replenish._due import DUE_COLUMNS, due_list, evidence
from aftersales.replenish._evaluate import (
    EVALUATION_COLUMNS,
    EVERY,
    ITEM,
    METHODS,
    OVERDUE_EDGES,
    OWN,
    SHRUNK,
    BuyAgainEvaluation,
    evaluate,
    hit_rate_by_overdue,
)
from aftersales.replenish._schedule import (
    DUE,
    LAPSED,
    LISTED,
    NOT_YET,
    OVERDUE,
    SCHEDULE_COLUMNS,
    STATUSES,
    repeat_pairs,
    schedule,
)

__all__ = [
    "DUE",
    "DUE_COLUMNS",
    "EVALUATION_COLUMNS",
    "EVERY",
    "ITEM",
    "LAPSED",
    "LISTED",
    "METHODS",
    "NOT_YET",
    "OVERDUE",
    "OVERDUE_EDGES",
    "OWN",
    "SCHEDULE_COLUMNS",
    "SHRUNK",
    "STATUSES",
    "BuyAgainEvaluation",
    "due_list",
    "evaluate",
    "evidence",
    "hit_rate_by_overdue",
    "repeat_pairs",
    "schedule",
]
