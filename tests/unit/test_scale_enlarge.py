"""The enlargement generator on a seven-line frame: ids per copy, jitter, files, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError, WriteError
from aftersales.scale import copy_lines, enlarge
from aftersales.spark import ROW


@pytest.fixture
def lines() -> pd.DataFrame:
    # Customer A buys 10 of x and 3 of y, then returns the 10 x (invoice C3); customer B
    # buys 1 of x twice; one line has no customer.
    day = pd.Timestamp("2011-01-03 10:00", tz="UTC")
    return pd.DataFrame(
        {
            C.INVOICE: pd.array(["1", "1", "C3", "2", "5", "4", "6"], dtype="string"),
            C.ITEM: pd.array(["x", "y", "x", "x", "x", "z", "y"], dtype="string"),
            C.QUANTITY: np.array([10, 3, -10, 1, 1, 7, 2], dtype="int64"),
            C.UNIT_PRICE: [2.0, 1.5, 2.0, 2.0, 2.0, 0.5, 1.5],
            C.TIMESTAMP: [
                day,
                day,
                day + pd.Timedelta("2D"),
                day,
                day + pd.Timedelta("9D"),
                day,
                day + pd.Timedelta("1D"),
            ],
            C.CUSTOMER: pd.array(["A", "A", "A", "B", "B", None, "A"], dtype="string"),
            C.COUNTRY: ["UK", "UK", "UK", "FR", "FR", "UK", "UK"],
        }
    )


def test_copy_zero_is_the_source(lines):
    pd.testing.assert_frame_equal(copy_lines(lines, 0, seed=1), lines)


def test_copy_renames_customers_and_invoices_and_keeps_the_rest(lines):
    out = copy_lines(lines, 3, seed=1)
    assert out[C.CUSTOMER].tolist()[:5] == ["A-3", "A-3", "A-3", "B-3", "B-3"]
    assert pd.isna(out[C.CUSTOMER].iloc[5])
    assert out[C.INVOICE].tolist() == ["1-3", "1-3", "C3-3", "2-3", "5-3", "4-3", "6-3"]
    for column in (C.ITEM, C.UNIT_PRICE, C.COUNTRY):
        pd.testing.assert_series_equal(out[column], lines[column])
    assert out[C.QUANTITY].dtype == lines[C.QUANTITY].dtype


def test_without_jitter_only_ids_change(lines):
    out = copy_lines(lines, 1, seed=1, max_shift_days=0, quantity_spread=0.0)
    pd.testing.assert_series_equal(out[C.QUANTITY], lines[C.QUANTITY])
    pd.testing.assert_series_equal(out[C.TIMESTAMP], lines[C.TIMESTAMP])


def test_jitter_is_one_shift_and_one_factor_per_customer(lines):
    out = copy_lines(lines, 1, seed=7, max_shift_days=5, quantity_spread=0.5)
    shift = (out[C.TIMESTAMP] - lines[C.TIMESTAMP]).dt.total_seconds() / 86400
    a = lines[C.CUSTOMER].eq("A").fillna(False).to_numpy()
    assert shift[a].nunique() == 1 and shift[a].iloc[0] == int(shift[a].iloc[0])
    assert (shift.abs() <= 5).all()
    # The return still reverses the purchase: same magnitude, opposite sign.
    assert out[C.QUANTITY].iloc[2] == -out[C.QUANTITY].iloc[0]
    # 10 * f within [5, 15]; 1 never rounds to 0.
    assert 5 <= out[C.QUANTITY].iloc[0] <= 15
    assert (out[C.QUANTITY].abs() >= 1).all()


def test_copies_are_seeded_and_differ_by_seed(lines):
    one = copy_lines(lines, 2, seed=11, max_shift_days=30, quantity_spread=0.9)
    pd.testing.assert_frame_equal(
        one, copy_lines(lines, 2, seed=11, max_shift_days=30, quantity_spread=0.9)
    )
    other = copy_lines(lines, 2, seed=12, max_shift_days=30, quantity_spread=0.9)
    assert not one[[C.TIMESTAMP, C.QUANTITY]].equals(other[[C.TIMESTAMP, C.QUANTITY]])


def test_share_keeps_whole_customers(lines):
    out = copy_lines(lines, 1, seed=1, share=0.5)
    assert out[C.CUSTOMER].dropna().unique().tolist() == ["A-1"]  # seed 1 keeps A only
    for customer, group in out.groupby(C.CUSTOMER):
        source = customer.rsplit("-", 1)[0]
        assert len(group) == lines[C.CUSTOMER].eq(source).sum()


def test_enlarge_writes_one_file_a_copy(lines, tmp_path):
    written = enlarge(lines, tmp_path / "x", factor=3, seed=5)
    assert [p.name for p in written.files] == [f"part-0000{i}.parquet" for i in range(3)]
    frames = [pq.read_table(p).to_pandas() for p in written.files]
    assert written.rows == sum(len(f) for f in frames) == 3 * len(lines)
    customers = [set(f[C.CUSTOMER].dropna()) for f in frames]
    assert customers[0] == {"A", "B"} and customers[1] == {"A-1", "B-1"}
    assert not customers[1] & customers[2]
    for frame in frames:
        assert set(frame[C.ITEM]) == set(lines[C.ITEM])
        assert str(frame[C.TIMESTAMP].dtype).startswith("datetime64") and frame[C.TIMESTAMP].dt.tz
    schemas = {pq.read_schema(p) for p in written.files}
    assert len(schemas) == 1
    # The row-order column numbers the lines copy after copy: 0..6, 7..13, 14..20.
    order = [f[ROW].tolist() for f in frames]
    assert order == [list(range(7 * c, 7 * c + 7)) for c in range(3)]


def test_enlarge_fraction_and_seed(lines, tmp_path):
    half = enlarge(lines, tmp_path / "a", factor=1.5, seed=5)
    assert len(half.files) == 2 and len(lines) < half.rows < 2 * len(lines)
    again = enlarge(lines, tmp_path / "b", factor=1.5, seed=5)
    assert pq.read_table(half.files[1]).equals(pq.read_table(again.files[1]))


@pytest.mark.parametrize("factor", [0, -1, 1001, float("nan"), "2", True])
def test_enlarge_refuses_bad_factor(lines, tmp_path, factor):
    with pytest.raises(ParameterError, match="factor"):
        enlarge(lines, tmp_path, factor=factor, seed=1)


def test_enlarge_refuses_a_folder_with_parquet(lines, tmp_path):
    enlarge(lines, tmp_path, factor=1, seed=1)
    with pytest.raises(WriteError, match="already holds"):
        enlarge(lines, tmp_path, factor=1, seed=1)


def test_missing_column_and_bad_options(lines, tmp_path):
    with pytest.raises(DataValidationError, match=C.CUSTOMER):
        enlarge(lines.drop(columns=C.CUSTOMER), tmp_path, factor=2, seed=1)
    with pytest.raises(ParameterError, match="quantity_spread"):
        copy_lines(lines, 1, seed=1, quantity_spread=1.0)
    with pytest.raises(ParameterError, match="copy"):
        copy_lines(lines, -1, seed=1)
    with pytest.raises(ParameterError, match="share"):
        copy_lines(lines, 1, seed=1, share=0)
