from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from mlxtend.frequent_patterns import association_rules as mlxtend_rules
from mlxtend.frequent_patterns import fpgrowth

from aftersales import basket
from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError

# Eight hand-made baskets over four items (n = 8).
BASKETS = {
    "T1": ["bread", "milk"],
    "T2": ["bread", "butter"],
    "T3": ["bread", "milk", "butter"],
    "T4": ["milk"],
    "T5": ["bread", "milk", "butter"],
    "T6": ["jam"],
    "T7": ["bread", "butter", "jam"],
    "T8": ["bread", "milk"],
}
# Counts: bread 6, milk 5, butter 4, jam 2; bread+milk 4 (T1 T3 T5 T8), bread+butter 4
# (T2 T3 T5 T7), milk+butter 2 (T3 T5), bread+jam 1, butter+jam 1 (T7), milk+jam 0,
# bread+milk+butter 2 (T3 T5), bread+butter+jam 1 (T7).

INF = math.inf
# Every rule at min_support 0.25 (itemset count >= 2), worked by hand:
# (antecedent, consequent): (antecedent support, consequent support, support, confidence, lift,
#                            leverage = s(AC) - s(A) s(C), conviction = (1 - s(C)) / (1 - conf))
EXPECTED_RULES = {
    ("bread", "milk"): (0.75, 0.625, 0.5, 2 / 3, 16 / 15, 0.03125, 1.125),
    ("milk", "bread"): (0.625, 0.75, 0.5, 0.8, 16 / 15, 0.03125, 1.25),
    ("bread", "butter"): (0.75, 0.5, 0.5, 2 / 3, 4 / 3, 0.125, 1.5),
    ("butter", "bread"): (0.5, 0.75, 0.5, 1.0, 4 / 3, 0.125, INF),
    ("milk", "butter"): (0.625, 0.5, 0.25, 0.4, 0.8, -0.0625, 5 / 6),
    ("butter", "milk"): (0.5, 0.625, 0.25, 0.5, 0.8, -0.0625, 0.75),
    ("bread milk", "butter"): (0.5, 0.5, 0.25, 0.5, 1.0, 0.0, 1.0),
    ("bread butter", "milk"): (0.5, 0.625, 0.25, 0.5, 0.8, -0.0625, 0.75),
    ("butter milk", "bread"): (0.25, 0.75, 0.25, 1.0, 4 / 3, 0.0625, INF),
    ("bread", "butter milk"): (0.75, 0.25, 0.25, 1 / 3, 4 / 3, 0.0625, 1.125),
    ("milk", "bread butter"): (0.625, 0.5, 0.25, 0.4, 0.8, -0.0625, 5 / 6),
    ("butter", "bread milk"): (0.5, 0.5, 0.25, 0.5, 1.0, 0.0, 1.0),
}


def transactions() -> pd.DataFrame:
    rows = [(invoice, item) for invoice, items in BASKETS.items() for item in items]
    frame = pd.DataFrame(rows, columns=[C.INVOICE, C.ITEM])
    frame[C.DESCRIPTION] = frame[C.ITEM].str.upper()
    frame[C.CUSTOMER] = frame[C.INVOICE].map(
        {"T1": "c1", "T2": "c1", "T3": "c2", "T4": "c2", "T5": "c3", "T6": "c3", "T7": "c4"}
    )  # T8 is a guest
    frame[C.COUNTRY] = np.where(frame[C.INVOICE].isin(["T1", "T2", "T3"]), "France", "UK")
    return frame


def side(text: str) -> frozenset:
    return frozenset(text.split())


@pytest.fixture
def baskets() -> basket.Baskets:
    return basket.make_baskets(transactions())


# --- baskets -----------------------------------------------------------------------------


