"""Notebook 03.01: aftersales.plots.basket's figures, aftersales.basket's rule comparisons and
cross-sell tables, and the notebook's parameters."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from aftersales import basket, params
from aftersales import columns as C
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.plots import basket as pb


def transactions(baskets: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(invoice, item) for invoice, items in baskets.items() for item in items]
    frame = pd.DataFrame(rows, columns=[C.INVOICE, C.ITEM])
    return frame.assign(**{C.DESCRIPTION: frame[C.ITEM].str.upper() + " THING"})


# Eight baskets over four items (as in test_basket): bread 6, milk 5, butter 4, jam 2;
# bread+milk 4, bread+butter 4, milk+butter 2, bread+jam 1, butter+jam 1, milk+jam 0.
EIGHT = {
    "T1": ["bread", "milk"],
    "T2": ["bread", "butter"],
    "T3": ["bread", "milk", "butter"],
    "T4": ["milk"],
    "T5": ["bread", "milk", "butter"],
    "T6": ["jam"],
    "T7": ["bread", "butter", "jam"],
    "T8": ["bread", "milk"],
}

# Two groups of four baskets each.
# A: x 3, y 2, z 1; x+y 2, x+z 0.  B: x 3, y 2, z 2; x+z 2, x+y 1.
GROUP_A = {"A1": ["x", "y"], "A2": ["x", "y"], "A3": ["x"], "A4": ["z"]}
GROUP_B = {"B1": ["x", "z"], "B2": ["x", "z"], "B3": ["y"], "B4": ["x", "y"]}


# --- labels ------------------------------------------------------------------------------


def test_short_label_sentence_case_cut_at_a_word_and_fallback():
    assert pb.short_label("  REGENCY TEA  PLATE ROSES ") == "Regency tea plate roses"
    assert pb.short_label("SET OF 3 CAKE TINS PANTRY DESIGN", width=20) == "Set of 3 cake tins…"
    assert pb.short_label("ABCDEFGHIJKLMNOPQRSTUVWXYZ", width=10) == "Abcdefghi…"
    assert pb.short_label(None, fallback="22423") == "22423"
    assert pb.short_label(float("nan"), fallback="22423") == "22423"
    assert pb.short_label(pd.NA, fallback=7) == "7"


# --- network -----------------------------------------------------------------------------


def test_rule_edges_expand_itemsets_and_keep_the_strongest_duplicate():
    rules = pd.DataFrame(
        {
            C.ANTECEDENTS: [frozenset({"b", "a"}), frozenset({"a"}), frozenset({"c"})],
            C.CONSEQUENTS: [frozenset({"c"}), frozenset({"c"}), frozenset({"d"})],
            C.CONFIDENCE: [0.9, 0.6, 0.5],
            C.LIFT: [5.0, 3.0, 2.0],
        }
    )
    edges = pb.rule_edges(rules, n=3)
    # {a, b} -> c gives a -> c and b -> c (lift 5); the pair rule a -> c (lift 3) is dropped
    # as a duplicate; c -> d comes from the third rule.
    assert list(zip(edges[C.ANTECEDENTS], edges[C.CONSEQUENTS], strict=True)) == [
        ("a", "c"),
        ("b", "c"),
        ("c", "d"),
    ]
    assert edges[C.LIFT].tolist() == [5.0, 5.0, 2.0]
    assert edges[C.CONFIDENCE].tolist() == [0.9, 0.9, 0.5]
    assert len(pb.rule_edges(rules, n=1)) == 2  # only the first rule
    with pytest.raises(ParameterError, match=r"`n` must be a positive integer; got 0"):
        pb.rule_edges(rules, n=0)


def test_circle_layout_by_hand():
    # Components {a, b, c} (a-b, b-c) and {d, e}. The larger comes first, walked from b (two
    # neighbours) in id order: b, a, c; then d (ties on degree go to the smaller id), e.
    # Slots 0, 1, 2, then a gap, 4, 5 of 7 in total; angle = pi/2 - 2 pi slot / 7.
    layout = pb.circle_layout(["a", "c", "e"], ["b", "b", "d"])
    assert layout.items.tolist() == ["b", "a", "c", "d", "e"]
    assert layout.component.tolist() == [0, 0, 0, 1, 1]
    expected = np.pi / 2 - 2 * np.pi * np.array([0, 1, 2, 4, 5]) / 7
    np.testing.assert_allclose(layout.angle, expected)
    np.testing.assert_allclose(layout.xy, np.column_stack([np.cos(expected), np.sin(expected)]))
    np.testing.assert_allclose(np.hypot(*layout.xy.T), 1.0)
    # The same edges in another order and direction give the same picture.
    again = pb.circle_layout(["d", "b", "b"], ["e", "c", "a"])
    assert again.items.tolist() == layout.items.tolist()
    np.testing.assert_allclose(again.xy, layout.xy)


def test_circle_layout_one_component_has_no_gap():
    layout = pb.circle_layout(["a", "b", "c"], ["b", "c", "d"])  # a path a-b-c-d
    # Degrees a 1, b 2, c 2, d 1: start at b, then a and c (id order), then d.
    assert layout.items.tolist() == ["b", "a", "c", "d"]
    np.testing.assert_allclose(layout.angle, np.pi / 2 - 2 * np.pi * np.arange(4) / 4)
    with pytest.raises(ParameterError, match="non-empty and of equal length"):
        pb.circle_layout([], [])


def test_rule_network_draws_one_arrow_per_edge_and_labels_every_item():
    b = basket.make_baskets(transactions(EIGHT))
    rules = basket.pair_rules(b, min_support=0.25)  # 6 ordered pairs over 3 items
    figure = pb.rule_network(rules, b, n=4)
    assert isinstance(figure, Figure)
    axes = figure.axes[0]
    arrows = [p for p in axes.patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 4
    labels = sorted(t.get_text() for t in axes.texts)
    # The four strongest pair rules: bread <-> butter (lift 4/3), bread <-> milk (16/15).
    assert labels == ["Bread thing", "Butter thing", "Milk thing"]
    assert "The 4 strongest rules by lift: 3 items" in axes.get_title()
    assert len(figure.axes) == 2  # the colour bar
    assert figure.axes[1].get_ylabel().startswith("lift")
    empty = pb.rule_network(rules.iloc[:0], b, n=4)
    assert empty.axes[0].get_title() == "No rule passes the thresholds"


# --- scatter -----------------------------------------------------------------------------


def test_rules_scatter_plots_every_rule_strongest_on_top():
    b = basket.make_baskets(transactions(EIGHT))
    rules = basket.association_rules(b, min_support=0.25)  # 12 rules (test_basket)
    figure = pb.rules_scatter(rules, min_confidence=0.6)
    axes = figure.axes[0]
    points = axes.collections[0]
    order = np.argsort(rules[C.LIFT].to_numpy(), kind="stable")
    np.testing.assert_allclose(
        points.get_offsets(), rules[[C.SUPPORT, C.CONFIDENCE]].to_numpy()[order]
    )
    np.testing.assert_allclose(points.get_array(), rules[C.LIFT].to_numpy()[order])
    # Confidence >= 0.6: bread->milk 2/3, milk->bread 0.8, bread->butter 2/3, butter->bread 1,
    # butter milk->bread 1.
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["min confidence 0.6: 5 of 12 rules pass"]
    assert axes.get_xscale() == "log" and axes.get_title().startswith("12 association rules")


# --- comparison of two groups --------------------------------------------------------------


def test_compare_rules_by_hand():
    a = basket.make_baskets(transactions(GROUP_A))
    b = basket.make_baskets(transactions(GROUP_B))
    table = basket.compare_rules(
        a, b, labels=("A", "B"), min_support=0.5, min_confidence=0.7, min_lift=1.0
    )
    # In A (n 4) the pairs with support >= 0.5 are x-y: x->y conf 2/3 (fails 0.7),
    # y->x conf 1 lift 1 / 0.75 = 4/3. In B x-z: z->x conf 1 lift 4/3 passes.
    # y->x in B: support 1/4, conf 1/2 (B4 of B3 B4), lift 0.5 / 0.75 = 2/3.
    # z->x in A: z in A4 only, never with x: support 0, conf 0, lift 0.
    # Difference = conf A - conf B: y->x 1 - 1/2 = 1/2; z->x 0 - 1 = -1.
    assert table[C.ANTECEDENTS].tolist() == ["y", "z"]
    assert table[C.CONSEQUENTS].tolist() == ["x", "x"]
    assert table[C.FOUND_IN].tolist() == ["A only", "B only"]
    assert table[C.ANTECEDENT_DESCRIPTIONS].tolist() == ["Y THING", "Z THING"]
    expected = {
        basket.group_column(C.SUPPORT, "A"): [0.5, 0.0],
        basket.group_column(C.CONFIDENCE, "A"): [1.0, 0.0],
        basket.group_column(C.LIFT, "A"): [4 / 3, 0.0],
        basket.group_column(C.SUPPORT, "B"): [0.25, 0.5],
        basket.group_column(C.CONFIDENCE, "B"): [0.5, 1.0],
        basket.group_column(C.LIFT, "B"): [2 / 3, 4 / 3],
        C.DIFFERENCE: [0.5, -1.0],
    }
    for column, values in expected.items():
        np.testing.assert_allclose(table[column], values, err_msg=column)
    # With no confidence threshold both orders of x-y pass in A: x->y is in both groups.
    loose = basket.compare_rules(a, b, labels=("A", "B"), min_support=0.25, min_lift=0.0)
    found = loose.set_index([C.ANTECEDENTS, C.CONSEQUENTS])[C.FOUND_IN]
    assert found[("x", "y")] == basket.BOTH


def test_pair_metrics_in_agrees_with_pair_rules_and_handles_unknown_items():
    b = basket.make_baskets(transactions(EIGHT))
    rules = basket.pair_rules(b, min_support=1 / 8)
    metrics = basket.pair_metrics_in(
        b, pd.Index(rules[C.ANTECEDENTS]), pd.Index(rules[C.CONSEQUENTS])
    )
    for name in (C.SUPPORT, C.CONFIDENCE, C.LIFT):
        np.testing.assert_allclose(metrics[name], rules[name], rtol=1e-12, err_msg=name)
    # "tea" never occurs: as antecedent the rule is undefined; as consequent its confidence is
    # 0 (bread baskets never hold it) and its lift undefined. milk -> jam: count 0, lift 0.
    odd = basket.pair_metrics_in(
        b, pd.Index(["tea", "bread", "milk"]), pd.Index(["bread", "tea", "jam"])
    )
    np.testing.assert_array_equal(odd[C.SUPPORT], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(odd[C.CONFIDENCE], [np.nan, 0.0, 0.0])
    np.testing.assert_array_equal(odd[C.LIFT], [np.nan, np.nan, 0.0])


def test_compare_rules_bad_labels():
    a = basket.make_baskets(transactions(GROUP_A))
    with pytest.raises(ParameterError, match="`labels` must be two different strings"):
        basket.compare_rules(a, a, labels=("A", "A"), min_support=0.5)
    with pytest.raises(ParameterError, match="`labels` must be two different strings"):
        basket.compare_rules(a, a, labels=("A",), min_support=0.5)


def test_rule_comparison_draws_each_group_and_counts_undefined_rules():
    a = basket.make_baskets(transactions(GROUP_A))
    b = basket.make_baskets(transactions(GROUP_B | {"B5": ["w", "x"], "B6": ["w", "x"]}))
    # B (n 6): w 2 and w+x 2, so w->x (conf 1) passes in B; w is never bought in A, so w->x
    # is undefined there and left out of the picture.
    table = basket.compare_rules(a, b, labels=("A", "B"), min_support=0.3, min_confidence=0.7)
    assert ("w", "x") in set(zip(table[C.ANTECEDENTS], table[C.CONSEQUENTS], strict=True))
    figure = pb.rule_comparison(table, labels=("A", "B"))
    axes = figure.axes[0]
    drawn = sum(len(c.get_offsets()) for c in axes.collections)
    undefined = int(table[basket.group_column(C.CONFIDENCE, "A")].isna().sum())
    assert undefined == 1 and drawn == len(table) - undefined
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend[-1] == "1 undefined in one group, not shown"
    assert axes.get_xlabel() == "confidence among A baskets"
    with pytest.raises(ParameterError, match="`labels` must be a pair"):
        pb.rule_comparison(table, labels=("A",))


# --- cross-sell ----------------------------------------------------------------------------


def test_cross_sell_lists_partners_of_the_most_sold_items():
    frame = transactions(EIGHT)
    b = basket.make_baskets(frame)
    model = basket.FrequentlyBoughtTogether("lift", min_support=1 / 8).fit(frame)
    table = basket.cross_sell(model, b, n_items=2, k=5)
    # Most sold: bread (6 baskets), milk (5). Lifts >= 1: bread->butter 4/3, bread->milk 16/15
    # (bread->jam 2/3 fails); milk->bread 16/15 (milk->butter 0.8 fails, milk+jam never).
    assert table.columns.tolist() == [
        C.ITEM,
        C.DESCRIPTION,
        C.SUPPORT,
        C.RANK,
        C.CROSS_SELL_ITEM,
        C.CROSS_SELL_DESCRIPTION,
        C.LIFT,
    ]
    assert table[C.ITEM].tolist() == ["bread", "bread", "milk"]
    assert table[C.DESCRIPTION].tolist() == ["BREAD THING", "BREAD THING", "MILK THING"]
    assert table[C.RANK].tolist() == [1, 2, 1]
    assert table[C.CROSS_SELL_ITEM].tolist() == ["butter", "milk", "bread"]
    assert table[C.CROSS_SELL_DESCRIPTION].tolist() == ["BUTTER THING", "MILK THING", "BREAD THING"]
    np.testing.assert_allclose(table[C.SUPPORT], [0.75, 0.75, 0.625])
    np.testing.assert_allclose(table[C.LIFT], [4 / 3, 16 / 15, 16 / 15])
    assert len(basket.cross_sell(model, b, n_items=1, k=1)) == 1


def test_cross_sell_bad_arguments():
    frame = transactions(EIGHT)
    b = basket.make_baskets(frame)
    with pytest.raises(ParameterError, match="not fitted"):
        basket.cross_sell(basket.FrequentlyBoughtTogether(), b)
    model = basket.FrequentlyBoughtTogether(min_support=1 / 8).fit(frame)
    with pytest.raises(ParameterError, match=r"`k` must be a positive integer; got 0"):
        basket.cross_sell(model, b, k=0)
    with pytest.raises(ParameterError, match=r"`n_items` must be a positive integer"):
        basket.cross_sell(model, b, n_items=True)
    other = basket.make_baskets(transactions({"Z1": ["tea", "cake"]}))
    with pytest.raises(UnknownNameError, match="not in the fitted baskets"):
        basket.cross_sell(model, other)


# --- parameters of notebook 03.01 ----------------------------------------------------------


def test_parameter_defaults():
    p = params.check("03.01")
    assert p.dataset == "online-retail" and p.min_support == 0.01
    assert (p.segment_a, p.segment_b) == ("Champions", "At Risk")
    assert p.example_basket == ("85123A", "22423", "47566")
    assert p.preparation().dataset == "online-retail"
    assert math.isclose(p.min_confidence, 0.3)


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"dataset": "movielens-100k"}, "03.01 needs transactions"),
        ({"min_support": 0}, r"`min_support` must lie in \(0, 1\]; got 0"),
        ({"min_support": 1.5}, r"`min_support` must lie in \(0, 1\]"),
        ({"min_confidence": 1.2}, r"`min_confidence` must lie in \[0, 1\]"),
        ({"min_lift": -1.0}, r"`min_lift` must lie in \[0, 1000\]"),
        ({"segment_min_support": 0.0}, r"`segment_min_support` must lie in \(0, 1\]"),
        ({"country_min_support": 2}, r"`country_min_support` must lie in \(0, 1\]"),
        ({"network_rules": 0}, r"`network_rules` must lie in \[1, 100\]"),
        ({"fbt_metric": "leverage"}, r"`fbt_metric` is 'leverage'; choose one of"),
        ({"segment_a": "Champs"}, r"`segment_a` is 'Champs'; choose one of"),
        ({"segment_b": "Champions"}, "`segment_a` and `segment_b` must differ"),
        ({"country_b": "United Kingdom"}, "`country_a` and `country_b` must differ"),
        ({"example_basket": []}, "`example_basket` must name at least one item"),
    ],
)
def test_bad_parameters_are_named(values, pattern):
    with pytest.raises(ParameterError, match=pattern):
        params.check("03.01", **values)
