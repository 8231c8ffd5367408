import math

import numpy as np
import pandas as pd
import pytest
from surprise import BaselineOnly, Dataset, Reader, accuracy
from surprise.prediction_algorithms.predictions import Prediction

from aftersales import columns as C
from aftersales import metrics as M
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.metrics import _rating


def predictions_frame() -> pd.DataFrame:
    # u1: errors -0.5, +0.5, -1.0 -> SSE 1.5, SAE 2.0 (3 predictions)
    # u2: errors 0.0, +2.0        -> SSE 4.0, SAE 2.0 (2 predictions)
    # u3: error +0.2              -> SSE 0.04, SAE 0.2 (1 prediction)
    return pd.DataFrame(
        {
            C.USER: ["u1", "u1", "u1", "u2", "u2", "u3"],
            C.ITEM: ["i1", "i2", "i3", "i1", "i4", "i2"],
            C.RATING: [4.0, 2.0, 5.0, 3.0, 1.0, 3.0],
            C.ESTIMATE: [3.5, 2.5, 4.0, 3.0, 3.0, 3.2],
        }
    )


def as_predictions(frame: pd.DataFrame) -> list[Prediction]:
    return [
        Prediction(u, i, r, e, {})
        for u, i, r, e in frame[[C.USER, C.ITEM, C.RATING, C.ESTIMATE]].itertuples(index=False)
    ]


def test_rmse_and_mae_hand_example() -> None:
    frame = predictions_frame()
    result = M.rmse(frame)
    # total SSE 5.54 over 6 predictions -> sqrt(0.92333...) = 0.960902
    assert result.value == pytest.approx(math.sqrt(5.54 / 6))
    # per user: u1 sqrt(1.5/3), u2 sqrt(4/2), u3 0.2
    expected = pd.Series([math.sqrt(0.5), math.sqrt(2.0), 0.2], index=["u1", "u2", "u3"])
    np.testing.assert_allclose(result.per_user.to_numpy(), expected.to_numpy())
    assert list(result.per_user.index) == ["u1", "u2", "u3"]
    assert result.per_user.index.name == C.USER
    assert result.k is None and result.n_users == 3
    mae = M.mae(frame)
    # SAE 4.2 over 6 -> 0.7; per user 2/3, 1.0, 0.2
    assert mae.value == pytest.approx(0.7)
    np.testing.assert_allclose(mae.per_user.to_numpy(), [2 / 3, 1.0, 0.2])


def test_fcp_hand_example_follows_surprise_conventions() -> None:
    frame = predictions_frame()
    result = M.fcp(frame)
    # u1: (i1 4/3.5, i2 2/2.5), (i1, i3 5/4.0), (i2, i3): all concordant -> nc 3, nd 0
    # u2: (i1 3/3.0, i4 1/3.0): tied estimates count as discordant -> nc 0, nd 1
    # u3: one prediction, no pair -> excluded.
    # Surprise: mean nc over users with nc > 0 = 3, mean nd over users with nd > 0 = 1
    # -> 3 / (3 + 1) = 0.75
    assert result.value == pytest.approx(0.75)
    assert result.per_user.to_dict() == {"u1": 1.0, "u2": 0.0}
    assert result.n_excluded == 1


def test_rating_metrics_equal_surprise_on_hand_frame() -> None:
    frame = predictions_frame()
    predictions = as_predictions(frame)
    results = M.rating_metrics(frame)
    assert results["rmse"].value == pytest.approx(accuracy.rmse(predictions, verbose=False))
    assert results["mae"].value == pytest.approx(accuracy.mae(predictions, verbose=False))
    assert results["fcp"].value == pytest.approx(accuracy.fcp(predictions, verbose=False))


def test_rating_metrics_equal_surprise_on_fitted_algorithm() -> None:
    generator = np.random.default_rng(3)
    n = 120
    ratings = pd.DataFrame(
        {
            C.USER: generator.integers(0, 6, n),
            C.ITEM: generator.integers(0, 30, n),
            C.RATING: generator.integers(1, 6, n).astype("float64"),
        }
    ).drop_duplicates([C.USER, C.ITEM])
    train, test = ratings.iloc[:70], ratings.iloc[70:]
    assert test[C.USER].nunique() >= 4 and len(test) >= 15
    trainset = Dataset.load_from_df(train, Reader(rating_scale=(1, 5))).build_full_trainset()
    algo = BaselineOnly(verbose=False).fit(trainset)
    predictions = algo.test(list(zip(test[C.USER], test[C.ITEM], test[C.RATING], strict=True)))
    frame = M.predictions_to_frame(predictions)
    assert list(frame.columns) == [C.USER, C.ITEM, C.RATING, C.ESTIMATE]
    assert len(frame) == len(predictions)
    results = M.rating_metrics(frame)
    assert results["rmse"].value == pytest.approx(accuracy.rmse(predictions, verbose=False))
    assert results["mae"].value == pytest.approx(accuracy.mae(predictions, verbose=False))
    assert results["fcp"].value == pytest.approx(accuracy.fcp(predictions, verbose=False))


