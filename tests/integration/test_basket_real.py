"""Market-basket analysis on the real Online Retail transactions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import basket, prepare
from aftersales import columns as C

pytestmark = [pytest.mark.mirror, pytest.mark.slow]

MIN_SUPPORT = 0.01


@pytest.fixture(scope="module")
def cleaned(real_source) -> pd.DataFrame:
    # The notebooks' cleaning (01.00, 03.01): guests, cancellations, non-positive quantities
    # and prices, non-product codes and duplicate lines dropped.
    # numbers measured on gross purchases (returns ignored); the netted figures are checked
    # in test_returns_real
    return prepare.prepare(dataset="online-retail", returns="ignore").cleaned


@pytest.fixture(scope="module")
def retail(cleaned) -> basket.Baskets:
    return basket.make_baskets(cleaned)


@pytest.fixture(scope="module")
def rules(retail) -> pd.DataFrame:
    return basket.association_rules(retail, min_support=MIN_SUPPORT)


def test_baskets_cover_every_invoice_and_item(cleaned, retail):
    assert retail.n_baskets == cleaned[C.INVOICE].nunique() == 18_402
    assert retail.n_items == cleaned[C.ITEM].nunique() == 3_659
    distinct_lines = len(cleaned[[C.INVOICE, C.ITEM]].drop_duplicates())
    assert retail.matrix.nnz == distinct_lines == 386_326
    assert retail.descriptions.notna().all()


def test_itemset_counts_at_one_percent(retail):
    itemsets = basket.frequent_itemsets(retail, min_support=MIN_SUPPORT)
    sizes = itemsets[C.ITEMSETS].map(len).value_counts().sort_index()
    assert sizes.to_dict() == {1: 627, 2: 336, 3: 75, 4: 3}


def test_rules_at_one_percent_are_consistent(rules):
    assert len(rules) == 1_164
    assert (rules[C.CONFIDENCE] >= 0.3).sum() == 731
    assert (rules[C.SUPPORT] >= MIN_SUPPORT).all()
    np.testing.assert_allclose(
        rules[C.CONFIDENCE], rules[C.SUPPORT] / rules[C.ANTECEDENT_SUPPORT], rtol=1e-12
    )
    np.testing.assert_allclose(
        rules[C.LIFT], rules[C.CONFIDENCE] / rules[C.CONSEQUENT_SUPPORT], rtol=1e-12
    )
    assert (rules[C.SUPPORT] <= rules[C.ANTECEDENT_SUPPORT]).all()
    assert (rules[C.SUPPORT] <= rules[C.CONSEQUENT_SUPPORT]).all()
    assert rules[C.LIFT].is_monotonic_decreasing
    # Themed sets go together: the regency tea plates (roses 23170, green 23171, pink 23172).
    assert rules.loc[0, C.ANTECEDENTS] == frozenset({"23170", "23171"})
    assert rules.loc[0, C.CONSEQUENTS] == frozenset({"23172"})
    assert rules.loc[0, C.LIFT] == pytest.approx(66.3672, abs=1e-4)
    assert rules[C.ANTECEDENT_DESCRIPTIONS].str.len().min() > 0


def test_sparse_and_mlxtend_pair_paths_give_the_same_pair_supports(retail, rules):
    singles = rules[C.ANTECEDENTS].map(len).eq(1) & rules[C.CONSEQUENTS].map(len).eq(1)
    mlxtend_pairs = rules.loc[singles].assign(
        **{
            C.ANTECEDENTS: rules.loc[singles, C.ANTECEDENTS].map(lambda s: next(iter(s))),
            C.CONSEQUENTS: rules.loc[singles, C.CONSEQUENTS].map(lambda s: next(iter(s))),
        }
    )
    sparse_pairs = basket.pair_rules(retail, min_support=MIN_SUPPORT)
    merged = sparse_pairs.merge(
        mlxtend_pairs, on=[C.ANTECEDENTS, C.CONSEQUENTS], how="outer", suffixes=("", "_mlx")
    )
    assert len(merged) == len(sparse_pairs) == len(mlxtend_pairs) == 672
    # Both compute count / n_baskets from integer counts: equal to the last bit.
    np.testing.assert_array_equal(merged[C.SUPPORT], merged[f"{C.SUPPORT}_mlx"])
    for metric in basket.RULE_METRICS:
        np.testing.assert_allclose(merged[metric], merged[f"{metric}_mlx"], rtol=1e-12)


def test_frequently_bought_together_on_real_customers(cleaned, rules):
    model = basket.FrequentlyBoughtTogether("lift", min_support=0.005).fit(cleaned)
    assert model.scores_.nnz == 3_684  # ordered pairs with support >= 0.5% and lift >= 1
    singles = rules[C.ANTECEDENTS].map(len).eq(1) & rules[C.CONSEQUENTS].map(len).eq(1)
    top = rules.loc[singles].iloc[0]  # the strongest pair rule at support 1%
    (antecedent,), (consequent,) = top[C.ANTECEDENTS], top[C.CONSEQUENTS]
    together = model.for_items(antecedent, k=model.items_.size).set_index(C.ITEM)
    assert together.loc[consequent, C.SCORE] == pytest.approx(top[C.LIFT], rel=1e-12)
    history = cleaned[[C.CUSTOMER, C.ITEM]]  # the cleaning dropped guests
    customers = history[C.CUSTOMER].drop_duplicates().head(300)
    result = model.recommend(customers, k=10, history=history)
    assert result[C.USER].nunique() == 295  # 5 get nothing: no qualifying rule from their items
    assert len(result) == 2_883
    assert result.groupby(C.USER).size().max() <= 10
    ranks = result.groupby(C.USER)[C.RANK].agg(["min", "max", "size"])
    assert (ranks["min"] == 1).all() and (ranks["max"] == ranks["size"]).all()
    seen = history.rename(columns={C.CUSTOMER: C.USER}).drop_duplicates()
    overlap = result.merge(seen, on=[C.USER, C.ITEM])
    assert len(overlap) == 0  # exclude_seen
    scores = result[C.SCORE].to_numpy()
    assert (scores >= 1.0).all()  # default min_lift 1
