"""Shared k-NN fits in ``run_experiment``: same results as separate fits, fewer fits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import surprise

from aftersales import columns as C
from aftersales.evaluate import run_experiment
from aftersales.evaluate._sharing import (
    MEMO,
    NEIGHBOURS,
    TRAINSETS,
    FitShare,
    Lru,
    NeighbourMemo,
    fit_key,
    fold_key,
    memo_key,
    neighbour_key,
    with_estimate_settings,
)
from aftersales.models import make


def _split(seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    gen = np.random.default_rng(seed)
    rows = [
        (f"u{u}", f"i{i}", float(gen.integers(1, 6)))
        for u in range(30)
        for i in gen.choice(25, int(gen.integers(4, 14)), replace=False)
    ]
    frame = pd.DataFrame(rows, columns=[C.USER, C.ITEM, C.RATING])
    test = frame.sample(frac=0.25, random_state=seed)
    return frame.drop(test.index).reset_index(drop=True), test.reset_index(drop=True)


def _knn(k: int, min_k: int = 1, name: str = "pearson", user_based: bool = True):
    options = {"name": name, "user_based": user_based}
    return make("KNNWithMeans", {"k": k, "min_k": min_k, "sim_options": options}, seed=0)


def test_fit_key_ignores_k_and_min_k_only():
    assert fit_key(_knn(5)) == fit_key(_knn(40, min_k=3))
    assert fit_key(_knn(5)) != fit_key(_knn(5, name="cosine"))
    assert fit_key(_knn(5)) != fit_key(_knn(5, user_based=False))
    basic = make("KNNBasic", {"k": 5, "sim_options": {"name": "pearson"}}, seed=0)
    assert fit_key(basic) != fit_key(_knn(5))
    assert fit_key(make("SVD", seed=0)) is None


def test_fit_key_of_a_fitted_model_or_a_subclass_is_none():
    train, _ = _split()
    reader = surprise.Reader(rating_scale=(1, 5))
    fitted = _knn(3).fit(surprise.Dataset.load_from_df(train, reader).build_full_trainset())
    assert fit_key(fitted) is None
    assert fit_key(type("Mine", (surprise.KNNBasic,), {})()) is None


def test_a_shared_fit_gives_the_estimates_of_its_own_fit():
    train, test = _split()
    reader = surprise.Reader(rating_scale=(1, 5))
    trainset = surprise.Dataset.load_from_df(train, reader).build_full_trainset()
    fitted = _knn(40).fit(trainset)
    copy = with_estimate_settings(fitted, _knn(2, min_k=2))
    own = _knn(2, min_k=2).fit(trainset)
    assert (copy.k, copy.min_k, fitted.k, fitted.min_k) == (2, 2, 40, 1)
    pairs = list(test.itertuples(index=False, name=None))
    assert [p.est for p in copy.test(pairs)] == [p.est for p in own.test(pairs)]


def test_fit_share_keeps_a_fit_only_while_a_later_model_needs_it():
    share = FitShare(["a", None, "a", "b", "a"])
    assert share.take("a") is None
    share.keep("a", "fitted-a", 1.5)
    assert share.take(None) is None
    assert share.take("a") == ("fitted-a", 1.5)
    assert share.take("b") is None
    share.keep("b", "fitted-b", 2.0)  # no later "b": not kept
    assert share._fits.keys() == {"a"}
    assert share.take("a") == ("fitted-a", 1.5)
    assert share._fits == {}


def test_a_k_sweep_fits_once_per_fold_and_equals_separate_runs(monkeypatch):
    train, test = _split()
    ks = [1, 3, 10, 40]
    separate = []
    for k in ks:  # each its own fit: the process-wide memo is emptied after each
        separate.append(
            run_experiment({f"k={k}": _knn(k)}, (train, test), n_resamples=50, progress=False)
        )
        NEIGHBOURS.clear()
    calls = []
    original = surprise.KNNWithMeans.fit
    monkeypatch.setattr(
        surprise.KNNWithMeans, "fit", lambda self, ts: calls.append(self.k) or original(self, ts)
    )
    folds = [(train, test), (test, train)]
    joint = run_experiment({f"k={k}": _knn(k) for k in ks}, folds, n_resamples=50, progress=False)
    assert calls == [1, 1]  # one fit per fold, by the first model
    fold0 = joint.per_fold[joint.per_fold[C.FOLD] == 0].reset_index(drop=True)
    expected = pd.concat([part.per_fold for part in separate], ignore_index=True)
    pd.testing.assert_series_equal(fold0[C.VALUE], expected[C.VALUE])
    assert fold0[C.VALUE].nunique() > 2  # k changes the estimates
    times = joint.timings.groupby(C.FOLD)[C.FIT_TIME].nunique()
    assert times.tolist() == [1, 1]  # every model reports the shared fit's time


def test_factories_are_never_shared(monkeypatch):
    train, test = _split()
    calls = []
    original = surprise.KNNWithMeans.fit
    monkeypatch.setattr(
        surprise.KNNWithMeans, "fit", lambda self, ts: calls.append(self.k) or original(self, ts)
    )
    run_experiment(
        {"a": lambda: _knn(2), "b": lambda: _knn(5)}, (train, test), n_resamples=20, progress=False
    )
    assert calls == [2, 5]


@pytest.mark.parametrize("user_based", [True, False])
def test_different_fits_are_not_shared(user_based, monkeypatch):
    train, test = _split()
    calls = []
    original = surprise.KNNWithMeans.fit
    monkeypatch.setattr(
        surprise.KNNWithMeans, "fit", lambda self, ts: calls.append(self.k) or original(self, ts)
    )
    models = {
        "pearson": _knn(2, user_based=user_based),
        "cosine": _knn(3, name="cosine", user_based=user_based),
    }
    run_experiment(models, (train, test), n_resamples=20, progress=False)
    assert calls == [2, 3]


def _count_fits(monkeypatch, cls) -> list[int]:
    calls: list[int] = []
    original = cls.fit
    monkeypatch.setattr(cls, "fit", lambda self, ts: calls.append(1) or original(self, ts))
    return calls


@pytest.fixture(autouse=True)
def _fresh_memos():
    # the memos are process-wide: an earlier test's fit must not serve (or skew counts in) this one
    for store in (MEMO, NEIGHBOURS, TRAINSETS):
        store.clear()


@pytest.fixture
def memo():
    for store in (MEMO, NEIGHBOURS, TRAINSETS):
        store.clear()
    yield MEMO
    for store in (MEMO, NEIGHBOURS, TRAINSETS):
        store.clear()


def test_memo_hit_gives_the_values_of_a_refit(memo, monkeypatch):
    train, test = _split()
    svd = {"n_factors": 4, "n_epochs": 5}
    calls = _count_fits(monkeypatch, surprise.SVD)
    first = run_experiment(
        {"svd": make("SVD", svd, seed=3)}, (train, test), n_resamples=30, progress=False
    )
    again = run_experiment(  # another label, the same seeded model and rows: a hit
        {"again": make("SVD", svd, seed=3)}, (train, test), n_resamples=30, progress=False
    )
    assert len(calls) == 1 and len(memo) == 1
    assert again.timings[C.FIT_TIME].tolist() == first.timings[C.FIT_TIME].tolist()
    pd.testing.assert_series_equal(first.per_fold[C.VALUE], again.per_fold[C.VALUE])
    memo.clear()
    refit = run_experiment(
        {"svd": make("SVD", svd, seed=3)}, (train, test), n_resamples=30, progress=False
    )
    assert len(calls) == 2
    pd.testing.assert_series_equal(first.per_fold[C.VALUE], refit.per_fold[C.VALUE])


def test_memo_misses_on_a_changed_parameter_seed_or_rows(memo, monkeypatch):
    train, test = _split()
    calls = _count_fits(monkeypatch, surprise.SVD)
    runs = [
        ({"n_factors": 4}, 3, train),
        ({"n_factors": 5}, 3, train),  # parameter
        ({"n_factors": 4}, 4, train),  # seed
        ({"n_factors": 4}, 3, train.iloc[::-1].reset_index(drop=True)),  # row order
        ({"n_factors": 4}, 3, train.iloc[1:].reset_index(drop=True)),  # rows
    ]
    for params, seed, rows in runs:
        model = make("SVD", {**params, "n_epochs": 2}, seed=seed)
        run_experiment({"m": model}, (rows, test), n_resamples=10, progress=False)
    assert len(calls) == len(runs)
    run_experiment(
        {"m": make("SVD", {"n_factors": 4, "n_epochs": 2}, seed=3)},
        (train, test),
        rating_scale=(0.5, 5.0),  # another scale: another trainset
        n_resamples=10,
        progress=False,
    )
    assert len(calls) == len(runs) + 1


def test_memo_keeps_only_seeded_compact_models(memo):
    digest = fold_key(_split()[0], (1.0, 5.0))
    assert memo_key(make("SVD", seed=0), digest) is not None
    assert memo_key(make("KNNBasic", seed=0), digest) is None  # item x item matrix
    assert memo_key(surprise.SVD(random_state=None), digest) is None  # unseeded
    assert memo_key(type("Mine", (surprise.SVD,), {})(random_state=1), digest) is None


def test_lru_drops_the_least_recently_used():
    store = Lru(2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1
    store.put("c", 3)
    assert (store.get("a"), store.get("b"), store.get("c"), len(store)) == (1, None, 3, 2)
    store.put(None, 4)
    assert store.get(None) is None and len(store) == 2


def test_neighbour_memo_serves_another_k_with_the_estimates_of_a_refit(memo, monkeypatch):
    train, test = _split()
    calls = _count_fits(monkeypatch, surprise.KNNWithMeans)
    first = run_experiment({"k3": _knn(3)}, (train, test), n_resamples=20, progress=False)
    later = run_experiment(  # another call, another k, the same fit: a hit
        {"k7": _knn(7, min_k=2)}, (train, test), n_resamples=20, progress=False
    )
    assert len(calls) == 1 and len(NEIGHBOURS) == 1
    NEIGHBOURS.clear()
    refit = run_experiment({"k7": _knn(7, min_k=2)}, (train, test), n_resamples=20, progress=False)
    assert len(calls) == 2
    pd.testing.assert_series_equal(later.per_fold[C.VALUE], refit.per_fold[C.VALUE])
    assert not np.allclose(first.per_fold[C.VALUE], later.per_fold[C.VALUE])  # k mattered
    other = run_experiment(  # another measure: a miss
        {"cos": _knn(3, name="cosine")}, (train, test), n_resamples=20, progress=False
    )
    assert len(calls) == 3 and len(other.per_fold)


def test_fit_ratings_reuses_the_fit_of_an_experiment(memo, monkeypatch):
    from aftersales import evaluate

    train, test = _split()
    calls = _count_fits(monkeypatch, surprise.KNNWithMeans)
    run_experiment({"k3": _knn(3)}, (train, test), n_resamples=20, progress=False)
    fitted = evaluate.fit_ratings(_knn(5), train, scale=(1.0, 5.0))
    assert len(calls) == 1 and fitted.k == 5
    alone = _knn(5).fit(
        surprise.Dataset.load_from_df(
            train, surprise.Reader(rating_scale=(1, 5))
        ).build_full_trainset()
    )
    pairs = [(u, i) for u, i in zip(test[C.USER], test[C.ITEM], strict=True)]
    assert [fitted.predict(u, i).est for u, i in pairs] == [
        alone.predict(u, i).est for u, i in pairs
    ]


def test_neighbour_memo_keeps_fits_within_its_byte_budget():
    train, _ = _split()
    trainset = surprise.Dataset.load_from_df(
        train, surprise.Reader(rating_scale=(1, 5))
    ).build_full_trainset()
    fits = [_knn(3, name=name).fit(trainset) for name in ("cosine", "msd", "pearson")]
    size = fits[0].sim.nbytes + sum(
        v.nbytes for k, v in vars(fits[0]).items() if k != "sim" and isinstance(v, np.ndarray)
    )
    store = NeighbourMemo(budget=2 * size)  # room for two fits
    digest = fold_key(train, (1.0, 5.0))
    keys = [neighbour_key(_knn(3, name=name), digest) for name in ("cosine", "msd", "pearson")]
    for key, fitted in zip(keys, fits, strict=True):
        store.put(key, (fitted, 0.1))
    assert len(store) == 2  # the oldest (cosine) went
    assert store.get((keys[0], _knn(3, name="cosine"))) is None
    copy, seconds = store.get((keys[2], _knn(9, name="pearson")))
    assert copy.k == 9 and copy.sim is fits[2].sim and seconds == 0.1
    NeighbourMemo(budget=size - 1).put(keys[0], (fits[0], 0.1))  # too large: not kept
    tiny = NeighbourMemo(budget=size - 1)
    tiny.put(keys[0], (fits[0], 0.1))
    assert len(tiny) == 0
