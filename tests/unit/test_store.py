"""aftersales.store: the schema, the build from a run, the views, the questions, the CLI."""

import json

import duckdb
import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import privacy, segment, store
from aftersales.errors import (
    DataValidationError,
    ParameterError,
    StoreMissingError,
    StoreQueryError,
    StoreReadOnlyError,
    StoreVersionError,
    UnknownCustomerError,
)
from aftersales.store.__main__ import main

KEY = b"0123456789abcdef-test-key"


def token(raw):
    return privacy.pseudonymise(pd.DataFrame({"id": [raw]}), "id", key=KEY)["id"].iloc[0]


# (invoice, customer, item, description, quantity, price, day, country, kept)
LINES = [
    ("100", "1", "T1", "WHITE TEAPOT", 2, 5.0, "2011-12-01", "Germany", True),
    ("100", "1", "X", "MUG", 1, 2.0, "2011-12-01", "Germany", True),
    ("101", "1", "X", "MUG", 3, 2.0, "2011-06-01", "Germany", True),
    ("C102", "1", "X", "MUG", -1, 2.0, "2011-12-02", "Germany", False),
    ("103", "2", "X", "MUG", 4, 2.5, "2011-11-01", "France", True),
    ("104", "2", "Y", "PLATE", 1, 20.0, "2011-12-09", "Germany", True),
    ("105", None, "POST", "POSTAGE", 1, 18.0, "2011-12-09", "United Kingdom", False),
]


def lines():
    cols = list(zip(*LINES, strict=True))
    frame = pd.DataFrame(
        {
            C.LINE_NO: range(len(LINES)),
            C.INVOICE: pd.array(cols[0], dtype="str"),
            C.ITEM: pd.array(cols[2], dtype="str"),
            C.DESCRIPTION: pd.array(cols[3], dtype="str"),
            C.QUANTITY: np.array(cols[4], dtype=np.int64),
            C.UNIT_PRICE: np.array(cols[5], dtype=np.float64),
            C.REVENUE: np.array(cols[4]) * np.array(cols[5]),
            C.TIMESTAMP: pd.to_datetime(list(cols[6])),
            C.CUSTOMER: pd.array(cols[1], dtype="str"),
            C.COUNTRY: pd.array(cols[7], dtype="str"),
            C.KEPT: list(cols[8]),
        }
    )
    return store.keyed(frame, C.CUSTOMER, key=KEY)


def segments():
    frame = pd.DataFrame(
        {
            C.CUSTOMER: ["1", "2"],
            C.SEGMENT: ["At Risk", "Champions"],
            C.CLUSTER: [0, 1],
            C.RECENCY: [9, 1],
            C.FREQUENCY: [2, 2],
            C.MONETARY: [16.0, 30.0],
            C.R_SCORE: [2, 5],
            C.F_SCORE: [3, 3],
            C.M_SCORE: [2, 5],
            C.RFM_CODE: ["232", "535"],
            C.P_ALIVE: [0.4, 0.9],
            C.EXPECTED_PURCHASES: [0.5, 2.0],
            C.CLV: [100.0, 50.0],
            C.ACTION: ["win back", "reward"],
        }
    )
    return store.keyed(frame, C.CUSTOMER, key=KEY)


def recommendations():
    return pd.DataFrame(
        {
            C.CUSTOMER_KEY: [token("1"), token("1"), token("2")],
            C.RANK: [1, 2, 1],
            C.ITEM: ["Y", "Z", "T1"],
            C.ITEM_NAME: ["PLATE", "CUP", "WHITE TEAPOT"],
            C.SCORE: [0.9, 0.5, 0.7],
            C.EXPLANATION: ["because you bought MUG", "popular", "because you bought PLATE"],
            C.MODEL: "itemknn",
        }
    )


def rules():
    return pd.DataFrame(
        {
            C.ANTECEDENTS: ["X", "T1 + Y"],
            C.CONSEQUENTS: ["Y", "X"],
            C.SUPPORT: [0.1, 0.05],
            C.CONFIDENCE: [0.5, 0.4],
            C.LIFT: [3.0, 2.0],
        }
    )


def actions():
    return pd.DataFrame(
        {
            C.SEGMENT: list(segment.SEGMENTS),
            C.N_CUSTOMERS: [1 if s in ("At Risk", "Champions") else 0 for s in segment.SEGMENTS],
            C.ACTION: [f"do {s}" for s in segment.SEGMENTS],
        }
    )


