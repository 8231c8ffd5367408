from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import retention
from aftersales.errors import ParameterError


def _lines(rows: list[tuple[str, str, str, int, float]], item: str = "85123A") -> pd.DataFrame:
    """Rows of (customer, invoice, timestamp, quantity, unit price)."""
    customer, invoice, stamp, quantity, price = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            C.INVOICE: pd.array(invoice, dtype="str"),
            C.ITEM: pd.array([item] * len(rows), dtype="str"),
            C.DESCRIPTION: pd.array(["MUG"] * len(rows), dtype="str"),
            C.QUANTITY: np.array(quantity, dtype=np.int64),
            C.UNIT_PRICE: np.array(price, dtype=np.float64),
            C.TIMESTAMP: pd.to_datetime(list(stamp), utc=True, format="ISO8601"),
            C.CUSTOMER: pd.array(customer, dtype="str"),
            C.COUNTRY: pd.array(["United Kingdom"] * len(rows), dtype="str"),
        }
    )


@pytest.fixture
def ten() -> pd.DataFrame:
    """Customers c0..c9 buy once on 2011-01-01..10; c2, c7, c8, c9 buy again in February."""
    calibration = [(f"c{i}", f"{i}", f"2011-01-{i + 1:02d} 10:00", 1, 10.0) for i in range(10)]
    holdout = [
        ("c2", "h2", "2011-02-03 10:00", 1, 10.0),
        ("c7", "h7", "2011-02-01 00:00", 1, 10.0),  # the first holdout day counts
        ("c8", "h8", "2011-02-05 10:00", 1, 10.0),
        ("c9", "h9", "2011-02-07 23:00", 1, 10.0),  # the last holdout day counts
        ("z", "hz", "2011-02-02 10:00", 1, 10.0),  # new in the holdout: not in the study
    ]
    return _lines(calibration + holdout)


def test_labels_hand_worked(ten: pd.DataFrame) -> None:
    before = ten.copy()
    table = retention.labels(ten, calibration_end="2011-01-31", horizon_weeks=1)
    # Holdout 2011-02-01 .. 2011-02-07: c2, c7, c8, c9 buy again; z is not a calibration customer.
    assert table[C.CUSTOMER].tolist() == [f"c{i}" for i in range(10)]
    assert table[C.BUYS_AGAIN].tolist() == [i in (2, 7, 8, 9) for i in range(10)]
    assert (table[C.AT_RISK] == ~table[C.BUYS_AGAIN]).all()
    pd.testing.assert_frame_equal(ten, before)


def test_labels_holdout_ends_after_horizon() -> None:
    lines = _lines(
        [
            ("a", "1", "2011-01-01 10:00", 1, 1.0),
            ("b", "2", "2011-01-01 10:00", 1, 1.0),
            ("a", "3", "2011-01-12 10:00", 1, 1.0),  # day 8 after the cut: after the holdout
            ("b", "4", "2011-01-11 10:00", 1, 1.0),  # day 7 after the cut: inside it
        ]
    )
    table = retention.labels(lines, calibration_end="2011-01-04", horizon_weeks=1)
    assert table[C.BUYS_AGAIN].tolist() == [False, True]


def test_default_calibration_end_is_horizon_before_the_end(ten: pd.DataFrame) -> None:
    # Last day 2011-02-07: one week before it is 2011-01-31; the holdout is 02-01 .. 02-07.
    the_cut = retention.cut(ten, horizon_weeks=1)
    assert the_cut.calibration_end == pd.Timestamp("2011-01-31")
    assert the_cut.holdout_last == pd.Timestamp("2011-02-07")
    assert retention.cut(ten, calibration_end="-1w", horizon_weeks=1) == the_cut
    # One horizon earlier: calibration to 2011-01-24, validation holdout 01-25 .. 01-31.
    assert the_cut.earlier().calibration_end == pd.Timestamp("2011-01-24")
    assert the_cut.earlier().holdout_last == pd.Timestamp("2011-01-31")
    pd.testing.assert_frame_equal(
        retention.labels(ten, horizon_weeks=1),
        retention.labels(ten, calibration_end="2011-01-31", horizon_weeks=1),
    )


def test_repeat_rates_hand_worked(ten: pd.DataFrame) -> None:
    rates = retention.repeat_rates(ten, calibration_end="2011-01-31", horizon_weeks=1)
    # Recency quintiles: c8, c9 R5; c6, c7 R4; c4, c5 R3; c2, c3 R2; c0, c1 R1. All buy once,
    # so frequency ties break by id: c0, c1 F1 ... c8, c9 F5. Segments: R5F5 Champions,
    # R4F4 Loyal Customers, R3F3 Need Attention, R2F2 Hibernating, R1F1 Lost.
    by = rates.set_index(C.SEGMENT)
    assert list(rates.columns) == [C.SEGMENT, C.CUSTOMERS, C.REPEAT_RATE]
    assert len(rates) == 11
    assert by.loc["Champions", C.CUSTOMERS] == 2
    assert by.loc["Champions", C.REPEAT_RATE] == 1.0  # c8, c9
    assert by.loc["Loyal Customers", C.REPEAT_RATE] == 0.5  # c7 of c6, c7
    assert by.loc["Need Attention", C.REPEAT_RATE] == 0.0
    assert by.loc["Hibernating", C.REPEAT_RATE] == 0.5  # c2 of c2, c3
    assert by.loc["Lost", C.REPEAT_RATE] == 0.0
    assert by[C.CUSTOMERS].sum() == 10
    assert by.loc["New Customers", C.CUSTOMERS] == 0
    assert np.isnan(by.loc["New Customers", C.REPEAT_RATE])
    assert rates[C.CUSTOMERS].dtype == np.int64


def test_horizon_longer_than_the_data_is_named(ten: pd.DataFrame) -> None:
    # After 2011-01-31 to the last day 2011-02-07 there are 7 days; two weeks need 14.
    with pytest.raises(ParameterError, match=r"churn_horizon_weeks.*14 days.*7 days"):
        retention.repeat_rates(ten, calibration_end="2011-01-31", horizon_weeks=2)
    with pytest.raises(ParameterError, match="churn_horizon_weeks"):
        retention.labels(ten, calibration_end="2011-01-31", horizon_weeks=2)


def test_horizon_that_leaves_no_calibration_is_named(ten: pd.DataFrame) -> None:
    # The data spans 38 days; ten weeks before its end is before its start.
    with pytest.raises(ParameterError, match="no calibration period"):
        retention.labels(ten, horizon_weeks=10)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_horizon_must_be_a_whole_positive_number(ten: pd.DataFrame, bad: object) -> None:
    with pytest.raises(ParameterError, match="churn_horizon_weeks"):
        retention.labels(ten, horizon_weeks=bad)  # type: ignore[arg-type]


def test_validation_cut_needs_a_calibration_period(ten: pd.DataFrame) -> None:
    # Data 2011-01-01 .. 02-07. Three weeks: calibration to 01-17; one horizon earlier the
    # holdout would start on 12-28, before the data: no calibration period is left.
    the_cut = retention.cut(ten, horizon_weeks=3)
    assert the_cut.calibration_end == pd.Timestamp("2011-01-17")
    with pytest.raises(ParameterError, match="churn_horizon_weeks"):
        the_cut.earlier()