def test_baskets_matrix_ids_and_descriptions():
    frame = transactions()
    # A repeated line in T1 and a second description for bread: the basket stays boolean and
    # the most frequent description wins (BREAD 6 times against "Loaf" once).
    extra = pd.DataFrame({C.INVOICE: ["T1"], C.ITEM: ["bread"], C.DESCRIPTION: ["Loaf"]})
    frame = pd.concat([frame, extra], ignore_index=True)
    before = frame.copy()
    result = basket.make_baskets(frame)
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert result.baskets.tolist() == list(BASKETS)
    assert result.items.tolist() == ["bread", "butter", "jam", "milk"]
    expected = np.array(
        [
            [item in items for item in ["bread", "butter", "jam", "milk"]]
            for items in BASKETS.values()
        ]
    )
    assert result.matrix.dtype == bool
    np.testing.assert_array_equal(result.matrix.toarray(), expected)
    assert result.descriptions.tolist() == ["BREAD", "BUTTER", "JAM", "MILK"]
    assert result.item_support().to_dict() == {
        "bread": 0.75,
        "butter": 0.5,
        "jam": 0.25,
        "milk": 0.625,
    }


def test_description_tie_goes_to_alphabetical_and_missing_stays_missing():
    frame = pd.DataFrame(
        {
            C.INVOICE: ["A", "B", "C"],
            C.ITEM: ["x", "x", "y"],
            C.DESCRIPTION: ["ZEBRA ", "APPLE", None],
        }
    )
    result = basket.make_baskets(frame)
    assert result.descriptions["x"] == "APPLE"  # one each; "ZEBRA " is stripped
    assert pd.isna(result.descriptions["y"])


def test_interactions_make_one_basket_per_customer():
    interactions = pd.DataFrame(
        {C.USER: ["u1", "u1", "u2"], C.ITEM: ["a", "b", "a"], C.PURCHASE_COUNT: [3, 1, 2]}
    )
    result = basket.make_baskets(interactions)
    assert result.baskets.name == C.USER
    np.testing.assert_array_equal(result.matrix.toarray(), [[True, True], [True, False]])


def test_country_and_segment_filters():
    frame = transactions()
    france = basket.make_baskets(frame, country="France")
    assert france.baskets.tolist() == ["T1", "T2", "T3"]
    segments = pd.DataFrame(
        {C.CUSTOMER: ["c1", "c2", "c3", "c4"], C.SEGMENT: ["loyal", "new", "loyal", "new"]}
    )
    loyal = basket.make_baskets(frame, segment="loyal", segments=segments)
    assert loyal.baskets.tolist() == ["T1", "T2", "T5", "T6"]  # c1 and c3; guest T8 drops
    # A mapping indexed by customer id works too.
    indexed = basket.make_baskets(frame, segment="new", segments=segments.set_index(C.CUSTOMER))
    assert indexed.baskets.tolist() == ["T3", "T4", "T7"]


# --- itemsets and rules ------------------------------------------------------------------


def test_frequent_itemsets_equal_hand_counts(baskets):
    result = basket.frequent_itemsets(baskets, min_support=0.25)
    assert list(result.columns) == list(C.ITEMSET_COLUMNS)
    assert dict(zip(result[C.ITEMSETS], result[C.SUPPORT], strict=True)) == {
        side("bread"): 0.75,
        side("milk"): 0.625,
        side("butter"): 0.5,
        side("bread milk"): 0.5,
        side("bread butter"): 0.5,
        side("jam"): 0.25,
        side("butter milk"): 0.25,
        side("bread butter milk"): 0.25,
    }
    assert result[C.SUPPORT].is_monotonic_decreasing
    pairs_only = basket.frequent_itemsets(baskets, min_support=0.25, max_len=2)
    assert pairs_only[C.ITEMSETS].map(len).max() == 2
    assert len(pairs_only) == 7


