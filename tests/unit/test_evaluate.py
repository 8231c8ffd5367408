from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from surprise import SVD, BaselineOnly, Dataset, Reader, accuracy

from aftersales import columns as C
from aftersales import evaluate as E
from aftersales import metrics as M
from aftersales import stats as S
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError

# ---------------------------------------------------------------------------- stats


def test_holm_hand_example() -> None:
    # sorted: 0.005 x4 = 0.02, 0.01 x3 = 0.03, 0.03 x2 = 0.06, 0.04 x1 = 0.04 -> running
    # max keeps 0.06; in input order: [0.03, 0.06, 0.06, 0.02]
    adjusted = S.holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02])
    # NaN stays NaN and does not count: m = 2, sorted 0.2 x2 = 0.4, 0.6 x1 = 0.6
    np.testing.assert_allclose(S.holm([0.6, np.nan, 0.2]), [0.6, np.nan, 0.4])
    # capped at 1: 0.7 x2 = 1.4 -> 1, then max(1.4, 0.9) -> 1
    np.testing.assert_allclose(S.holm([0.9, 0.7]), [1.0, 1.0])
    assert S.holm([]).shape == (0,)
    with pytest.raises(ParameterError, match=r"\[0, 1\]"):
        S.holm([0.5, 1.5])


def test_paired_test_matches_scipy_and_handles_degenerate_cases() -> None:
    x = np.array([0.9, 1.1, 0.7, 1.4, 1.0, 0.8, 1.3])
    y = np.array([1.0, 1.0, 0.9, 1.0, 1.2, 0.5, 1.0])
    test = S.paired_test(x, y)
    assert test.n == 7
    assert test.mean_difference == pytest.approx(np.mean(x - y))
    assert test.wilcoxon_p == pytest.approx(sps.wilcoxon(x, y).pvalue)
    assert test.t_p == pytest.approx(sps.ttest_rel(x, y).pvalue)
    same = S.paired_test(x, x)
    assert (same.wilcoxon_p, same.t_p, same.mean_difference) == (1.0, 1.0, 0.0)
    shifted = S.paired_test(x + 0.5, x)  # every difference is +0.5
    assert shifted.t_p == 0.0 and shifted.t_statistic == np.inf
    with pytest.raises(DataValidationError, match="at least two pairs"):
        S.paired_test([1.0], [2.0])
    with pytest.raises(DataValidationError, match="one length"):
        S.paired_test([1.0, 2.0], [2.0])


def test_bootstrap_mean_ci_agrees_with_scipy_percentile_bootstrap() -> None:
    sample = np.random.default_rng(0).normal(size=40)
    ours = S.bootstrap_mean_ci(sample, n_resamples=20_000, seed=1)
    reference = sps.bootstrap(
        (sample,), np.mean, n_resamples=20_000, method="percentile", rng=np.random.default_rng(2)
    ).confidence_interval
    # Half-width is about 0.3; Monte Carlo error of the quantiles about 0.005.
    assert ours[0] == pytest.approx(reference.low, abs=0.02)
    assert ours[1] == pytest.approx(reference.high, abs=0.02)
    assert S.bootstrap_mean_ci(sample, seed=3) == S.bootstrap_mean_ci(sample, seed=3)
    assert S.bootstrap_mean_ci(np.full(5, 0.25), seed=0) == (0.25, 0.25)


def test_bootstrap_ci_of_a_ratio_statistic_resamples_users() -> None:
    # Per-user [sse, n]; RMSE = sqrt(sum sse / sum n). Replicates reuse resample_weights.
    components = np.array([[1.5, 3], [4.0, 2], [0.04, 1], [0.5, 2], [2.0, 4]])

    def statistic(sums: np.ndarray) -> np.ndarray:
        return np.sqrt(sums[..., 0] / sums[..., 1])

    low, high = S.bootstrap_ci([components], statistic, n_resamples=500, seed=4)
    weights = S.resample_weights(5, n_resamples=500, seed=np.random.default_rng(4))
    assert (low, high) == S.percentile_interval(statistic(weights @ components))
    assert np.all(weights.sum(axis=1) == 5)
    point = float(statistic(components.sum(axis=0)))
    assert low < point < high
    with pytest.raises(ParameterError, match="level"):
        S.bootstrap_ci([components], statistic, level=1.5, seed=0)
    with pytest.raises(ParameterError, match="n_resamples"):
        S.bootstrap_ci([components], statistic, n_resamples=0, seed=0)


