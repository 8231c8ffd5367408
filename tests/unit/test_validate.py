import numpy as np
import pandas as pd
import pytest

from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError


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


# scalar checks: one parameter each, a ParameterError naming it


def test_boolean_accepts_numpy_bools_and_refuses_one():
    assert validate.boolean(np.bool_(True), "binary") is True
    with pytest.raises(ParameterError, match=r"^`binary` must be True or False; got 1$"):
        validate.boolean(1, "binary")


def test_integer_bounds_and_plain_messages():
    assert validate.integer(np.int64(0), "n", low=0) == 0
    assert validate.integer(5, "n", high=5) == 5
    with pytest.raises(ParameterError, match=r"^`n` must be an integer >= 1; got 0$"):
        validate.integer(np.int64(0), "n")  # shown as 0, not np.int64(0)
    with pytest.raises(ParameterError, match=r"`n` must be at most 1,000 .*; got 1001$"):
        validate.integer(1001, "n", high=1000)
    with pytest.raises(ParameterError, match="integer >= 1; got True"):
        validate.integer(True, "n")


@pytest.mark.parametrize("value", [0, -3, 2.0, "3", False])
def test_positive_int_refuses(value):
    with pytest.raises(ParameterError, match=r"^`k` must be a positive integer; got "):
        validate.positive_int(value, "k")


def test_positive_int_returns_a_python_int():
    value = validate.positive_int(np.int32(7), "k")
    assert value == 7
    assert type(value) is int


@pytest.mark.parametrize(
    ("value", "bounds", "message"),
    [
        (0.0, {}, r"`x` must be a finite number > 0; got 0.0$"),
        (-1, {"strict": False}, r"`x` must be a finite number >= 0; got -1$"),
        (float("nan"), {"low": None}, r"`x` must be a finite number; got nan$"),
        (1.0, {"low": -1.0, "strict": False, "high": 1.0}, r"in \[-1, 1\); got 1.0$"),
        (0.5, {"low": 0.5, "high": 2.0}, r"in \(0.5, 2\); got 0.5$"),
        (True, {"low": None}, r"finite number; got True$"),
    ],
)
def test_number_refuses_out_of_range(value, bounds, message):
    with pytest.raises(ParameterError, match=message):
        validate.number(value, "x", **bounds)


def test_number_accepts_the_closed_bound_and_returns_a_float():
    assert validate.number(0, "x", strict=False) == 0.0
    assert validate.number(np.float32(0.25), "x", low=-1.0, strict=False, high=1.0) == 0.25
    assert type(validate.number(3, "x")) is float


def test_did_you_mean_pairs_several_names_and_skips_far_ones():
    known = ["n_clusters", "seed", "top_k"]
    assert validate.did_you_mean(["sed", "topk"], known) == (
        " did you mean `seed` for `sed`, `top_k` for `topk`?"
    )
    assert validate.did_you_mean(["colour"], known) == ""  # nothing within ratio 0.6
    assert validate.did_you_mean(["zzz", "n_cluster"], known) == (
        " did you mean `n_clusters` for `n_cluster`?"
    )
