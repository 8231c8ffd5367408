from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import interactions as I
from aftersales.errors import DataValidationError, UnknownNameError

T0 = pd.Timestamp("2011-03-01 10:00", tz="UTC")


def _clean_tx() -> pd.DataFrame:
    # customer c1 buys A on invoice 1 (2 units) and invoice 2 (3 + 1 units on two lines),
    # and B once (1 unit at 2.50); c2 buys A once (10 units at 0.50).
    return pd.DataFrame(
        {
            C.INVOICE: ["1", "1", "2", "2", "3"],
            C.ITEM: ["A", "B", "A", "A", "A"],
            C.DESCRIPTION: ["a", "b", "a", "a", "a"],
            C.QUANTITY: np.array([2, 1, 3, 1, 10], dtype="int64"),
            C.UNIT_PRICE: [1.0, 2.5, 1.0, 1.0, 0.5],
            C.TIMESTAMP: [T0, T0, T0 + pd.Timedelta(days=7), T0 + pd.Timedelta(days=7), T0],
            C.CUSTOMER: pd.Series(["c1", "c1", "c1", "c1", "c2"], dtype="str"),
            C.COUNTRY: ["UK"] * 5,
        }
    )


def test_aggregate_by_hand():
    tx = _clean_tx()
    before = tx.copy()
    out = I.aggregate(tx)
    pd.testing.assert_frame_equal(tx, before)
    assert list(out.columns) == list(I.INTERACTION_COLUMNS)
    # c1-A: invoices {1, 2} -> 2; units 2 + 3 + 1 = 6; revenue 6.0; first day 0, last day 7
    # c1-B: 1 invoice, 1 unit, 2.50;  c2-A: 1 invoice, 10 units, 5.00
    assert out[C.USER].tolist() == ["c1", "c1", "c2"]
    assert out[C.ITEM].tolist() == ["A", "B", "A"]
    assert out[C.PURCHASE_COUNT].tolist() == [2, 1, 1]
    assert out[C.TOTAL_QUANTITY].tolist() == [6, 1, 10]
    assert out[C.REVENUE].tolist() == [6.0, 2.5, 5.0]
    assert out[C.FIRST_PURCHASE].tolist() == [T0, T0, T0]
    assert out[C.LAST_PURCHASE].tolist() == [T0 + pd.Timedelta(days=7), T0, T0]


def test_aggregate_refuses_uncleaned_lines():
    tx = _clean_tx()
    with pytest.raises(DataValidationError, match="clean_transactions"):
        I.aggregate(tx.assign(**{C.CUSTOMER: tx[C.CUSTOMER].where(tx.index != 1)}))
    with pytest.raises(DataValidationError, match=C.QUANTITY):
        I.aggregate(tx.assign(**{C.QUANTITY: [2, -1, 3, 1, 10]}))


def test_frequency_quantile_by_hand():
    out = I.to_ratings(I.aggregate(_clean_tx()), "frequency_quantile")
    # c1: B (count 1) rank 1, A (count 2) rank 2 of n = 2: p = 0.25, 0.75 -> ratings 2, 4.
    # c2: a single item: p = 0.5 -> 3.
    assert out[C.RATING].tolist() == [4.0, 2.0, 3.0]
    assert list(out.columns[:4]) == [C.USER, C.ITEM, C.RATING, C.TIMESTAMP]
    assert out[C.TIMESTAMP].equals(out[C.LAST_PURCHASE].rename(C.TIMESTAMP))


def test_frequency_quantile_spreads_five_distinct_counts_and_ties_to_three():
    frame = pd.DataFrame(
        {
            C.USER: ["u"] * 5 + ["v"] * 3,
            C.ITEM: list("abcde") + list("abc"),
            C.PURCHASE_COUNT: [5, 1, 3, 2, 4, 7, 7, 7],
            C.LAST_PURCHASE: [T0] * 8,
        }
    )
    # u: ranks 5,1,3,2,4 of 5 -> p = 0.9,0.1,0.5,0.3,0.7 -> 5,1,3,2,4; v: all tied -> 3
    assert I.frequency_quantile(frame).tolist() == [5, 1, 3, 2, 4, 3, 3, 3]


def test_log_count_bins():
    frame = pd.DataFrame({C.PURCHASE_COUNT: [1, 2, 3, 4, 7, 8, 15, 16, 1000]})
    assert I.log_count(frame).tolist() == [1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quantity_quantile_uses_units():
    out = I.to_ratings(I.aggregate(_clean_tx()), "quantity_quantile")
    # c1: A 6 units, B 1 unit -> 4, 2; c2 single -> 3
    assert out[C.RATING].tolist() == [4.0, 2.0, 3.0]


def test_every_scheme_stays_on_the_scale():
    frame = I.aggregate(_clean_tx())
    for name in I.RATING_SCHEMES:
        rating = I.to_ratings(frame, name)[C.RATING]
        assert rating.between(*I.RATING_SCALE).all(), name


def test_unknown_scheme_lists_valid_ones():
    with pytest.raises(UnknownNameError, match="frequency_quantile"):
        I.to_ratings(I.aggregate(_clean_tx()), "stars")


def test_implicit_weights():
    frame = I.aggregate(_clean_tx())
    assert I.to_implicit(frame, weight="count")[C.WEIGHT].tolist() == [2.0, 1.0, 1.0]
    assert I.to_implicit(frame, weight="quantity")[C.WEIGHT].tolist() == [6.0, 1.0, 10.0]
    assert I.to_implicit(frame, weight="revenue")[C.WEIGHT].tolist() == [6.0, 2.5, 5.0]
    assert I.to_implicit(frame, weight="binary")[C.WEIGHT].tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(UnknownNameError, match="binary"):
        I.to_implicit(frame, weight="clicks")
