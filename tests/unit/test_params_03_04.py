"""Tests of notebook 03.04's parameters."""

from __future__ import annotations

import pytest

from aftersales import params
from aftersales.errors import ParameterError


def test_defaults_and_the_boosting_grid():
    p = params.check("03.04")
    assert (p.dataset, p.churn_horizon_weeks, p.calibration_end) == ("online-retail", 13, "")
    # Every (learning rate, leaves) pair, rates outer.
    assert p.boosting_grid == ((0.05, 8), (0.05, 31), (0.1, 8), (0.1, 31))
    assert params.check("03.04", calibration_end="-13w").calibration_end == "-13w"
    assert params.check("03.04", calibration_end="2011-09-09").calibration_end == "2011-09-09"
    shown = repr(params.check("03.04", pseudonym_key="0123456789abcdef0123456789abcdef"))
    assert "0123456789abcdef" not in shown


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"dataset": "movielens-100k"}, "03.04 needs transactions"),
        ({"churn_horizon_weeks": 0}, "churn_horizon_weeks"),
        ({"calibration_end": "soon"}, "calibration_end"),
        ({"logistic_c": []}, "logistic_c"),
        ({"logistic_c": [0.0]}, "logistic_c"),
        ({"boosting_leaves": [1]}, "boosting_leaves"),
        ({"validation_share": 1.0}, "validation_share"),
        ({"contact_min_risk": 1.5}, "contact_min_risk"),
        ({"horizon": 13}, "horizon"),
    ],
)
def test_bad_values_are_named(values, pattern):
    with pytest.raises(ParameterError, match=pattern):
        params.check("03.04", **values)