MANIFEST = {"run": "tiny", "status": "running", "parameters": {"dataset": "online-retail"}}


def sources(**changes):
    found = store.Sources(
        manifest=MANIFEST,
        lines=lines(),
        segments=segments(),
        segment_actions=actions(),
        recommendations=recommendations(),
        rules=rules(),
        files={"lines": "tiny lines", "segments": "tables/segments.csv"},
    )
    for name, value in changes.items():
        setattr(found, name, value)
    return found


@pytest.fixture
def built(tmp_path):
    return store.write(sources(), tmp_path / store.STORE_FILE)


@pytest.fixture
def con(built):
    with store.connect(built.path) as opened:
        yield opened


def test_orders_group_lines_by_invoice(con):
    orders = store.query(con, "SELECT * FROM orders ORDER BY invoice_id").set_index(C.INVOICE)
    # 100: 2*5 + 1*2 = 12 over 2 lines and items; C102: -1*2, a cancellation
    assert orders.loc["100", [C.N_LINES, C.N_ITEMS, C.QUANTITY]].tolist() == [2, 2, 3]
    assert orders.loc["100", C.REVENUE] == pytest.approx(12.0)
    assert orders.loc["C102", C.REVENUE] == pytest.approx(-2.0)
    assert orders[C.CANCELLED].tolist() == [False, False, False, False, False, True]
    assert pd.isna(orders.loc["105", C.CUSTOMER_KEY])


def test_customers_join_segments_with_purchase_span_and_main_country(con):
    customers = store.query(con, "SELECT * FROM customers").set_index(C.CUSTOMER_KEY)
    one, two = customers.loc[token("1")], customers.loc[token("2")]
    # customer 2: France 4*2.5 = 10, Germany 20 -> Germany; kept sales 2011-11-01 .. 12-09
    assert two[C.COUNTRY] == "Germany"
    assert (str(two[C.FIRST_PURCHASE])[:10], str(two[C.LAST_PURCHASE])[:10]) == (
        "2011-11-01",
        "2011-12-09",
    )
    # customer 1: the cancellation of 12-02 is not kept and not a purchase
    assert str(one[C.LAST_PURCHASE])[:10] == "2011-12-01"
    assert (one[C.SEGMENT], one[C.CLV], one[C.ACTION]) == ("At Risk", 100.0, "win back")
    assert customers[C.CUSTOMER].isna().all()  # raw ids stay out


def test_products_name_price_band_and_recommended_only_items(con):
    products = store.query(con, "SELECT * FROM products").set_index(C.ITEM)
    # medians: X of [2, 2, 2.5] = 2, T1 5, Y 20; quartiles of [2, 5, 20]: 3.5, 5, 12.5
    assert products.loc["X", C.UNIT_PRICE] == 2.0
    assert products.loc[["X", "T1", "Y"], C.PRICE_BAND].tolist() == ["low", "mid", "top"]
    assert products.loc["X", [C.N_CUSTOMERS, C.N_LINES]].tolist() == [2, 3]
    assert products.loc["Z", C.PRODUCT_NAME] == "CUP"  # known only from a recommendation
    assert pd.isna(products.loc["Z", C.PRICE_BAND])
    assert "POST" not in products.index  # its only line was dropped by cleaning


def test_views(con):
    offers = store.query(con, "SELECT * FROM next_best_offer ORDER BY customer_key")
    assert set(offers[C.ITEM]) == {"Y", "T1"}
    assert offers.set_index(C.ITEM).loc["Y", C.PRICE_BAND] == "top"
    # 75% quantile of CLV [100, 50] = 87.5: customer 1 (At Risk, 100) only
    risky = store.query(con, "SELECT * FROM at_risk_high_value")
    assert risky[C.CUSTOMER_KEY].tolist() == [token("1")]
    whole = store.query(con, "SELECT * FROM customer_360").set_index(C.CUSTOMER_KEY)
    assert whole.loc[token("1"), "top_recommendations"] == "PLATE | CUP"
    assert whole.loc[token("1"), C.N_ORDERS] == 2  # 100 and 101; C102 is a cancellation
    assert whole.loc[token("1"), C.REVENUE] == pytest.approx(12 + 6 - 2)


