from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from aftersales import columns as C
from aftersales import retention
from aftersales.clean import empty_returns
from aftersales.errors import LeakageError, ParameterError, TooFewPositivesError


def _lines(rows: list[tuple[str, str, str, str, int, float]]) -> pd.DataFrame:
    """Rows of (customer, invoice, timestamp, item, quantity, unit price)."""
    customer, invoice, stamp, item, quantity, price = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            C.INVOICE: pd.array(invoice, dtype="str"),
            C.ITEM: pd.array(item, dtype="str"),
            C.DESCRIPTION: pd.array(["MUG"] * len(rows), dtype="str"),
            C.QUANTITY: np.array(quantity, dtype=np.int64),
            C.UNIT_PRICE: np.array(price, dtype=np.float64),
            C.TIMESTAMP: pd.to_datetime(list(stamp), utc=True, format="ISO8601"),
            C.CUSTOMER: pd.array(customer, dtype="str"),
            C.COUNTRY: pd.array(["France" if c == "b" else "UK" for c in customer], dtype="str"),
        }
    )


def _returns(rows: list[tuple[str, str, str, str, str, int, float]]) -> pd.DataFrame:
    """Matched returns of (customer, purchase invoice, item, bought, returned, units, value)."""
    table = empty_returns()
    customer, invoice, item, bought, back, units, value = zip(*rows, strict=True)
    bought_at = pd.to_datetime(list(bought), utc=True).as_unit("ns")
    back_at = pd.to_datetime(list(back), utc=True).as_unit("ns")
    frame = pd.DataFrame(
        {
            C.RETURN_INVOICE: pd.array([f"C{i}" for i in invoice], dtype="str"),
            C.INVOICE: pd.array(invoice, dtype="str"),
            C.CUSTOMER: pd.array(customer, dtype="str"),
            C.ITEM: pd.array(item, dtype="str"),
            C.RETURN_TIMESTAMP: back_at,
            C.TIMESTAMP: bought_at,
            C.QUANTITY: np.array(units, dtype=np.int64),
            C.VALUE: np.array(value, dtype=np.float64),
            C.DAYS_TO_RETURN: ((back_at - bought_at).days).astype(np.float64),
            C.MATCH: pd.array(["matched"] * len(rows), dtype="str"),
        }
    )
    return pd.concat([table, frame], ignore_index=True)


@pytest.fixture
def shop() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Net lines (after netting). a: 01-01 (2 mugs at 5 and 1 pen at 2: invoice 1), 01-11, 01-31.
    # b (France): one purchase on 01-21 of 4 mugs at 10, of which 2 come back on 02-05 (after
    # the cut: the net line holds 2, the features must see 4); later buys on 02-03.
    lines = _lines(
        [
            ("a", "1", "2011-01-01 10:00", "mug", 2, 5.0),
            ("a", "1", "2011-01-01 10:00", "pen", 1, 2.0),
            ("a", "2", "2011-01-11 10:00", "mug", 1, 5.0),
            ("a", "3", "2011-01-31 10:00", "mug", 1, 5.0),
            ("b", "4", "2011-01-21 10:00", "mug", 2, 10.0),
            ("b", "5", "2011-02-03 10:00", "pen", 1, 2.0),
            ("c", "6", "2011-02-07 10:00", "pen", 1, 2.0),
        ]
    )
    # a returned one mug of invoice 2 on 01-15 (before the cut): net line 2 holds 1 of 2.
    returns = _returns(
        [
            ("b", "4", "mug", "2011-01-21 10:00", "2011-02-05 10:00", 2, 20.0),
            ("a", "2", "mug", "2011-01-11 10:00", "2011-01-15 10:00", 1, 5.0),
        ]
    )
    return lines, returns