# ---------------------------------------------------------------------- experiments


def ratings() -> pd.DataFrame:
    # 8 users x 10 items, each user rates 7 items; ratings depend on user and item.
    generator = np.random.default_rng(5)
    rows = []
    for user in range(8):
        for item in generator.choice(10, size=7, replace=False):
            rows.append((user, int(item), float(np.clip(round(1 + (user + item) % 5), 1, 5))))
    return pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.RATING])


def two_folds() -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    frame = ratings()
    fold = (frame.groupby(C.USER).cumcount() % 2).to_numpy()  # alternate rows per user
    test_mask = [(fold == f) & (frame.groupby(C.USER).cumcount() < 4).to_numpy() for f in (0, 1)]
    return [(frame.loc[~mask], frame.loc[mask]) for mask in test_mask]


def rank_all(algo, users: np.ndarray, k: int) -> pd.DataFrame:
    """Rank every unseen training item by its Surprise estimate (small data only)."""
    trainset = algo.trainset
    items = [trainset.to_raw_iid(i) for i in trainset.all_items()]
    pairs = pd.MultiIndex.from_product([users, items], names=[C.USER, C.ITEM]).to_frame(index=False)
    seen = pd.MultiIndex.from_tuples(
        [(trainset.to_raw_uid(u), trainset.to_raw_iid(i)) for u, i, _ in trainset.all_ratings()]
    )
    pairs = pairs.loc[~pd.MultiIndex.from_frame(pairs).isin(seen)]
    scored = M.predictions_to_frame(
        algo.test(list(zip(pairs[C.USER], pairs[C.ITEM], [0.0] * len(pairs), strict=True)))
    )
    scored = scored.sort_values([C.USER, C.ESTIMATE, C.ITEM], ascending=[True, False, True])
    scored[C.RANK] = scored.groupby(C.USER).cumcount() + 1
    return scored.loc[scored[C.RANK] <= k, [C.USER, C.ITEM, C.RANK]]


def fit(algo, train: pd.DataFrame):
    reader = Reader(rating_scale=(1, 5))
    return algo.fit(Dataset.load_from_df(train, reader).build_full_trainset())


def test_run_experiment_rating_metrics_equal_surprise() -> None:
    train, test = two_folds()[0]
    baseline = BaselineOnly(verbose=False)
    models = {"baseline": baseline, "svd": lambda: SVD(random_state=0, n_epochs=5)}
    result = E.run_experiment(models, (train, test), n_resamples=200, progress=False)
    assert not hasattr(baseline, "trainset")  # the caller's algorithm stays unfitted
    assert tuple(result.summary.columns) == E.SUMMARY_COLUMNS
    assert tuple(result.per_user.columns) == E.PER_USER_COLUMNS
    assert tuple(result.timings.columns) == E.TIMING_COLUMNS
    assert list(result.timings[C.MODEL]) == ["baseline", "svd"]
    assert (result.timings[[C.FIT_TIME, C.PREDICT_TIME]] > 0).all().all()
    assert result.timings[C.RANK_TIME].isna().all()
    testset = list(zip(test[C.USER], test[C.ITEM], test[C.RATING], strict=True))
    for label, algo in (
        ("baseline", BaselineOnly(verbose=False)),
        ("svd", SVD(random_state=0, n_epochs=5)),
    ):
        predictions = fit(algo, train).test(testset)
        summary = result.summary.set_index([C.MODEL, C.METRIC])
        expected = {
            "rmse": accuracy.rmse(predictions, verbose=False),
            "mae": accuracy.mae(predictions, verbose=False),
            "fcp": accuracy.fcp(predictions, verbose=False),
        }
        for metric, value in expected.items():
            row = summary.loc[(label, metric)]
            assert row[C.MEAN] == pytest.approx(value)
            assert row[C.CI_LOW] <= row[C.MEAN] <= row[C.CI_HIGH]
        per_user = result.per_user
        mine = per_user.loc[(per_user[C.MODEL] == label) & (per_user[C.METRIC] == "rmse")]
        direct = M.rmse(M.predictions_to_frame(predictions)).per_user
        np.testing.assert_allclose(mine[C.VALUE].to_numpy(), direct.to_numpy())
        assert list(mine[C.USER]) == list(direct.index)
    assert result.summary[C.K].isna().all()


