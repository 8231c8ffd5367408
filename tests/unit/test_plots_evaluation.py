"""aftersales.plots.evaluation, the 04.00 figures: each is checked through the data it draws."""

import numpy as np
import pandas as pd
import pytest

from aftersales import columns as C
from aftersales import evaluate
from aftersales.errors import DataValidationError
from aftersales.plots import evaluation as plots


def summary():
    # two models; rmse has no k, ndcg and precision at k = 5 and 10
    rows = [
        ("SVD", "rmse", np.nan, 0.93, 0.92, 0.94),
        ("SVD", "ndcg", 5, 0.10, 0.09, 0.11),
        ("SVD", "ndcg", 10, 0.12, 0.11, 0.13),
        ("SVD", "precision", 10, 0.08, 0.07, 0.09),
        ("ease", "ndcg", 5, 0.40, 0.38, 0.42),
        ("ease", "ndcg", 10, 0.45, 0.43, 0.47),
        ("ease", "precision", 10, 0.35, 0.33, 0.37),
    ]
    return pd.DataFrame(rows, columns=[C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH])


def test_ranking_bars_draw_the_rows_at_k_only() -> None:
    axes = plots.ranking_bars(summary(), k=10, metrics=["ndcg", "precision"]).axes[0]
    # series SVD first (ndcg, precision), then ease
    assert [p.get_width() for p in axes.patches] == pytest.approx([0.12, 0.08, 0.45, 0.35])
    assert [t.get_text() for t in axes.get_yticklabels()] == ["ndcg", "precision"]
    assert "k = 10" in axes.get_title()


def test_rating_bars_skip_ranking_metrics_and_refuse_when_none() -> None:
    axes = plots.rating_bars(summary()).axes[0]
    assert [p.get_width() for p in axes.patches] == pytest.approx([0.93])
    with pytest.raises(DataValidationError, match=r"no row for \['rmse', 'mae'\]"):
        plots.rating_bars(summary().query("metric != 'rmse'"))


def test_metric_and_time_sums_fit_and_rank_time_over_folds_for_the_tradeoff_chart() -> None:
    timings = pd.DataFrame(
        {
            C.MODEL: ["SVD", "SVD", "ease"],
            C.FOLD: [0, 1, 0],
            C.FIT_TIME: [1.0, 2.0, 0.5],
            C.PREDICT_TIME: [0.1, 0.1, np.nan],
            C.RANK_TIME: [0.25, 0.25, 0.5],
        }
    )
    frame = evaluate.metric_and_time(summary(), timings, metric="ndcg", k=10)
    # SVD: 1 + 2 + 0.25 + 0.25 = 3.5 s; ease: 0.5 + 0.5 = 1 s
    assert frame[C.MODEL].tolist() == ["SVD", "ease"]
    np.testing.assert_allclose(frame[[C.FIT_TIME, C.MEAN]], [[3.5, 0.12], [1.0, 0.45]])
    axes = plots.tradeoff(
        frame, x=C.FIT_TIME, y=C.MEAN, label=C.MODEL, title="t", xlabel="s", ylabel="ndcg@10"
    ).axes[0]
    np.testing.assert_allclose(axes.collections[0].get_offsets(), [[3.5, 0.12], [1.0, 0.45]])
    assert [text.get_text() for text in axes.texts] == ["SVD", "ease"]
    assert axes.get_xscale() == "log"
    with pytest.raises(DataValidationError, match=r"no row for \['ndcg'\] at k=20"):
        evaluate.metric_and_time(summary(), timings, metric="ndcg", k=20)


def test_metric_at_k_draws_one_curve_per_model() -> None:
    axes = plots.metric_at_k(summary(), metric="ndcg").axes[0]
    svd, ease = axes.get_lines()
    np.testing.assert_array_equal(svd.get_xdata(), [5, 10])
    np.testing.assert_allclose(ease.get_ydata(), [0.40, 0.45])


def test_group_bars_label_the_groups() -> None:
    table = pd.DataFrame(
        {
            C.GROUP: ["Champions", "Champions", "Lost", "Lost"],
            C.MODEL: ["SVD", "ease", "SVD", "ease"],
            C.METRIC: ["ndcg"] * 4,
            C.K: [10] * 4,
            C.MEAN: [0.2, 0.4, 0.1, 0.3],
            C.CI_LOW: [0.1, 0.3, 0.05, 0.2],
            C.CI_HIGH: [0.3, 0.5, 0.15, 0.4],
        }
    )
    axes = plots.group_bars(table, metric="ndcg", k=10, what="RFM segment").axes[0]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Champions", "Lost"]
    assert [p.get_width() for p in axes.patches] == pytest.approx([0.2, 0.1, 0.4, 0.3])
    assert axes.get_ylabel() == "RFM segment"
