from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import clean
from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError

T0 = pd.Timestamp("2011-01-03 09:00", tz="UTC")


def _tx() -> pd.DataFrame:
    # row  invoice item    qty  price  customer  fate (in pipeline order)
    #  0   1001   85123A    2   2.55   c1        kept
    #  1   1001   71053     1   3.39   c1        kept
    #  2   1001   71053     1   3.39   c1        exact duplicate of row 1
    #  3   C1002  85123A   -2   2.55   c1        cancellation
    #  4   1003   85123A    5   2.55   (none)    missing customer
    #  5   1004   POST      1  18.00   c2        non-product (postage)
    #  6   1004   m         1   5.00   c2        non-product (manual, lower case)
    #  7   1004   22423     0  12.75   c2        quantity 0
    #  8   1005   22423     1   0.00   c2        price 0
    #  9   1005   22423     3  12.75   c2        kept
    # 10   1006   85123A    1   2.55   c2        kept
    # 11   1006   85123A 1000   2.10   c3        kept (bulk: dropped only by an extreme rule)
    hours = [0, 0, 0, 1, 2, 3, 3, 3, 4, 4, 5, 5]
    return pd.DataFrame(
        {
            C.INVOICE: ["1001"] * 3
            + ["C1002", "1003"]
            + ["1004"] * 3
            + ["1005"] * 2
            + ["1006"] * 2,
            C.ITEM: ["85123A", "71053", "71053", "85123A", "85123A", "POST", "m"]
            + ["22423"] * 3
            + ["85123A"] * 2,
            C.DESCRIPTION: ["HEART", "LANTERN", "LANTERN", "HEART", "HEART", "POSTAGE", "Manual"]
            + ["TEACUP"] * 3
            + ["HEART"] * 2,
            C.QUANTITY: np.array([2, 1, 1, -2, 5, 1, 1, 0, 1, 3, 1, 1000], dtype="int64"),
            C.UNIT_PRICE: [2.55, 3.39, 3.39, 2.55, 2.55, 18.0, 5.0, 12.75, 0.0, 12.75, 2.55, 2.10],
            C.TIMESTAMP: [T0 + pd.Timedelta(hours=h) for h in hours],
            C.CUSTOMER: pd.Series(["c1"] * 4 + [None] + ["c2"] * 6 + ["c3"], dtype="str"),
            C.COUNTRY: ["United Kingdom"] * 12,
        }
    )


def test_clean_transactions_counts_each_rule_and_keeps_original_rows():
    tx = _tx()
    before = tx.copy()
    out, audit = clean.clean_transactions(tx)
    pd.testing.assert_frame_equal(tx, before)  # input untouched
    assert list(audit.columns) == list(C.AUDIT_COLUMNS)
    assert audit[C.STEP].tolist() == [
        "missing_customer",
        "cancellations",
        "nonpositive_quantity",
        "nonpositive_price",
        "non_product_codes",
        "duplicate_lines",
    ]
    assert audit[C.ROWS_IN].tolist() == [12, 11, 10, 9, 8, 6]
    assert audit[C.ROWS_OUT].tolist() == [11, 10, 9, 8, 6, 5]
    assert audit[C.DROPPED].tolist() == [1, 1, 1, 1, 2, 1]
    assert out.index.tolist() == [0, 1, 9, 10, 11]
    assert clean.reconcile(audit) is audit


def test_each_step_drops_exactly_its_rows():
    tx = _tx()
    cases = {
        clean.drop_missing_customer: [4],
        clean.drop_cancellations: [3],
        clean.drop_nonpositive_quantity: [3, 7],  # the cancellation has -2 as well
        clean.drop_nonpositive_price: [8],
        clean.drop_non_products: [5, 6],
        clean.drop_duplicate_lines: [2],
    }
    for step, dropped in cases.items():
        out, row = step(tx)
        assert sorted(set(tx.index) - set(out.index)) == dropped, step.__name__
        assert (row.rows_in, row.rows_out, row.dropped) == (12, 12 - len(dropped), len(dropped))
        assert row.reason and row.rule


