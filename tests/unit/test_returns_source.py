"""Own-data sources declare how returns are marked; prepare nets them and caches the table."""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import clean, datasets, prepare
from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError

# order 1: c1 buys 4 A1 at 1.5; order 2: c2 buys 2 B1 at 4.0; order 3: c1 buys 1 B1 at 4.0
# R1 (c1, a day later): returns 3 A1 -> order 1 keeps 1, one return row (3 x 1.5 = 4.5)
# R2 (c2): returns 5 B1, bought 2 -> 2 matched (8.0), 3 unmatched (at R2's price: 3 x 4.0 = 12.0);
# c1's order 3 of B1 is another customer's and stays. (Item "B" would be a non-product code.)
ROWS = [
    ("1", "A1", 4, 1.5, "2011-01-03 10:00:00", "c1", "no"),
    ("2", "B1", 2, 4.0, "2011-01-03 11:00:00", "c2", "no"),
    ("3", "B1", 1, 4.0, "2011-01-04 09:00:00", "c1", "no"),
    ("R1", "A1", -3, 1.5, "2011-01-04 10:00:00", "c1", "yes"),
    ("R2", "B1", -5, 4.0, "2011-01-05 10:00:00", "c2", "yes"),
]
HEADER = "order,sku,qty,price,when,client,IsReturn\n"
MAPPING = """columns:
  invoice_id: order
  item_id: sku
  quantity: qty
  unit_price: price
  timestamp: when
  customer_id: client
"""
EXPECTED = [("R1", "1", 3, 4.5), ("R2", "2", 2, 8.0), ("R2", None, 3, 12.0)]


def _write(tmp_path, returns: str, *, rows=ROWS, name="shop.yaml"):
    lines = [",".join(str(v) for v in row) for row in rows]
    (tmp_path / "orders.csv").write_text(HEADER + "\n".join(lines) + "\n")
    file = tmp_path / name
    file.write_text("kind: transactions\npath: orders.csv\n" + MAPPING + returns)
    return file


def _netted(file):
    marker = datasets.spec(str(file)).returns
    return clean.clean_transactions_net(datasets.load(str(file)), marker=marker)


def _table(returns: pd.DataFrame) -> list[tuple]:
    return [
        (a, None if pd.isna(b) else b, int(q), float(v))
        for a, b, q, v in zip(
            returns[C.RETURN_INVOICE],
            returns[C.INVOICE],
            returns[C.QUANTITY],
            returns[C.VALUE],
            strict=True,
        )
    ]


def test_default_marks_returns_by_negative_quantity(tmp_path, isolated_data):
    file = _write(tmp_path, "")
    assert datasets.read_source(file).returns == clean.ReturnMarker("negative_quantity")
    lines, audit, returns = _netted(file)
    assert dict(zip(lines[C.INVOICE], lines[C.QUANTITY], strict=True)) == {"1": 1, "3": 1}
    assert _table(returns) == EXPECTED
    clean.reconcile(audit)


def test_prefix_marker_with_positive_return_quantities(tmp_path, isolated_data):
    rows = [(*row[:2], abs(row[2]), *row[3:]) for row in ROWS]  # returns written as 3, 5
    file = _write(tmp_path, "returns: {by: prefix, prefix: R}\n", rows=rows)
    lines, _, returns = _netted(file)
    assert dict(zip(lines[C.INVOICE], lines[C.QUANTITY], strict=True)) == {"1": 1, "3": 1}
    assert _table(returns) == EXPECTED


def test_flag_marker_reads_the_declared_column(tmp_path, isolated_data):
    rows = [(*row[:2], abs(row[2]), *row[3:]) for row in ROWS]
    file = _write(tmp_path, "returns: {by: flag, column: IsReturn}\n", rows=rows)
    frame = datasets.load(str(file))
    assert frame[C.IS_RETURN].tolist() == [False, False, False, True, True]
    lines, _, returns = _netted(file)
    assert dict(zip(lines[C.INVOICE], lines[C.QUANTITY], strict=True)) == {"1": 1, "3": 1}
    assert _table(returns) == EXPECTED


def test_prepare_nets_caches_the_returns_and_ignore_keeps_gross(tmp_path, isolated_data):
    file = _write(tmp_path, "")
    options = prepare.Preparation(
        dataset=str(file), min_user_interactions=1, min_item_interactions=1, test_size=0.4
    )
    first = prepare.prepare(options)
    again = prepare.prepare(options)  # read back from the cache
    assert _table(again.returns) == EXPECTED
    pd.testing.assert_frame_equal(again.returns, first.returns)
    assert first.cleaned[C.QUANTITY].sum() == 2
    gross = prepare.prepare(options.__class__(**{**options.__dict__, "returns": "ignore"}))
    assert gross.returns.empty
    assert gross.cleaned[C.QUANTITY].tolist() == [4, 2, 1]
    with pytest.raises(ParameterError, match="`returns` must be one of"):
        prepare.prepare(
            prepare.Preparation(dataset=str(file), returns="keep", min_user_interactions=1),
            cache=False,
        )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("returns: prefix\n", "must be a mapping with `by`"),
        ("returns: {by: prefx, prefix: R}\n", "did you mean 'prefix'"),
        ("returns: {by: prefix}\n", "needs `prefix`"),
        ("returns: {by: flag}\n", "needs `column`"),
        ("returns: {by: prefix, prefix: R, column: X}\n", "unknown key 'column'"),
        ("returns: {by: negative_quantity, prefix: R}\n", "unknown key 'prefix'"),
    ],
)
def test_bad_returns_declarations_are_named(tmp_path, isolated_data, text, message):
    with pytest.raises(ParameterError, match=message):
        datasets.read_source(_write(tmp_path, text))


def test_returns_key_is_for_transactions_only(tmp_path, isolated_data):
    (tmp_path / "r.csv").write_text("user_id,item_id,rating\nu1,i1,4\n")
    file = tmp_path / "r.yaml"
    file.write_text("kind: ratings\npath: r.csv\nreturns: {by: negative_quantity}\n")
    with pytest.raises(ParameterError, match="transactions only"):
        datasets.read_source(file)


def test_flag_column_missing_or_unreadable_is_a_data_error(tmp_path, isolated_data):
    file = _write(tmp_path, "returns: {by: flag, column: Returned}\n")
    with pytest.raises(DataValidationError, match="Returned"):
        datasets.load(str(file))
    rows = [(*row[:-1], "maybe" if row[0] == "R1" else row[-1]) for row in ROWS]
    file = _write(tmp_path, "returns: {by: flag, column: IsReturn}\n", rows=rows, name="b.yaml")
    with pytest.raises(DataValidationError, match=r"`is_return`.*\['maybe'\]"):
        datasets.load(str(file))
