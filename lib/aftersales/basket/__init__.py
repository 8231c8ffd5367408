"""Market-basket analysis: baskets, itemsets, association rules, frequently bought together.

Typical use::

    from aftersales import basket

    b = basket.make_baskets(transactions)  # cleaned transactions, one basket per invoice
    rules = basket.association_rules(b, min_support=0.01, min_lift=2.0)
    basket.format_rules(rules).head(10)  # stable text for notebooks
    pairs = basket.pair_rules(b, min_support=0.001)  # sparse X^T X, whole catalogue
    fbt = basket.FrequentlyBoughtTogether("lift", min_support=0.005).fit(transactions)
    fbt.recommend(customers, k=10, history=train_interactions)

:class:`BasketRecommender` is frequently bought together as a model of the registry
(``aftersales.models.make("fbt", ...)``): rule items first, then popular items.

Frequent itemsets and general rules come from mlxtend (FP-growth and ``association_rules``);
rule columns keep mlxtend's names (``C.RULE_COLUMNS``).
"""

from __future__ import annotations

from aftersales.basket._baskets import Baskets, make_baskets
from aftersales.basket._common import RULE_METRICS
from aftersales.basket._compare import (
    BOTH,
    GROUP_METRICS,
    compare_rules,
    cross_sell,
    group_column,
    only_in,
    pair_metrics_in,
)
from aftersales.basket._pairs import PairTable, pair_metrics, pair_rules, pair_table
from aftersales.basket._recommender import BasketRecommender
from aftersales.basket._rules import (
    association_rules,
    filter_rules,
    format_rules,
    frequent_itemsets,
    rules_from_itemsets,
)
from aftersales.basket._together import FrequentlyBoughtTogether

__all__ = [
    "BOTH",
    "GROUP_METRICS",
    "RULE_METRICS",
    "BasketRecommender",
    "Baskets",
    "FrequentlyBoughtTogether",
    "PairTable",
    "association_rules",
    "compare_rules",
    "cross_sell",
    "filter_rules",
    "format_rules",
    "frequent_itemsets",
    "group_column",
    "make_baskets",
    "only_in",
    "pair_metrics",
    "pair_metrics_in",
    "pair_rules",
    "pair_table",
    "rules_from_itemsets",
]
