"""Parameters of notebook 04.00 (aftersales.params.nb_04_00)."""

from __future__ import annotations

import pytest

from aftersales import params
from aftersales.errors import ParameterError


def check(**values):
    return params.check("04.00", **values)


def test_defaults_are_a_small_valid_comparison() -> None:
    p = check()
    assert p.dataset == "movielens-100k" and p.k in p.ks
    assert p.rating_models == ("BaselineOnly", "SVD", "KNNBaseline")
    assert p.ranking_models == ("popularity", "ease")
    assert (p.grouping, p.verb, p.kind) == ("activity", "rated", "ratings")
    assert p.model_params["KNNBaseline"]["sim_options"]["user_based"] is False
    assert "pseudonym_key" not in repr(check(pseudonym_key="secret-key-0123456789"))


def test_online_retail_groups_by_segment_and_buys() -> None:
    p = check(dataset="online-retail", models=["SVD", "fbt", "itemknn"], model_params={})
    assert (p.grouping, p.verb) == ("segment", "bought")
    assert p.ranking_models == ("fbt", "itemknn")
    assert check(dataset="online-retail", groups="activity").grouping == "activity"


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"models": ["SVD", "svd"]}, r"`models`: \['svd'\] not allowed"),
        ({"models": ["SVD"], "model_params": {}}, r"`models` must name at least two models"),
        ({"models": ["SVD", "SVD"], "model_params": {}}, r"`models` repeats a name"),
        ({"model_params": {"NMF": {}}}, r"`model_params` has entries for \['NMF'\]"),
        ({"model_params": {"SVD": {"n_factor": 5}}}, r"`model_params`: .*n_factor"),
        ({"model_params": {"ease": {"regularization": -1.0}}}, r"`model_params`: .*regularization"),
        ({"ks": [1, 10]}, r"`ks` must hold list lengths >= 2"),
        ({"ks": []}, r"`ks` must hold list lengths >= 2"),
        ({"k": 7}, r"`k` \(7\) must be one of `ks` \[5, 10, 20\]"),
        ({"k": 1}, r"`k` must lie in \[2, 1000\]"),
        ({"export_model": "NMF"}, r"`export_model` is 'NMF'; use 'best' or one of `models`"),
        ({"groups": "segment"}, r"`groups` is 'segment', but 'movielens-100k' holds ratings"),
        ({"groups": "country"}, r"`groups` is 'country'; choose one of"),
        ({"choose_by": "rmse"}, r"`choose_by` is 'rmse'; choose one of"),
        ({"n_resamples": 5}, r"`n_resamples` must lie in \[10, 20000\]"),
        ({"alpha": 1.0}, r"`alpha` must lie in \(0, 1\)"),
        ({"export_k": 0}, r"`export_k` must lie in \[1, 100\]"),
        ({"activity_buckets": 1}, r"`activity_buckets` must lie in \[2, 20\]"),
        ({"export_raw_ids": "no"}, r"`export_raw_ids` must be true or false"),
    ],
)
def test_bad_values_name_the_parameter(values, pattern) -> None:
    with pytest.raises(ParameterError, match=pattern):
        check(**values)
