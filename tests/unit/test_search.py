from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from surprise import SVD, Dataset, KNNBasic, Reader
from surprise.model_selection import GridSearchCV, KFold

from aftersales import columns as C
from aftersales import evaluate
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.models import make


def _ratings() -> pd.DataFrame:
    # 24 ratings of 6 users on 5 items; every rating 1..5 appears, so the scale is (1, 5)
    rng = np.random.default_rng(3)
    users = np.repeat(np.arange(6), 4)
    items = np.concatenate([rng.choice(5, 4, replace=False) for _ in range(6)])
    ratings = np.array([5, 4, 1, 2, 3, 3, 4, 5, 1, 1, 2, 4, 5, 5, 3, 2, 4, 3, 2, 1, 5, 4, 3, 2])
    return pd.DataFrame({C.USER: users, C.ITEM: items, C.RATING: ratings.astype(float)})


GRID = {"n_factors": [2, 5], "reg_all": [0.02, 0.2], "n_epochs": [3]}


# ---------------------------------------------------------------------------- grid checks


def test_check_grid_copies_and_lists():
    grid = {"n_factors": (2, 5)}
    checked = evaluate.check_grid("SVD", grid)
    assert checked == {"n_factors": [2, 5]}
    assert grid == {"n_factors": (2, 5)}  # not modified
    knn = evaluate.check_grid("KNNBasic", {"k": [5], "sim_options": {"name": ["msd", "cosine"]}})
    assert knn["sim_options"] == {"name": ["msd", "cosine"]}
    # Surprise's order: the last parameter varies fastest; option dicts expanded
    combos = evaluate.grid_combinations(knn)
    assert combos == [
        {"k": 5, "sim_options": {"name": "msd"}},
        {"k": 5, "sim_options": {"name": "cosine"}},
    ]


@pytest.mark.parametrize(
    ("model", "grid", "error", "pattern"),
    [
        ("SVD", {"n_factor": [2]}, ParameterError, r"unknown parameter\(s\) 'n_factor'.*n_factors"),
        ("SVD", {}, ParameterError, "non-empty mapping.*valid parameters: n_factors"),
        ("SVD", {"n_factors": []}, ParameterError, r"`n_factors` must be a non-empty list"),
        ("SVD", {"n_factors": 5}, ParameterError, r"`n_factors` must be a non-empty list"),
        ("SVD", {"n_factors": [5, 5]}, ParameterError, "repeats a value"),
        ("SVD", {"n_factors": [0]}, ParameterError, "integer >= 1"),
        ("SVD", {"random_state": [1]}, ParameterError, "seed"),
        ("KNNBasic", {"sim_options": {"nam": ["msd"]}}, ParameterError, "valid keys: name"),
        ("KNNBasic", {"sim_options": ["msd"]}, ParameterError, "map each option"),
        ("KNNBasic", {"sim_options": {"name": ["jaccard"]}}, UnknownNameError, "msd"),
        ("SVDD", {"n_factors": [2]}, UnknownNameError, "valid models: NormalPredictor"),
    ],
)
def test_check_grid_errors(model, grid, error, pattern):
    with pytest.raises(error, match=pattern):
        evaluate.check_grid(model, grid)


# ---------------------------------------------------------------------------- search


def test_grid_search_equals_surprise_gridsearchcv():
    frame = _ratings()
    before = frame.copy()
    result = evaluate.search(frame, "SVD", GRID, cv=3, seed=4)
    pd.testing.assert_frame_equal(frame, before)
    # Surprise's own search: same folds (KFold random_state=4), same seeded SVD
    data = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5)))
    theirs = GridSearchCV(
        SVD, {**GRID, "random_state": [4]}, measures=["rmse", "mae"], cv=KFold(3, random_state=4)
    )
    theirs.fit(data)
    for metric in ("rmse", "mae"):
        part = result.results[result.results[C.METRIC] == metric]
        np.testing.assert_allclose(part[C.MEAN], theirs.cv_results[f"mean_test_{metric}"])
        np.testing.assert_allclose(part[C.STD], theirs.cv_results[f"std_test_{metric}"])
        assert list(part[C.RANK]) == list(theirs.cv_results[f"rank_test_{metric}"])
        best = dict(theirs.best_params[metric])
        del best["random_state"]
        assert result.best_params[metric] == best
        assert part.loc[part[C.BEST], C.COMBINATION].tolist() == [theirs.best_index[metric]]
    assert result.parameters == ["n_factors", "reg_all", "n_epochs"]
    assert len(result.results) == 2 * 4
    first = result.results.iloc[0]
    assert first[C.SETTING] == "n_factors=2, reg_all=0.02, n_epochs=3"
    assert (result.results[C.FIT_TIME] >= 0).all()


