import pandas as pd
import pytest

from aftersales import validate
from aftersales.errors import DataValidationError


def test_numeric_names_column_count_and_first_rows():
    values = pd.Series(["4", "x", "3.5", "bad", None], name="rating")
    with pytest.raises(DataValidationError) as err:
        validate.numeric(values, source="r.csv")
    message = str(err.value)
    # rows 2 and 4 (1-based) are not numbers; the missing value is not a type error
    assert "r.csv" in message and "`rating`" in message and "2 rows fail" in message
    assert "row 2 value 'x'" in message and "row 4 value 'bad'" in message


def test_numeric_integer_rejects_fractions():
    with pytest.raises(DataValidationError, match=r"whole numbers; 1 rows fail \(first: row 2"):
        validate.numeric(pd.Series(["1", "2.5"], name="quantity"), source="t.csv", integer=True)
    out = validate.numeric(pd.Series(["1", "-3"], name="quantity"), source="t.csv", integer=True)
    assert out.dtype == "int64" and out.tolist() == [1, -3]


def test_within_scale():
    values = pd.Series([1.0, 5.0, 6.0, 0.5], name="rating")
    with pytest.raises(DataValidationError, match=r"\[1, 5\]; 2 rows fail \(first: row 3 value"):
        validate.within(values, 1, 5, source="r.csv")


def test_identifiers_strip_and_whole_floats():
    ids = validate.identifiers(
        pd.Series([17850.0, None, 12.0], name="c"), source="x", nullable=True
    )
    assert ids.tolist()[0] == "17850" and ids.tolist()[2] == "12" and pd.isna(ids.iloc[1])
    with pytest.raises(DataValidationError, match="must not be empty; 1 rows fail"):
        validate.identifiers(pd.Series([" a ", "  "], name="item_id"), source="x")


def test_timestamps_parse_and_refuse():
    parsed = validate.timestamps(pd.Series(["2011-01-02 10:00"], name="ts"), source="x")
    assert str(parsed.dtype) == "datetime64[ns, UTC]"
    assert parsed.iloc[0] == pd.Timestamp("2011-01-02 10:00", tz="UTC")
    with pytest.raises(DataValidationError, match="dates/times; 1 rows fail"):
        validate.timestamps(pd.Series(["2011-01-02", "yesterday"], name="ts"), source="x")
    epoch = validate.timestamps(pd.Series(["0", "86400"], name="ts"), source="x", unit="s")
    assert epoch.iloc[1] == pd.Timestamp("1970-01-02", tz="UTC")
