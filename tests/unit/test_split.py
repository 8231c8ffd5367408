from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from surprise import SVD, Dataset, Reader
from surprise.model_selection import KFold

from aftersales import columns as C
from aftersales import split as S
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError

T0 = pd.Timestamp("2020-01-01", tz="UTC")


def _frame() -> pd.DataFrame:
    # 12 rows, index 100..111 so index bookkeeping is visible.
    # user a: 5 rows (days 0-4), b: 3 rows (days 1, 5, 6), c: 1 row (day 2),
    # z: 3 rows late (days 9, 10, 11) -> a time split at day 9 makes z cold.
    users = ["a"] * 5 + ["b"] * 3 + ["c"] + ["z"] * 3
    items = ["i1", "i2", "i3", "i4", "i5", "i1", "i2", "i6", "i1", "i2", "i7", "i1"]
    days = [0, 1, 2, 3, 4, 1, 5, 6, 2, 9, 10, 11]
    return pd.DataFrame(
        {
            C.USER: users,
            C.ITEM: items,
            C.RATING: [5.0, 4, 3, 2, 1, 4, 4, 3, 5, 2, 1, 3],
            C.TIMESTAMP: [T0 + pd.Timedelta(days=d) for d in days],
        },
        index=range(100, 112),
    )


SINGLE = {
    "random": {"test_size": 0.25},
    "user_stratified": {"test_size": 0.25},
    "item_stratified": {"test_size": 0.25},
    "time": {"test_size": 0.25},
    "leave_last_n": {"n": 1},
}


@pytest.mark.parametrize("method", sorted(SINGLE))
def test_no_leak_no_mutation_and_reproducible(method):
    frame = _frame()
    before = frame.copy()
    result = S.split(frame, method, seed=7, **SINGLE[method])
    pd.testing.assert_frame_equal(frame, before)
    train, test = result.train, result.test
    assert set(train.index).isdisjoint(test.index)  # no test interaction in train
    assert sorted([*train.index, *test.index]) == list(frame.index)  # nothing lost
    pd.testing.assert_frame_equal(pd.concat([train, test]).sort_index(), frame)
    assert len(test) > 0 and len(train) > 0
    again = S.split(frame, method, seed=7, **SINGLE[method])
    assert again.test.index.equals(test.index)
    # cold start: exactly the test users/items that train lacks
    assert set(result.cold_users) == set(test[C.USER]) - set(train[C.USER])
    assert set(result.cold_items) == set(test[C.ITEM]) - set(train[C.ITEM])
    assert result.method == method


def test_kfold_no_leak_and_partition():
    frame = _frame()
    before = frame.copy()
    folds = list(S.kfold(frame, n_splits=5, seed=3))
    pd.testing.assert_frame_equal(frame, before)
    tests = [set(f.test.index) for f in folds]
    assert sorted(i for t in tests for i in t) == list(frame.index)
    assert [len(t) for t in tests] == [3, 3, 2, 2, 2]  # 12 rows: 12 // 5 = 2, first 2 get 1 more
    for f in folds:
        assert set(f.train.index).isdisjoint(f.test.index)
        assert len(f.train) + len(f.test) == 12
    assert [f.fold for f in folds] == [0, 1, 2, 3, 4]


def test_random_split_size():
    # 12 rows * 0.25 = 3 test rows; 12 * 0.3 = 3.6 -> 4
    assert len(S.random_split(_frame(), test_size=0.25, seed=1).test) == 3
    assert len(S.random_split(_frame(), test_size=0.3, seed=1).test) == 4
    gen = np.random.default_rng(5)
    assert len(S.random_split(_frame(), test_size=0.3, seed=gen).test) == 4


def test_user_stratified_counts_and_singletons():
    result = S.user_stratified_split(_frame(), test_size=0.25, seed=0)
    # a: 5 * 0.25 = 1.25 -> 1; b: 0.75 -> 1; z: 0.75 -> 1; c has one row: kept in train
    counts = result.test[C.USER].value_counts().to_dict()
    assert counts == {"a": 1, "b": 1, "z": 1}
    assert result.train_only_groups == 1 and len(result.cold_users) == 0
    assert (result.train[C.USER] == "c").sum() == 1
    with pytest.raises(DataValidationError, match="single row"):
        S.user_stratified_split(_frame(), test_size=0.25, seed=0, singletons="raise")
    with pytest.raises(UnknownNameError, match="train"):
        S.user_stratified_split(_frame(), seed=0, singletons="drop")


def test_item_stratified_counts():
    result = S.item_stratified_split(_frame(), test_size=0.5, seed=0)
    # i1: 4 rows -> 2; i2: 3 -> 1.5 -> 2; i3, i4, i5, i6, i7: single rows kept in train
    counts = result.test[C.ITEM].value_counts().to_dict()
    assert counts == {"i1": 2, "i2": 2}
    assert result.train_only_groups == 5 and len(result.cold_items) == 0


def test_time_split_by_fraction_and_cutoff():
    # times sorted: days 0,1,1,2,2,3,4,5,6,9,10,11; 25% -> 3 rows -> cut at day 9
    result = S.time_split(_frame(), test_size=0.25)
    assert result.test.index.tolist() == [109, 110, 111]
    assert result.cold_users.tolist() == ["z"] and result.cold_items.tolist() == ["i7"]
    # 12 * 0.6 = 7.2 -> 7 test rows -> cut at sorted position 12 - 7 = 5 (day 3): 7 rows
    assert len(S.time_split(_frame(), test_size=0.6).test) == 7
    # 12 * 0.65 = 7.8 -> 8 -> cut at position 4 (day 2), which ties with position 3: 9 rows
    assert len(S.time_split(_frame(), test_size=0.65).test) == 9
    by_date = S.time_split(_frame(), cutoff="2020-01-07")  # naive time read as UTC: day 6
    assert by_date.test.index.tolist() == [107, 109, 110, 111]