def test_fcp_pair_batches_match_surprise_with_ties(monkeypatch: pytest.MonkeyPatch) -> None:
    generator = np.random.default_rng(7)
    n = 200
    frame = pd.DataFrame(
        {
            C.USER: generator.integers(0, 15, n),
            C.ITEM: np.arange(n),
            C.RATING: generator.integers(1, 6, n).astype("float64"),
            # Estimates on a coarse grid so that ties occur.
            C.ESTIMATE: generator.integers(2, 9, n) / 2.0,
        }
    )
    expected = accuracy.fcp(as_predictions(frame), verbose=False)
    whole = M.fcp(frame)
    monkeypatch.setattr(_rating, "_PAIRS_PER_BATCH", 7)  # many small batches
    batched = M.fcp(frame)
    assert whole.value == pytest.approx(expected)
    assert batched.value == pytest.approx(expected)
    pd.testing.assert_series_equal(whole.per_user, batched.per_user)


def test_predictions_to_frame_empty_and_bad_inputs() -> None:
    empty = M.predictions_to_frame([])
    assert list(empty.columns) == [C.USER, C.ITEM, C.RATING, C.ESTIMATE] and empty.empty
    with pytest.raises(DataValidationError, match="no data rows"):
        M.rmse(empty)
    with pytest.raises(DataValidationError, match="estimate"):
        M.mae(predictions_frame().drop(columns=C.ESTIMATE))
    one_rating = predictions_frame().assign(**{C.RATING: 3.0})
    with pytest.raises(DataValidationError, match="FCP needs"):
        M.fcp(one_rating)
    with pytest.raises(ParameterError, match="not a rating metric"):
        M.rating_metrics(predictions_frame(), metrics=("ndcg",))
    with pytest.raises(UnknownNameError, match="expected one of"):
        M.rating_metrics(predictions_frame(), metrics=("rsme",))


def recs_frame() -> pd.DataFrame:
    # u2's ranks have gaps (2, 5, 9): positions 1, 2, 3. Rows are shuffled on purpose.
    rows = [
        ("u1", "A", 1),
        ("u2", "E", 5),
        ("u1", "C", 3),
        ("u3", "C", 1),
        ("u1", "B", 2),
        ("u2", "B", 2),
        ("u4", "A", 1),
        ("u1", "D", 4),
        ("u3", "D", 2),
        ("u2", "A", 9),
        ("u4", "B", 2),
        ("u4", "C", 3),
    ]
    return pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.RANK])


def truth_frame() -> pd.DataFrame:
    # threshold 4: u1 relevant {B, D}; u2 {A, C}; u3 {D}; u4 none (excluded); u5 has no list.
    rows = [
        ("u1", "B", 5.0),
        ("u1", "D", 4.0),
        ("u1", "F", 2.0),
        ("u2", "A", 4.0),
        ("u2", "C", 5.0),
        ("u2", "E", 1.0),
        ("u3", "D", 4.0),
        ("u4", "A", 3.0),
        ("u5", "B", 5.0),
    ]
    return pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.RATING])


# k = 3, lists: u1 A B C (hit B at 2), u2 B E A (hit A at 3), u3 C D (hit D at 2).
L3 = 1 / math.log2(3)  # discount at position 2
L4 = 1 / math.log2(4)  # discount at position 3
EXPECTED_AT_3 = {
    # hits / k, with k = 3 even for u3's two-item list
    "precision": [1 / 3, 1 / 3, 1 / 3],
    # hits / n_relevant: 1/2, 1/2, 1/1
    "recall": [0.5, 0.5, 1.0],
    "hit_rate": [1.0, 1.0, 1.0],
    # 1 / position of the first hit
    "mrr": [0.5, 1 / 3, 0.5],
    # DCG / ideal DCG of min(3, n_relevant) hits: u1 L3/(1+L3), u2 L4/(1+L3), u3 L3/1
    "ndcg": [L3 / (1 + L3), L4 / (1 + L3), L3],
    # sum of precision@hit / min(3, n_relevant): u1 (1/2)/2, u2 (1/3)/2, u3 (1/2)/1
    "map": [0.25, 1 / 6, 0.5],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_AT_3))
