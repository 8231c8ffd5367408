"""The "buy again" parameters of notebook 04.00 (aftersales.params.nb_04_00)."""

from __future__ import annotations

import pytest

from aftersales import params
from aftersales.errors import ParameterError


def test_buy_again_defaults_and_online_retail() -> None:
    p = params.check("04.00")
    assert p.buy_again is False
    assert (p.buy_again_window_days, p.buy_again_tolerance_days) == (30, 7)
    q = params.check(
        "04.00", dataset="online-retail", buy_again=True, buy_again_cutoff="2011-11-09"
    )
    assert q.buy_again and q.buy_again_cutoff == "2011-11-09"


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"buy_again": True}, r"`buy_again` needs purchase dates"),
        ({"buy_again_window_days": 0}, r"buy_again_window_days"),
        ({"buy_again_window_days": 400}, r"buy_again_window_days"),
        ({"buy_again_tolerance_days": -1}, r"buy_again_tolerance_days"),
        ({"buy_again_shrinkage": -0.5}, r"buy_again_shrinkage"),
        ({"buy_again_lapse_intervals": -1.0}, r"buy_again_lapse_intervals"),
        ({"buy_again_cutoff": "next tuesday"}, r"`buy_again_cutoff` must be a date"),
    ],
)
def test_bad_buy_again_parameters_are_named(values: dict, pattern: str) -> None:
    with pytest.raises(ParameterError, match=pattern):
        params.check("04.00", **values)