def test_every_rule_metric_equals_hand_worked_values(baskets):
    rules = basket.association_rules(baskets, min_support=0.25)
    assert list(rules.columns) == [
        *C.RULE_COLUMNS,
        C.ANTECEDENT_DESCRIPTIONS,
        C.CONSEQUENT_DESCRIPTIONS,
    ]
    found = {}
    for row in rules.itertuples(index=False):
        key = (" ".join(sorted(row[0])), " ".join(sorted(row[1])))
        found[key] = tuple(row[2:9])
    assert set(found) == set(EXPECTED_RULES)
    for key, values in EXPECTED_RULES.items():
        assert found[key] == pytest.approx(values, rel=1e-12, abs=1e-12), key
    # Sorted by lift, then confidence: the two lift-4/3, confidence-1 rules come first.
    assert np.all(np.diff(rules[C.LIFT].to_numpy()) <= 1e-12)
    first = basket.format_rules(rules.head(2))
    assert first[C.ANTECEDENTS].tolist() == ["butter", "butter + milk"]
    assert first[C.CONSEQUENT_DESCRIPTIONS].tolist() == ["BREAD", "BREAD"]
    three = rules.loc[rules[C.ANTECEDENTS] == side("butter milk")]
    assert three[C.ANTECEDENT_DESCRIPTIONS].tolist() == ["BUTTER + MILK"]


def test_filters_on_confidence_and_lift(baskets):
    strong = basket.association_rules(baskets, min_support=0.25, min_confidence=0.7)
    # Confidence >= 0.7: butter -> bread (1), butter+milk -> bread (1), milk -> bread (0.8).
    assert len(strong) == 3
    lifted = basket.association_rules(baskets, min_support=0.25, min_lift=1.1)
    assert set(zip(lifted[C.ANTECEDENTS], lifted[C.CONSEQUENTS], strict=True)) == {
        (side("bread"), side("butter")),
        (side("butter"), side("bread")),
        (side("butter milk"), side("bread")),
        (side("bread"), side("butter milk")),
    }
    # filter_rules applies the same thresholds to an existing frame, and min_support too.
    everything = basket.association_rules(baskets, min_support=0.25)
    again = basket.filter_rules(everything, min_lift=1.1, min_support=0.5)
    assert len(again) == 2  # the two bread/butter pair rules have support 0.5
    none = basket.association_rules(baskets, min_support=0.25, min_confidence=1.0, min_lift=2)
    assert len(none) == 0
    assert list(none.columns) == list(everything.columns)


def test_rules_from_itemsets_match_association_rules(baskets):
    itemsets = basket.frequent_itemsets(baskets, min_support=0.25)
    direct = basket.association_rules(baskets, min_support=0.25)
    pd.testing.assert_frame_equal(basket.rules_from_itemsets(itemsets, baskets), direct)
    with pytest.raises(DataValidationError, match="subset of a frequent itemset is missing"):
        basket.rules_from_itemsets(itemsets.iloc[1:], baskets)  # {bread} removed


def test_pair_rules_equal_hand_values_and_mlxtend_pairs(baskets):
    pairs = basket.pair_rules(baskets, min_support=0.25)
    assert list(pairs.columns) == [
        *C.RULE_COLUMNS,
        C.ANTECEDENT_DESCRIPTIONS,
        C.CONSEQUENT_DESCRIPTIONS,
    ]
    found = {
        (a, c): tuple(values)
        for a, c, *values in pairs[list(C.RULE_COLUMNS)].itertuples(index=False)
    }
    expected = {key: value for key, value in EXPECTED_RULES.items() if " " not in "".join(key)}
    assert set(found) == set(expected)
    for key, values in expected.items():
        assert found[key] == pytest.approx(values, rel=1e-12, abs=1e-12), key
    assert pairs.loc[0, C.ANTECEDENT_DESCRIPTIONS] == "BUTTER"  # butter -> bread leads