def test_features_hand_worked(shop: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    lines, returns = shop
    table = retention.features(lines, returns, "2011-01-31").set_index(C.CUSTOMER)
    assert list(table.index) == ["a", "b"]  # c first buys after the cut
    a, b = table.loc["a"], table.loc["b"]
    # Reference day 02-01. a: days 01-01, 01-11, 01-31 -> recency 1, tenure 31, gaps 10 and 20.
    assert (a[C.RECENCY], a[C.TENURE], a[C.FREQUENCY], a[C.PURCHASE_DAYS]) == (1, 31, 3, 3)
    assert a[C.MEAN_GAP] == 15.0 and a[C.MEDIAN_GAP] == 15.0
    assert a[C.GAP_RATIO] == pytest.approx(1 / 15)
    # a's value: 10 + 2 + 5 + 5 = 22 net; 5 returned before the cut -> share 5 / 27.
    assert a[C.MONETARY] == 22.0
    assert a[C.RETURN_SHARE] == pytest.approx(5 / 27)
    assert a[C.BASKET_UNITS] == pytest.approx(5 / 3)  # 2 + 1 + 1 + 1 units over 3 invoices
    assert a[C.N_PRODUCTS] == 2
    assert a[C.TOP_PRODUCT_SHARE] == pytest.approx(3 / 4)  # 3 of 4 lines are mugs
    assert a[C.COUNTRY] == "UK"
    # b: the 2 mugs returned after the cut are put back: 4 mugs, 40 bought, nothing returned.
    assert b[C.MONETARY] == 40.0 and b[C.BASKET_UNITS] == 4.0
    assert b[C.RETURN_SHARE] == 0.0
    assert np.isnan(b[C.MEDIAN_GAP]) and np.isnan(b[C.GAP_RATIO])
    assert (b[C.RECENCY], b[C.TENURE]) == (11, 11)
    assert b[C.COUNTRY] == "France"


def test_leak_check_passes_on_features(shop: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    lines, returns = shop
    check = retention.check_no_leak(retention.features, lines, returns, "2011-01-31")
    # Lines after 01-31: b's 02-03 and c's 02-07; b's 02-05 return is put back.
    assert check == retention.LeakCheck(2, 14, 2, 1)


def test_leak_check_catches_a_leak(shop: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    lines, returns = shop

    def leaky(lines: pd.DataFrame, returns: pd.DataFrame, end: object) -> pd.DataFrame:
        # Frequency counted over the whole history: b's holdout invoice leaks in.
        table = retention.features(lines, returns, end)
        invoices = lines.groupby(C.CUSTOMER)[C.INVOICE].nunique()
        return table.assign(**{C.FREQUENCY: table[C.CUSTOMER].map(invoices).to_numpy()})

    with pytest.raises(LeakageError, match=r"`frequency` \(1 customers\)"):
        retention.check_no_leak(leaky, lines, returns, "2011-01-31")

    def netted(lines: pd.DataFrame, returns: pd.DataFrame, end: object) -> pd.DataFrame:
        # Reads the net lines as they are: b's later return shrinks its calibration purchase.
        table = retention.features(lines, None, end)
        return table.drop(columns=[C.RETURN_SHARE])

    with pytest.raises(LeakageError, match="monetary"):
        retention.check_no_leak(netted, lines, returns, "2011-01-31")


def test_study_labels_and_too_few_positives(shop: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    lines, returns = shop
    the_cut = retention.cut(lines, calibration_end="2011-01-31", horizon_weeks=1)
    study = retention.build_study(lines, returns, the_cut)
    # Holdout 02-01 .. 02-07: b buys on 02-03, a does not.
    assert study.customers.tolist() == ["a", "b"]
    assert study.at_risk.tolist() == [True, False]
    with pytest.raises(TooFewPositivesError, match=r"1 customers at risk.*at least 50"):
        retention.check_classes(study, where="the holdout")
    retention.check_classes(study, where="the holdout", minimum=1)


def test_auc_and_ap_match_scikit_learn() -> None:
    rng = np.random.default_rng(3)
    labels = rng.random(200) < 0.4
    score = np.round(rng.random(200) + 0.3 * labels, 1)  # rounded: many ties
    table = retention.score_table(
        labels, {"s": score, "p": score / 2}, probabilities=("p",), n_resamples=50, seed=0
    )
    for row in table.itertuples():
        assert getattr(row, C.AUC) == pytest.approx(roc_auc_score(labels, score))
        assert getattr(row, C.AVERAGE_PRECISION) == pytest.approx(
            average_precision_score(labels, score)
        )
        assert getattr(row, C.CI_LOW) < getattr(row, C.AUC) < getattr(row, C.CI_HIGH)
    assert np.isnan(table[C.BRIER].iloc[0])
    assert table[C.BRIER].iloc[1] == pytest.approx(np.mean((score / 2 - labels) ** 2))
    weights = rng.integers(0, 3, size=(2, 200)).astype(float)
    aucs, aps = retention.weighted_auc_ap(labels, score, weights)
    for w, auc, ap in zip(weights, aucs, aps, strict=True):
        assert auc == pytest.approx(roc_auc_score(labels, score, sample_weight=w))
        assert ap == pytest.approx(average_precision_score(labels, score, sample_weight=w))


def test_gains_hand_worked() -> None:
    # Scores rank the customers 0..3; positives are 0 and 2 (2 of 4).
    labels = np.array([True, False, True, False])
    table = retention.gains(labels, {"s": np.array([4.0, 3.0, 2.0, 1.0])}, points=4)
    assert table[C.GAIN].tolist() == [0.5, 0.5, 1.0, 1.0]
    assert table[C.LIFT].tolist() == [2.0, 1.0, 4 / 3, 1.0]


def test_calibration_bins() -> None:
    labels = np.array([False, False, True, True])
    table = retention.calibration(labels, {"p": np.array([0.1, 0.2, 0.7, 0.9])}, bins=2)
    assert table[C.MEAN_PREDICTED].tolist() == pytest.approx([0.15, 0.8])
    assert table[C.OBSERVED_RATE].tolist() == [0.0, 1.0]


def test_reasons_in_words() -> None:
    features = pd.DataFrame(
        {
            C.RECENCY: [94, 40, 10],
            C.MEDIAN_GAP: [30.0, np.nan, 7.4],
            C.RETURN_SHARE: [0.0, 0.0, 0.35],
        }
    )
    assert retention.reasons(features).tolist() == [
        "no purchase for 94 days; usually buys every 30",
        "one purchase day, 40 days ago",
        "no purchase for 10 days; usually buys every 7; returned 35 % of what they bought",
    ]


def test_risk_table_and_contact_list() -> None:
    ids = [f"c{i}" for i in range(5)]
    features = pd.DataFrame(
        {
            C.CUSTOMER: ids,
            C.RECENCY: [1, 2, 3, 4, 5],
            C.FREQUENCY: [5, 4, 3, 2, 1],
            C.MONETARY: [50.0, 40.0, 30.0, 20.0, 10.0],
            C.MEDIAN_GAP: [3.0, 3.0, 3.0, 3.0, np.nan],
            C.RETURN_SHARE: 0.0,
        }
    )
    value = pd.DataFrame({C.CUSTOMER: ids[:4], C.CLV: [100.0, 10.0, 50.0, 40.0]})
    risk = np.array([0.2, 0.9, 0.6, 0.5, 0.8])
    table = retention.risk_table(features, risk, value)
    # Value at risk: 20, 9, 30, 20, missing -> c2, then c0 and c3 (20 each: higher risk c3).
    assert table[C.CUSTOMER].tolist() == ["c2", "c3", "c0", "c1", "c4"]
    assert table[C.VALUE_AT_RISK].iloc[0] == pytest.approx(30.0)
    # Five customers, one per quintile: c0 R5 F5 Champions ... c4 R1 F1 Lost.
    assert table.set_index(C.CUSTOMER)[C.SEGMENT].to_dict() == {
        "c2": "Need Attention",
        "c3": "Hibernating",
        "c0": "Champions",
        "c1": "Loyal Customers",
        "c4": "Lost",
    }
    everyone = retention.contact_list(table, per_segment=1, min_risk=0.5, overdue_only=False)
    # c0 (risk 0.2) is left out; segments in SEGMENTS order.
    assert everyone[C.CUSTOMER].tolist() == ["c1", "c2", "c3", "c4"]
    assert everyone[C.ACTION].notna().all()
    # Usual gap 3 days: c0 (1 day silent) and c1 (2 days) are not yet due; c2 (3 days) and
    # c3 (4) are; c4 bought on one day only and has no usual gap.
    assert retention.not_yet_due(table).set_axis(table[C.CUSTOMER]).to_dict() == {
        "c2": False,
        "c3": False,
        "c0": True,
        "c1": True,
        "c4": False,
    }
    contacts = retention.contact_list(table, per_segment=1, min_risk=0.5)
    assert contacts[C.CUSTOMER].tolist() == ["c2", "c3", "c4"]


def test_contact_list_rejects_a_non_boolean_overdue_rule() -> None:
    features = pd.DataFrame(
        {
            C.CUSTOMER: [f"c{i}" for i in range(5)],
            C.RECENCY: [1, 2, 3, 4, 5],
            C.FREQUENCY: [5, 4, 3, 2, 1],
            C.MONETARY: [50.0, 40.0, 30.0, 20.0, 10.0],
            C.MEDIAN_GAP: 3.0,
            C.RETURN_SHARE: 0.0,
        }
    )
    table = retention.risk_table(features, np.full(5, 0.9))
    with pytest.raises(ParameterError, match="contact_overdue_only"):
        retention.contact_list(table, overdue_only="yes")


def test_order_level_export_without_items_or_returns() -> None:
    # Customer, invoice, date and order amount only (an order-level export).
    rows = [("a", "1", "2011-01-01", 10.0), ("a", "2", "2011-01-11", 5.0)]
    rows += [("b", "3", "2011-01-05", 7.0), ("b", "4", "2011-02-03", 3.0)]
    customer, invoice, stamp, revenue = zip(*rows, strict=True)
    orders = pd.DataFrame(
        {
            C.CUSTOMER: pd.array(customer, dtype="str"),
            C.INVOICE: pd.array(invoice, dtype="str"),
            C.TIMESTAMP: pd.to_datetime(list(stamp), utc=True),
            C.REVENUE: np.array(revenue),
        }
    )
    table = retention.features(orders, None, "2011-01-31").set_index(C.CUSTOMER)
    # a: days 01-01 and 01-11, reference 02-01: recency 21, tenure 31, gap 10; 15 over 2 orders.
    a = table.loc["a"]
    assert (a[C.RECENCY], a[C.TENURE], a[C.MEDIAN_GAP], a[C.BASKET_VALUE]) == (21, 31, 10.0, 7.5)
    assert (a[C.N_PRODUCTS], a[C.TOP_PRODUCT_SHARE], a[C.RETURN_SHARE]) == (1, 1.0, 0.0)
    check = retention.check_no_leak(retention.features, orders, None, "2011-01-31")
    assert check == retention.LeakCheck(2, 14, 1, 0)


def test_feature_profile_splits_the_classes(shop: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    lines, returns = shop
    the_cut = retention.cut(lines, calibration_end="2011-01-31", horizon_weeks=1)
    profile = retention.feature_profile(retention.build_study(lines, returns, the_cut))
    # One customer per class: a (at risk, recency 1, 3 invoices), b (buys again, recency 11).
    assert profile.loc[C.RECENCY, C.AT_RISK] == 1 and profile.loc[C.RECENCY, C.BUYS_AGAIN] == 11
    assert profile.loc[C.FREQUENCY, C.AT_RISK] == 3
    assert profile.loc[C.MEDIAN_GAP, C.N_CUSTOMERS] == 1  # b has one purchase day


def test_calibration_findings_weigh_bins_by_customers(
    shop: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    from aftersales import narrate

    lines, returns = shop
    the_cut = retention.cut(lines, calibration_end="2011-01-31", horizon_weeks=1)
    study = retention.build_study(lines, returns, the_cut)  # a at risk, b not: 50 %
    bins = pd.DataFrame(
        {
            C.MODEL: ["m", "m"],
            C.MEAN_PREDICTED: [0.2, 0.8],
            C.OBSERVED_RATE: [0.0, 1.0],
            C.N_CUSTOMERS: [3, 1],
        }
    )
    # Weighted mean (3 x 0.2 + 0.8) / 4 = 0.35.
    text = narrate.calibration_findings(bins, study, study).data
    assert "50 % of the holdout" in text and "m 35 %" in text
    tiny = bins.assign(**{C.MEAN_PREDICTED: [1e-13, 1e-12]})
    assert "m below 0.1 %" in narrate.calibration_findings(tiny, study, study).data


def test_contact_findings_count_the_customers_held_back() -> None:
    from aftersales import narrate

    features = pd.DataFrame(
        {
            C.CUSTOMER: [f"c{i}" for i in range(5)],
            C.RECENCY: [1, 2, 3, 4, 5],
            C.FREQUENCY: [5, 4, 3, 2, 1],
            C.MONETARY: [50.0, 40.0, 30.0, 20.0, 10.0],
            C.MEDIAN_GAP: [3.0, 3.0, 3.0, 3.0, np.nan],
            C.RETURN_SHARE: 0.0,
        }
    )
    risk = np.array([0.2, 0.9, 0.6, 0.5, 0.8])
    table = retention.risk_table(features, risk)
    current = retention.Current("logistic", features, risk, pd.Timestamp("2011-12-09", tz="UTC"))
    contacts = retention.contact_list(table, per_segment=1)
    text = narrate.contact_findings(current, table, contacts).data
    # Risk >= 0.5: c1, c2, c3, c4 (4 of 5, 80 %); c1 is silent 2 days of a usual 3.
    assert "gives 4 of 5 customers (80 %) a risk of 0.5 or more" in text
    assert "The contact list holds 3 customers from 3 segments." in text
    assert "at least 0.50: 1 repeat buyer silent for less than their usual gap" in text
    everyone = retention.contact_list(table, per_segment=1, overdue_only=False)
    text = narrate.contact_findings(current, table, everyone, overdue_only=False).data
    assert "Left out" not in text