def test_non_product_codes_can_be_overridden():
    out, row = clean.drop_non_products(_tx(), codes=["post"])
    assert row.dropped == 1 and 5 not in out.index and 6 in out.index


def test_non_product_table_counts_rows_per_code():
    table = clean.non_product_codes(_tx())
    counts = dict(zip(table[C.ITEM], table[C.N_ROWS], strict=True))
    assert counts["POST"] == 1 and counts["M"] == 1 and counts["DOT"] == 0
    assert set(table[C.ITEM]) == set(clean.NON_PRODUCT_CODES)
    assert C.N_ROWS not in clean.non_product_codes().columns


def test_extreme_quantity_rules():
    # quantile 0.5 of [1, 2, 3, 4, 100] is 3 -> 4 and 100 are above it
    q = np.array([1, 2, 3, 4, 100], dtype=float)
    assert clean.ExtremeQuantity("quantile", 0.5).cutoff(q) == 3
    # log10 of [1, 10, 100, 1000] = [0, 1, 2, 3]: Q1 0.75, Q3 2.25, IQR 1.5; fence 2.25 + 1.5
    fence = clean.ExtremeQuantity("log_iqr", 1).cutoff(np.array([1, 10, 100, 1000.0]))
    assert fence == pytest.approx(10**3.75)
    out, audit = clean.clean_transactions(
        _tx(), drop_extreme_quantity=clean.ExtremeQuantity("above", 100)
    )
    assert audit[C.STEP].iloc[-1] == "extreme_quantity"
    assert audit[C.DROPPED].iloc[-1] == 1 and out.index.tolist() == [0, 1, 9, 10]
    assert "> 100" in audit[C.RULE].iloc[-1]
    clean.reconcile(audit)


def test_extreme_quantity_bad_rules():
    with pytest.raises(UnknownNameError, match="above"):
        clean.ExtremeQuantity("zscore", 3)
    with pytest.raises(ParameterError, match=r"\(0, 1\)"):
        clean.ExtremeQuantity("quantile", 1.5)
    with pytest.raises(ParameterError, match="> 0"):
        clean.ExtremeQuantity("above", -1)
    with pytest.raises(ParameterError, match="ExtremeQuantity"):
        clean.drop_extreme_quantities(_tx(), 0.99)


def test_missing_column_is_named():
    with pytest.raises(DataValidationError, match=C.CUSTOMER):
        clean.clean_transactions(_tx().drop(columns=[C.CUSTOMER]))


def _ratings() -> pd.DataFrame:
    # row user item rating  day  fate
    #  0   1    10    4      1   duplicate (1, 10): older than row 1
    #  1   1    10    2      3   kept for (1, 10) (latest)
    #  2   1    11    5      2   kept
    #  3   2    10    0      1   below scale
    #  4   2    11    6      1   above scale
    #  5   -    12    3      1   missing user
    #  6   3    12    -      1   missing rating
    #  7   3    10    1      1   kept for (3, 10) (latest)
    #  8   3    10    3      0   duplicate (3, 10): older than row 7
    return pd.DataFrame(
        {
            C.USER: pd.array([1, 1, 1, 2, 2, None, 3, 3, 3], dtype="Int64"),
            C.ITEM: [10, 10, 11, 10, 11, 12, 12, 10, 10],
            C.RATING: [4, 2, 5, 0, 6, 3, np.nan, 1, 3],
            C.TIMESTAMP: [T0 + pd.Timedelta(days=d) for d in [1, 3, 2, 1, 1, 1, 1, 1, 0]],
        }
    )


def test_clean_ratings_latest():
    r = _ratings()
    before = r.copy()
    out, audit = clean.clean_ratings(r, scale=(1, 5), duplicates="latest")
    pd.testing.assert_frame_equal(r, before)
    assert audit[C.STEP].tolist() == ["missing_ids", "out_of_scale", "duplicate_pairs"]
    assert audit[C.DROPPED].tolist() == [1, 3, 2]
    assert out.index.tolist() == [1, 2, 7]
    assert out[C.RATING].tolist() == [2, 5, 1]
    clean.reconcile(audit)