def test_example_query_answers_the_readme_question(con):
    # last line 2011-12-09; customer 1 bought a teapot on 12-01, is At Risk in Germany
    answer = store.query(con, store.EXAMPLE_QUERY)
    assert answer[C.CUSTOMER_KEY].unique().tolist() == [token("1")]
    assert answer[C.ITEM_NAME].tolist() == ["PLATE", "CUP"]
    assert answer[C.REASON].iloc[0] == "because you bought MUG"


def test_rules_firing_on_the_last_basket(con):
    # customer 1's last basket is invoice 100 (T1, X): X -> Y fires, T1 + Y -> X does not
    fired = store.rules_firing(con, token("1"))
    assert fired[C.ANTECEDENTS].tolist() == ["X"]
    items = store.query(con, "SELECT * FROM rule_items WHERE rule_id = 2 ORDER BY side, item_id")
    assert items[[C.SIDE, C.ITEM]].values.tolist() == [
        ["antecedent", "T1"],
        ["antecedent", "Y"],
        ["consequent", "X"],
    ]


def test_customer_questions(con):
    assert store.history(con, token("1"))[C.INVOICE].tolist() == ["101", "100", "C102"]
    assert store.recommendations_for(con, token("2"))[C.ITEM].tolist() == ["T1"]
    assert store.profile(con, token("2")).loc[C.SEGMENT, C.VALUE] == "Champions"
    assert store.pick_customer(con) == token("1")  # highest CLV with recommendations


def test_audience_filters(con):
    both = store.audience(con)
    assert both[C.CUSTOMER_KEY].tolist() == [token("1"), token("2")]  # highest CLV first
    assert store.audience(con, segments=["Champions"])[C.CUSTOMER_KEY].tolist() == [token("2")]
    assert store.audience(con, countries=["France"]).empty
    assert store.audience(con, product="plate", days=30)[C.CUSTOMER_KEY].tolist() == [token("2")]
    # median CLV of [100, 50] = 75
    assert store.audience(con, clv_band="bottom_half")[C.CUSTOMER_KEY].tolist() == [token("2")]
    with pytest.raises(ParameterError, match="clv_band"):
        store.audience(con, clv_band="rich")


def test_checks_pass_and_catch_a_dangling_recommendation(tmp_path, con):
    assert store.checks(con)["ok"].all()
    extra = pd.concat(
        [recommendations(), recommendations().iloc[[0]].assign(customer_key="c_00")]
    ).assign(**{C.RANK: [1, 2, 1, 3]})
    with store.connect(
        store.write(sources(recommendations=extra), tmp_path / "x.duckdb").path
    ) as c:
        found = store.checks(c).set_index("check")
    assert found.loc["every recommendation's customer exists", "failing"] == 1


def test_optional_tables_stay_empty_and_are_named_as_absent(tmp_path):
    bare = sources(rules=None, recommendations=None, segments=None, segment_actions=None)
    with store.connect(store.write(bare, tmp_path / "s.duckdb").path) as c:
        counts = store.row_counts(c).set_index("table_name")
        assert counts.loc["rules", "n_rows"] == 0 and pd.isna(counts.loc["rules", "source"])
        assert counts.loc["customers", "n_rows"] == 2  # from the lines' customers
        assert store.query(c, "SELECT count(*) AS n FROM next_best_offer")["n"][0] == 0


def test_duplicate_key_is_refused(tmp_path):
    twice = pd.concat([recommendations(), recommendations()])
    with pytest.raises(DataValidationError, match="recommendations"):
        store.write(sources(recommendations=twice), tmp_path / "s.duckdb")
    assert not list(tmp_path.iterdir())  # nothing half-written is left


def test_raw_ids_only_when_asked(tmp_path):
    raw = segments().assign(**{C.CUSTOMER: ["1", "2"]})
    with pytest.raises(ParameterError, match="export_raw_ids"):
        store.write(sources(segments=raw), tmp_path / "s.duckdb")
    built = store.write(sources(segments=raw), tmp_path / "s.duckdb", allow_raw_ids=True)
    with store.connect(built.path) as c:
        assert sorted(store.query(c, "SELECT customer_id FROM customers")[C.CUSTOMER]) == ["1", "2"]


def test_missing_store_and_missing_run_are_named(tmp_path):
    with pytest.raises(StoreMissingError, match="no customer store"):
        store.connect(tmp_path)
    with pytest.raises(StoreMissingError, match="not a report run"):
        store.read_run(tmp_path, key=KEY)