def test_random_search_is_seeded_and_samples_without_replacement():
    frame = _ratings()
    state = np.random.get_state()[1].copy()  # noqa: NPY002 -- checking the global state
    a = evaluate.search(frame, "SVD", GRID, kind="random", n_iter=3, cv=2, seed=1)
    b = evaluate.search(frame, "SVD", GRID, kind="random", n_iter=3, cv=2, seed=1)
    untouched = np.random.get_state()[1]  # noqa: NPY002 -- Surprise would draw from it
    np.testing.assert_array_equal(untouched, state)
    pd.testing.assert_frame_equal(
        a.results.drop(columns=[C.FIT_TIME, C.PREDICT_TIME]),
        b.results.drop(columns=[C.FIT_TIME, C.PREDICT_TIME]),
    )
    settings = a.results.loc[a.results[C.METRIC] == "rmse", C.SETTING]
    assert settings.is_unique and len(settings) == 3
    grid = [", ".join(f"{k}={v}" for k, v in c.items()) for c in evaluate.grid_combinations(GRID)]
    assert set(settings) <= set(grid)
    # the same combinations searched exhaustively give the same scores
    chosen = a.cv_results["params"]
    data = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5)))
    for position, params in enumerate(chosen):  # three combinations
        single = GridSearchCV(
            SVD,
            {**{k: [v] for k, v in params.items()}, "random_state": [1]},
            cv=KFold(2, random_state=1),
        )
        single.fit(data)
        rmse = a.results[(a.results[C.METRIC] == "rmse") & (a.results[C.COMBINATION] == position)]
        assert rmse[C.MEAN].item() == pytest.approx(single.cv_results["mean_test_rmse"][0])


def test_search_with_options_flattens_them():
    frame = _ratings()
    grid = {"k": [2, 3], "sim_options": {"name": ["msd", "cosine"], "user_based": [False]}}
    result = evaluate.search(frame, "KNNBasic", grid, cv=2, seed=0)
    assert result.parameters == ["k", "sim_options.name", "sim_options.user_based"]
    data = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5)))
    theirs = GridSearchCV(
        KNNBasic, {**grid, "verbose": [False]}, measures=["rmse"], cv=KFold(2, random_state=0)
    )
    theirs.fit(data)
    rmse = result.results[result.results[C.METRIC] == "rmse"]
    np.testing.assert_allclose(rmse[C.MEAN], theirs.cv_results["mean_test_rmse"])


def test_search_errors():
    frame = _ratings()
    with pytest.raises(ParameterError, match=r"`kind` is 'bayes'; choose one of \['grid'"):
        evaluate.search(frame, "SVD", GRID, kind="bayes")
    with pytest.raises(ParameterError, match="only 4 combination"):
        evaluate.search(frame, "SVD", GRID, kind="random", n_iter=5)
    with pytest.raises(ParameterError, match="`cv` must be an integer >= 2"):
        evaluate.search(frame, "SVD", GRID, cv=1)
    with pytest.raises(ParameterError, match="`n_jobs` must not be 0"):
        evaluate.search(frame, "SVD", GRID, n_jobs=0)
    with pytest.raises(DataValidationError, match="rating"):
        evaluate.search(frame.drop(columns=[C.RATING]), "SVD", GRID)


# ---------------------------------------------------------------------------- tables


