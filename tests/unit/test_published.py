import numpy as np
import pandas as pd
import pytest
from surprise import NMF, SVD, BaselineOnly, CoClustering, Dataset, KNNBasic, Reader, SlopeOne
from surprise.model_selection import KFold, cross_validate

from aftersales import columns as C
from aftersales import evaluate
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import MODEL_NAMES
from aftersales.split import kfold


def _ratings() -> pd.DataFrame:
    # 20 ratings of 5 users on 6 items, every value 1..5 present (the scale Surprise infers
    # from the data equals the builtin (1, 5)), in a fixed "file" order.
    rng = np.random.default_rng(7)
    users = np.repeat([1, 2, 3, 4, 5], 4)
    items = np.concatenate([rng.choice(6, 4, replace=False) for _ in range(5)]) + 10
    ratings = np.array([1, 5, 3, 4, 2, 5, 4, 3, 1, 2, 4, 5, 3, 3, 2, 1, 5, 4, 4, 2], float)
    return pd.DataFrame({C.USER: users, C.ITEM: items, C.RATING: ratings})


def test_published_table_is_surprise_readme():
    table = evaluate.published_table()
    assert len(table) == 2 * len(evaluate.PUBLISHED_SCORES) == 20
    assert set(evaluate.PUBLISHED_SCORES) <= set(MODEL_NAMES)
    assert set(evaluate.PUBLISHED_CI_MODELS) == set(evaluate.PUBLISHED_SCORES) - {"SVDpp"}
    svd = table[table[C.MODEL] == "SVD"].set_index(C.METRIC)[C.PUBLISHED]
    assert svd.to_dict() == {"rmse": 0.934, "mae": 0.737}
    assert evaluate.PUBLISHED_SCORES["NormalPredictor"].label == "Random"
    assert "NicolasHug/Surprise" in evaluate.PUBLISHED_SOURCE


def test_folds_are_surprise_kfold_folds():
    frame = _ratings()
    data = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5)))
    theirs = list(KFold(n_splits=3, random_state=0).split(data))
    for ours, (_, testset) in zip(kfold(frame, n_splits=3, seed=0), theirs, strict=True):
        rows = list(ours.test[[C.USER, C.ITEM, C.RATING]].itertuples(index=False, name=None))
        assert rows == [(u, i, r) for u, i, r in testset]


def test_protocol_equals_surprise_cross_validate():
    frame = _ratings()
    before = frame.copy()
    names = ["SVD", "NMF", "SlopeOne", "KNNBasic", "CoClustering", "BaselineOnly"]
    table = evaluate.published_protocol(frame, names, n_splits=3, random_state=0, progress=False)
    pd.testing.assert_frame_equal(frame, before)
    assert list(table.columns) == list(evaluate.PUBLISHED_COLUMNS)
    assert list(table[C.MODEL]) == [name for name in names for _ in range(2)]
    assert list(table[C.METRIC]) == ["rmse", "mae"] * len(names)
    # the reference: Surprise's own cross-validation, the benchmark script's seeding
    data = Dataset.load_from_df(frame, Reader(rating_scale=(1, 5)))
    algos = {
        "SVD": SVD(random_state=0),
        "NMF": NMF(random_state=0),
        "SlopeOne": SlopeOne(),
        "KNNBasic": KNNBasic(verbose=False),
        "CoClustering": CoClustering(random_state=0),
        "BaselineOnly": BaselineOnly(verbose=False),
    }
    indexed = table.set_index([C.MODEL, C.METRIC])
    for name, algo in algos.items():  # six models
        out = cross_validate(algo, data, ["rmse", "mae"], KFold(n_splits=3, random_state=0))
        for metric in ("rmse", "mae"):
            ours = indexed.loc[(name, metric), C.OURS]
            assert ours == pytest.approx(np.mean(out[f"test_{metric}"]), abs=1e-12), name
            published = getattr(evaluate.PUBLISHED_SCORES[name], metric)
            assert indexed.loc[(name, metric), C.PUBLISHED] == published
            assert indexed.loc[(name, metric), C.DIFFERENCE] == pytest.approx(ours - published)


def test_protocol_is_reproducible_with_the_seeded_random_predictor():
    frame = _ratings()
    first = evaluate.published_protocol(frame, ["NormalPredictor"], n_splits=2, progress=False)
    again = evaluate.published_protocol(frame, ["NormalPredictor"], n_splits=2, progress=False)
    pd.testing.assert_frame_equal(first, again)
    assert (first[C.OURS] > 0).all()


def test_bad_models_are_named():
    frame = _ratings()
    with pytest.raises(UnknownNameError, match=r"no published score for \['KNNWithZScore'\]"):
        evaluate.published_protocol(frame, ["SVD", "KNNWithZScore"], progress=False)
    with pytest.raises(UnknownNameError, match="published models: SVD, SVDpp, NMF"):
        evaluate.published_protocol(frame, ["svd"], progress=False)
    with pytest.raises(ParameterError, match="non-empty list"):
        evaluate.published_protocol(frame, [], progress=False)
    with pytest.raises(ParameterError, match="non-empty list"):
        evaluate.published_protocol(frame, "SVD", progress=False)
    with pytest.raises(ParameterError, match="random_state"):
        evaluate.published_protocol(frame, ["SVD"], random_state=1.5, progress=False)
    with pytest.raises(ParameterError, match="n_splits"):
        evaluate.published_protocol(frame, ["SVD"], n_splits=1, progress=False)