def test_clean_ratings_mean():
    out, audit = clean.clean_ratings(_ratings(), duplicates="mean")
    assert audit[C.DROPPED].tolist() == [1, 3, 2]
    # (1, 10): mean(4, 2) = 3; (3, 10): mean(1, 3) = 2; timestamps of the latest rows
    assert out.index.tolist() == [1, 2, 7]
    assert out[C.RATING].tolist() == [3.0, 5.0, 2.0]
    assert out[C.TIMESTAMP].tolist() == [T0 + pd.Timedelta(days=d) for d in [3, 2, 1]]


def test_duplicates_without_timestamps_keep_last_row():
    r = pd.DataFrame({C.USER: [1, 1, 2], C.ITEM: [5, 5, 5], C.RATING: [1.0, 4.0, 3.0]})
    out, row = clean.resolve_duplicates(r)
    assert out.index.tolist() == [1, 2] and row.dropped == 1


def test_rating_bad_parameters():
    with pytest.raises(UnknownNameError, match="latest"):
        clean.clean_ratings(_ratings(), duplicates="first")
    with pytest.raises(ParameterError, match="low < high"):
        clean.clean_ratings(_ratings(), scale=(5, 1))
    with pytest.raises(ParameterError, match="pair"):
        clean.drop_out_of_scale(_ratings(), scale=5)


def _pairs() -> pd.DataFrame:
    users = ["a", "a", "b", "b", "c", "c"]
    items = ["x", "y", "x", "y", "y", "z"]
    return pd.DataFrame({C.USER: users, C.ITEM: items, C.RATING: [1.0] * 6})


def test_kcore_cascades_to_a_fixed_point():
    # min 2 and 2. Pass 1 users: a2 b2 c2, none dropped; items: x2 y3 z1 -> drop (c, z).
    # Pass 2 users: c now has 1 -> drop (c, y); items x2 y2. Pass 3 drops nothing.
    out, audit = clean.kcore(_pairs(), min_user=2, min_item=2)
    assert out.index.tolist() == [0, 1, 2, 3]
    assert audit[C.ROWS_IN].tolist() == [6, 6, 5, 4, 4, 4]
    assert audit[C.DROPPED].tolist() == [0, 1, 1, 0, 0, 0]
    assert audit[C.STEP].tolist()[-2:] == ["kcore_pass3_users", "kcore_pass3_items"]
    clean.reconcile(audit)


def test_kcore_that_empties_reports_each_pass():
    # min_item 3 keeps only y (3 rows: a, b, c); then every user has 1 row < 2.
    with pytest.raises(DataValidationError) as info:
        clean.kcore(_pairs(), min_user=2, min_item=3)
    message = str(info.value)
    assert "pass 1: 3 users, 1 items" in message and "pass 2: 0 users, 0 items" in message


def test_kcore_bad_minimum():
    with pytest.raises(ParameterError, match="min_user"):
        clean.kcore(_pairs(), min_user=0, min_item=1)


def test_reconcile_catches_each_kind_of_gap():
    _, audit = clean.clean_transactions(_tx())
    wrong_drop = audit.assign(**{C.DROPPED: audit[C.DROPPED].where(audit.index != 2, 5)})
    with pytest.raises(DataValidationError, match="nonpositive_quantity"):
        clean.reconcile(wrong_drop)
    gap = audit.drop(index=2)
    with pytest.raises(DataValidationError, match="ended with"):
        clean.reconcile(gap)
    with pytest.raises(DataValidationError, match="no data rows"):
        clean.reconcile(audit.iloc[:0])
    with pytest.raises(DataValidationError, match="dropped"):
        clean.AuditRow("s", "r", rows_in=5, rows_out=3, dropped=1, reason="x")


def test_audit_table_stacks_rows_and_tables():
    _, first = clean.drop_missing_customer(_tx())
    _, audit = clean.clean_transactions(_tx())
    table = clean.audit_table([first, audit])
    assert len(table) == 7 and table[C.ROWS_IN].dtype == "int64"
    assert list(clean.audit_table([]).columns) == list(C.AUDIT_COLUMNS)
