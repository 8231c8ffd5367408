"""Tests of the parameters of notebook 02.02 (implicit top-N)."""

from __future__ import annotations

import pytest

from aftersales import params
from aftersales.errors import ParameterError


def test_defaults_are_the_small_movielens_run():
    p = params.check("02.02")
    assert p.dataset == "movielens-100k"
    assert (p.split_method, p.test_size) == ("item_stratified", 0.25)
    assert p.reference_protocol is False
    assert p.topn_models == ("popularity", "itemknn", "ease", "als")
    assert set(p.topn_grids) <= set(p.topn_models)
    assert p.list_lengths == [1, 5, 10, 20]
    assert p.relevance_threshold is None
    assert p.transactions is False
    assert "pseudonym_key" not in repr(p)


def test_derived_values():
    p = params.check("02.02", k=15, curve_ks=[20, 5], rating_threshold=4.0)
    assert p.list_lengths == [5, 15, 20]
    assert p.relevance_threshold == 4.0
    retail = params.check(
        "02.02", dataset="online-retail", topn_grids={}, popularity_group="none", test_months=2
    )
    assert retail.transactions is True
    assert retail.test_months == 2


def test_the_reference_protocol_is_movielens_at_ten():
    assert params.check("02.02", reference_protocol=True).reference_protocol is True
    with pytest.raises(ParameterError, match=r"`reference_protocol`.*'online-retail'"):
        params.check("02.02", dataset="online-retail", reference_protocol=True)
    with pytest.raises(ParameterError, match=r"`k` must be 10.*got 5"):
        params.check("02.02", reference_protocol=True, k=5)


@pytest.mark.parametrize(
    ("grids", "message"),
    [
        ({"bpr": {"factors": [8]}}, r"`topn_grids\['bpr'\]`.*not in `topn_models`"),
        ({"ease": {"lambda": [1.0]}}, r"`topn_grids\['ease'\]`: unknown parameter 'lambda'"),
        ({"ease": {"regularization": []}}, r"non-empty list"),
        ({"ease": {"regularization": [100.0, 0.0]}}, r"`regularization` must be .*> 0; got 0.0"),
        ({"als": {"factors": [0]}}, r"`factors` must be an integer >= 1"),
        ({"ease": [100.0]}, r"must map parameter names"),
    ],
)
def test_bad_grids_name_the_parameter(grids, message):
    with pytest.raises(ParameterError, match=message):
        params.check("02.02", topn_grids=grids)


def test_other_bad_values():
    with pytest.raises(ParameterError, match=r"`topn_models`.*distinct"):
        params.check("02.02", topn_models=["ease", "ease"], topn_grids={})
    with pytest.raises(ParameterError, match="`topn_models`"):
        params.check("02.02", topn_models=["svd"], topn_grids={})
    with pytest.raises(ParameterError, match="`curve_ks` must list positive integers"):
        params.check("02.02", curve_ks=[])
    with pytest.raises(ParameterError, match="`curve_ks\\[0\\]`"):
        params.check("02.02", curve_ks=[0.5])
    with pytest.raises(ParameterError, match=r"`rating_threshold` applies to ratings"):
        params.check("02.02", dataset="online-retail", topn_grids={}, rating_threshold=4.0)
    with pytest.raises(ParameterError, match=r"`rating_threshold` must lie in \[0, 100\]"):
        params.check("02.02", rating_threshold=-1.0)
    with pytest.raises(ParameterError, match="`popularity_group`"):
        params.check("02.02", popularity_group="segment")
    with pytest.raises(ParameterError, match="`test_months`"):
        params.check("02.02", test_months=0)
    with pytest.raises(ParameterError, match="`validation_metric`"):
        params.check("02.02", validation_metric="rmse")
