"""The Spark engine gives the pandas results: audits row for row, lines, returns, RFM, k-core."""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import clean, interactions, prepare, segment, split
from aftersales import columns as C
from aftersales import spark as engine

T0 = pd.Timestamp("2011-01-03 10:00", tz="UTC")


def _line(invoice, item, qty, price, minutes, customer, desc="thing"):
    return {
        C.INVOICE: invoice,
        C.ITEM: item,
        C.DESCRIPTION: desc,
        C.QUANTITY: qty,
        C.UNIT_PRICE: price,
        C.TIMESTAMP: T0 + pd.Timedelta(minutes=minutes),
        C.CUSTOMER: customer,
        C.COUNTRY: "UK",
    }


def _lines() -> pd.DataFrame:
    rows = [
        _line("1", "A", 10, 2.0, 0, "c1"),
        _line("1", "A", 10, 2.0, 0, "c1"),  # exact duplicate: dropped before netting
        _line("2", "A", 5, 2.5, 60, "c1"),
        _line("C3", "A", -12, 2.0, 120, "c1"),  # takes 10 from invoice 1, 2 from invoice 2
        _line("4", "K", 3, 1.0, 0, "c2"),
        _line("C5", "K", -3, 1.0, 0, "c2"),  # same minute: the purchase counts as earlier
        _line("C6", "K", -2, 1.0, 30, "c2"),  # nothing left: unmatched
        _line("C7", "Z", -1, 4.0, 30, "c2"),  # never bought: unmatched
        _line("8", "POST", 1, 18.0, 0, "c3"),  # postage
        _line("9", "A", 1, 0.0, 0, "c3"),  # free
        _line("10", "A", 4, 2.0, 0, None),  # guest
        _line(
            "11", "K", 0, 1.0, 0, "c3"
        ),  # stock adjustment (item B would be a non-product code: bad debt)
        _line("12", "K", 7, 1.0, 2000, "c3"),
        _line("13", "A", 2, 2.0, 3000, "c4"),
        _line("14", "K", 1, 1.0, 4000, "c5"),
        _line("15", "A", 6, 2.0, 90000, "c6"),
        _line("16", "K", 6, 1.0, 90000, "c6"),
        _line("17", "A", 1, 2.0, 9000, "c7"),
        _line("18", "K", 2, 1.0, 100, "c8"),
        _line("19", "A", 1, 2.0, 200, "c9"),
        _line("20", "K", 1, 1.0, 5000, "c9"),
        _line("21", "A", 3, 2.0, 300, "c10"),
    ]
    frame = pd.DataFrame(rows)
    types = {C.INVOICE: "str", C.ITEM: "str", C.CUSTOMER: "str"}
    return frame.astype({**types, C.TIMESTAMP: "datetime64[ns, UTC]"})


def _to_spark(spark, frame):
    return spark.createDataFrame(frame.assign(**{engine.ROW: range(len(frame))}))


def _collect(lines, like):
    out = engine.to_pandas(lines.orderBy(engine.ROW), like)
    out.index = out.pop(engine.ROW).to_numpy(dtype="int64")
    return out[list(like)]


@pytest.mark.parametrize("netting", [True, False])
def test_cleaning_audit_and_lines_equal_pandas(spark, netting):
    frame = _lines()
    if netting:
        expected, audit, returns = clean.clean_transactions_net(frame)
    else:
        expected, audit = clean.clean_transactions(frame)
    marker = clean.ONLINE_RETAIL_MARKER if netting else None
    lines, got_audit, got_returns = engine.clean_lines(_to_spark(spark, frame), marker=marker)
    pd.testing.assert_frame_equal(got_audit, audit)
    got = _collect(lines, dict(frame.dtypes))
    pd.testing.assert_frame_equal(got, expected)
    if netting:
        # worked by hand: 12 units of A return against 10 (invoice 1) and 2 (invoice 2)
        assert dict(zip(got.index, got[C.QUANTITY], strict=True))[2] == 3
        table = engine._prepare._returns_to_pandas(got_returns)
        pd.testing.assert_frame_equal(table, returns)
        assert table[C.MATCH].tolist() == [
            "matched",
            "matched",
            "matched",
            "unmatched",
            "unmatched",
        ]


def test_extreme_quantity_rule_states_the_same_cutoff(spark):
    frame = _lines()
    rule = clean.ExtremeQuantity("quantile", 0.8)
    _, audit, _ = clean.clean_transactions_net(frame, drop_extreme_quantity=rule)
    _, got, _ = engine.clean_lines(_to_spark(spark, frame), extreme=rule)
    pd.testing.assert_frame_equal(got, audit)