def test_ranking_metrics_hand_example_at_3(name: str) -> None:
    functions = {
        "precision": M.precision_at_k,
        "recall": M.recall_at_k,
        "ndcg": M.ndcg_at_k,
        "map": M.map_at_k,
        "hit_rate": M.hit_rate_at_k,
        "mrr": M.mrr_at_k,
    }
    result = functions[name](recs_frame(), truth_frame(), k=3, threshold=4.0)
    assert list(result.per_user.index) == ["u1", "u2", "u3"]
    np.testing.assert_allclose(result.per_user.to_numpy(), EXPECTED_AT_3[name])
    assert result.value == pytest.approx(np.mean(EXPECTED_AT_3[name]))
    assert result.n_excluded == 1  # u4: a list but no relevant item
    assert result.k == 3 and result.name == name


def test_ranking_metrics_at_4_two_hits() -> None:
    results = M.ranking_metrics(recs_frame(), truth_frame(), ks=[1, 4], threshold=4.0)
    u1 = {name: results[(name, 4)].per_user["u1"] for name in M.RANKING_METRICS}
    # u1's list A B C D holds B (2) and D (4): precision 2/4, recall 2/2,
    # AP (1/2 + 2/4) / min(4, 2) = 0.5, NDCG (L3 + 1/log2(5)) / (1 + L3), MRR 1/2.
    assert u1["precision"] == pytest.approx(0.5)
    assert u1["recall"] == pytest.approx(1.0)
    assert u1["map"] == pytest.approx(0.5)
    assert u1["ndcg"] == pytest.approx((L3 + 1 / math.log2(5)) / (1 + L3))
    assert u1["mrr"] == pytest.approx(0.5)
    # At k = 1 nobody's first item (A, B, C) is relevant.
    for name in M.RANKING_METRICS:
        assert results[(name, 1)].value == 0.0


def test_without_threshold_every_truth_row_is_relevant() -> None:
    result = M.recall_at_k(recs_frame(), truth_frame(), k=3)
    # u1 relevant {B, D, F}: hit B -> 1/3; u2 {A, C, E}: hits E, A -> 2/3; u3 {D}: 1;
    # u4 {A}: hit A -> 1. No user is excluded.
    np.testing.assert_allclose(result.per_user.to_numpy(), [1 / 3, 2 / 3, 1.0, 1.0])
    assert result.n_excluded == 0


def reference_metrics(recs: pd.DataFrame, relevant: dict, k: int) -> dict[str, dict]:
    """Straightforward loop implementation used only to cross-check the vectorised one."""
    out: dict[str, dict] = {name: {} for name in M.RANKING_METRICS}
    for user, rows in recs.sort_values(C.RANK).groupby(C.USER):
        rel = relevant.get(user, set())
        if not rel:
            continue
        items = list(rows[C.ITEM])[:k]
        gains = [1.0 if item in rel else 0.0 for item in items]
        hits = sum(gains)
        out["precision"][user] = hits / k
        out["recall"][user] = hits / len(rel)
        out["hit_rate"][user] = float(hits > 0)
        first = next((p for p, g in enumerate(gains, 1) if g), None)
        out["mrr"][user] = 1 / first if first else 0.0
        dcg = sum(g / math.log2(p + 1) for p, g in enumerate(gains, 1))
        ideal = sum(1 / math.log2(p + 1) for p in range(1, min(k, len(rel)) + 1))
        out["ndcg"][user] = dcg / ideal
        running, ap = 0, 0.0
        for p, g in enumerate(gains, 1):
            if g:
                running += 1
                ap += running / p
        out["map"][user] = ap / min(k, len(rel))
    return out


