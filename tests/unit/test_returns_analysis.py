"""Returns analysis on a hand-made netting whose every number is worked out below.

Gross purchases (item X at 2.00, item Y at 1.00):
- A: invoice 1, 10 X and 5 Y; returns 4 X two days later (C1)   -> net 6 X, 5 Y
- B: invoice 2, 3 X, returned in full the next day (C2)          -> no net line
     invoice 3, 10 Y                                              -> net 10 Y
- C: invoice 4, 5 X; cancels 2 Y never bought in the data (C3)   -> net 5 X, unmatched 2 Y

Customer x item, gross sold / matched returned (units, value):
A-X 10/4 (20/8), A-Y 5/0 (5/0), B-X 3/3 (6/6), B-Y 10/0 (10/0), C-X 5/0 (10/0).
Item X: 3 customers, 18 sold, 7 returned: 7/18 in units, 14/36 = 7/18 in value.
Item Y: 2 customers, 15 sold, none returned. Overall: 7/33 units, 14/51 value.
Return shares of value: A 8/25 = 0.32, B 6/16 = 0.375, C 0/10 = 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import outputs, privacy, returns
from aftersales.errors import DataValidationError, ParameterError

KEY = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def lines() -> pd.DataFrame:
    return pd.DataFrame(
        {
            C.INVOICE: ["1", "1", "3", "4"],
            C.CUSTOMER: ["A", "A", "B", "C"],
            C.ITEM: ["X", "Y", "Y", "X"],
            C.QUANTITY: [6, 5, 10, 5],
            C.UNIT_PRICE: [2.0, 1.0, 1.0, 2.0],
        }
    )


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            C.RETURN_INVOICE: ["C1", "C2", "C3"],
            C.INVOICE: pd.array(["1", "2", pd.NA], dtype="string"),
            C.CUSTOMER: ["A", "B", "C"],
            C.ITEM: ["X", "X", "Y"],
            C.QUANTITY: [4, 3, 2],
            C.VALUE: [8.0, 6.0, 2.0],
            C.DAYS_TO_RETURN: [2.0, 1.0, np.nan],
            C.MATCH: ["matched", "matched", "unmatched"],
        }
    )


def test_customer_items_adds_matched_returns_back_to_the_net_lines(lines, table):
    items = returns.customer_items(lines, table)
    assert items[C.CUSTOMER].tolist() == ["A", "A", "B", "B", "C"]
    assert items[C.ITEM].tolist() == ["X", "Y", "X", "Y", "X"]
    assert items[C.SOLD_UNITS].tolist() == [10, 5, 3, 10, 5]
    assert items[C.RETURNED_UNITS].tolist() == [4, 0, 3, 0, 0]
    assert items[C.SOLD_VALUE].tolist() == [20, 5, 6, 10, 10]
    assert items[C.RETURNED_VALUE].tolist() == [8, 0, 6, 0, 0]


def test_item_rates_and_intervals(lines, table):
    rates = returns.return_rates(
        returns.customer_items(lines, table), C.ITEM, n_resamples=200, seed=0
    )
    x, y = rates.iloc[0], rates.iloc[1]
    assert (x[C.ITEM], x[C.N_CUSTOMERS], x[C.SOLD_UNITS], x[C.RETURNED_UNITS]) == ("X", 3, 18, 7)
    assert x[C.UNIT_RATE] == pytest.approx(7 / 18)
    assert x[C.VALUE_RATE] == pytest.approx(14 / 36)
    # A replicate's ratio of sums lies between the customers' own rates (0, 0.4 and 1).
    assert 0 <= x[C.UNIT_CI_LOW] <= 7 / 18 <= x[C.UNIT_CI_HIGH] <= 1
    assert x[C.UNIT_CI_LOW] < x[C.UNIT_CI_HIGH]
    assert (y[C.UNIT_RATE], y[C.UNIT_CI_LOW], y[C.UNIT_CI_HIGH]) == (0, 0, 0)
    again = returns.return_rates(
        returns.customer_items(lines, table), C.ITEM, n_resamples=200, seed=0
    )
    pd.testing.assert_frame_equal(rates, again)


def test_a_group_of_one_customer_has_its_rate_as_interval():
    one = pd.DataFrame(
        {
            C.CUSTOMER: ["A", "A"],
            C.GROUP: ["g", "g"],
            C.RETURNED_UNITS: [1.0, 1.0],
            C.SOLD_UNITS: [4.0, 4.0],
            C.RETURNED_VALUE: [3.0, 0.0],
            C.SOLD_VALUE: [10.0, 5.0],
        }
    )
    rate = returns.return_rates(one, C.GROUP, n_resamples=50, seed=1).iloc[0]
    # 2 of 8 units; 3 of 15 in value.
    assert rate[C.UNIT_CI_LOW] == rate[C.UNIT_CI_HIGH] == pytest.approx(0.25)
    assert rate[C.VALUE_CI_LOW] == rate[C.VALUE_CI_HIGH] == pytest.approx(0.2)


def test_overall_rate(lines, table):
    overall = returns.overall_rate(returns.customer_items(lines, table), n_resamples=50, seed=0)
    assert overall[C.GROUP].tolist() == [returns.ALL]
    assert overall[C.UNIT_RATE].iloc[0] == pytest.approx(7 / 33)
    assert overall[C.VALUE_RATE].iloc[0] == pytest.approx(14 / 51)


def test_segment_rates_label_unsegmented_customers(lines, table):
    segmented = pd.DataFrame({C.CUSTOMER: ["A", "C"], C.SEGMENT: ["Champions", "Lost"]})
    labelled = returns.label_customers(returns.customer_items(lines, table), segmented, C.SEGMENT)
    rates = returns.return_rates(labelled, C.SEGMENT, n_resamples=20, seed=0)
    by = rates.set_index(C.SEGMENT)
    assert sorted(by.index) == sorted(["Champions", "Lost", returns.NO_LABEL])
    # A: 4 of 15 units, 8 of 25 value; B (no segment): 3 of 13, 6 of 16; C: none.
    assert by.loc["Champions", C.UNIT_RATE] == pytest.approx(4 / 15)
    assert by.loc["Champions", C.VALUE_RATE] == pytest.approx(0.32)
    assert by.loc[returns.NO_LABEL, C.UNIT_RATE] == pytest.approx(3 / 13)
    assert by.loc[returns.NO_LABEL, C.VALUE_RATE] == pytest.approx(0.375)
    assert by.loc["Lost", C.RETURNED_UNITS] == 0


def test_ranked_items_describe_and_filter(lines, table):
    rates = returns.return_rates(
        returns.customer_items(lines, table), C.ITEM, n_resamples=20, seed=0
    )
    names = pd.Series({"X": "RED MUG", "Y": "BLUE BOWL"})
    ranked = returns.ranked_items(rates, names)
    assert ranked[C.DESCRIPTION].tolist() == ["RED MUG", "BLUE BOWL"]
    assert returns.ranked_items(rates, names, min_customers=3)[C.ITEM].tolist() == ["X"]
    with pytest.raises(ParameterError, match="min_customers"):
        returns.ranked_items(rates, names, min_customers=0)


def test_time_to_return_quantiles_and_match_summary(table):
    quantiles = returns.time_to_return(table, quantiles=(0.1, 0.5, 0.9))
    # Matched days 2 and 1: linear interpolation gives 1.1, 1.5 and 1.9.
    assert quantiles[C.DAYS].tolist() == pytest.approx([1.1, 1.5, 1.9])
    summary = returns.match_summary(table).set_index(C.MATCH)
    assert summary[C.N_ROWS].tolist() == [2, 1]
    assert summary[C.QUANTITY].tolist() == [7, 2]
    assert summary[C.SHARE].tolist() == pytest.approx([14 / 16, 2 / 16])
    with pytest.raises(ParameterError, match="quantiles"):
        returns.time_to_return(table, quantiles=(1.5,))


def test_purchase_counts_include_invoices_returned_in_full(lines, table):
    counts = returns.purchase_counts(lines, table)
    assert counts.to_dict() == {"A": 1, "B": 2, "C": 1}


def test_flag_returners_by_quantile_and_minimum(lines, table):
    # Shares 0.32, 0.375, 0: the median 0.32 flags B alone.
    flagged = returns.flag_returners(lines, table, quantile=0.5, min_purchases=1)
    assert flagged.threshold == pytest.approx(0.32)
    assert flagged.customers[C.RETURN_SHARE].tolist() == pytest.approx([0.32, 0.375, 0.0])
    assert flagged.customers[C.FLAGGED].tolist() == [False, True, False]
    assert "32.0 %" in flagged.rule
    # Only B has two purchases: its own share is the threshold, so nobody is above it.
    alone = returns.flag_returners(lines, table, quantile=0.5, min_purchases=2)
    assert alone.threshold == pytest.approx(0.375)
    assert not alone.customers[C.FLAGGED].any()
    with pytest.raises(DataValidationError, match="at least 3 purchase"):
        returns.flag_returners(lines, table, min_purchases=3)
    with pytest.raises(ParameterError, match="quantile"):
        returns.flag_returners(lines, table, quantile=1.0)


def test_segment_review_names_the_action_and_value_at_stake(lines, table):
    segmented = pd.DataFrame({C.CUSTOMER: ["A", "C"], C.SEGMENT: ["Champions", "Lost"]})
    labelled = returns.label_customers(returns.customer_items(lines, table), segmented, C.SEGMENT)
    rates = returns.return_rates(labelled, C.SEGMENT, n_resamples=20, seed=0)
    flagged = returns.flag_returners(lines, table, quantile=0.5, min_purchases=1)
    review = returns.segment_review(flagged, segmented, rates)
    assert review[C.SEGMENT].tolist() == ["Champions", "Lost", returns.NO_LABEL]
    assert review[C.N_FLAGGED].tolist() == [0, 0, 1]
    # B returned 6 of 16: 6 at stake, 10 net value kept.
    assert review[C.FLAGGED_RETURNED_VALUE].tolist() == [0, 0, 6]
    assert review[C.FLAGGED_NET_VALUE].tolist() == [0, 0, 10]
    assert review[C.RETURNED_VALUE].tolist() == [8, 0, 6]
    assert review[C.ACTION].tolist() == ["", "", returns.REVIEW_ACTION]


@pytest.fixture
def ranks() -> pd.DataFrame:
    # D bought 30 and returned it all: no net row. B and C tie at 10 after netting.
    gross = pd.DataFrame(
        {
            C.CUSTOMER: ["A", "B", "C", "D"],
            C.MONETARY: [25.0, 16.0, 10.0, 30.0],
            C.SEGMENT: ["Champions", "At Risk", "Lost", "Potential Loyalists"],
        }
    )
    net = pd.DataFrame(
        {
            C.CUSTOMER: ["A", "B", "C"],
            C.MONETARY: [17.0, 10.0, 10.0],
            C.SEGMENT: ["Champions", "Hibernating", "Lost"],
        }
    )
    return returns.netting_ranks(gross, net)


def test_netting_ranks(ranks):
    assert ranks[C.CUSTOMER].tolist() == ["D", "A", "B", "C"]
    assert ranks[C.GROSS_RANK].tolist() == [1, 2, 3, 4]
    assert ranks[C.NET_RANK].tolist()[1:] == [1, 2, 3]  # B before C on the tie, by id
    assert ranks[C.NET_RANK].isna().tolist() == [True, False, False, False]
    assert str(ranks[C.NET_RANK].dtype) == "Int64"
    assert ranks[C.NET_MONETARY].tolist() == [0, 17, 10, 10]
    assert ranks[C.NET_SEGMENT].tolist()[0] == returns.NO_LABEL


def test_top_before_after_is_pseudonymised(ranks):
    key = outputs.pseudonym_key(KEY)
    before = returns.top_before_after(ranks, n=2, key=key)
    assert before[C.CUSTOMER_KEY].tolist() == [
        privacy.pseudonym("D", key=key),
        privacy.pseudonym("A", key=key),
    ]
    assert C.CUSTOMER not in before
    after = returns.top_before_after(ranks, n=2, by=C.NET_RANK, key=key)
    assert after[C.NET_SEGMENT].tolist() == ["Champions", "Hibernating"]
    with pytest.raises(ParameterError, match="`by`"):
        returns.top_before_after(ranks, by=C.MONETARY, key=key)


def test_segment_counts_before_and_after(ranks):
    counts = returns.segment_counts(ranks).set_index(C.SEGMENT)
    assert counts.loc["Potential Loyalists"].tolist() == [1, 0, -1]
    assert counts.loc["At Risk"].tolist() == [1, 0, -1]
    assert counts.loc["Hibernating"].tolist() == [0, 1, 1]
    assert counts.loc["Champions"].tolist() == [1, 1, 0]
    assert counts.loc[returns.NO_LABEL].tolist() == [0, 1, 1]
    assert counts[C.N_BEFORE].sum() == counts[C.N_AFTER].sum() == 4


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (C.MATCH, "partly", "must be 'matched' or 'unmatched'"),
        (C.QUANTITY, 0, "must be > 0"),
        (C.DAYS_TO_RETURN, np.nan, "matched rows need"),
    ],
)
def test_bad_returns_tables_are_named(table, column, value, message):
    broken = table.copy()
    broken.loc[0, column] = value
    with pytest.raises(DataValidationError, match=message):
        returns.check_returns(broken)


def test_labelled_leaves_out_customers_without_label():
    rates = pd.DataFrame({C.SEGMENT: ["Lost", returns.NO_LABEL, "Champions"]})
    assert returns.labelled(rates, C.SEGMENT)[C.SEGMENT].tolist() == ["Lost", "Champions"]


def test_largest_groups_by_customers_then_name():
    rates = pd.DataFrame({C.COUNTRY: ["b", "a", "c"], C.N_CUSTOMERS: [5, 5, 9]})
    assert returns.largest_groups(rates, C.COUNTRY, n=2)[C.COUNTRY].tolist() == ["c", "a"]
    with pytest.raises(ParameterError, match="`n`"):
        returns.largest_groups(rates, C.COUNTRY, n=0)


def test_segment_both_share_the_gross_reference_date():
    # Netting removed E's purchase on the last day (June 30): recency on both sides counts
    # from July 1, so F's purchase on June 29 is 2 days old before and after.
    days = pd.to_datetime(
        ["2011-06-01", "2011-06-10", "2011-06-20", "2011-06-25", "2011-06-29", "2011-06-30"],
        utc=True,
    )
    gross = pd.DataFrame(
        {
            C.INVOICE: ["1", "2", "3", "4", "5", "6"],
            C.CUSTOMER: ["A", "B", "C", "D", "F", "E"],
            C.QUANTITY: [1, 1, 1, 1, 1, 1],
            C.UNIT_PRICE: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            C.TIMESTAMP: days,
        }
    )
    before, after = returns.segment_both(gross, gross.iloc[:5])
    assert before.set_index(C.CUSTOMER).loc["F", C.RECENCY] == 2
    assert after.set_index(C.CUSTOMER).loc["F", C.RECENCY] == 2
    assert "E" not in set(after[C.CUSTOMER])
