"""Tests of the model registry: names, Surprise defaults, parameters, seeds, errors."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
import surprise

from aftersales import columns as C
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import (
    MODEL_NAMES,
    SIMILARITIES,
    SeededNormalPredictor,
    default_params,
    make,
)


@pytest.fixture(scope="module")
def trainset() -> surprise.Trainset:
    # 12 ratings, 4 users x 4 items
    frame = pd.DataFrame(
        {
            C.USER: ["a", "a", "a", "b", "b", "b", "c", "c", "c", "d", "d", "d"],
            C.ITEM: [1, 2, 3, 1, 2, 4, 2, 3, 4, 1, 3, 4],
            C.RATING: [5.0, 3.0, 4.0, 4.0, 2.0, 1.0, 3.0, 5.0, 2.0, 1.0, 4.0, 5.0],
        }
    )
    data = surprise.Dataset.load_from_df(frame, surprise.Reader(rating_scale=(1, 5)))
    return data.build_full_trainset()


def _settings(algo: surprise.AlgoBase) -> dict:
    # cache_ratings (SVDpp) changes the speed of fit only, not its result (test_pairs.py)
    skip = ("verbose", "random_state", "cache_ratings")
    return {k: v for k, v in vars(algo).items() if k not in skip}


def test_registry_lists_every_surprise_algorithm():
    assert set(MODEL_NAMES) == {
        "NormalPredictor",
        "BaselineOnly",
        "KNNBasic",
        "KNNWithMeans",
        "KNNWithZScore",
        "KNNBaseline",
        "SVD",
        "SVDpp",
        "NMF",
        "SlopeOne",
        "CoClustering",
    }


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_defaults_are_surprises_own(name):
    made = make(name, seed=0)
    plain = getattr(surprise, name)()
    assert isinstance(made, type(plain))
    assert _settings(made) == _settings(plain)


def test_normal_predictor_is_the_seeded_subclass():
    made = make("NormalPredictor", seed=7)
    assert isinstance(made, SeededNormalPredictor)
    assert made.random_state == 7


def test_params_by_name_and_caller_dict_untouched():
    params = {
        "k": 25,
        "min_k": 2,
        "sim_options": {"name": "pearson_baseline", "shrinkage": 50},
        "bsl_options": {"method": "sgd", "n_epochs": 5, "learning_rate": 0.01},
    }
    before = copy.deepcopy(params)
    made = make("KNNBaseline", params, seed=0)
    assert (made.k, made.min_k) == (25, 2)
    # Surprise adds user_based=True into sim_options; it must land in our copy only
    assert made.sim_options == {"name": "pearson_baseline", "shrinkage": 50, "user_based": True}
    assert made.bsl_options == {"method": "sgd", "n_epochs": 5, "learning_rate": 0.01}
    assert params == before
    assert made.sim_options is not params["sim_options"]


def test_models_do_not_share_option_dicts():
    # Surprise's `sim_options={}` default is one dict shared by every instance
    first, second = make("KNNBasic", seed=0), make("KNNBasic", seed=0)
    assert first.sim_options is not second.sim_options
    assert first.bsl_options is not second.bsl_options


def test_verbose_defaults_to_false_but_can_be_set():
    assert make("KNNBasic", seed=0).verbose is False
    assert make("KNNBasic", {"verbose": True}, seed=0).verbose is True


def test_default_params_come_from_the_signature():
    svd = default_params("SVD")
    assert svd["n_factors"] == 100 and svd["lr_all"] == 0.005 and svd["lr_bu"] is None
    assert "random_state" not in svd
    assert default_params("KNNBasic") == {
        "k": 40,
        "min_k": 1,
        "sim_options": {},
        "verbose": True,
        "bsl_options": {},
    }
    assert default_params("SlopeOne") == {}


@pytest.mark.parametrize("name", ["SVD", "SVDpp", "NMF", "CoClustering", "NormalPredictor"])
def test_seed_is_passed_to_stochastic_models(name, trainset):
    params = {"n_epochs": 3} if name != "NormalPredictor" else {}
    assert make(name, params, seed=11).random_state == 11

    def fitted(seed):
        algo = make(name, params, seed=seed).fit(trainset)
        return [algo.predict(u, i, clip=False).est for u in "abcd" for i in (1, 2, 3, 4)]

    assert fitted(3) == fitted(3)
    assert fitted(3) != fitted(4)


def test_generator_seed_becomes_an_integer_random_state():
    made = make("SVD", seed=np.random.default_rng(5))
    expected = int(np.random.default_rng(5).integers(0, 2**31 - 1))
    assert made.random_state == expected


def test_seeded_normal_predictor_is_reproducible_and_leaves_numpy_alone(trainset):
    # Surprise's NormalPredictor draws from the legacy global generator; ours must not
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    algo = make("NormalPredictor", seed=1).fit(trainset)
    pairs = [(u, i) for u in ["a", "b", "c", "d", "stranger"] for i in [1, 2, 3, 4, 99]]
    first = [algo.predict(u, i, clip=False).est for u, i in pairs]
    again = [algo.predict(u, i, clip=False).est for u, i in reversed(pairs)][::-1]
    refit = make("NormalPredictor", seed=1).fit(trainset)
    other = make("NormalPredictor", seed=2).fit(trainset)
    assert first == again  # a pair's draw does not depend on what was drawn before
    assert first == [refit.predict(u, i, clip=False).est for u, i in pairs]
    assert first != [other.predict(u, i, clip=False).est for u, i in pairs]
    assert len(set(first)) == len(first)  # unknown ids get their own draws too
    np.testing.assert_array_equal(np.random.get_state()[1], before)  # noqa: NPY002


def test_seeded_normal_predictor_draws_from_the_fitted_normal(trainset):
    algo = make("NormalPredictor", seed=0).fit(trainset)
    ratings = np.array([r for (_, _, r) in trainset.all_ratings()])
    # mu and sigma as Surprise fits them: mean and population standard deviation
    assert algo.trainset.global_mean == pytest.approx(ratings.mean())
    assert algo.sigma == pytest.approx(ratings.std())
    draws = np.array(
        [algo.predict(f"u{u}", f"i{i}", clip=False).est for u in range(60) for i in range(60)]
    )
    n = draws.size
    assert abs(draws.mean() - ratings.mean()) < 4 * ratings.std() / np.sqrt(n)
    assert draws.std() == pytest.approx(ratings.std(), rel=0.05)


def test_unknown_model_lists_the_valid_ones():
    with pytest.raises(UnknownNameError, match="unknown model 'SVDPlusPlus'") as info:
        make("SVDPlusPlus", seed=0)
    assert all(name in str(info.value) for name in MODEL_NAMES)
    assert isinstance(info.value, KeyError)


def test_unknown_parameter_lists_the_valid_ones():
    with pytest.raises(ParameterError, match="'n_factor'") as info:
        make("SVD", {"n_factor": 10}, seed=0)
    assert "n_factors" in str(info.value) and "reg_all" in str(info.value)
    with pytest.raises(ParameterError, match="valid parameters: none"):
        make("SlopeOne", {"k": 3}, seed=0)
    with pytest.raises(ParameterError, match="bsl_options"):
        make("SVD", {"bsl_options": {}}, seed=0)  # only the k-NN family reads it


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("KNNBasic", {"k": "40"}, "`k` must be an integer >= 1"),
        ("KNNBasic", {"k": 0}, "`k` must be an integer >= 1"),
        ("KNNBasic", {"k": True}, "`k` must be an integer"),
        ("KNNBasic", {"min_k": 0}, "KNNBasic divides by zero"),
        ("KNNWithMeans", {"min_k": -1}, "`min_k` must be an integer >= 0"),
        ("SVD", {"biased": 1}, "`biased` must be True or False"),
        ("SVD", {"lr_all": "fast"}, "`lr_all` must be a finite number"),
        ("SVD", {"reg_all": float("nan")}, "`reg_all` must be a finite number"),
        ("KNNBasic", {"sim_options": "cosine"}, "`sim_options` must be a mapping"),
        ("SVD", {"random_state": 3}, "pass the seed through `seed`"),
    ],
)
def test_mistyped_parameter_is_named(name, params, message):
    with pytest.raises(ParameterError, match=message):
        make(name, params, seed=0)


def test_none_is_a_valid_value_where_surprise_defaults_to_none():
    assert make("SVD", {"lr_bu": None, "lr_bi": 0.01}, seed=0).lr_bi == 0.01


def test_unknown_similarity_names_the_valid_ones():
    with pytest.raises(UnknownNameError, match="'jaccard'") as info:
        make("KNNBasic", {"sim_options": {"name": "jaccard"}}, seed=0)
    assert all(sim in str(info.value) for sim in SIMILARITIES)


def test_similarity_name_is_case_insensitive_like_surprise(trainset):
    upper = make("KNNBasic", {"sim_options": {"name": "Pearson"}}, seed=0).fit(trainset)
    lower = make("KNNBasic", {"sim_options": {"name": "pearson"}}, seed=0).fit(trainset)
    np.testing.assert_array_equal(upper.sim, lower.sim)


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"sim_options": {"user-based": False}}, ParameterError, "valid keys: name, user_based"),
        ({"sim_options": {"user_based": "no"}}, ParameterError, "must be True or False"),
        ({"sim_options": {"min_support": -1}}, ParameterError, "min_support"),
        ({"sim_options": {"shrinkage": -5}}, ParameterError, "shrinkage"),
        ({"bsl_options": {"method": "adam"}}, UnknownNameError, "valid methods: als, sgd"),
        ({"bsl_options": {"learning_rate": 0.1}}, ParameterError, "for method 'als'"),
        ({"bsl_options": {"method": "sgd", "reg_u": 1}}, ParameterError, "learning_rate"),
        ({"bsl_options": {"n_epochs": 2.5}}, ParameterError, "integer >= 0"),
    ],
)
def test_bad_option_keys_and_values_are_named(options, error, message):
    with pytest.raises(error, match=message):
        make("KNNBaseline", options, seed=0)


def test_invalid_seed_is_refused():
    with pytest.raises(ParameterError, match="seed"):
        make("SVD", seed=-1)
    with pytest.raises(ParameterError, match="seed"):
        make("KNNBasic", seed=None)