def test_ranking_metrics_match_loop_reference_on_random_lists() -> None:
    generator = np.random.default_rng(11)
    users, items = 20, 30
    recs = pd.concat(
        pd.DataFrame(
            {
                C.USER: user,
                C.ITEM: generator.choice(items, size=generator.integers(1, 9), replace=False),
            }
        ).assign(**{C.RANK: lambda f: np.arange(1, len(f) + 1) * 3})
        for user in range(users)
    )
    truth = pd.DataFrame(
        {C.USER: generator.integers(0, users + 3, 150), C.ITEM: generator.integers(0, items, 150)}
    ).drop_duplicates()
    relevant = truth.groupby(C.USER)[C.ITEM].agg(set).to_dict()
    results = M.ranking_metrics(recs, truth, ks=[1, 5, 10])
    for k in (1, 5, 10):
        reference = reference_metrics(recs, relevant, k)
        for name in M.RANKING_METRICS:
            got = results[(name, k)].per_user
            want = pd.Series(reference[name]).sort_index()
            np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), err_msg=f"{name}@{k}")
            assert list(got.index) == list(want.index)


def test_ranking_bad_inputs() -> None:
    recs, truth = recs_frame(), truth_frame()
    for k in (0, -1, True, 2.0):
        with pytest.raises(ParameterError, match="`k` must be a positive integer"):
            M.precision_at_k(recs, truth, k=k)
    with pytest.raises(ParameterError, match="`ks`"):
        M.ranking_metrics(recs, truth, ks=[])
    strangers = truth.assign(**{C.USER: truth[C.USER].str.upper()})
    with pytest.raises(DataValidationError, match="no user in common"):
        M.ndcg_at_k(recs, strangers, k=3)
    with pytest.raises(DataValidationError, match="no recommended user has a relevant item"):
        M.ndcg_at_k(recs, truth, k=3, threshold=6.0)
    with pytest.raises(DataValidationError, match="no data rows"):
        M.map_at_k(recs.iloc[:0], truth, k=3)
    with pytest.raises(DataValidationError, match="no data rows"):
        M.map_at_k(recs, truth.iloc[:0], k=3)
    with pytest.raises(DataValidationError, match="repeat an item"):
        M.mrr_at_k(pd.concat([recs, recs.iloc[:1]]), truth, k=3)
    with pytest.raises(DataValidationError, match=">= 1"):
        M.mrr_at_k(recs.assign(**{C.RANK: 0}), truth, k=3)
    with pytest.raises(DataValidationError, match="missing column"):
        M.recall_at_k(recs, truth.drop(columns=C.RATING), k=3, threshold=4.0)
    with pytest.raises(ParameterError, match="threshold"):
        M.recall_at_k(recs, truth, k=3, threshold="4")


def test_inputs_are_not_modified() -> None:
    recs, truth = recs_frame(), truth_frame()
    before = recs.copy(), truth.copy()
    M.ranking_metrics(recs, truth, ks=3, threshold=4.0)
    M.personalisation(recs, k=2)
    pd.testing.assert_frame_equal(recs, before[0])
    pd.testing.assert_frame_equal(truth, before[1])


def test_catalogue_coverage() -> None:
    recs = recs_frame()
    catalogue = list("ABCDEFGH")
    # k = 2: u1 A B, u2 B E, u3 C D, u4 A B -> {A, B, C, D, E} = 5 of 8 items
    result = M.catalogue_coverage(recs, k=2, catalogue=catalogue)
    assert result.value == pytest.approx(5 / 8)
    assert result.per_user.empty
    # k = 1: A, B, C, A -> 3 of 8; a training frame works as a catalogue too
    train = pd.DataFrame({C.USER: ["x"] * 8, C.ITEM: catalogue})
    assert M.catalogue_coverage(recs, k=1, catalogue=train).value == pytest.approx(3 / 8)
    with pytest.raises(DataValidationError, match="holds no item"):
        M.catalogue_coverage(recs, k=1, catalogue=[])


def test_novelty_self_information() -> None:
    # 4 training users: A seen by all 4 (share 1 -> 0 bits), B by 2 (1 bit), C by 1 (2 bits)
    train = pd.DataFrame(
        {
            C.USER: ["x1", "x2", "x3", "x4", "x1", "x2", "x1", "x1"],
            C.ITEM: ["A", "A", "A", "A", "B", "B", "C", "C"],  # x1 has C twice: counts once
        }
    )
    recs = pd.DataFrame(
        {
            C.USER: ["u1", "u1", "u2", "u2", "u2"],
            C.ITEM: ["A", "B", "B", "Z", "A"],
            C.RANK: [1, 2, 1, 2, 3],
        }
    )
    # k = 2: u1 (0 + 1) / 2 = 0.5; u2 B and Z (unseen: one user of 4 -> 2 bits) -> 1.5
    result = M.novelty(recs, train, k=2)
    assert result.per_user.to_dict() == {"u1": 0.5, "u2": 1.5}
    assert result.value == pytest.approx(1.0)
    # the popularity computed once (as run_experiment does per fold) gives the same result
    counts, n_users = M.item_popularity(train)
    assert counts.to_dict() == {"A": 4, "B": 2, "C": 1} and n_users == 4
    for k in (1, 2, 3):
        once = M.novelty(recs, train, k=k, popularity=(counts, n_users))
        again = M.novelty(recs, train, k=k)
        assert once.value == again.value
        pd.testing.assert_series_equal(once.per_user, again.per_user, check_exact=True)