def test_pair_path_agrees_with_mlxtend_on_random_baskets():
    # Independent check: mlxtend's own fpgrowth + association_rules on the one-hot frame.
    rng = np.random.default_rng(7)
    onehot = rng.random((20, 6)) < np.array([0.7, 0.5, 0.4, 0.3, 0.2, 0.6])
    rows, cols = np.nonzero(onehot)
    frame = pd.DataFrame({C.INVOICE: [f"i{r:02d}" for r in rows], C.ITEM: [f"p{c}" for c in cols]})
    ours = basket.pair_rules(basket.make_baskets(frame), min_support=0.1)
    items = pd.DataFrame(onehot, columns=[f"p{c}" for c in range(6)])
    itemsets = fpgrowth(items, min_support=0.1, use_colnames=True, max_len=2)
    theirs = mlxtend_rules(itemsets, num_itemsets=20, metric="confidence", min_threshold=0.0)
    theirs = theirs.assign(
        **{
            C.ANTECEDENTS: theirs[C.ANTECEDENTS].map(lambda s: next(iter(s))),
            C.CONSEQUENTS: theirs[C.CONSEQUENTS].map(lambda s: next(iter(s))),
        }
    )
    merged = ours.merge(theirs, on=[C.ANTECEDENTS, C.CONSEQUENTS], suffixes=("", "_mlx"))
    assert len(merged) == len(ours) == len(theirs) > 10
    for metric in basket.RULE_METRICS:
        np.testing.assert_allclose(merged[metric], merged[f"{metric}_mlx"], rtol=1e-12)


def test_frequent_itemsets_equal_plain_fpgrowth_on_random_baskets():
    # The pair pruning must not change the result: compare with mlxtend's fpgrowth on the
    # full one-hot frame. Item p6 sits alone in 4 of 34 baskets: frequent, in no frequent pair.
    rng = np.random.default_rng(11)
    onehot = np.zeros((34, 7), dtype=bool)
    onehot[:30, :6] = rng.random((30, 6)) < np.array([0.7, 0.6, 0.5, 0.5, 0.3, 0.6])
    onehot[30:, 6] = True
    rows, cols = np.nonzero(onehot)
    frame = pd.DataFrame({C.INVOICE: [f"i{r:02d}" for r in rows], C.ITEM: [f"p{c}" for c in cols]})
    ours = basket.frequent_itemsets(basket.make_baskets(frame), min_support=0.1)
    items = pd.DataFrame(onehot, columns=[f"p{c}" for c in range(7)])
    theirs = fpgrowth(items, min_support=0.1, use_colnames=True)
    assert theirs[C.ITEMSETS].map(len).max() >= 3
    assert frozenset({"p6"}) in set(ours[C.ITEMSETS])
    assert dict(zip(ours[C.ITEMSETS], ours[C.SUPPORT], strict=True)) == dict(
        zip(theirs[C.ITEMSETS], theirs[C.SUPPORT], strict=True)
    )
    singles = basket.frequent_itemsets(basket.make_baskets(frame), min_support=0.1, max_len=1)
    assert set(singles[C.ITEMSETS]) == {s for s in theirs[C.ITEMSETS] if len(s) == 1}


def test_format_rules_gives_sorted_text(baskets):
    rules = basket.association_rules(baskets, min_support=0.25)
    shown = basket.format_rules(rules)
    assert "bread + butter" in shown[C.ANTECEDENTS].tolist()
    assert shown[C.ANTECEDENTS].dtype == "str"
    assert isinstance(rules.loc[0, C.ANTECEDENTS], frozenset)  # the input is unchanged


# --- frequently bought together ---------------------------------------------------------
# At min_support 0.125 (count >= 1) the pair lifts are: bread-milk 16/15, bread-butter 4/3,
# butter-jam 1 (butter -> jam: conf 0.25 / s(jam) 0.25; jam -> butter: 0.5 / 0.5),
# milk-butter 0.8 and bread-jam 2/3 (both dropped by the default min_lift 1).

HISTORY = pd.DataFrame(
    {
        C.USER: ["u1", "u2", "u2", "u3", "u9", "u4"],
        C.ITEM: ["milk", "butter", "jam", "jam", "bread", "caviar"],
    }
)


@pytest.fixture
def fbt() -> basket.FrequentlyBoughtTogether:
    return basket.FrequentlyBoughtTogether("lift", min_support=0.125).fit(transactions())