def test_run_experiment_k_folds_and_ranking() -> None:
    folds = [SimpleNamespace(train=train, test=test) for train, test in two_folds()]
    result = E.run_experiment(
        {"baseline": lambda: BaselineOnly(verbose=False)},
        folds,
        rank_fn=rank_all,
        ks=[3, 2],
        threshold=3.0,
        n_resamples=200,
        progress=False,
    )
    assert set(result.per_user[C.FOLD]) == {0, 1}
    assert set(result.summary[C.METRIC]) == set(M.METRICS)
    assert list(result.summary.loc[result.summary[C.METRIC] == "ndcg", C.K]) == [2, 3]
    per_fold = result.per_fold.set_index([C.FOLD, C.METRIC, C.K])
    for fold, (train, test) in enumerate(two_folds()):
        algo = fit(BaselineOnly(verbose=False), train)
        users = np.intersect1d(test[C.USER].unique(), train[C.USER].unique())
        recs = rank_all(algo, users, 3)
        direct = M.ndcg_at_k(recs, test, k=2, threshold=3.0)
        assert per_fold.loc[(fold, "ndcg", 2), C.VALUE] == pytest.approx(direct.value)
        assert per_fold.loc[(fold, "ndcg", 2), C.N_EXCLUDED] == direct.n_excluded
        coverage = M.catalogue_coverage(recs, k=3, catalogue=train).value
        assert per_fold.loc[(fold, "coverage", 3), C.VALUE] == pytest.approx(coverage)
    summary = result.summary.set_index([C.METRIC, C.K])
    # The summary mean is the mean over folds of each fold's value.
    expected = result.per_fold.loc[result.per_fold[C.METRIC] == "recall"].groupby(C.K)[C.VALUE]
    for k, mean in expected.mean().items():
        assert summary.loc[("recall", k), C.MEAN] == pytest.approx(mean)
    assert np.isnan(summary.loc[("coverage", 2), C.CI_LOW])  # no per-user decomposition
    assert (result.timings[C.RANK_TIME] > 0).all()


def test_list_metrics_only_skip_rating_predictions() -> None:
    result = E.run_experiment(
        {"baseline": BaselineOnly(verbose=False)},
        two_folds()[0],
        rank_fn=rank_all,
        ks=2,
        metrics=["coverage"],
        progress=False,
    )
    assert result.timings[C.PREDICT_TIME].isna().all()
    assert result.per_user.empty and tuple(result.per_user.columns) == E.PER_USER_COLUMNS
    assert list(result.summary[C.METRIC]) == ["coverage"]
    assert result.per_fold[C.VALUE].between(0, 1).all()


def test_coverage_and_novelty_of_the_runner_equal_the_metrics_on_the_lists() -> None:
    # run_experiment computes the catalogue and the item popularity once a fold; each value
    # must equal the metric computed from the training frame on the model's own lists.
    train, test = two_folds()[0]
    algo = BaselineOnly(verbose=False)
    result = E.run_experiment(
        {"baseline": algo},
        (train, test),
        rank_fn=rank_all,
        ks=[1, 2, 3],
        metrics=["coverage", "novelty"],
        progress=False,
    )
    fitted = BaselineOnly(verbose=False).fit(
        Dataset.load_from_df(
            train[[C.USER, C.ITEM, C.RATING]], Reader(rating_scale=(1, 5))
        ).build_full_trainset()
    )
    users = pd.Index(test[C.USER].unique()).intersection(pd.Index(train[C.USER].unique()))
    recs = rank_all(fitted, users.to_numpy(), 3)
    values = result.per_fold.set_index([C.METRIC, C.K])[C.VALUE]
    for k in (1, 2, 3):
        assert values[("coverage", k)] == M.catalogue_coverage(recs, k=k, catalogue=train).value
        assert values[("novelty", k)] == M.novelty(recs, train, k=k).value