def test_personalisation() -> None:
    recs = pd.DataFrame(
        {
            C.USER: ["u1", "u1", "u2", "u2", "u3", "u3", "u3"],
            C.ITEM: ["A", "B", "A", "C", "D", "E", "A"],
            C.RANK: [1, 2, 1, 2, 1, 2, 3],
        }
    )
    # k = 2: cos(u1, u2) = 1/2 (one shared item of 2), u3 shares nothing.
    # u1: 1 - (0.5 + 0) / 2 = 0.75; u2: 0.75; u3: 1; mean 5/6 = 1 - mean over pairs (1/6)
    result = M.personalisation(recs, k=2)
    np.testing.assert_allclose(result.per_user.to_numpy(), [0.75, 0.75, 1.0])
    assert result.value == pytest.approx(5 / 6)
    same = recs.assign(**{C.ITEM: recs[C.RANK].map({1: "A", 2: "B", 3: "C"})})
    assert M.personalisation(same, k=2).value == pytest.approx(0.0)  # every list is A, B
    with pytest.raises(DataValidationError, match="two or more"):
        M.personalisation(recs.loc[recs[C.USER] == "u1"], k=2)


def test_intra_list_diversity_with_genres() -> None:
    items = pd.DataFrame(
        {C.ITEM: ["A", "B", "C", "D", "A"], C.GENRES: ["Comedy|Drama", "Comedy", "Horror", "", "x"]}
    )
    features = M.genre_features(items)
    assert list(features.items) == ["A", "B", "C", "D"]
    assert features.matrix.shape == (4, 3)  # Comedy, Drama, Horror; A keeps its first row
    recs = pd.DataFrame(
        {
            C.USER: ["u1", "u1", "u1", "u2", "u2", "u3", "u3"],
            C.ITEM: ["A", "B", "C", "A", "D", "B", "C"],
            C.RANK: [1, 2, 3, 1, 2, 1, 2],
        }
    )
    # u1: cos(A, B) = 1/sqrt(2), cos(A, C) = cos(B, C) = 0 -> ILD 1 - (1/sqrt 2) / 3
    # u2: D has no genre, one item left -> excluded; u3: cos(B, C) = 0 -> ILD 1
    result = M.intra_list_diversity(recs, features, k=3)
    expected = [1 - (1 / math.sqrt(2)) / 3, 1.0]
    np.testing.assert_allclose(result.per_user.to_numpy(), expected)
    assert list(result.per_user.index) == ["u1", "u3"]
    assert result.n_excluded == 1
    assert result.value == pytest.approx(np.mean(expected))


def test_intra_list_diversity_with_cooccurrence() -> None:
    # Items as vectors over training users x1 x2 x3: A (1,1,0), B (1,0,1), C (0,1,0)
    train = pd.DataFrame(
        {C.USER: ["x1", "x1", "x2", "x2", "x3"], C.ITEM: ["A", "B", "A", "C", "B"]}
    )
    features = M.cooccurrence_features(train)
    recs = pd.DataFrame({C.USER: ["u1"] * 3, C.ITEM: ["A", "B", "C"], C.RANK: [1, 2, 3]})
    # cos(A, B) = 1/2, cos(A, C) = 1/sqrt 2, cos(B, C) = 0 -> ILD 1 - (0.5 + 0.70711) / 3
    result = M.intra_list_diversity(recs, features, k=3)
    assert result.value == pytest.approx(1 - (0.5 + 1 / math.sqrt(2)) / 3)
    with pytest.raises(DataValidationError, match="two items that have features"):
        M.intra_list_diversity(recs, features, k=1)


def test_metric_registry() -> None:
    assert not M.metric_info("rmse").higher_is_better
    assert M.metric_info("ndcg").higher_is_better
    assert set(M.RATING_METRICS) | set(M.RANKING_METRICS) | set(M.BEYOND_METRICS) == set(M.METRICS)
    with pytest.raises(UnknownNameError, match="ndcg"):
        M.metric_info("nDCG")
