"""Retention on Online Retail: no leak, the learned scores beat recency, P(alive) is what it is."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from aftersales import clv, params, prepare, retention
from aftersales import columns as C

pytestmark = [pytest.mark.mirror, pytest.mark.slow]


@pytest.fixture(scope="module")
def run(real_source) -> SimpleNamespace:
    p = params.check("03.04", dataset="online-retail")
    prepared = prepare.prepare(p.preparation())
    lines, table = prepared.cleaned, prepared.returns
    the_cut = retention.cut(lines, horizon_weeks=p.churn_horizon_weeks)
    test = retention.build_study(lines, table, the_cut)
    train = retention.build_study(lines, table, the_cut.earlier())
    scored = retention.score_models(train, test, seed=p.seed, boosting_grid=p.boosting_grid)
    scores = retention.score_table(
        test.at_risk,
        retention.score_arrays(scored),
        probabilities=tuple(retention.probability_arrays(scored)),
        n_resamples=200,
        seed=p.seed,
    ).set_index(C.MODEL)
    return SimpleNamespace(
        lines=lines, returns=table, cut=the_cut, test=test, scored=scored, scores=scores
    )


def test_the_cut_is_thirteen_weeks_before_the_end(run) -> None:
    # Online Retail ends on 2011-12-09: calibration to 2011-09-09, holdout 09-10 .. 12-09.
    assert run.cut.calibration_end == pd.Timestamp("2011-09-09")
    assert run.cut.holdout_last == pd.Timestamp("2011-12-09")


def test_no_leak_and_later_returns_matter(run) -> None:
    check = retention.check_no_leak(
        retention.features, run.lines, run.returns, run.cut.calibration_end
    )
    assert check.customers == len(run.test.at_risk)
    assert check.returns_put_back > 0  # netting took later returns off calibration purchases


def test_learned_scores_beat_recency_and_p_alive_is_below_chance(run) -> None:
    s = run.scores
    recency = s.loc[retention.MODELS["recency"]]
    logistic = s.loc[retention.MODELS["logistic"]]
    assert logistic[C.AUC] > recency[C.CI_HIGH]
    assert logistic[C.AVERAGE_PRECISION] > logistic[C.POSITIVE_RATE]
    assert s.loc[retention.MODELS["bgnbd_expected"], C.AUC] > recency[C.AUC]
    # P(alive) is 1 for every one-time buyer, and they leave most: worse than chance here.
    one_day = run.test.summary[C.FREQUENCY].to_numpy() == 0
    assert np.allclose(run.scored.scores["p_alive"].to_numpy()[one_day], 0.0)
    assert s.loc[retention.MODELS["p_alive"], C.AUC] < 0.5


def test_top_value_at_risk_are_not_cancelled_bulk_orders(run) -> None:
    current = retention.current_risk(run.lines, run.returns, run.test, run.scored)
    value = clv.lifetime_value(run.lines).customers
    risks = retention.risk_table(current.features, current.risk, value)
    # 12346 bought 74,215 units once and cancelled them the same day: no net purchase left.
    assert "12346" not in set(risks[C.CUSTOMER])
    top = risks.head(20).merge(current.features, on=C.CUSTOMER, suffixes=("", "_f"))
    assert (top[C.RETURN_SHARE] < 0.5).all()
    assert (top[C.MONETARY] > 0).all()


def test_repeat_rates_cover_every_calibration_customer(run) -> None:
    rates = retention.repeat_rates(run.lines, horizon_weeks=13).set_index(C.SEGMENT)
    labels = retention.labels(run.lines, horizon_weeks=13)
    assert rates[C.CUSTOMERS].sum() == len(labels)
    weighted = (rates[C.CUSTOMERS] * rates[C.REPEAT_RATE].fillna(0)).sum() / len(labels)
    assert weighted == pytest.approx(labels[C.BUYS_AGAIN].mean())
    assert rates.loc["Champions", C.REPEAT_RATE] > rates.loc["Lost", C.REPEAT_RATE]