def test_comparison_table_from_an_experiment():
    frame = _ratings()
    split = (frame.iloc[:18], frame.iloc[18:])
    models = {
        "BaselineOnly": make("BaselineOnly", seed=0),
        "SVD": make("SVD", {"n_epochs": 3}, seed=0),
    }
    experiment = evaluate.run_experiment(
        models,
        [split, (frame.iloc[6:], frame.iloc[:6])],
        metrics=["rmse", "mae"],
        n_resamples=20,
        progress=False,
    )
    table = evaluate.accuracy_and_time(experiment)
    assert list(table.columns) == [C.MODEL, "rmse", "mae", C.FIT_TIME, C.PREDICT_TIME]
    assert list(table[C.MODEL]) == ["BaselineOnly", "SVD"]
    summary = experiment.summary.set_index([C.MODEL, C.METRIC])[C.MEAN]
    assert table.loc[1, "rmse"] == summary[("SVD", "rmse")]
    # the mean over the two folds of each fold's fit time
    fits = experiment.timings[experiment.timings[C.MODEL] == "SVD"][C.FIT_TIME]
    assert table.loc[1, C.FIT_TIME] == pytest.approx(fits.mean())
    with pytest.raises(DataValidationError, match=r"metric\(s\) \['fcp'\] not in the experiment"):
        evaluate.accuracy_and_time(experiment, metrics=["rmse", "fcp"])


def _fake_result() -> evaluate.SearchResult:
    # 2 x 2 x 2 grid over a, b, c; rmse = a + b / 10 + c / 100, so
    # min over c of (a, b): a + b / 10 + 0.01 (c=1 is the smaller)
    rows = []
    position = 0
    for a in (1, 2):
        for b in (10, 20):
            for c in (1, 2):
                rows.append((position, a, b, c, a + b / 10 + c / 100))
                position += 1
    frame = pd.DataFrame(rows, columns=[C.COMBINATION, "a", "b", "c", C.MEAN])
    frame[C.SETTING] = [f"a={a}, b={b}, c={c}" for _, a, b, c, _ in rows]
    frame[C.METRIC] = "rmse"
    frame[C.STD] = 0.5
    frame[C.RANK] = frame[C.MEAN].rank(method="first").astype("int64")
    frame[C.BEST] = frame[C.RANK] == 1
    frame[C.FIT_TIME] = 0.1
    frame[C.PREDICT_TIME] = 0.01
    columns = [C.COMBINATION, "a", "b", "c", C.SETTING, C.METRIC, C.MEAN, C.STD, C.RANK, C.BEST]
    return evaluate.SearchResult(
        "SVD", "grid", frame[[*columns, C.FIT_TIME, C.PREDICT_TIME]], {}, {}
    )


def test_search_slice_takes_the_best_over_the_other_parameters():
    result = _fake_result()
    assert result.parameters == ["a", "b", "c"]
    table = evaluate.search_slice(result, rows="a", columns="b")
    expected = pd.DataFrame([[2.01, 3.01], [3.01, 4.01]], index=[1, 2], columns=[10, 20])
    np.testing.assert_allclose(table.to_numpy(), expected.to_numpy())
    assert list(table.index) == [1, 2] and list(table.columns) == [10, 20]
    with pytest.raises(ParameterError, match=r"`d` was not searched; searched parameters: \['a'"):
        evaluate.search_slice(result, rows="d", columns="b")
    with pytest.raises(ParameterError, match="must differ"):
        evaluate.search_slice(result, rows="a", columns="a")
    with pytest.raises(ParameterError, match="`metric` is 'fcp'"):
        evaluate.search_slice(result, rows="a", columns="b", metric="fcp")


def test_search_ranking_sorts_and_adds_one_std_bars():
    ranking = evaluate.search_ranking(_fake_result())
    assert list(ranking[C.RANK]) == list(range(1, 9))
    assert ranking[C.MEAN].is_monotonic_increasing
    assert ranking.loc[0, C.SETTING] == "a=1, b=10, c=1"
    # mean 1 + 1 + 0.01 = 2.01, std 0.5
    assert (ranking.loc[0, C.CI_LOW], ranking.loc[0, C.CI_HIGH]) == pytest.approx((1.51, 2.51))


