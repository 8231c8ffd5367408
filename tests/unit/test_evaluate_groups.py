"""Per-group breakdowns, markers and merged experiments (aftersales.evaluate._groups, combine)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.stats as sps
from surprise import BaselineOnly, KNNBasic

from aftersales import columns as C
from aftersales import evaluate as E
from aftersales import models
from aftersales.errors import DataValidationError, ParameterError, RankingOnlyError
from aftersales.models import recommend


def per_user(rows: list[tuple]) -> pd.DataFrame:
    """(model, fold, user, metric, k, value) tuples -> a per-user frame."""
    frame = pd.DataFrame(rows, columns=list(E.PER_USER_COLUMNS))
    return frame.astype({C.K: "Int64", C.VALUE: "float64"})


# ---------------------------------------------------------------------- activity buckets


def test_activity_buckets_cut_at_quantiles_and_label_the_range() -> None:
    # users a..h have 1..8 training rows; the median of the counts is 4.5, the quartiles
    # 2.75, 4.5 and 6.25.
    users = [u for n, u in enumerate("abcdefgh", start=1) for _ in range(n)]
    train = pd.DataFrame({C.USER: users, C.ITEM: range(len(users))})
    two = E.activity_buckets(train, n_buckets=2)
    assert two.name == C.GROUP and list(two.index) == list("abcdefgh")
    assert list(two.cat.categories) == ["1-4", "5-8"] and two.cat.ordered
    assert list(two.astype(str)) == ["1-4"] * 4 + ["5-8"] * 4
    four = E.activity_buckets(train, n_buckets=4)
    assert list(four.astype(str)) == ["1-2", "1-2", "3-4", "3-4", "5-6", "5-6", "7-8", "7-8"]
    same = pd.DataFrame({C.USER: ["x", "x", "y", "y"], C.ITEM: [1, 2, 1, 2]})
    assert list(E.activity_buckets(same).astype(str)) == ["2-2", "2-2"]  # one bucket


def test_activity_buckets_bad_inputs() -> None:
    train = pd.DataFrame({C.USER: ["a"], C.ITEM: [1]})
    for bad in (1, 0, 2.5, True):
        with pytest.raises(ParameterError, match="`n_buckets` must be an integer >= 2"):
            E.activity_buckets(train, n_buckets=bad)
    with pytest.raises(DataValidationError, match="user_id"):
        E.activity_buckets(train.drop(columns=C.USER))
    with pytest.raises(DataValidationError, match="no data rows"):
        E.activity_buckets(train.iloc[:0])


# ---------------------------------------------------------------------- group summary


def test_group_summary_averages_folds_then_users() -> None:
    # u1 has ndcg 1.0 on fold 0 and 0.0 on fold 1 -> 0.5; group A = {u1, u2}, B = {u3};
    # u9 has no group and is left out.
    frame = per_user(
        [
            ("m1", 0, "u1", "ndcg", 10, 1.0),
            ("m1", 1, "u1", "ndcg", 10, 0.0),
            ("m1", 0, "u2", "ndcg", 10, 0.25),
            ("m1", 0, "u3", "ndcg", 10, 0.75),
            ("m1", 0, "u9", "ndcg", 10, 0.9),
            ("m2", 0, "u1", "ndcg", 10, 0.0),
            ("m2", 0, "u2", "ndcg", 10, 0.0),
            ("m2", 0, "u3", "ndcg", 10, 1.0),
            ("m1", 0, "u1", "rmse", None, 2.0),
            ("m1", 0, "u1", "ndcg", 5, 0.3),
        ]
    )
    groups = pd.Series({"u1": "A", "u2": "A", "u3": "B"})
    table = E.group_summary(frame, groups, metrics=["ndcg"], k=10, n_resamples=50, seed=1)
    assert tuple(table.columns) == E.GROUP_SUMMARY_COLUMNS
    assert list(zip(table[C.GROUP], table[C.MODEL], strict=True)) == [
        ("A", "m1"),
        ("A", "m2"),
        ("B", "m1"),
        ("B", "m2"),
    ]
    # A, m1: mean of 0.5 (u1 over folds) and 0.25 = 0.375; A, m2: 0; B: 0.75 and 1.0.
    np.testing.assert_allclose(table[C.MEAN], [0.375, 0.0, 0.75, 1.0])
    assert list(table[C.N_USERS]) == [2, 2, 1, 1]
    assert (table[C.CI_LOW] >= [0.25, 0, 0.75, 1.0]).all()
    assert (table[C.CI_HIGH] <= [0.5, 0, 0.75, 1.0]).all()
    again = E.group_summary(frame, groups, metrics=["ndcg"], k=10, n_resamples=50, seed=1)
    pd.testing.assert_frame_equal(table, again)
    # A categorical keeps its order; rating metrics (no k) are kept by a k filter.
    ordered = groups.astype(pd.CategoricalDtype(["B", "A"], ordered=True))
    both = E.group_summary(frame, ordered, k=10, n_resamples=20)
    assert list(dict.fromkeys(both[C.GROUP])) == ["B", "A"]
    assert set(both[C.METRIC]) == {"ndcg", "rmse"}


def test_group_summary_bad_inputs() -> None:
    frame = per_user([("m1", 0, "u1", "ndcg", 10, 1.0)])
    with pytest.raises(DataValidationError, match="no user in common"):
        E.group_summary(frame, pd.Series({"other": "A"}))
    with pytest.raises(ParameterError, match="`groups` must be a Series"):
        E.group_summary(frame, {"u1": "A"})
    with pytest.raises(DataValidationError, match="missing column"):
        E.group_summary(frame.drop(columns=C.FOLD), pd.Series({"u1": "A"}))


# ---------------------------------------------------------------------- best per group


def best_frame() -> tuple[pd.DataFrame, pd.Series]:
    # Group A (a1..a6): m1 beats m2 on every user by 0.1..0.6 (Wilcoxon exact, all six
    # differences positive: p = 2 / 2**6 = 0.03125); m3 is 0.1 everywhere.
    # Group B (b1..b6): m2 - m1 = +0.1, -0.2, +0.3, +0.4, +0.5, +0.6: the negative rank sum
    # is 2, and 3 of the 64 sign patterns have a rank sum <= 2 ({}, {1}, {2}): p = 6 / 64.
    # Group C (c1): one user, not tested with min_pairs = 2.
    m1_a = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    m1_b = np.full(6, 0.2)
    rows = []
    for i in range(6):
        rows += [
            ("m1", 0, f"a{i}", "ndcg", 10, m1_a[i]),
            ("m2", 0, f"a{i}", "ndcg", 10, m1_a[i] - 0.1 * (i + 1)),
            ("m3", 0, f"a{i}", "ndcg", 10, 0.1),
            ("m1", 0, f"b{i}", "ndcg", 10, m1_b[i]),
            ("m2", 0, f"b{i}", "ndcg", 10, m1_b[i] + [0.1, -0.2, 0.3, 0.4, 0.5, 0.6][i]),
            ("m3", 0, f"b{i}", "ndcg", 10, 0.0),
        ]
    rows += [(m, 0, "c0", "ndcg", 10, v) for m, v in (("m1", 0.3), ("m2", 0.6), ("m3", 0.0))]
    groups = pd.Series({**{f"a{i}": "A" for i in range(6)}, **{f"b{i}": "B" for i in range(6)}})
    return per_user(rows), pd.concat([groups, pd.Series({"c0": "C"})])


def test_best_per_group_with_wilcoxon_and_holm() -> None:
    frame, groups = best_frame()
    table = E.best_per_group(frame, groups, metric="ndcg", k=10, min_pairs=2)
    assert tuple(table.columns) == E.BEST_PER_GROUP_COLUMNS
    a, b, c = (table.iloc[i] for i in range(3))
    assert (a[C.GROUP], a[C.BEST], a[C.RUNNER_UP]) == ("A", "m1", "m2")
    assert a[C.MEAN] == pytest.approx(0.65) and a[C.RUNNER_UP_MEAN] == pytest.approx(0.3)
    assert a[C.DIFFERENCE] == pytest.approx(0.35) and a[C.N_PAIRS] == 6
    assert a[C.P_VALUE] == pytest.approx(2 / 64)
    assert (b[C.BEST], b[C.RUNNER_UP]) == ("m2", "m1")
    assert b[C.P_VALUE] == pytest.approx(6 / 64)
    assert b[C.P_VALUE] == pytest.approx(sps.wilcoxon([0.1, -0.2, 0.3, 0.4, 0.5, 0.6]).pvalue)
    # Holm over the two tested groups: 2 * 0.03125 = 0.0625, then max(0.0625, 0.09375).
    assert a[C.P_ADJUSTED] == pytest.approx(0.0625) and b[C.P_ADJUSTED] == pytest.approx(6 / 64)
    assert not a[C.SIGNIFICANT] and not b[C.SIGNIFICANT]
    assert (c[C.BEST], c[C.N_USERS], c[C.N_PAIRS]) == ("m2", 1, 1)
    assert np.isnan(c[C.P_VALUE]) and not c[C.SIGNIFICANT]
    loose = E.best_per_group(frame, groups, metric="ndcg", k=10, min_pairs=2, alpha=0.1)
    assert list(loose[C.SIGNIFICANT]) == [True, True, False]


def test_best_per_group_lower_is_better_for_rmse() -> None:
    rows = [(m, 0, f"u{i}", "rmse", None, v + i) for i in range(3) for m, v in (("a", 1), ("b", 0))]
    table = E.best_per_group(
        per_user(rows), pd.Series("G", index=["u0", "u1", "u2"]), metric="rmse"
    )
    assert (table.loc[0, C.BEST], table.loc[0, C.MEAN]) == ("b", 1.0)  # mean of 0, 1, 2
    assert table.loc[0, C.DIFFERENCE] == pytest.approx(-1.0)
    assert np.isnan(table.loc[0, C.P_VALUE])  # 3 pairs < min_pairs = 10


def test_best_per_group_bad_inputs() -> None:
    frame, groups = best_frame()
    with pytest.raises(ParameterError, match="`k` is required"):
        E.best_per_group(frame, groups, metric="ndcg")
    with pytest.raises(ParameterError, match="`alpha`"):
        E.best_per_group(frame, groups, metric="ndcg", k=10, alpha=1.5)
    with pytest.raises(ParameterError, match="`min_pairs`"):
        E.best_per_group(frame, groups, metric="ndcg", k=10, min_pairs=1)
    with pytest.raises(DataValidationError, match="group 'A' has 1 model"):
        E.best_per_group(frame.loc[frame[C.MODEL] == "m1"], groups, metric="ndcg", k=10)


# ---------------------------------------------------------------------- markers, best model


def test_mark_significance_and_best_model() -> None:
    summary = pd.DataFrame(
        {
            C.MODEL: ["a", "b", "c", "a", "b"],
            C.METRIC: ["ndcg"] * 3 + ["coverage"] * 2,
            C.K: pd.array([10] * 5, dtype="Int64"),
            C.MEAN: [0.5, 0.4, 0.1, 0.2, 0.3],
        }
    )
    tests = pd.DataFrame(
        {
            C.METRIC: "ndcg",
            C.K: pd.array([10] * 4, dtype="Int64"),
            C.MODEL: ["b", "c", "b", "c"],
            C.BEST: "a",
            C.TEST: ["wilcoxon", "wilcoxon", "t-test", "t-test"],
            C.SIGNIFICANT: [False, True, True, True],
        }
    )
    marked = E.mark_significance(summary, tests)
    assert list(marked[C.MARKER]) == ["best", "n.s.", "*", "", ""]
    assert list(E.mark_significance(summary, tests, test="t-test")[C.MARKER][:3]) == [
        "best",
        "*",
        "*",
    ]
    assert list(summary.columns) == [C.MODEL, C.METRIC, C.K, C.MEAN]  # not modified
    with pytest.raises(ParameterError, match="`test`"):
        E.mark_significance(summary, tests, test="anova")
    assert E.best_model(summary, metric="ndcg", k=10) == "a"
    assert E.best_model(summary, metric="coverage", k=10) == "b"
    with pytest.raises(DataValidationError, match="no row for metric 'ndcg' at k=5"):
        E.best_model(summary, metric="ndcg", k=5)


# ---------------------------------------------------------------------- merged experiments


def folds() -> tuple[pd.DataFrame, pd.DataFrame]:
    # 6 users x 8 items, every user rates 6 items; the last two of each user are the test.
    rows = [
        (u, i, float(1 + (u * 3 + i) % 5)) for u in range(6) for i in range(8) if (u + i) % 4 != 3
    ]
    frame = pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.RATING])
    last = frame.groupby(C.USER).cumcount(ascending=False) < 2
    return frame.loc[~last], frame.loc[last]


def test_combine_equals_a_joint_run() -> None:
    split = folds()
    models = {"base": BaselineOnly(verbose=False), "knn": KNNBasic(k=3, verbose=False)}
    options = {"rank_fn": recommend, "ks": [2, 3], "n_resamples": 30, "seed": 4}
    joint = E.run_experiment(models, split, progress=False, **options)
    parts = [E.run_experiment({n: m}, split, progress=False, **options) for n, m in models.items()]
    merged = E.combine(parts)
    pd.testing.assert_frame_equal(merged.summary, joint.summary)
    pd.testing.assert_frame_equal(
        merged.per_user.sort_values(list(E.PER_USER_COLUMNS[:5])).reset_index(drop=True),
        joint.per_user.sort_values(list(E.PER_USER_COLUMNS[:5])).reset_index(drop=True),
    )
    assert list(merged.timings[C.MODEL]) == ["base", "knn"]
    with pytest.raises(ParameterError, match=r"\['base'\] appear in more than one"):
        E.combine([parts[0], parts[0]])
    with pytest.raises(ParameterError, match="non-empty sequence"):
        E.combine([])


def test_ranking_only_models_run_on_list_metrics_and_merge() -> None:
    split = folds()
    popular = {"popularity": models.make("popularity", seed=0)}
    with pytest.raises(RankingOnlyError, match="ranks items only"):
        E.run_experiment(popular, split, rank_fn=recommend, progress=False)
    listed = E.run_experiment(
        popular,
        split,
        rank_fn=recommend,
        ks=2,
        metrics=["ndcg", "recall"],
        n_resamples=30,
        progress=False,
    )
    rated = E.run_experiment(
        {"base": BaselineOnly(verbose=False)},
        split,
        rank_fn=recommend,
        ks=2,
        metrics=["rmse", "ndcg", "recall"],
        n_resamples=30,
        progress=False,
    )
    merged = E.combine([rated, listed])
    assert list(zip(merged.summary[C.MODEL], merged.summary[C.METRIC], strict=True)) == [
        ("base", "rmse"),
        ("base", "recall"),
        ("popularity", "recall"),
        ("base", "ndcg"),
        ("popularity", "ndcg"),
    ]
    assert np.isnan(merged.timings.set_index(C.MODEL).loc["popularity", C.PREDICT_TIME])