def test_rfm_scores_and_segments_equal_pandas(spark):
    frame = _lines()
    cleaned, _, _ = clean.clean_transactions_net(frame)
    expected = segment.segment_customers(cleaned)
    lines, _, _ = engine.clean_lines(_to_spark(spark, frame))
    got = engine.segments_to_pandas(engine.segment_customers(lines))
    pd.testing.assert_frame_equal(got, expected)
    reference = "2011-03-01"
    expected = segment.segment_customers(cleaned, reference_date=reference)
    got = engine.segments_to_pandas(engine.segment_customers(lines, reference_date=reference))
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.parametrize("n", [5, 6, 7, 11, 12, 13, 4338])
def test_rank_thresholds_cut_like_qcut(n):
    cut = engine.rank_thresholds(n)
    ranks = pd.Series(range(1, n + 1), dtype="float64")
    expected = pd.qcut(ranks, 5, labels=False) + 1
    scores = [1 + sum(r > t for t in cut) for r in range(1, n + 1)]
    assert scores == expected.tolist()


def _interactions(n_users=12, n_items=9):
    rows = []
    for u in range(n_users):
        for i in range(n_items):
            if (u * 7 + i * 3) % 5 < 2 + (u % 3):
                stamp = T0 + pd.Timedelta(hours=u * 13 + i * 5)
                rows.append({C.USER: f"u{u:02d}", C.ITEM: f"i{i}", C.TIMESTAMP: stamp})
    return pd.DataFrame(rows).astype({C.USER: "str", C.ITEM: "str"})


def test_kcore_and_time_split_membership_equal_pandas(spark):
    frame = _interactions()
    kept, audit = clean.kcore(frame, min_user=4, min_item=6)
    got, got_audit = engine.kcore(spark.createDataFrame(frame), min_user=4, min_item=6)
    pd.testing.assert_frame_equal(got_audit, audit)
    pairs = got.select(C.USER, C.ITEM).toPandas()
    assert set(map(tuple, pairs.to_numpy())) == set(map(tuple, kept[[C.USER, C.ITEM]].to_numpy()))
    parts = split.time_split(kept.reset_index(drop=True), test_size=0.25)
    marked = engine.time_split(got, test_size=0.25).where(engine.TEST).toPandas()
    assert set(zip(marked[C.USER], marked[C.ITEM], strict=True)) == set(
        zip(parts.test[C.USER], parts.test[C.ITEM], strict=True)
    )


def test_user_stratified_split_holds_out_the_pandas_counts(spark):
    frame = _interactions()
    parts = split.user_stratified_split(frame, test_size=0.3, seed=1)
    marked = engine.user_stratified_split(spark.createDataFrame(frame), test_size=0.3, seed=1)
    got = marked.where(engine.TEST).groupBy(C.USER).count().toPandas()
    assert (
        dict(zip(got[C.USER], got["count"], strict=True))
        == parts.test[C.USER].value_counts().to_dict()
    )
    again = engine.user_stratified_split(
        spark.createDataFrame(frame).repartition(3), test_size=0.3, seed=1
    )
    assert sorted(map(tuple, marked.where(engine.TEST).select(C.USER, C.ITEM).collect())) == sorted(
        map(tuple, again.where(engine.TEST).select(C.USER, C.ITEM).collect())
    )


def test_ratings_and_weights_equal_pandas(spark):
    frame = _lines()
    cleaned, _, _ = clean.clean_transactions_net(frame)
    pairs = interactions.aggregate(cleaned)
    lines, _, _ = engine.clean_lines(_to_spark(spark, frame))
    for scheme in interactions.RATING_SCHEMES:
        expected = interactions.to_ratings(pairs, scheme)
        got = engine.ratings_table(lines, scheme, "quantity").orderBy(C.USER, C.ITEM).toPandas()
        assert got[C.RATING].tolist() == expected[C.RATING].tolist(), scheme
        assert got[C.WEIGHT].tolist() == pairs[C.TOTAL_QUANTITY].astype(float).tolist()


@pytest.mark.slow
@pytest.mark.mirror
def test_online_retail_prepare_and_rfm_equal_pandas(real_source, spark):
    options = dict(dataset="online-retail", split_method="time")
    expected = prepare.prepare(cache=False, **options)
    got = engine.build(prepare.Preparation(engine="spark", spark_master="local[2]", **options))
    pd.testing.assert_frame_equal(got.audit, expected.audit)
    pd.testing.assert_frame_equal(got.kcore_audit, expected.kcore_audit)
    pd.testing.assert_frame_equal(got.cleaned, expected.cleaned)
    pd.testing.assert_frame_equal(got.returns, expected.returns)
    pd.testing.assert_series_equal(got.names, expected.names)
    pd.testing.assert_frame_equal(got.interactions, expected.interactions, rtol=1e-12)
    pd.testing.assert_frame_equal(got.split.test, expected.split.test, rtol=1e-12)
    segmented = prepare.segment_customers(got)
    pd.testing.assert_frame_equal(segmented, segment.segment_customers(expected.cleaned))
