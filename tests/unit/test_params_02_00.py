"""Tests of notebook 02.00's parameters."""

from __future__ import annotations

import dataclasses

import pytest

from aftersales import params
from aftersales.errors import ParameterError
from aftersales.models import SIMILARITIES


def test_defaults_are_small_and_valid():
    p = params.check("02.00")
    assert p.dataset == "movielens-100k"
    assert p.bases == ("user", "item")
    assert p.similarities == SIMILARITIES
    assert p.sweep_k == (10, 20, 40, 80)
    assert p.preparation().dataset == "movielens-100k"
    # raw ids and keys stay out of the repr shown in the notebook
    shown = repr(params.check("02.00", example_customer="12346", pseudonym_key="k" * 16))
    assert "12346" not in shown and "kkkk" not in shown


def test_lists_become_tuples():
    p = params.check("02.00", similarities=["msd"], sweep_k=[5, 50], bases=["item"])
    assert p.similarities == ("msd",) and p.sweep_k == (5, 50) and p.bases == ("item",)


def test_unknown_similarity_lists_the_valid_ones():
    with pytest.raises(ParameterError, match=r"jaccard.*cosine.*msd.*pearson.*pearson_baseline"):
        params.check("02.00", similarities=["cosine", "jaccard"])


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"bases": []}, "`bases` must hold at least one"),
        ({"bases": ["users"]}, "not allowed"),
        ({"similarities": ["msd", "msd"]}, "repeats"),
        ({"sweep_k": [10, 0]}, r"`sweep_k\[1\]` must lie in \[1, 10000\]; got 0"),
        ({"sweep_k": []}, "at least one"),
        ({"knn_model": "SVD"}, "KNNBaseline"),
        ({"knn_min_k": 20, "sweep_k": [10, 40]}, "knn_min_k"),
        ({"example_basis": "user", "bases": ["item"]}, "example_basis"),
        ({"max_test_users": -1}, "max_test_users"),
        ({"usercf_min_similarity": 1.0}, "usercf_min_similarity"),
        ({"usercf_center": "yes"}, "true or false"),
        ({"top_k": 0}, "top_k"),
    ],
)
def test_bad_values_name_the_parameter(values, pattern):
    with pytest.raises(ParameterError, match=pattern):
        params.check("02.00", **values)


def test_example_basis_best_is_always_allowed():
    assert params.check("02.00", bases=["user"], example_basis="best").example_basis == "best"


def test_every_field_has_a_default():
    cls = params.REGISTRY["02.00"]
    fields = {f.name for f in dataclasses.fields(cls)}
    assert {"pseudonym_key", "example_customer", "output_dir", "seed", "dataset"} <= fields
