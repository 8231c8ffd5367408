"""Netting returns: hand-made frames worked out by hand, and a loop reference on random ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import clean
from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError

T0 = pd.Timestamp("2011-01-03 09:00", tz="UTC")


def _lines(*rows: tuple) -> pd.DataFrame:
    """Rows of (invoice, customer, item, quantity, unit price, days after T0)."""
    invoice, customer, item, quantity, price, days = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            C.INVOICE: pd.Series(invoice, dtype="str"),
            C.ITEM: pd.Series(item, dtype="str"),
            C.DESCRIPTION: pd.Series([f"thing {i}" for i in item], dtype="str"),
            C.QUANTITY: np.array(quantity, dtype="int64"),
            C.UNIT_PRICE: np.array(price, dtype="float64"),
            C.TIMESTAMP: [T0 + pd.Timedelta(days=d) for d in days],
            C.CUSTOMER: pd.Series(customer, dtype="str"),
            C.COUNTRY: pd.Series(["United Kingdom"] * len(rows), dtype="str"),
        }
    )


def _pairs(netted: clean.Netted) -> list[tuple]:
    r = netted.returns
    return [
        (a, None if pd.isna(b) else b, q, round(v, 6), None if np.isnan(d) else round(d, 6), m)
        for a, b, q, v, d, m in zip(
            r[C.RETURN_INVOICE],
            r[C.INVOICE],
            r[C.QUANTITY],
            r[C.VALUE],
            r[C.DAYS_TO_RETURN],
            r[C.MATCH],
            strict=True,
        )
    ]


def _net(lines: pd.DataFrame) -> dict[str, int]:
    return dict(zip(lines[C.INVOICE], lines[C.QUANTITY], strict=True))


def test_full_return_removes_the_purchase():
    tx = _lines(("1", "c1", "A", 5, 2.0, 0), ("C1", "c1", "A", -5, 2.0, 2))
    out = clean.net_returns(tx)
    assert out.lines.empty
    assert _pairs(out) == [("C1", "1", 5, 10.0, 2.0, "matched")]
    assert list(out.returns.columns) == list(C.RETURNS_COLUMNS)


def test_partial_return_reduces_the_line():
    tx = _lines(("1", "c1", "A", 5, 2.0, 0), ("C1", "c1", "A", -2, 2.0, 1))
    out = clean.net_returns(tx)
    assert _net(out.lines) == {"1": 3}
    assert out.lines[C.QUANTITY].dtype == np.dtype("int64")
    assert _pairs(out) == [("C1", "1", 2, 4.0, 1.0, "matched")]


def test_return_split_across_two_orders_oldest_first_at_original_prices():
    tx = _lines(
        ("1", "c1", "A", 3, 2.0, 0),
        ("2", "c1", "A", 4, 2.5, 1),
        ("C1", "c1", "A", -5, 2.5, 3),
    )
    out = clean.net_returns(tx)
    assert _net(out.lines) == {"2": 2}
    assert _pairs(out) == [("C1", "1", 3, 6.0, 3.0, "matched"), ("C1", "2", 2, 5.0, 2.0, "matched")]


def test_return_larger_than_bought_is_split_into_matched_and_unmatched():
    tx = _lines(("1", "c1", "A", 2, 2.0, 0), ("C1", "c1", "A", -5, 3.0, 1))
    out = clean.net_returns(tx)
    assert out.lines.empty
    # the unmatched 3 units are valued at the cancellation's own price: 3 x 3.0
    assert _pairs(out) == [
        ("C1", "1", 2, 4.0, 1.0, "matched"),
        ("C1", None, 3, 9.0, None, "unmatched"),
    ]
    assert out.returns[C.TIMESTAMP].isna().tolist() == [False, True]


def test_return_before_any_purchase_is_unmatched_and_leaves_later_purchases():
    tx = _lines(("C1", "c1", "A", -2, 2.0, 0), ("1", "c1", "A", 3, 2.0, 1))
    out = clean.net_returns(tx)
    assert _net(out.lines) == {"1": 3}
    assert _pairs(out) == [("C1", None, 2, 4.0, None, "unmatched")]


def test_two_customers_same_item_match_only_their_own_purchases():
    tx = _lines(
        ("1", "c1", "A", 2, 2.0, 0),
        ("2", "c2", "A", 3, 2.0, 1),
        ("C1", "c2", "A", -3, 2.0, 2),
    )
    out = clean.net_returns(tx)
    assert _net(out.lines) == {"1": 2}
    assert _pairs(out) == [("C1", "2", 3, 6.0, 1.0, "matched")]


def test_same_timestamp_purchase_counts_as_earlier_and_ties_go_in_row_order():
    tx = _lines(
        ("1", "c1", "A", 2, 1.0, 0),
        ("2", "c1", "A", 2, 2.0, 0),
        ("C1", "c1", "A", -3, 2.0, 0),
    )
    out = clean.net_returns(tx)
    assert _net(out.lines) == {"2": 1}
    assert _pairs(out) == [("C1", "1", 2, 2.0, 0.0, "matched"), ("C1", "2", 1, 2.0, 0.0, "matched")]


def test_later_returns_take_what_earlier_ones_left_and_never_later_purchases():
    tx = _lines(
        ("1", "c1", "A", 2, 1.0, 0),
        ("C1", "c1", "A", -5, 1.0, 1),  # 2 matched, 3 bought before the data starts
        ("2", "c1", "A", 4, 2.0, 2),
        ("C2", "c1", "A", -3, 2.0, 3),  # 3 of order 2 (the earlier shortfall takes nothing)
        ("3", "c1", "A", 1, 2.0, 4),
    )
    out = clean.net_returns(tx)
    assert _net(out.lines) == {"2": 1, "3": 1}
    assert _pairs(out) == [
        ("C1", "1", 2, 2.0, 1.0, "matched"),
        ("C1", None, 3, 3.0, None, "unmatched"),
        ("C2", "2", 3, 6.0, 1.0, "matched"),
    ]


def test_audit_counts_matched_partly_and_unmatched_lines_and_reconciles():
    tx = _lines(
        ("1", "c1", "A", 5, 2.0, 0),
        ("C1", "c1", "A", -5, 2.0, 1),  # fully matched; order 1 fully returned
        ("2", "c1", "B", 2, 1.0, 0),
        ("C2", "c1", "B", -3, 1.0, 1),  # partly matched (2 of 3); order 2 fully returned
        ("C3", "c2", "B", -1, 1.0, 1),  # unmatched
        ("3", "c2", "A", 4, 1.0, 0),
        ("C4", "c2", "A", -1, 1.0, 1),  # fully matched; order 3 reduced to 3
    )
    out = clean.net_returns(tx)
    audit = clean.reconcile(out.audit)
    assert audit[C.STEP].tolist() == [
        "returns_matched",
        "returns_partly_matched",
        "returns_unmatched",
        "returned_purchases",
    ]
    assert audit[C.DROPPED].tolist() == [2, 1, 1, 2]
    assert audit[C.ROWS_IN].iloc[0] == 7 and audit[C.ROWS_OUT].iloc[-1] == 1
    # C1 5 x 2.0 and C4 1 x 1.0 fully matched; C2 2 x 1.0 matched, 1 x 1.0 not; C3 1 x 1.0 not
    rules = audit[C.RULE].tolist()
    assert "6 units matched (value 11.00), 0 units unmatched (value 0.00)" in rules[0]
    assert "2 units matched (value 2.00), 1 units unmatched (value 1.00)" in rules[1]
    assert "0 units matched (value 0.00), 1 units unmatched (value 1.00)" in rules[2]
    assert "1 more lines keep a reduced" in audit[C.RULE].iloc[3]
    assert _net(out.lines) == {"3": 3}


def test_ignore_drops_return_lines_and_keeps_purchases():
    tx = _lines(("1", "c1", "A", 5, 2.0, 0), ("C1", "c1", "A", -5, 2.0, 2))
    out = clean.net_returns(tx, returns="ignore")
    assert _net(out.lines) == {"1": 5}
    assert out.returns.empty and list(out.returns.columns) == list(C.RETURNS_COLUMNS)
    assert out.audit[C.STEP].tolist() == ["cancellations"]
    assert out.audit[C.DROPPED].tolist() == [1]


def test_markers_flag_and_negative_quantity():
    tx = _lines(("1", "c1", "A", 5, 2.0, 0), ("2", "c1", "A", -2, 2.0, 1))
    out = clean.net_returns(tx, marker=clean.ReturnMarker("negative_quantity"))
    assert _net(out.lines) == {"1": 3}
    assert _pairs(out) == [("2", "1", 2, 4.0, 1.0, "matched")]
    # a flag column with positive return quantities
    flagged = tx.assign(**{C.QUANTITY: [5, 2]}, is_return=[False, True])
    out = clean.net_returns(flagged, marker=clean.ReturnMarker("flag", column="is_return"))
    assert _net(out.lines) == {"1": 3}
    assert _pairs(out) == [("2", "1", 2, 4.0, 1.0, "matched")]


def test_prefix_marker_ignores_derived_invoice_ids():
    tx = _lines(
        ("C9@2011-01-03T09:00:00Z", "C9", "A", 5, 2.0, 0),
        ("C1", "C9", "A", -5, 2.0, 1),
    )
    out = clean.net_returns(tx)
    assert out.lines.empty
    assert _pairs(out) == [("C1", "C9@2011-01-03T09:00:00Z", 5, 10.0, 1.0, "matched")]


def test_bad_options_and_missing_columns_raise_named_errors():
    tx = _lines(("1", "c1", "A", 5, 2.0, 0))
    with pytest.raises(ParameterError, match="`returns` must be one of"):
        clean.net_returns(tx, returns="keep")
    with pytest.raises(ParameterError, match="unknown `by`"):
        clean.ReturnMarker("sign")
    with pytest.raises(ParameterError, match="needs a non-empty `prefix`"):
        clean.ReturnMarker("prefix")
    with pytest.raises(ParameterError, match="needs the flag's `column`"):
        clean.ReturnMarker("flag")
    with pytest.raises(DataValidationError, match="is_return"):
        clean.net_returns(tx, marker=clean.ReturnMarker("flag", column="is_return"))
    with pytest.raises(DataValidationError, match=C.UNIT_PRICE):
        clean.net_returns(tx.drop(columns=C.UNIT_PRICE))


def _reference(tx: pd.DataFrame) -> tuple[dict[int, float], list[tuple]]:
    """A plain loop over returns in time order: FIFO over earlier purchases."""
    is_ret = tx[C.INVOICE].str.startswith("C").to_numpy()
    order = np.lexsort((np.arange(len(tx)), is_ret, tx[C.TIMESTAMP].to_numpy()))
    left = {i: float(tx[C.QUANTITY].iat[i]) for i in range(len(tx)) if not is_ret[i]}
    queues: dict[tuple, list[int]] = {}
    pieces = []
    for i in order:
        key = (tx[C.CUSTOMER].iat[i], tx[C.ITEM].iat[i])
        if not is_ret[i]:
            queues.setdefault(key, []).append(i)
            continue
        want = -float(tx[C.QUANTITY].iat[i])
        for j in queues.get(key, []):
            take = min(want, left[j])
            if take > 0:
                pieces.append((i, j, take))
                left[j] -= take
                want -= take
        if want > 0:
            pieces.append((i, -1, want))
    return left, sorted(pieces)


@pytest.mark.parametrize("seed", range(5))
def test_vectorised_matching_equals_a_loop_reference(seed):
    rng = np.random.default_rng(seed)
    n = 400
    ret = rng.random(n) < 0.3
    tx = _lines(
        *(
            (
                f"C{i}" if r else str(i),
                f"c{rng.integers(4)}",
                "AB"[rng.integers(2)],
                -int(rng.integers(1, 6)) if r else int(rng.integers(1, 6)),
                1.0,
                int(rng.integers(0, 30)),
            )
            for i, r in enumerate(ret)
        )
    )
    left, pieces = _reference(tx)
    out = clean.net_returns(tx)
    expected_net = {i: q for i, q in left.items() if q > 0}
    got_net = {
        int(i): float(q) for i, q in zip(out.lines.index, out.lines[C.QUANTITY], strict=True)
    }
    assert got_net == expected_net
    position = {inv: i for i, inv in enumerate(tx[C.INVOICE])}
    got = sorted(
        (position[a], -1 if pd.isna(b) else position[b], float(q))
        for a, b, q in zip(
            out.returns[C.RETURN_INVOICE],
            out.returns[C.INVOICE],
            out.returns[C.QUANTITY],
            strict=True,
        )
    )
    assert got == pieces
