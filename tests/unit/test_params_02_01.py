import pytest

from aftersales import evaluate, params
from aftersales.errors import ParameterError, UnknownNameError


def check(**values):
    return params.check("02.01", **values)


def test_defaults_are_small_and_valid():
    p = check()
    assert p.dataset == "movielens-100k" and p.mf_folds == 1
    assert "SVDpp" not in p.mf_models and p.search_kind == "grid"
    assert p.published_protocol is False and p.published_models == evaluate.PUBLISHED_CI_MODELS
    assert p.preparation().dataset == "movielens-100k"


def test_real_run_values_are_accepted():
    p = check(
        published_protocol=True,
        published_models=[*evaluate.PUBLISHED_CI_MODELS, "SVDpp"],
        mf_models=["NormalPredictor", "BaselineOnly", "SVD", "SVDpp", "NMF"],
        search_grid={"n_factors": [20, 50], "lr_all": [0.005, 0.01], "reg_all": [0.02, 0.1]},
        search_kind="random",
        search_n_iter=8,
        search_folds=3,
        mf_folds=5,
    )
    assert p.published_models[-1] == "SVDpp" and p.search_n_iter == 8
    knn = check(
        search_model="KNNBasic",
        search_grid={"k": [10, 40], "sim_options": {"name": ["msd", "cosine"]}},
        heatmap_rows="k",
        heatmap_columns="sim_options.name",
    )
    assert knn.search_grid["sim_options"] == {"name": ["msd", "cosine"]}


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"search_grid": {"n_factor": [5]}}, r"`search_grid`: .*unknown parameter.*n_factors"),
        ({"search_grid": {"n_factors": []}}, "`search_grid`: .*non-empty list"),
        ({"search_grid": ["n_factors"]}, "`search_grid` must be a mapping"),
        ({"search_kind": "random", "search_n_iter": 5}, "holds 4 combination"),
        ({"heatmap_rows": "lr_all"}, r"`heatmap_rows` is 'lr_all'; choose a parameter"),
        ({"heatmap_columns": "n_factors"}, "must differ"),
        ({"factor_values": [5, 5]}, "`factor_values` must list distinct values"),
        ({"epoch_values": []}, "`epoch_values` must list distinct values"),
        ({"factor_values": [0, 5]}, r"`factor_values\[0\]` must lie in \[1, 1000\]; got 0"),
        ({"mf_models": ["SVD", "ALS"]}, r"\['ALS'\] not allowed"),
        ({"published_models": ["KNNWithZScore"]}, r"\['KNNWithZScore'\] not allowed"),
        ({"search_folds": 1}, r"`search_folds` must lie in \[2, 20\]"),
        ({"sweep_model": "KNNBasic"}, "choose one of"),
        ({"published_protocol": True, "dataset": "online-retail"}, "only with dataset"),
        ({"published_protocol": "yes"}, "must be true or false"),
    ],
)
def test_bad_values_are_named(values, pattern):
    with pytest.raises(ParameterError, match=pattern):
        check(**values)


def test_unknown_search_similarity():
    with pytest.raises(UnknownNameError, match="msd"):
        check(
            search_model="KNNBasic",
            search_grid={"k": [10], "sim_options": {"name": ["jaccard"]}},
            heatmap_rows="k",
            heatmap_columns="sim_options.name",
        )
