"""Dates are never guessed: declared formats, day/month orders, time zones (issue #13)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import dates
from aftersales.datasets import load_transactions
from aftersales.errors import AmbiguousDatesError, DataValidationError, ParameterError


def _parse(texts: list[str | None], **options: object) -> dates.Parsed:
    values = pd.Series(texts, name=C.TIMESTAMP, dtype="str")
    return dates.parse(values, source="x.csv", file_column="when", **options)


def _utc(*texts: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(t, tz="UTC") for t in texts]


def test_dates_that_read_two_ways_are_refused_with_both_readings():
    with pytest.raises(AmbiguousDatesError) as caught:
        _parse(["03/01/2023 10:00", "04/02/2023 11:30"])
    message = str(caught.value)
    assert "x.csv: column `timestamp` has dates that read two ways: 2 of 2 rows" in message
    assert "row 1 '03/01/2023 10:00': 3 January 2023 or 1 March 2023" in message
    assert "no row settles the order" in message
    assert '`dates.format: "%d/%m/%Y %H:%M"` or `dayfirst: true`' in message
    assert message.endswith("(file column `when`)")


def test_rows_that_settle_the_order_are_named_but_not_followed():
    with pytest.raises(AmbiguousDatesError, match=r"the data suggest day-first \(1 rows .*row 2 "):
        _parse(["03/01/2023", "25/01/2023"])
    with pytest.raises(AmbiguousDatesError, match=r'suggest month-first.*"%m/%d/%Y".*false'):
        _parse(["03/01/2023", "01/25/2023"])


def test_rows_that_contradict_each_other():
    with pytest.raises(DataValidationError, match=r"mixes day/month orders: 1 rows .*row 1 "):
        _parse(["13/01/2023", "01/13/2023"])


def test_dates_with_one_reading_need_no_declaration():
    # 25/01 and 13/02 are only valid day-first; 05/05 reads the same both ways.
    parsed = _parse(["25/01/2023", "13/02/2023", "05/05/2023", None])
    assert parsed.values.tolist()[:3] == _utc("2023-01-25", "2023-02-13", "2023-05-05")
    assert pd.isna(parsed.values.iloc[3])


def test_declared_order_and_format():
    texts = ["03/01/2023 10:00", "04/02/2023 23:59"]
    expected = _utc("2023-01-03 10:00", "2023-02-04 23:59")
    assert _parse(texts, dayfirst=True).values.tolist() == expected
    assert _parse(texts, date_format="%d/%m/%Y %H:%M").values.tolist() == expected
    assert _parse(texts, dayfirst=False).values.tolist() == _utc(
        "2023-03-01 10:00", "2023-04-02 23:59"
    )


def test_declared_order_refuses_rows_it_cannot_read():
    with pytest.raises(DataValidationError, match=r"1 rows fail \(first: row 2 value '01/13/2023'"):
        _parse(["03/01/2023", "01/13/2023"], dayfirst=True)


def test_unparseable_dates_give_count_and_first_rows():
    texts = ["03/01/2023 10:00", "2023-01-04", "03/01/2023 10:00", "04/01/2023 9:00", "x"]
    with pytest.raises(
        DataValidationError,
        match=r"does not match the declared date format '%d/%m/%Y %H:%M'; 2 rows fail "
        r"\(first: row 2 value '2023-01-04', row 5 value 'x'\)",
    ):
        _parse(texts, date_format="%d/%m/%Y %H:%M")
    with pytest.raises(
        DataValidationError, match=r"2 rows fail \(first: row 2 value 'soon', row 3"
    ):
        _parse(["2023-01-03", "soon", "later"])


def test_two_digit_years_twelve_hour_clock_and_month_names():
    parsed = _parse(["1/2/23 1:05 PM", "12/31/23 11:00 AM"], dayfirst=False)
    assert parsed.values.tolist() == _utc("2023-01-02 13:05", "2023-12-31 11:00")
    named = _parse(["5 Jan 2011 10:00", "March 3, 2011"])
    assert named.values.tolist() == _utc("2011-01-05 10:00", "2011-03-03")


def test_iso_needs_nothing_and_keeps_its_offsets():
    parsed = _parse(["2011-01-01T10:00:00Z", "2011-01-01 10:00:00+01:00", "2011-01-02"])
    assert parsed.values.tolist() == _utc("2011-01-01 10:00", "2011-01-01 09:00", "2011-01-02")
    assert parsed.values.dtype == "datetime64[ns, UTC]"
    # one naive row of three: taken as UTC, and the audit says so
    assert parsed.audit[C.STEP].tolist() == ["timestamps:naive_utc"]
    assert "1 of 3 rows hold times without a time zone; taken as UTC" in parsed.audit[C.RULE][0]
    assert parsed.audit[C.REASON][0] == "naive times taken as UTC; declare dates.timezone"


def test_timezone_localises_naive_times_then_converts_to_utc():
    # London is UTC+0 in January and UTC+1 (BST) in July; offsets in the text are kept.
    parsed = _parse(
        ["2023-01-15 10:00", "2023-07-15 10:00", "2023-07-15 10:00+02:00"],
        timezone="Europe/London",
    )
    assert parsed.values.tolist() == _utc(
        "2023-01-15 10:00", "2023-07-15 09:00", "2023-07-15 08:00"
    )
    assert parsed.audit[C.STEP].tolist() == ["timestamps:timezone"]
    assert (
        "2 of 3 rows hold times without an offset; read as Europe/London" in parsed.audit[C.RULE][0]
    )


def test_daylight_saving_times_are_resolved_and_audited():
    # 2023-03-26 01:30 does not exist in London (01:00 -> 02:00 BST): shifted to 02:00 BST
    # = 01:00 UTC. 2023-10-29 01:30 happens twice: the first (BST) is 00:30 UTC.
    parsed = _parse(["2023-03-26 01:30", "2023-10-29 01:30"], timezone="Europe/London")
    assert parsed.values.tolist() == _utc("2023-03-26 01:00", "2023-10-29 00:30")
    steps = parsed.audit.set_index(C.STEP)[C.RULE]
    rule = steps["timestamps:daylight_saving"]
    assert "1 rows in the hour repeated when clocks go back" in rule and "first rows 2" in rule
    assert "1 rows in the hour skipped when clocks go forward" in rule and "first rows 1" in rule
    assert parsed.audit[C.DROPPED].sum() == 0


def test_unknown_timezone_names_the_parameter_and_close_names():
    with pytest.raises(
        ParameterError, match=r"`timezone` 'Europe/Londn' is not an IANA .*Europe/London"
    ):
        _parse(["2023-01-01"], timezone="Europe/Londn")
    with pytest.raises(ParameterError, match=r"did you mean \['Europe/Paris'\]"):
        _parse(["2023-01-01"], timezone="Paris")


def test_conflicting_or_bad_options():
    with pytest.raises(ParameterError, match=r"either `date_format` or `dayfirst`, not both"):
        _parse(["2023-01-01"], date_format="%Y-%m-%d", dayfirst=True)
    with pytest.raises(ParameterError, match=r"`dayfirst` must be true, false or None; got 'yes'"):
        _parse(["2023-01-01"], dayfirst="yes")
    with pytest.raises(ParameterError, match=r"`date_format` must be a strptime format"):
        _parse(["2023-01-01"], date_format="dd/mm/yyyy")


def test_datetime_columns_are_localised_like_texts():
    naive = pd.Series(pd.to_datetime(["2023-07-15 10:00", None]), name=C.TIMESTAMP)
    parsed = dates.parse(naive, source="x.parquet", timezone="Europe/Berlin")
    assert parsed.values.iloc[0] == pd.Timestamp("2023-07-15 08:00", tz="UTC")  # CEST = UTC+2
    assert pd.isna(parsed.values.iloc[1])
    aware = pd.Series(pd.to_datetime(["2023-07-15 10:00+02:00"]), name=C.TIMESTAMP)
    result = dates.parse(aware, source="x.parquet")
    assert result.values.tolist() == _utc("2023-07-15 08:00") and result.audit.empty


def test_epochs_need_a_unit():
    with pytest.raises(DataValidationError, match=r"epoch numbers need timestamp_unit="):
        _parse(["1293876000"])
    assert _parse(["86400"], unit="s").values.tolist() == _utc("1970-01-02")


def _ddmm_export(tmp_path, rows: int = 2000, seed: int = 13):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01")
    minutes = rng.integers(0, 365 * 24 * 60, size=rows)
    moments = start + pd.to_timedelta(minutes, unit="min")
    path = tmp_path / "orders.csv"
    frame = pd.DataFrame(
        {
            "Order": [f"A{i}" for i in range(rows)],
            "Sku": rng.choice(["S1", "S2", "S3"], size=rows),
            "Qty": rng.integers(1, 5, size=rows),
            "Price": 2.5,
            "Date": moments.strftime("%d/%m/%Y %H:%M"),
        }
    )
    frame.to_csv(path, sep=";", index=False)
    return path, pd.Series(moments.tz_localize("UTC"), name=C.TIMESTAMP)


MAPPING = {
    C.INVOICE: "Order",
    C.ITEM: "Sku",
    C.QUANTITY: "Qty",
    C.UNIT_PRICE: "Price",
    C.TIMESTAMP: "Date",
}


def test_a_2000_row_ddmm_export_is_refused_then_read_exactly(tmp_path):
    path, expected = _ddmm_export(tmp_path)
    # How many rows would have been silently wrong: both fields <= 12 and different.
    day, month = expected.dt.day, expected.dt.month
    two_ways = int(((day <= 12) & (day != month)).sum())
    assert two_ways > 500
    with pytest.raises(
        AmbiguousDatesError, match=rf"{two_ways:,} of 2,000 rows .*suggest day-first"
    ):
        load_transactions(path, columns=MAPPING)
    for options in ({"dayfirst": True}, {"date_format": "%d/%m/%Y %H:%M"}):
        frame = load_transactions(path, columns=MAPPING, **options)
        pd.testing.assert_series_equal(frame[C.TIMESTAMP], expected.astype("datetime64[ns, UTC]"))