def test_for_items_single_item_and_basket(fbt):
    single = fbt.for_items("butter", k=5)
    # butter -> bread 4/3, butter -> jam 1 (butter -> milk 0.8 is below min_lift).
    assert single[C.ITEM].tolist() == ["bread", "jam"]
    assert single[C.SCORE].tolist() == pytest.approx([4 / 3, 1.0])
    assert single[C.RANK].tolist() == [1, 2]
    assert single[C.DESCRIPTION].tolist() == ["BREAD", "JAM"]
    both = fbt.for_items(["milk", "butter"], k=1)
    # bread: max(milk -> bread 16/15, butter -> bread 4/3) = 4/3; the basket's items are left out.
    assert both[C.ITEM].tolist() == ["bread"]
    assert both[C.SCORE].tolist() == pytest.approx([4 / 3])


def test_recommend_max_of_lift_over_history(fbt):
    result = fbt.recommend(["u3", "u1", "u2", "u1", "u5"], k=3, history=HISTORY)
    assert list(result.columns) == [C.USER, C.ITEM, C.SCORE, C.RANK]
    # u3 {jam}: butter 1. u1 {milk}: bread 16/15. u2 {butter, jam}: bread 4/3 (jam and butter
    # are seen). u5 has no history: no rows. Users keep the order asked for, duplicates drop.
    assert result[C.USER].tolist() == ["u3", "u1", "u2"]
    assert result[C.ITEM].tolist() == ["butter", "bread", "bread"]
    assert result[C.SCORE].tolist() == pytest.approx([1.0, 16 / 15, 4 / 3])
    assert result[C.RANK].tolist() == [1, 1, 1]
    shown = fbt.recommend(["u2"], k=3, history=HISTORY, exclude_seen=False)
    # bread 4/3, then butter (from jam) and jam (from butter) tie at 1: item order breaks it.
    assert shown[C.ITEM].tolist() == ["bread", "butter", "jam"]
    assert shown[C.RANK].tolist() == [1, 2, 3]
    unknown_item = fbt.recommend(["u4"], k=3, history=HISTORY)
    assert len(unknown_item) == 0  # caviar was never sold: ignored


def test_recommend_sum_of_confidence():
    model = basket.FrequentlyBoughtTogether(
        "confidence", min_support=0.125, min_lift=0.0, aggregate="sum"
    ).fit(transactions())
    result = model.recommend(["u2"], k=5, history=HISTORY)
    # u2 {butter, jam}: bread = conf(butter -> bread) 1 + conf(jam -> bread) 0.5 = 1.5;
    # milk = conf(butter -> milk) 0.5 (jam and milk never meet).
    assert result[C.ITEM].tolist() == ["bread", "milk"]
    assert result[C.SCORE].tolist() == pytest.approx([1.5, 0.5])
    maximum = basket.FrequentlyBoughtTogether("confidence", min_support=0.125, min_lift=0.0).fit(
        transactions()
    )
    assert maximum.recommend(["u2"], k=5, history=HISTORY)[C.SCORE].tolist() == pytest.approx(
        [1.0, 0.5]
    )


def test_recommend_in_batches_equals_one_batch(fbt):
    users = ["u1", "u2", "u3", "u4", "u9"]
    whole = fbt.recommend(users, k=2, history=HISTORY)
    one_each = fbt.recommend(users, k=2, history=HISTORY, batch_size=1)  # one user per batch
    pd.testing.assert_frame_equal(one_each, whole)
    assert len(whole) == 5  # u1, u2, u3 one each; u9 two (bread -> butter 4/3, milk 16/15)


def test_fit_on_interactions_uses_customer_baskets():
    interactions = pd.DataFrame(
        {C.USER: ["u1", "u1", "u2", "u2", "u3"], C.ITEM: ["a", "b", "a", "b", "c"]}
    )
    model = basket.FrequentlyBoughtTogether(min_support=0.3).fit(interactions)
    # a and b are in both of u1, u2 out of 3 histories: lift (2/3) / (2/3 * 2/3) = 1.5.
    assert model.for_items("a")[[C.ITEM, C.SCORE]].values.tolist() == [["b", pytest.approx(1.5)]]


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 0.0, -0.1, 1.5, True, "0.1", float("nan")])
def test_min_support_outside_unit_interval_is_named(baskets, value):
    with pytest.raises(ParameterError, match="`min_support` must be"):
        basket.association_rules(baskets, min_support=value)
    with pytest.raises(ParameterError, match="`min_support` must be"):
        basket.pair_rules(baskets, min_support=value)
    with pytest.raises(ParameterError, match="`min_support` must be"):
        basket.FrequentlyBoughtTogether(min_support=value)