def test_evaluation_protocol_is_the_split_or_surprise_folds():
    frame = _ratings()
    split = SimpleNamespace(train=frame.iloc[:20], test=frame.iloc[20:])
    assert evaluate.evaluation_protocol(frame, split, folds=1, seed=0) is split
    folds = evaluate.evaluation_protocol(frame, split, folds=3, seed=5)
    data = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5)))
    theirs = list(KFold(3, random_state=5).split(data))
    assert [len(f.test) for f in folds] == [8, 8, 8]
    for ours, (_, testset) in zip(folds, theirs, strict=True):
        rows = list(ours.test[[C.USER, C.ITEM, C.RATING]].itertuples(index=False, name=None))
        assert rows == [(u, i, r) for u, i, r in testset]
    with pytest.raises(ParameterError, match="`folds` must be an integer >= 1; got 0"):
        evaluate.evaluation_protocol(frame, split, folds=0, seed=0)


# ---------------------------------------------------------------------------- figures


def test_figures_draw_the_data_they_are_given():
    from matplotlib.collections import PathCollection

    from aftersales.plots import evaluation as plots_eval

    result = _fake_result()
    heat = plots_eval.search_heatmap(result, rows="a", columns="b")
    image = heat.axes[0].get_images()[0].get_array()
    np.testing.assert_allclose(image, [[2.01, 3.01], [3.01, 4.01]])
    assert "best over c" in heat.axes[0].get_title()
    bars = plots_eval.search_bars(result, top=3)
    widths = [patch.get_width() for patch in bars.axes[0].patches]
    # a=1,b=10: c=1 2.01, c=2 2.02; then a=1,b=20,c=1 and a=2,b=10,c=1 tie at 3.01
    np.testing.assert_allclose(widths, [2.01, 2.02, 3.01])  # the three best, best first
    comparison = pd.DataFrame(
        {
            C.MODEL: ["SVD", "SVD", "NMF", "NMF"],
            C.METRIC: ["rmse", "mae", "rmse", "mae"],
            C.OURS: [0.935, 0.737, 0.962, 0.758],
            C.PUBLISHED: [0.934, 0.737, 0.963, 0.758],
        }
    )
    paired = plots_eval.published_bars(comparison)
    widths = sorted(patch.get_width() for patch in paired.axes[0].patches)
    assert widths == sorted([0.935, 0.962, 0.934, 0.963])  # rmse only, ours and published
    table = pd.DataFrame(
        {
            C.MODEL: ["A", "B"],
            "rmse": [0.9, 1.0],
            C.FIT_TIME: [0.5, 2.0],
            C.PREDICT_TIME: [0.1, 0.2],
        }
    )
    scatter = plots_eval.tradeoff(
        table, x=C.FIT_TIME, y="rmse", label=C.MODEL, title="t", xlabel="s", ylabel="RMSE"
    )
    points = next(c for c in scatter.axes[0].collections if isinstance(c, PathCollection))
    np.testing.assert_allclose(points.get_offsets(), [[0.5, 0.9], [2.0, 1.0]])
    plain = plots_eval.tradeoff(
        table,
        x=C.FIT_TIME,
        y="rmse",
        label=C.MODEL,
        title="t",
        xlabel="s",
        ylabel="RMSE",
        plain_ticks=True,
    )
    plain.canvas.draw()  # tick labels are made when drawn
    shown = [t.get_text() for t in plain.axes[0].get_xticklabels() if t.get_text()]
    assert "0.5" in shown and "1" in shown and "2" in shown  # 1, 2, 5 x 10^n, plain
    times = plots_eval.fit_predict_times(table)
    assert sorted(p.get_width() for p in times.axes[0].patches) == [0.1, 0.2, 0.5, 2.0]
    with pytest.raises(DataValidationError, match="missing"):
        plots_eval.published_bars(comparison.drop(columns=[C.OURS]))