def test_older_schema_version_is_refused_with_how_to_rebuild(built):
    with duckdb.connect(str(built.path)) as c:
        c.execute("UPDATE store_meta SET schema_version = 0")
    with pytest.raises(StoreVersionError, match=r"version 0.*python -m aftersales.store build"):
        store.connect(built.path)


def test_read_only_and_query_errors(con):
    with pytest.raises(StoreReadOnlyError, match="read-only"):
        store.query(con, "DELETE FROM customers")
    with pytest.raises(StoreQueryError, match="nope"):
        store.query(con, "SELECT * FROM nope")


def test_unknown_customer(con):
    with pytest.raises(UnknownCustomerError, match="raw ids are never stored"):
        store.history(con, "12346")
    with pytest.raises(UnknownCustomerError, match="c_0000000000000000"):
        store.recommendations_for(con, "c_0000000000000000")


def test_cli_prints_exports_and_refuses_writes(built, tmp_path, capsys):
    assert main([str(built.path), "SELECT item_id FROM products ORDER BY item_id"]) == 0
    assert capsys.readouterr().out.split() == ["item_id", "T1", "X", "Y", "Z"]
    target = tmp_path / "offers.csv"
    assert main([str(built.path), "SELECT * FROM next_best_offer", "--csv", str(target)]) == 0
    assert len(pd.read_csv(target)) == 2
    assert main([str(built.path), "DROP TABLE customers"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the store is open read-only") and "Traceback" not in err
    assert main([str(built.path), "SELEC 1"]) == 2
    err = capsys.readouterr().err
    assert "syntax error" in err and "Traceback" not in err
    assert main([str(tmp_path / "none.duckdb"), "SELECT 1"]) == 2
    assert "no such store file" in capsys.readouterr().err
    with store.connect(built.path) as c:  # the refused DROP changed nothing
        assert len(store.query(c, "SELECT * FROM customers")) == 2


def test_build_run_reads_a_run_folder(tmp_path):
    # a ratings run: no lines (and MovieLens ratings stay out), recommendations keyed
    run = tmp_path / "ml"
    (run / "tables").mkdir(parents=True)
    manifest = {"run": "ml", "status": "ok", "parameters": {"dataset": "movielens-100k"}}
    manifest["parameters"]["export_model"] = "SVD"
    (run / "manifest.json").write_text(json.dumps(manifest))
    recs = recommendations().drop(columns=[C.MODEL]).rename(columns={C.CUSTOMER_KEY: C.USER})
    recs[C.USER] = ["1", "1", "2"]  # raw ids in a file: pseudonymised at the boundary
    recs.to_csv(run / "tables" / "recommendations.csv", index=False)
    built = store.build_run(run, key=KEY)
    assert built.path == run / store.STORE_FILE
    assert built.rows["order_lines"] == 0 and built.rows["ratings"] == 0
    with store.connect(run) as c:
        stored = store.query(c, "SELECT * FROM recommendations ORDER BY customer_key, rank")
        assert set(stored[C.CUSTOMER_KEY]) == {token("1"), token("2")}
        assert set(stored[C.MODEL]) == {"SVD"}
        assert store.query(c, "SELECT run, status FROM runs").values.tolist() == [["ml", "ok"]]
        assert store.row_counts(c).set_index("table_name").loc["customers", "n_rows"] == 2


def test_schema_is_documented():
    described = store.describe()
    assert set(store.VIEWS) <= set(described["table"])
    assert set(store.AT_RISK_SEGMENTS) <= set(segment.SEGMENTS)
    for table in store.TABLES:
        assert set(table.key) <= set(table.names), table.name


def test_history_timeline_draws_each_invoice(con):
    from aftersales.plots import store as plots_store

    orders = store.history(con, token("1"))  # 101, 100 and the cancellation C102
    figure = plots_store.history_timeline(orders)
    axes = figure.axes[0]
    heights = sorted(bar.get_height() for bar in axes.patches)
    assert heights == pytest.approx([-2.0, 6.0, 12.0])
    assert axes.get_title() and "GBP" in axes.get_ylabel() and "UTC" in axes.get_xlabel()
    assert list(figure.axes[1].lines[0].get_ydata()) == pytest.approx([6.0, 18.0, 16.0])