def test_intervals_are_seeded_and_do_not_depend_on_other_models() -> None:
    protocol = two_folds()[0]
    alone = E.run_experiment(
        {"baseline": BaselineOnly(verbose=False)}, protocol, n_resamples=300, progress=False
    )
    both = E.run_experiment(
        {"svd": SVD(random_state=0, n_epochs=5), "baseline": BaselineOnly(verbose=False)},
        protocol,
        n_resamples=300,
        progress=False,
    )
    again = E.run_experiment(
        {"baseline": BaselineOnly(verbose=False)}, protocol, n_resamples=300, progress=False
    )
    other = E.run_experiment(
        {"baseline": BaselineOnly(verbose=False)},
        protocol,
        n_resamples=300,
        progress=False,
        seed=9,
    )
    baseline = both.summary.loc[both.summary[C.MODEL] == "baseline"].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.summary, baseline)
    pd.testing.assert_frame_equal(alone.summary, again.summary)
    assert not alone.summary[C.CI_LOW].equals(other.summary[C.CI_LOW])


def test_progress_bar_can_be_switched_off(capsys: pytest.CaptureFixture[str]) -> None:
    models = {"baseline": BaselineOnly(verbose=False)}
    E.run_experiment(models, two_folds()[0], n_resamples=10, progress=True)
    assert "evaluate" in capsys.readouterr().err
    E.run_experiment(models, two_folds()[0], n_resamples=10, progress=False)
    assert capsys.readouterr().err == ""


def test_run_experiment_bad_inputs() -> None:
    models = {"baseline": BaselineOnly(verbose=False)}
    train, test = two_folds()[0]
    with pytest.raises(ParameterError, match="rank_fn"):
        E.run_experiment(models, (train, test), metrics=["ndcg"], progress=False)
    with pytest.raises(UnknownNameError, match="expected one of"):
        E.run_experiment(models, (train, test), metrics=["nDCG"], progress=False)
    with pytest.raises(ParameterError, match=r"models\['bad'\]"):
        E.run_experiment({"bad": 42}, (train, test), progress=False)
    with pytest.raises(ParameterError, match="non-empty mapping"):
        E.run_experiment({}, (train, test), progress=False)
    with pytest.raises(ParameterError, match="`protocol`"):
        E.run_experiment(models, train, progress=False)
    with pytest.raises(ParameterError, match="no fold"):
        E.run_experiment(models, [], progress=False)
    with pytest.raises(DataValidationError, match="fold 0 `test`: has no data rows"):
        E.run_experiment(models, (train, test.iloc[:0]), progress=False)
    with pytest.raises(ParameterError, match="`ks`"):
        E.run_experiment(models, (train, test), rank_fn=rank_all, ks=0, progress=False)
    with pytest.raises(ParameterError, match="`level`"):
        E.run_experiment(models, (train, test), level=95, progress=False)


# ---------------------------------------------------------------------- significance


def per_user_frame() -> pd.DataFrame:
    # 16 users; "good" has the lowest RMSE, "close" is 0.02 worse on most users, "bad"
    # 0.5 + 0.01 * user worse. (With ties and more than 13 pairs, scipy's Wilcoxon uses
    # the normal approximation; with 13 or fewer it enumerates 2**n sign flips, slowly.)
    users = np.arange(16)
    good = 0.8 + 0.05 * (users % 4)
    close = good + np.where(users % 4 == 0, -0.01, 0.02)  # mean +0.0125
    bad = good + 0.5 + 0.01 * users
    frames = [
        pd.DataFrame({C.MODEL: name, C.FOLD: 0, C.USER: users, C.VALUE: values})
        for name, values in (("bad", bad), ("good", good), ("close", close))
    ]
    frame = pd.concat(frames, ignore_index=True).assign(**{C.METRIC: "rmse", C.K: pd.NA})
    return frame.astype({C.K: "Int64"})[list(E.PER_USER_COLUMNS)]


