"""Segment/cluster/lifetime-value tables (segment and clv) and the parameters of notebook 03.00."""

import numpy as np
import pandas as pd
import pytest

from aftersales import clv, outputs, params, privacy, segment
from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError

KEY = b"0123456789abcdef-test-key"


def lines(rows):
    """Transaction lines from (invoice, customer, day, quantity, unit price, country) tuples."""
    invoice, customer, day, quantity, price, country = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            C.INVOICE: pd.array(invoice, dtype="str"),
            C.ITEM: pd.array(["A"] * len(rows), dtype="str"),
            C.DESCRIPTION: pd.array(["thing"] * len(rows), dtype="str"),
            C.QUANTITY: np.array(quantity, dtype=np.int64),
            C.UNIT_PRICE: np.array(price, dtype=np.float64),
            C.TIMESTAMP: pd.to_datetime(list(day), utc=True),
            C.CUSTOMER: pd.array(customer, dtype="str"),
            C.COUNTRY: pd.array(country, dtype="str"),
        }
    )


def synthetic(n_customers=60, seed=3):
    """A year of purchases: Poisson purchase days, gamma spend (a cross-check fixture)."""
    gen = np.random.default_rng(seed)
    rows = []
    for i in range(n_customers):
        start = int(gen.integers(0, 200))
        rate = gen.gamma(2.0, 1 / 60)  # purchases per day
        days = sorted(
            {start, *(start + gen.integers(1, 365 - start, size=gen.poisson(rate * 300)))}
        )
        scale = gen.gamma(4.0, 10.0)
        for j, d in enumerate(days):
            day = (pd.Timestamp("2011-01-01") + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d")
            spend = max(round(gen.gamma(3.0, scale), 2), 0.5)
            rows.append((f"{i}-{j}", f"{1000 + i}", day, 1, spend, "United Kingdom"))
    return lines(rows)


# --- observation_end -----------------------------------------------------------------


def test_observation_end_is_the_day_before_the_reference_date():
    assert clv.observation_end("") is None
    assert clv.observation_end("2011-12-10") == pd.Timestamp("2011-12-09", tz="UTC")
    assert clv.observation_end("2011-12-10 15:30") == pd.Timestamp("2011-12-09", tz="UTC")
    with pytest.raises(ParameterError, match="`reference_date` must be a date"):
        clv.observation_end("tomorrow")


# --- lifetime value ---------------------------------------------------------------------


def test_lifetime_value_equals_the_clv_chain_up_to_the_reference_date():
    transactions = synthetic()
    value = clv.lifetime_value(transactions, reference_date="2011-10-01", months=6)
    # independent chain: summary observed to the day before, both fits, value
    summary = clv.summary_from_transactions(transactions, observation_end="2011-09-30")
    bg = clv.fit_bgnbd(summary[C.FREQUENCY], summary[C.RECENCY], summary[C.T])
    gg = clv.fit_gamma_gamma(summary[C.FREQUENCY], summary[C.MONETARY])
    expected = clv.customer_lifetime_value(bg, gg, summary, months=6)
    pd.testing.assert_frame_equal(value.customers, expected)
    assert value.bgnbd == bg and value.gamma_gamma == gg
    # the same customers as the RFM table on that reference date
    table = segment.rfm(transactions, reference_date="2011-10-01")
    assert list(value.customers[C.CUSTOMER]) == list(table[C.CUSTOMER])


def test_lifetime_value_refuses_a_reference_date_before_the_first_purchase():
    transactions = synthetic(20)
    first = transactions[C.TIMESTAMP].min().strftime("%Y-%m-%d")
    with pytest.raises(ParameterError, match="`reference_date` must be after the first"):
        clv.lifetime_value(transactions, reference_date=first)
    with pytest.raises(ParameterError, match="`reference_date`"):
        clv.lifetime_value(transactions, reference_date="2010-06-01")


def test_lifetime_value_without_repeat_customers_is_a_named_error():
    # three customers, one purchase day each
    transactions = lines(
        [
            ("1", "a", "2011-01-03", 1, 10.0, "UK"),
            ("2", "b", "2011-01-05", 2, 5.0, "UK"),
            ("3", "c", "2011-02-01", 1, 7.0, "UK"),
        ]
    )
    with pytest.raises(DataValidationError, match="no repeat customers"):
        clv.lifetime_value(transactions)


def test_model_parameters_lists_both_models():
    bg = clv.BGNBD(r=0.5, alpha=2.0, a=0.3, b=4.0)
    gg = clv.GammaGamma(p=2.0, q=3.0, v=10.0)
    value = clv.LifetimeValue(bgnbd=bg, gamma_gamma=gg, customers=pd.DataFrame())
    table = clv.model_parameters(value).set_index([C.MODEL, C.PARAMETER])[C.VALUE]
    assert table[("BG/NBD", "alpha")] == 2.0 and table[("Gamma-Gamma", "v")] == 10.0
    # mean spend p v / (q - 1) = 2 * 10 / 2 = 10
    assert table[("Gamma-Gamma", "mean_spend")] == pytest.approx(10.0)
    assert np.isnan(table[("BG/NBD", "log_likelihood")])


def test_holdout_summary_reports_the_check():
    check = clv.calibration_holdout(synthetic(), calibration_end="2011-09-01")
    table = clv.holdout_summary(check, time_unit="weeks").set_index(C.METRIC)[C.VALUE]
    assert table["customers"] == len(check.customers)
    assert table["horizon_weeks"] == pytest.approx(check.horizon)
    assert table["relative_error"] == pytest.approx(
        (check.total_predicted - check.total_actual) / check.total_actual
    )
    assert table["mae"] == pytest.approx(check.mae)
    assert table["baseline_mae"] == pytest.approx(check.baseline_mae)


# --- clusters --------------------------------------------------------------------------


def rfm_table():
    # six customers with distinct RFM values
    return pd.DataFrame(
        {
            C.CUSTOMER: pd.array(list("abcdef"), dtype="str"),
            C.RECENCY: [1, 2, 3, 200, 210, 220],
            C.FREQUENCY: [10, 12, 11, 1, 1, 2],
            C.MONETARY: [900.0, 1000.0, 950.0, 20.0, 25.0, 30.0],
        }
    )


def test_choose_clusters_fixed_k_and_range():
    table = rfm_table()
    fixed = segment.choose_clusters(table, n_clusters=2, seed=0)
    assert fixed.k == 2 and list(fixed.silhouette[C.K]) == [2]
    # the two obvious groups; cluster 0 has the larger revenue
    assert list(fixed.labels[C.CLUSTER]) == [0, 0, 0, 1, 1, 1]
    # k_max = 8 is lowered to n - 1 = 5 for six customers
    chosen = segment.choose_clusters(table, k_min=2, k_max=8, seed=0)
    assert list(chosen.silhouette[C.K]) == [2, 3, 4, 5] and chosen.k == 2


@pytest.mark.parametrize(
    ("options", "pattern"),
    [
        ({"n_clusters": 6}, r"`n_clusters` must be 0 .* \[2, number of customers = 6\); got 6"),
        ({"n_clusters": 1}, "`n_clusters`"),
        ({"k_min": 6}, r"`k_min` must lie in \[2, number of customers = 6\)"),
        ({"k_min": 4, "k_max": 3}, "`k_max` must be >= `k_min` = 4"),
    ],
)
def test_choose_clusters_names_the_bad_parameter(options, pattern):
    with pytest.raises(ParameterError, match=pattern):
        segment.choose_clusters(rfm_table(), **options)


# --- countries -------------------------------------------------------------------------


def country_lines():
    return lines(
        [
            ("1", "a", "2011-01-03", 1, 10.0, "United Kingdom"),
            ("2", "a", "2011-01-04", 3, 10.0, "France"),  # a: France 30 > UK 10
            ("3", "b", "2011-01-05", 1, 5.0, "United Kingdom"),
            ("4", "b", "2011-01-06", 1, 5.0, "Germany"),  # b: tie 5 = 5 -> Germany (name)
            ("5", "c", "2011-01-07", 2, 4.0, "United Kingdom"),
            ("6", "d", "2011-01-08", 1, 9.0, "United Kingdom"),
            ("7", "e", "2011-01-09", 1, 9.0, "Spain"),
        ]
    )


def test_customer_countries_takes_the_country_with_most_revenue():
    transactions = country_lines()
    transactions.loc[6, C.COUNTRY] = None  # e: no country at all
    table = segment.customer_countries(transactions)
    assert dict(zip(table[C.CUSTOMER], table[C.COUNTRY], strict=True)) == {
        "a": "France",
        "b": "Germany",
        "c": "United Kingdom",
        "d": "United Kingdom",
    }


def test_segment_by_country_pools_small_countries():
    countries = segment.customer_countries(country_lines())
    segmented = pd.DataFrame(
        {
            C.CUSTOMER: list("abcdef"),
            C.SEGMENT: ["Champions", "Lost", "Lost", "Champions", "At Risk", "Lost"],
        }
    )
    # countries: a France, b Germany, c UK, d UK, e Spain, f unknown (not in the lookup)
    table = segment.segment_by_country(segmented, countries, top=1)
    assert list(table.index) == ["United Kingdom", segment.OTHER_COUNTRIES]
    assert list(table.columns) == [C.N_CUSTOMERS, *segment.SEGMENTS]
    assert (
        table.loc["United Kingdom", "Champions"] == 1 and table.loc["United Kingdom", "Lost"] == 1
    )
    assert table.loc[segment.OTHER_COUNTRIES, "Lost"] == 2  # b (Germany) and f (unknown)
    assert table[C.N_CUSTOMERS].sum() == 6 == table.drop(columns=[C.N_CUSTOMERS]).sum().sum()
    everything = segment.segment_by_country(segmented, countries, top=10)
    # UK 2; then France, Germany, Spain, Unknown with one each, by name
    assert list(everything.index) == ["United Kingdom", "France", "Germany", "Spain", "Unknown"]
    with pytest.raises(ParameterError, match="`top`"):
        segment.segment_by_country(segmented, countries, top=0)


# --- per-customer tables --------------------------------------------------------------


def joined():
    """Segments, clusters and values of four customers, in different row orders."""
    segmented = pd.DataFrame(
        {
            C.CUSTOMER: pd.array(["a", "b", "c", "d"], dtype="str"),
            C.RECENCY: [1, 50, 300, 10],
            C.FREQUENCY: [9, 2, 1, 4],
            C.MONETARY: [500.0, 100.0, 50.0, 350.0],
            C.TENURE: [300, 200, 310, 100],
            C.R_SCORE: [5, 3, 1, 4],
            C.F_SCORE: [5, 2, 1, 4],
            C.M_SCORE: [5, 2, 1, 4],
            C.RFM_CODE: ["555", "322", "111", "444"],
            C.SEGMENT: ["Champions", "About to Sleep", "Lost", "Loyal Customers"],
        }
    )
    labels = pd.DataFrame(
        {C.CUSTOMER: ["d", "c", "b", "a"], C.CLUSTER: [0, 1, 1, 0], C.SILHOUETTE: 0.5}
    )
    clustering = segment.Clustering(
        k=2, labels=labels, profiles=pd.DataFrame(), silhouette=pd.DataFrame()
    )
    lifetime = pd.DataFrame(
        {
            C.CUSTOMER: ["c", "a", "d", "b"],
            C.P_ALIVE: [0.2, 0.9, 0.8, 0.5],
            C.EXPECTED_PURCHASES: [0.1, 5.0, 2.0, 1.0],
            C.CLV: [10.0, 400.0, 200.0, 40.0],
        }
    )
    value = clv.LifetimeValue(
        bgnbd=clv.BGNBD(r=1, alpha=1, a=1, b=1),
        gamma_gamma=clv.GammaGamma(p=1, q=2, v=1),
        customers=lifetime,
    )
    return segmented, clustering, value


def test_customer_table_joins_by_customer():
    table = clv.customer_table(*joined())
    assert list(table.columns) == list(clv.EXPORT_COLUMNS)
    row = table.set_index(C.CUSTOMER).loc["b"]
    assert row[C.CLUSTER] == 1 and row[C.CLV] == 40.0 and row[C.P_ALIVE] == 0.5
    assert row[C.ACTION] == segment.SEGMENT_ACTIONS["About to Sleep"]
    assert list(table[C.CUSTOMER]) == ["a", "b", "c", "d"]


def test_customer_table_refuses_different_customers():
    segmented, clustering, value = joined()
    fewer = clv.LifetimeValue(value.bgnbd, value.gamma_gamma, value.customers.iloc[:3])
    with pytest.raises(DataValidationError, match=r"lifetime value: .*1 missing, 0 extra"):
        clv.customer_table(segmented, clustering, fewer)


def test_action_plan_per_segment():
    plan = clv.action_plan(clv.customer_table(*joined())).set_index(C.SEGMENT)
    assert list(plan.index) == list(segment.SEGMENTS)
    # revenue 500 + 100 + 50 + 350 = 1000; lifetime value 400 + 40 + 10 + 200 = 650
    assert plan.loc["Champions", C.REVENUE_SHARE] == pytest.approx(0.5)
    assert plan.loc["Loyal Customers", C.CLV_SHARE] == pytest.approx(200 / 650)
    assert plan.loc["Lost", C.CUSTOMER_SHARE] == pytest.approx(0.25)
    assert plan.loc["At Risk", C.N_CUSTOMERS] == 0 and np.isnan(plan.loc["At Risk", C.CLV])
    assert plan[C.N_CUSTOMERS].sum() == 4
    assert plan.loc["At Risk", C.ACTION] == segment.SEGMENT_ACTIONS["At Risk"]


def test_action_plan_refuses_an_unknown_segment():
    table = clv.customer_table(*joined()).assign(**{C.SEGMENT: "Whales"})
    with pytest.raises(UnknownNameError, match="Whales"):
        clv.action_plan(table)


def test_top_customers_are_pseudonymised_and_ranked():
    table = clv.customer_table(*joined())
    top = clv.top_customers(table, n=2, key=KEY)
    expected_columns = [C.CUSTOMER_KEY if c == C.CUSTOMER else c for c in clv.TOP_COLUMNS]
    assert list(top.columns) == expected_columns
    assert list(top[C.RANK]) == [1, 2]
    # a (400) then d (200)
    assert list(top[C.CUSTOMER_KEY]) == [
        privacy.pseudonym("a", key=KEY),
        privacy.pseudonym("d", key=KEY),
    ]
    assert len(clv.top_customers(table, n=10, key=KEY)) == 4
    with pytest.raises(ParameterError, match="`top_customers`"):
        clv.top_customers(table, n=0, key=KEY)


def test_export_table_holds_no_raw_ids(tmp_path):
    table = clv.customer_table(*joined())
    export = clv.export_table(table, key=KEY)
    assert list(export.columns) == [C.CUSTOMER_KEY, *clv.EXPORT_COLUMNS[1:]]
    assert export[C.CUSTOMER_KEY].str.fullmatch(r"c_[0-9a-f]{16}").all()
    # segment order: Champions (a), Loyal Customers (d), About to Sleep (b), Lost (c)
    expected = [privacy.pseudonym(c, key=KEY) for c in "adbc"]
    assert list(export[C.CUSTOMER_KEY]) == expected
    written = outputs.write(tmp_path, tables={"segments": export})
    text = written[0].read_text()
    assert C.CUSTOMER not in pd.read_csv(written[0]).columns
    assert text.count("c_") == 4


def test_export_table_with_raw_ids_only_when_asked(tmp_path):
    table = clv.customer_table(*joined())
    raw = clv.export_table(table, key=None, raw_ids=True)
    assert list(raw[C.CUSTOMER]) == list("adbc")
    with pytest.raises(ParameterError, match="raw customer ids"):
        outputs.write(tmp_path, tables={"segments": raw})
    assert outputs.write(tmp_path, tables={"segments": raw}, allow_raw_ids=True)
    with pytest.raises(ParameterError, match="`key` is required"):
        clv.export_table(table, key=None)


def test_segments_by_cluster_counts():
    counts = segment.segments_by_cluster(clv.customer_table(*joined()))
    assert list(counts.index) == list(segment.SEGMENTS) and list(counts.columns) == [0, 1]
    assert counts.loc["Champions", 0] == 1 and counts.loc["Lost", 1] == 1
    assert counts.to_numpy().sum() == 4


# --- parameters of notebook 03.00 ----------------------------------------------------


def test_params_default_to_online_retail():
    p = params.check("03.00")
    assert p.dataset == "online-retail" and p.n_clusters == 0 and p.k_max == 8
    assert p.export_raw_ids is False and "pseudonym_key" not in repr(p)
    assert p.preparation().dataset == "online-retail"


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"dataset": "movielens-100k"}, "03.00 needs transactions"),
        ({"n_clusters": 1}, "`n_clusters` must be 0"),
        ({"n_clusters": -1}, "`n_clusters` must lie in"),
        ({"k_min": 1}, "`k_min` must lie in"),
        ({"k_min": 5, "k_max": 4}, "`k_max` must be >= `k_min` = 5"),
        ({"time_unit": "months"}, "`time_unit` is 'months'; choose one of"),
        ({"calibration_end": "soon"}, "`calibration_end` must be a date"),
        ({"calibration_end": "-13y"}, "relative to the data's last day such as '-13w'"),
        ({"reference_date": "2011-13-45"}, "`reference_date` must be a date"),
        (
            {"reference_date": "2011-09-10", "calibration_end": "2011-09-09"},
            "at least two days before `reference_date`",
        ),
        ({"clv_months": 0}, "`clv_months` must lie in"),
        ({"monthly_discount_rate": -0.1}, "`monthly_discount_rate` must lie in"),
        ({"top_customers": 0}, "`top_customers` must lie in"),
        ({"export_raw_ids": "yes"}, "`export_raw_ids` must be true or false"),
    ],
)
def test_params_refuse_bad_values(values, pattern):
    with pytest.raises(ParameterError, match=pattern):
        params.check("03.00", **values)


def test_params_accept_a_reference_date_with_room_for_a_holdout():
    p = params.check("03.00", reference_date="2011-09-11", calibration_end="2011-09-09")
    assert p.reference_date == "2011-09-11"