def test_time_split_errors():
    with pytest.raises(DataValidationError, match="no `timestamp` column"):
        S.time_split(_frame().drop(columns=[C.TIMESTAMP]), test_size=0.2)
    with pytest.raises(ParameterError, match="not both"):
        S.time_split(_frame(), test_size=0.2, cutoff="2020-01-05")
    with pytest.raises(DataValidationError, match="both train and test"):
        S.time_split(_frame(), cutoff="2030-01-01")
    with pytest.raises(DataValidationError, match="no `timestamp` column"):
        S.leave_last_n_split(_frame().drop(columns=[C.TIMESTAMP]), seed=0)


def test_leave_last_n():
    result = S.leave_last_n_split(_frame(), n=1, seed=0)
    # last rows: a day 4 (104), b day 6 (107), z day 11 (111); c has 1 row -> train
    assert result.test.index.tolist() == [104, 107, 111]
    assert result.train_only_groups == 1
    two = S.leave_last_n_split(_frame(), n=2, seed=0)
    assert two.test.index.tolist() == [103, 104, 106, 107, 110, 111]


def test_leave_last_breaks_time_ties_by_seed():
    frame = pd.DataFrame(
        {C.USER: ["u"] * 6, C.ITEM: list("abcdef"), C.RATING: [1.0] * 6, C.TIMESTAMP: [T0] * 6}
    )
    picks = {S.leave_last_n_split(frame, n=1, seed=s).test[C.ITEM].iloc[0] for s in range(30)}
    assert len(picks) > 1
    same = S.leave_last_n_split(frame, n=1, seed=4).test.index
    assert S.leave_last_n_split(frame, n=1, seed=4).test.index.equals(same)


@pytest.mark.parametrize("test_size", [0, 1, 1.5, -0.1, True, "0.2"])
def test_test_size_outside_unit_interval(test_size):
    with pytest.raises(ParameterError, match=r"`test_size` must be in \(0, 1\)"):
        S.split(_frame(), "random", test_size=test_size, seed=0)


def test_registry_errors():
    with pytest.raises(UnknownNameError, match="leave_last_n"):
        S.split(_frame(), "chronological", seed=0)
    with pytest.raises(ParameterError, match="accepts"):
        S.split(_frame(), "leave_last_n", test_size=0.2, seed=0)
    with pytest.raises(ParameterError, match="seed"):
        S.split(_frame(), "random", seed=-1)


def _surprise_rows(testset):
    return [(u, i, float(r)) for u, i, r in testset]


@pytest.mark.parametrize(("n_splits", "seed"), [(5, 0), (3, 42), (4, 7)])
def test_kfold_reproduces_surprise(n_splits, seed):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {
            C.USER: rng.integers(0, 6, 23),
            C.ITEM: rng.integers(0, 8, 23),
            C.RATING: rng.integers(1, 6, 23).astype(float),
        }
    )
    data = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5)))
    theirs = list(KFold(n_splits=n_splits, random_state=seed).split(data))
    ours = list(S.kfold(frame, n_splits=n_splits, seed=seed))
    assert len(ours) == len(theirs)
    for fold, (trainset, testset) in zip(ours, theirs, strict=True):
        _, our_test = S.to_surprise(fold.train, fold.test, scale=(1, 5))
        assert our_test == _surprise_rows(testset)  # same rows, same order
        our_train, _ = S.to_surprise(fold.train, fold.test, scale=(1, 5))
        assert list(our_train.all_ratings()) == list(trainset.all_ratings())
        assert our_train._raw2inner_id_users == trainset._raw2inner_id_users
        a = SVD(random_state=0, n_epochs=5).fit(our_train).test(our_test)
        b = SVD(random_state=0, n_epochs=5).fit(trainset).test(testset)
        assert [p.est for p in a] == [p.est for p in b]


def test_kfold_bad_n_splits():
    with pytest.raises(ParameterError, match="n_splits"):
        S.kfold(_frame(), n_splits=1, seed=0)
    with pytest.raises(ParameterError, match=r"\[2, 12\]"):
        S.kfold(_frame(), n_splits=13, seed=0)


def test_to_surprise():
    result = S.time_split(_frame(), test_size=0.25)
    trainset, testset = S.to_surprise(result.train, result.test, scale=(1, 5))
    assert trainset.n_ratings == 9 and trainset.n_users == 3 and trainset.n_items == 6
    assert testset == [("z", "i2", 2.0), ("z", "i7", 1.0), ("z", "i1", 3.0)]
    assert all(type(r) is float for _, _, r in testset)
    with pytest.raises(DataValidationError, match="scale"):
        S.to_surprise(result.train, result.test, scale=(1, 4))
    with pytest.raises(DataValidationError, match=C.RATING):
        S.to_surprise(result.train.drop(columns=[C.RATING]), result.test, scale=(1, 5))


def test_split_repr_is_short():
    text = repr(S.split(_frame(), "random", test_size=0.25, seed=0))
    assert text.startswith("Split(method='random'") and "test=3 rows" in text