def test_no_itemset_reaching_threshold_names_highest_support(baskets):
    with pytest.raises(ParameterError, match=r"highest support .* is 0\.75 \(item 'bread'\)"):
        basket.frequent_itemsets(baskets, min_support=0.8)
    with pytest.raises(ParameterError, match=r"choose `min_support` <= 0\.75"):
        basket.pair_rules(baskets, min_support=0.9)
    basket.frequent_itemsets(baskets, min_support=0.75)  # exactly the highest support is fine


def test_baskets_without_item_ids():
    frame = transactions().drop(columns=C.ITEM)
    with pytest.raises(DataValidationError, match=f"item ids in column `{C.ITEM}`"):
        basket.make_baskets(frame)
    missing = transactions()
    missing[C.ITEM] = missing[C.ITEM].where(missing.index != 3)
    with pytest.raises(DataValidationError, match=f"`{C.ITEM}` must not be empty; 1 rows fail"):
        basket.make_baskets(missing)
    with pytest.raises(DataValidationError, match="no basket column"):
        basket.make_baskets(pd.DataFrame({C.ITEM: ["a"]}))
    with pytest.raises(DataValidationError, match="no data rows"):
        basket.make_baskets(transactions().iloc[:0])


def test_unknown_segment_lists_the_valid_ones():
    segments = pd.DataFrame({C.CUSTOMER: ["c1", "c2"], C.SEGMENT: ["loyal", "new"]})
    with pytest.raises(
        UnknownNameError, match=r"'vip' does not exist; valid segments: \['loyal', 'new'\]"
    ):
        basket.make_baskets(transactions(), segment="vip", segments=segments)
    with pytest.raises(ParameterError, match="given together"):
        basket.make_baskets(transactions(), segment="loyal")
    with pytest.raises(UnknownNameError, match=r"valid countries: \['France', 'UK'\]"):
        basket.make_baskets(transactions(), country="Narnia")
    numeric_ids = segments.assign(**{C.CUSTOMER: [1, 2]})
    with pytest.raises(DataValidationError, match="no row belongs to segment 'loyal'"):
        basket.make_baskets(transactions(), segment="loyal", segments=numeric_ids)


def test_other_bad_parameters(baskets, fbt):
    with pytest.raises(ParameterError, match="`min_confidence` must be in"):
        basket.association_rules(baskets, min_support=0.25, min_confidence=1.5)
    with pytest.raises(ParameterError, match="`min_lift` must be >= 0"):
        basket.pair_rules(baskets, min_support=0.25, min_lift=-1)
    with pytest.raises(ParameterError, match="`max_len` must be"):
        basket.frequent_itemsets(baskets, min_support=0.25, max_len=0)
    with pytest.raises(UnknownNameError, match=r"valid: \['lift', 'confidence'\]"):
        basket.FrequentlyBoughtTogether("support")
    with pytest.raises(UnknownNameError, match=r"valid: \['max', 'sum'\]"):
        basket.FrequentlyBoughtTogether(aggregate="mean")
    with pytest.raises(ParameterError, match="not fitted"):
        basket.FrequentlyBoughtTogether().for_items("bread")
    with pytest.raises(ParameterError, match="`k` must be a positive integer"):
        fbt.for_items("bread", k=0)
    with pytest.raises(UnknownNameError, match=r"\['caviar'\] not in the fitted baskets"):
        fbt.for_items(["bread", "caviar"])
    with pytest.raises(DataValidationError, match="needs a user column"):
        fbt.recommend(["u1"], history=HISTORY.drop(columns=C.USER))
