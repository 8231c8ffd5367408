"""Tuning the exported model before its refit (topn.tune_export, 04.00's export_grids)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import params
from aftersales.errors import ParameterError
from aftersales.topn import tune, tune_export, validation_split

CUTOFF = pd.Timestamp("2011-04-01")
GRID = {"regularization": [0.5, 5.0, 50.0, 500.0]}


def _history() -> pd.DataFrame:
    """Lines of 20 customers over 12 items, January to April 2011; item Z only in April."""
    generator = np.random.default_rng(1)
    rows = []
    days = pd.date_range("2011-01-03", "2011-04-28", freq="D")
    letters = "ABCDEFGHIJKL"
    for number in range(300):
        customer = number % 20
        day = days[int(generator.integers(len(days)))]
        # three tastes: each customer buys from six neighbouring items of their own
        item = letters[(customer % 3 * 4 + int(generator.integers(6))) % len(letters)]
        if day >= CUTOFF and number % 5 == 0:
            item = "Z"
        rows.append((f"i{number}", item, 1, 1.0, day, f"c{customer}"))
    columns = [C.INVOICE, C.ITEM, C.QUANTITY, C.UNIT_PRICE, C.TIMESTAMP, C.CUSTOMER]
    return pd.DataFrame(rows, columns=columns)


def test_the_validation_split_ends_before_the_cutoff() -> None:
    lines = _history()
    parts = validation_split(lines, CUTOFF, rating_scheme="frequency_quantile")
    assert parts.train[C.TIMESTAMP].max() < CUTOFF - pd.DateOffset(months=1)
    assert parts.test[C.TIMESTAMP].max() < CUTOFF
    assert parts.test[C.TIMESTAMP].min() >= pd.Timestamp("2011-03-01")
    assert "Z" not in set(parts.train[C.ITEM]) | set(parts.test[C.ITEM])
    assert list(parts.train.columns) == [C.USER, C.ITEM, C.RATING, C.TIMESTAMP]
    assert parts.train[C.RATING].between(1, 5).all()
    # the last validation purchase is the last line before the cut-off
    assert (
        parts.test[C.TIMESTAMP].max() == lines.loc[lines[C.TIMESTAMP] < CUTOFF, C.TIMESTAMP].max()
    )


def _tuned(lines: pd.DataFrame, grid=GRID, name="ease", **options):
    return tune_export(
        name,
        grid,
        pd.DataFrame(),
        seed=3,
        transactions=lines,
        cutoff=CUTOFF,
        months=1,
        rating_scheme="frequency_quantile",
        **options,
    )


def test_the_chosen_parameters_are_the_best_validation_point() -> None:
    lines = _history()
    tuning = _tuned(lines, fixed={"memory_budget": 2**30})
    direct = tune(
        "ease",
        GRID,
        validation_split(lines, CUTOFF, rating_scheme="frequency_quantile"),
        seed=3,
        fixed={"memory_budget": 2**30},
    )
    table = tuning.table
    assert table.columns.tolist() == ["regularization", "ndcg@10", C.BEST]
    assert table["regularization"].tolist() == GRID["regularization"]
    assert table["ndcg@10"].nunique() == len(table)  # the grid points differ
    best_row = int(np.argmax(table["ndcg@10"].to_numpy()))
    assert best_row != 0  # not merely the first point
    assert table[C.BEST].tolist() == [row == best_row for row in range(len(table))]
    assert tuning.params == {
        "memory_budget": 2**30,
        "regularization": GRID["regularization"][best_row],
    }
    assert tuning.params == direct.best_params
    ndcg = direct.curve[(direct.curve[C.METRIC] == "ndcg") & (direct.curve[C.K] == 10)]
    np.testing.assert_allclose(table["ndcg@10"], ndcg[C.VALUE])
    assert tuning.tuned and "best of 4 grid points" in tuning.describe()


def test_the_tuner_never_reads_the_test_period() -> None:
    lines = _history()
    before = lines[lines[C.TIMESTAMP] < CUTOFF]
    shuffled_after = lines[lines[C.TIMESTAMP] >= CUTOFF].assign(**{C.ITEM: "A", C.CUSTOMER: "c0"})
    pd.testing.assert_frame_equal(
        _tuned(lines).table, _tuned(pd.concat([before, shuffled_after])).table
    )
    pd.testing.assert_frame_equal(_tuned(lines).table, _tuned(before).table)


def test_without_a_grid_the_fixed_parameters_stay() -> None:
    tuning = tune_export("SVD", None, pd.DataFrame(), seed=0, fixed={"n_factors": 5})
    assert tuning.params == {"n_factors": 5} and not tuning.tuned
    assert tuning.describe() == "fixed parameters {'n_factors': 5} (no grid)"


def test_without_a_cutoff_the_training_rows_are_split() -> None:
    rated = validation_split(_history(), CUTOFF, rating_scheme="frequency_quantile").train
    tuning = tune_export("ease", GRID, rated, seed=1)
    direct = tune("ease", GRID, rated, seed=1)
    assert tuning.params == direct.best_params
    assert tuning.validation == "an item-stratified split of the training rows"


@pytest.mark.parametrize(
    ("name", "grid", "pattern"),
    [
        ("SVD", {"n_factors": [5]}, r"only top-N models .* 'SVD' keeps its fixed parameters"),
        ("ease", {"lambda": [1.0]}, r"lambda"),
        ("ease", {"regularization": [-1.0]}, r"regularization"),
    ],
)
def test_a_bad_grid_is_refused(name, grid, pattern) -> None:
    with pytest.raises(ParameterError, match=pattern):
        _tuned(_history(), grid=grid, name=name)


def test_a_bad_cutoff_is_refused() -> None:
    with pytest.raises(ParameterError, match="`cutoff` must be a time"):
        validation_split(_history(), "not a date")


@pytest.mark.parametrize(
    ("grids", "pattern"),
    [
        ({"als": {"factors": [8]}}, r"`export_grids\['als'\]`: 'als' is not in `models`"),
        ({"ease": {"lambda": [1.0]}}, r"`export_grids\['ease'\]`: unknown parameter 'lambda'"),
        ({"SVD": {"n_factors": [5]}}, r"`export_grids\['SVD'\]`: only top-N models"),
        ({"ease": {"regularization": []}}, r"must be a non-empty list"),
        (
            {"ease": {"regularization": [0.0]}},
            r"`export_grids\['ease'\]`\['regularization'\]: .* > 0",
        ),
        (["ease"], r"parameter `export_grids` must be a mapping"),
    ],
)
def test_04_00_refuses_a_bad_export_grid(grids, pattern) -> None:
    with pytest.raises(ParameterError, match=pattern):
        params.check("04.00", export_grids=grids)


def test_04_00_accepts_the_online_retail_grids() -> None:
    grids = {"ease": {"regularization": [50.0, 100.0]}, "itemknn": {"neighbors": [50, 200]}}
    p = params.check(
        "04.00",
        dataset="online-retail",
        models=["ease", "itemknn", "SVD"],
        model_params={},
        export_grids=grids,
    )
    assert p.export_grids == grids
    assert params.check("04.00").export_grids == {}
