"""aftersales.evaluate.sweep: one model refitted per value, checked against Surprise."""

import pandas as pd
import pytest
from surprise import Dataset, KNNBasic, Reader, accuracy

from aftersales import columns as C
from aftersales import evaluate as E
from aftersales.errors import ParameterError, UnknownNameError


def frames():
    # 4 users x 4 items; the test rows are pairs whose user and item both appear in train
    train = pd.DataFrame(
        {
            C.USER: [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4],
            C.ITEM: [10, 11, 12, 10, 11, 13, 10, 12, 13, 11, 12],
            C.RATING: [5.0, 3.0, 4.0, 4.0, 2.0, 5.0, 1.0, 2.0, 4.0, 3.0, 5.0],
        }
    )
    test = pd.DataFrame(
        {C.USER: [1, 2, 3, 4], C.ITEM: [13, 12, 11, 10], C.RATING: [4.0, 3.0, 2.0, 5.0]}
    )
    return train, test


def surprise_scores(train, test, k):
    reader = Reader(rating_scale=(1.0, 5.0))
    trainset = Dataset.load_from_df(train[[C.USER, C.ITEM, C.RATING]], reader).build_full_trainset()
    algo = KNNBasic(k=k, sim_options={"name": "msd", "user_based": True}, verbose=False)
    algo.fit(trainset)
    predictions = algo.test(list(test[[C.USER, C.ITEM, C.RATING]].itertuples(index=False)))
    return accuracy.rmse(predictions, verbose=False), accuracy.mae(predictions, verbose=False)


def test_sweep_equals_surprise_for_each_value() -> None:
    train, test = frames()
    table = E.sweep(
        "KNNBasic",
        "k",
        [1, 3],
        (train, test),
        base={"sim_options": {"name": "msd", "user_based": True}},
        progress=False,
    )
    assert list(table.columns) == list(E.SWEEP_COLUMNS)
    assert table[C.SETTING].tolist() == [1, 3, 1, 3]
    assert table[C.METRIC].tolist() == ["rmse", "rmse", "mae", "mae"]
    assert set(table[C.MODEL]) == {"KNNBasic"} and set(table[C.PARAMETER]) == {"k"}
    for k in (1, 3):
        rmse, mae = surprise_scores(train, test, k)
        rows = table[table[C.SETTING] == k].set_index(C.METRIC)
        assert rows.loc["rmse", C.MEAN] == pytest.approx(rmse, abs=1e-12)
        assert rows.loc["mae", C.MEAN] == pytest.approx(mae, abs=1e-12)
        assert rows.loc["rmse", C.CI_LOW] <= rmse <= rows.loc["rmse", C.CI_HIGH]
    assert (table[C.FIT_TIME] >= 0).all() and (table[C.PREDICT_TIME] >= 0).all()
    # k = 1 and k = 3 use different neighbours here, so the sweep really refits
    assert table.loc[0, C.MEAN] != table.loc[1, C.MEAN]


def test_sweep_rejects_bad_requests() -> None:
    train, test = frames()
    with pytest.raises(ParameterError, match="`values` is empty"):
        E.sweep("SVD", "n_factors", [], (train, test), progress=False)
    with pytest.raises(ParameterError, match="repeats a value"):
        E.sweep("SVD", "n_factors", [2, 2], (train, test), progress=False)
    with pytest.raises(ParameterError, match="`base` sets `n_factors`"):
        E.sweep("SVD", "n_factors", [2], (train, test), base={"n_factors": 3}, progress=False)
    with pytest.raises(ParameterError, match="n_factorz"):
        E.sweep("SVD", "n_factorz", [2], (train, test), progress=False)
    with pytest.raises(UnknownNameError, match="SVD"):
        E.sweep("SVDx", "n_factors", [2], (train, test), progress=False)


def test_sweep_on_the_first_folds_equals_the_sweep_of_those_folds() -> None:
    train, test = frames()
    # a second fold whose test rows score differently: swapping the two changes the result
    other = (train.iloc[1:], test.assign(**{C.RATING: [1.0, 1.0, 5.0, 1.0]}))
    base = {"sim_options": {"name": "msd", "user_based": True}}
    first = E.sweep("KNNBasic", "k", [1, 3], [(train, test), other], base=base, folds=1)
    alone = E.sweep("KNNBasic", "k", [1, 3], (train, test), base=base)
    columns = [C.SETTING, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH]
    pd.testing.assert_frame_equal(first[columns], alone[columns])
    both = E.sweep("KNNBasic", "k", [1, 3], [(train, test), other], base=base, folds=5)
    assert not both[C.MEAN].equals(first[C.MEAN])  # more folds than held: every fold
    rmse, _ = surprise_scores(train, test, 1)
    assert first.loc[0, C.MEAN] == pytest.approx(rmse, abs=1e-12)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ParameterError, match="`folds` must be a positive integer"):
            E.sweep("KNNBasic", "k", [1], (train, test), base=base, folds=bad)