def test_significance_against_the_best_with_holm() -> None:
    frame = per_user_frame()
    result = E.significance(frame)
    assert tuple(result.columns) == E.SIGNIFICANCE_COLUMNS
    assert set(result[C.BEST]) == {"good"}  # lower RMSE is better
    assert list(result[C.MODEL].unique()) == ["bad", "close"]
    wide = frame.pivot(index=C.USER, columns=C.MODEL, values=C.VALUE)
    raw = {("wilcoxon", m): sps.wilcoxon(wide[m], wide["good"]).pvalue for m in ("bad", "close")}
    raw |= {("t-test", m): sps.ttest_rel(wide[m], wide["good"]).pvalue for m in ("bad", "close")}
    for test in ("wilcoxon", "t-test"):
        rows = result.loc[result[C.TEST] == test].set_index(C.MODEL)
        p = np.array([raw[(test, "bad")], raw[(test, "close")]])
        np.testing.assert_allclose(rows.loc[["bad", "close"], C.P_VALUE], p)
        np.testing.assert_allclose(rows.loc[["bad", "close"], C.P_ADJUSTED], S.holm(p))
        assert rows.loc["bad", C.SIGNIFICANT]
        assert rows.loc["bad", C.DIFFERENCE] == pytest.approx(0.5 + 0.01 * 7.5)
        assert rows.loc["bad", C.N_PAIRS] == 16
    # With a summary, the best is taken from its means (here pretending "close" won).
    summary = pd.DataFrame(
        {
            C.MODEL: ["bad", "good", "close"],
            C.METRIC: "rmse",
            C.K: pd.array([pd.NA] * 3, dtype="Int64"),
            C.MEAN: [1.5, 0.9, 0.85],
        }
    )
    assert set(E.significance(frame, summary=summary)[C.BEST]) == {"close"}


def test_significance_against_a_reference_model() -> None:
    # Every model against "bad" (a baseline), not against the best: scipy's tests, Holm.
    frame = per_user_frame()
    result = E.significance(frame, reference="bad")
    assert set(result[C.BEST]) == {"bad"}
    assert list(result[C.MODEL].unique()) == ["good", "close"]
    wide = frame.pivot(index=C.USER, columns=C.MODEL, values=C.VALUE)
    rows = result.loc[result[C.TEST] == "t-test"].set_index(C.MODEL)
    p = np.array([sps.ttest_rel(wide[m], wide["bad"]).pvalue for m in ("good", "close")])
    np.testing.assert_allclose(rows.loc[["good", "close"], C.P_VALUE], p)
    np.testing.assert_allclose(rows.loc[["good", "close"], C.P_ADJUSTED], S.holm(p))
    assert rows.loc["good", C.DIFFERENCE] == pytest.approx(-(0.5 + 0.01 * 7.5))
    with pytest.raises(DataValidationError, match="`reference` 'popularity' has no rows"):
        E.significance(frame, reference="popularity")


def test_significance_bad_inputs() -> None:
    frame = per_user_frame()
    with pytest.raises(DataValidationError, match="1 model"):
        E.significance(frame.loc[frame[C.MODEL] == "good"])
    with pytest.raises(DataValidationError, match="need at least 20"):
        E.significance(frame, min_pairs=20)
    few = frame.loc[(frame[C.MODEL] != "bad") | (frame[C.USER] < 3)]
    with pytest.raises(DataValidationError, match=r"'bad' against 'good'.*: 3 users"):
        E.significance(few)
    with pytest.raises(DataValidationError, match="no row for metric 'ndcg'"):
        E.significance(frame, metrics=["ndcg"])
    with pytest.raises(ParameterError, match="min_pairs"):
        E.significance(frame, min_pairs=1)
