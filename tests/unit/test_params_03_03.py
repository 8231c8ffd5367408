"""Tests of notebook 03.03's parameters."""

from __future__ import annotations

import pytest

from aftersales import params
from aftersales.errors import ParameterError


def test_defaults_are_small_and_valid():
    p = params.check("03.03")
    assert p.dataset == "online-retail"
    assert p.n_resamples == 200 and p.review_quantile == 0.95 and p.review_min_purchases == 5
    assert p.preparation().dataset == "online-retail"
    assert (p.preparation().returns, p.gross_preparation().returns) == ("net", "ignore")
    assert p.gross_preparation().extreme_quantity_rule == p.preparation().extreme_quantity_rule
    shown = repr(params.check("03.03", pseudonym_key="0123456789abcdef0123456789abcdef"))
    assert "0123456789abcdef" not in shown


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"dataset": "movielens-100k"}, "03.03 needs transactions"),
        ({"review_quantile": 1.0}, "review_quantile"),
        ({"review_min_purchases": 0}, "review_min_purchases"),
        ({"n_resamples": 0}, "n_resamples"),
        ({"label_items": 101}, "label_items"),
        ({"top_items": 2.5}, "top_items"),
        ({"returns": "ignore"}, "`returns` must be 'net'"),
    ],
)
def test_bad_values_name_the_parameter(values, pattern):
    with pytest.raises(ParameterError, match=pattern):
        params.check("03.03", **values)
