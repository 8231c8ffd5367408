"""Convergence of the BG/NBD and Gamma-Gamma fits: gradients, starting points, stability."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from aftersales import clv
from aftersales import columns as C
from aftersales.clv import _bgnbd, _bgnbd_likelihood, _gamma_gamma, _optimise
from aftersales.errors import ConvergenceWarning, ParameterError

STABILITY_RTOL = 1e-9
"""Relative movement allowed between fits of the same data from other starting points or
after shuffling the customers and moving every time and value by one ulp. Measured on
CDNOW: at most 1.1e-13 (BG/NBD a and b; r and alpha 1e-15; Gamma-Gamma 7e-14). 1e-9 keeps
every digit 03.00 displays (parameters to 3 decimals, the largest CLV of ~2e5 to cents,
2e-8 relative) unless the value sits on a rounding boundary."""

STARTS = [
    (1.0, 1.0, 1.0, 1.0),
    (0.1, 1.0, 0.1, 0.1),
    (5.0, 50.0, 5.0, 20.0),
    (0.01, 100.0, 3.0, 0.5),
    (2.0, 0.5, 0.05, 50.0),
]
"""Five starting points (r, alpha, a, b), far apart; Gamma-Gamma takes the first three."""

# Hand-made customers (x, t_x, T) and spend (x, m), repeat and one-off buyers mixed.
X = np.array([0, 1, 2, 5, 7, 0, 3, 12])
TX = np.array([0.0, 1.71, 30.43, 20.0, 3.0, 0.0, 8.5, 35.0])
T = np.array([38.86, 38.86, 38.86, 32.5, 9.0, 4.0, 20.0, 36.0])
M = np.array([0.0, 12.5, 30.0, 7.25, 18.0, 0.0, 44.0, 3.5])
# Six spenders cannot tell spread within from spread between customers (the fit runs off
# to p -> inf): Gamma-Gamma fits use 300 simulated ones.
SPEND_X = np.random.default_rng(7).integers(1, 11, size=300)
SPEND_M = clv.simulate_gamma_gamma(clv.GammaGamma(p=6.25, q=3.74, v=15.44), SPEND_X, seed=7)


def _relative(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.max(np.abs(np.asarray(first) / np.asarray(second) - 1)))


def _bgnbd_values(model: clv.BGNBD) -> np.ndarray:
    return np.array([model.r, model.alpha, model.a, model.b])


def _spend_values(model: clv.GammaGamma) -> np.ndarray:
    return np.array([model.p, model.q, model.v])


# ---- analytic gradients against finite differences ----------------------------------------


@pytest.mark.parametrize(
    "params", [(0.7, 3.2, 0.9, 2.1), (0.243, 4.414, 0.793, 2.426), (2.5, 40.0, 0.01, 30.0)]
)
def test_bgnbd_gradient_matches_finite_differences(params) -> None:
    theta = np.log(params)

    def total(th: np.ndarray) -> float:
        r, alpha, a, b = np.exp(th)
        return float(_bgnbd_likelihood.log_likelihood(r, alpha, a, b, X, TX, T).sum())

    def gradient(th: np.ndarray) -> np.ndarray:
        return _bgnbd_likelihood.log_likelihood_gradient(th, X, TX, T)[1].sum(axis=0)

    assert (
        optimize.check_grad(total, gradient, theta, epsilon=1e-7)
        < 1e-5 * np.abs(gradient(theta)).max()
    )
    # per customer, against central differences (error about 1e-10 here)
    values, per_customer = _bgnbd_likelihood.log_likelihood_gradient(theta, X, TX, T)
    r, alpha, a, b = params
    np.testing.assert_allclose(values, _bgnbd_likelihood.log_likelihood(r, alpha, a, b, X, TX, T))
    h = 1e-6
    for j in range(4):
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        central = (
            _bgnbd_likelihood.log_likelihood(*np.exp(up), X, TX, T)
            - _bgnbd_likelihood.log_likelihood(*np.exp(down), X, TX, T)
        ) / (2 * h)
        np.testing.assert_allclose(per_customer[:, j], central, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("params", [(6.25, 3.74, 15.44), (0.8, 1.5, 200.0)])
def test_gamma_gamma_gradient_matches_finite_differences(params) -> None:
    repeat = X > 0
    x, m = X[repeat].astype(float), M[repeat]
    theta = np.log(params)

    def total(th: np.ndarray) -> float:
        return float(_gamma_gamma._log_likelihood(*np.exp(th), x, m).sum())

    def gradient(th: np.ndarray) -> np.ndarray:
        return _gamma_gamma._log_likelihood_gradient(th, x, m)[1].sum(axis=0)

    assert (
        optimize.check_grad(total, gradient, theta, epsilon=1e-7)
        < 1e-5 * np.abs(gradient(theta)).max()
    )
    per_customer = _gamma_gamma._log_likelihood_gradient(theta, x, m)[1]
    h = 1e-6
    for j in range(3):
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        central = (
            _gamma_gamma._log_likelihood(*np.exp(up), x, m)
            - _gamma_gamma._log_likelihood(*np.exp(down), x, m)
        ) / (2 * h)
        np.testing.assert_allclose(per_customer[:, j], central, rtol=1e-6, atol=1e-8)


# ---- convergence record, starting points, warnings -----------------------------------------


def test_fit_reports_convergence_and_reaches_a_maximum() -> None:
    fit = clv.fit_bgnbd(X, TX, T)
    assert fit.converged and fit.at_bounds == ()
    assert 0 <= fit.gradient_norm <= clv.GRADIENT_TOL and fit.iterations > 0
    theta = np.log(_bgnbd_values(fit))
    # every nearby point is worse: a maximum, not a point where the optimiser gave up
    for direction in np.vstack([np.eye(4), -np.eye(4), [[1, -1, 1, -1]]]):
        r, alpha, a, b = np.exp(theta + 1e-3 * direction)
        assert _bgnbd_likelihood.log_likelihood(r, alpha, a, b, X, TX, T).sum() < fit.log_likelihood
    spend = clv.fit_gamma_gamma(SPEND_X, SPEND_M)
    assert spend.converged and spend.gradient_norm <= clv.GRADIENT_TOL and spend.iterations > 0
    by_hand = clv.BGNBD(r=1.0, alpha=1.0, a=1.0, b=1.0)
    assert np.isnan(by_hand.gradient_norm) and by_hand.iterations == 0


def test_starting_points_give_the_same_fit() -> None:
    # 1,000 simulated customers (the eight hand-made ones leave a and b on a ridge
    # towards infinity, where they agree only to about 1e-8)
    true = clv.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
    sim = clv.simulate_bgnbd(true, np.random.default_rng(3).uniform(30, 60, 1000), seed=3)
    args = (sim[C.FREQUENCY], sim[C.RECENCY], sim[C.T])
    fits = [clv.fit_bgnbd(*args, start=s) for s in STARTS]
    spends = [clv.fit_gamma_gamma(SPEND_X, SPEND_M, start=s[:3]) for s in STARTS]
    for fit, spend in zip(fits, spends, strict=True):
        assert fit.converged and spend.converged
        assert _relative(_bgnbd_values(fit), _bgnbd_values(fits[0])) < STABILITY_RTOL
        assert _relative(_spend_values(spend), _spend_values(spends[0])) < STABILITY_RTOL


def test_bad_start_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"`start` must hold 4 numbers \(r, alpha, a, b\)"):
        clv.fit_bgnbd(X, TX, T, start=(1.0, 1.0, 1.0))
    with pytest.raises(ParameterError, match="`start a` must be a positive"):
        clv.fit_bgnbd(X, TX, T, start=(1.0, 1.0, 0.0, 1.0))
    with pytest.raises(ParameterError, match=r"3 numbers \(p, q, v\)"):
        clv.fit_gamma_gamma(X, M, start=(1.0, 1.0, 1.0, 1.0))


def test_a_fit_stopped_early_warns(monkeypatch) -> None:
    monkeypatch.setattr(_optimise, "LBFGS_ITERATIONS", 1)
    monkeypatch.setattr(_optimise, "NEWTON_STEPS", 0)
    with pytest.warns(ConvergenceWarning, match=r"BG/NBD fit on 8 customers did not converge"):
        fit = clv.fit_bgnbd(X, TX, T)
    assert not fit.converged and fit.gradient_norm > clv.GRADIENT_TOL
    with pytest.warns(ConvergenceWarning, match="Gamma-Gamma fit on 300 repeat customers"):
        spend = clv.fit_gamma_gamma(SPEND_X, SPEND_M)
    assert not spend.converged


def test_unidentified_spend_model_warns() -> None:
    # The six hand-made spenders: the likelihood keeps rising along p -> inf, v -> 0.
    with pytest.warns(ConvergenceWarning, match="Gamma-Gamma fit on 6 repeat customers"):
        spend = clv.fit_gamma_gamma(X, M)
    assert not spend.converged and spend.p > 1e4


def test_no_dropout_data_end_in_the_nbd_corner() -> None:
    # Nobody goes quiet: every repeat buyer bought in the last week, so the likelihood
    # rises all the way to a / (a + b) -> 0 and the fit ends in the box corner.
    x = np.array([0, 1, 2, 3, 4, 6, 9, 0, 2, 5])
    T_ = np.array([30.0, 30.0, 29.0, 31.0, 30.0, 28.0, 30.0, 12.0, 20.0, 25.0])
    tx = np.where(x > 0, T_ - 0.5, 0.0)
    with np.errstate(all="ignore"):
        fits = [clv.fit_bgnbd(x, tx, T_, start=s) for s in STARTS]
    bound = np.exp(_bgnbd.LOG_BOUND)
    for fit in fits:
        assert fit.converged and fit.at_bounds == ("a", "b")
        assert fit.a == pytest.approx(1 / bound) and fit.b == pytest.approx(bound)
        assert _relative(_bgnbd_values(fit), _bgnbd_values(fits[0])) < STABILITY_RTOL
    # r and alpha are then the NBD fit: the likelihood of a Poisson-gamma count process
    # observed over T, sum log[G(r+x) / (G(r) x!) (alpha/(alpha+T))^r (T/(alpha+T))^x]
    # up to terms free of r and alpha (t_x carries no information without dropout).
    from scipy.special import gammaln

    def nbd(th: np.ndarray) -> float:
        r, alpha = np.exp(th)
        return -float(
            np.sum(gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + T_))
        )

    nbd_fit = optimize.minimize(nbd, [0.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-10})
    assert (fits[0].r, fits[0].alpha) == pytest.approx(tuple(np.exp(nbd_fit.x)), rel=1e-5)


# ---- CDNOW: the published fit, from any start, under perturbation ---------------------------


def _cdnow() -> pd.DataFrame:
    spec = importlib.util.find_spec("lifetimes")  # data files only; lifetimes is not imported
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the CDNOW summary ships with the `lifetimes` package, not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets"
    path = path / "cdnow_customers_summary_with_transactions.csv"
    if not path.exists():
        pytest.skip("the CDNOW summary ships with the `lifetimes` package, not installed")
    return pd.read_csv(path)  # columns ID, x, t_x, T, zbar (2,357 customers)


def test_cdnow_fit_beats_the_published_one_from_every_start() -> None:
    data = _cdnow()
    published = clv.BGNBD(r=0.242593, alpha=4.413616, a=0.792919, b=2.425950)
    published_ll = clv.bgnbd_log_likelihood(published, data["x"], data["t_x"], data["T"]).sum()
    spend_published = clv.GammaGamma(p=6.25, q=3.74, v=15.44)
    spend_published_ll = clv.gamma_gamma_log_likelihood(
        spend_published, data["x"], data["zbar"]
    ).sum()
    fits = [clv.fit_bgnbd(data["x"], data["t_x"], data["T"], start=s) for s in STARTS]
    spends = [clv.fit_gamma_gamma(data["x"], data["zbar"], start=s[:3]) for s in STARTS]
    for fit, spend in zip(fits, spends, strict=True):
        assert fit.converged and spend.converged
        # the published values to every digit Fader, Hardie and Lee (2005) print
        assert np.round(_bgnbd_values(fit), 3).tolist() == [0.243, 4.414, 0.793, 2.426]
        assert fit.log_likelihood >= published_ll  # Excel's Solver stopped a little short
        assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
        assert _relative(_bgnbd_values(fit), _bgnbd_values(fits[0])) < STABILITY_RTOL
        assert (spend.p, spend.q, spend.v) == pytest.approx((6.25, 3.74, 15.44), abs=1e-2)
        assert spend.log_likelihood >= spend_published_ll
        assert _relative(_spend_values(spend), _spend_values(spends[0])) < STABILITY_RTOL


def _one_ulp(values: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """Move every positive value one ulp up or down at random (zeros stay: they mean "none")."""
    v = values.to_numpy(dtype=np.float64)
    towards = np.where(rng.random(len(v)) < 0.5, 0.0, np.inf)
    return np.where(v > 0, np.nextafter(v, towards), v)


def test_cdnow_outputs_do_not_move_under_shuffling_and_one_ulp_noise() -> None:
    data = _cdnow()
    horizon = 39.0

    def outputs(frame: pd.DataFrame, tx: np.ndarray, age: np.ndarray, m: np.ndarray):
        fit = clv.fit_bgnbd(frame["x"], tx, age)
        spend = clv.fit_gamma_gamma(frame["x"], m)
        summary = pd.DataFrame(
            {
                C.CUSTOMER: frame["ID"].astype(str).to_numpy(),
                C.FREQUENCY: frame["x"].to_numpy(),
                C.RECENCY: tx,
                C.T: age,
                C.MONETARY: m,
            }
        )
        value = clv.customer_lifetime_value(fit, spend, summary, months=12)
        predicted = clv.expected_purchases(fit, frame["x"], tx, age, horizon=horizon)
        return np.array(
            [
                *_bgnbd_values(fit),
                *_spend_values(spend),
                value[C.CLV].sum(),
                value[C.CLV].max(),
                predicted.sum(),
            ]
        )

    base = outputs(data, data["t_x"].to_numpy(), data["T"].to_numpy(), data["zbar"].to_numpy())
    for seed in range(3):
        rng = np.random.default_rng(seed)
        shuffled = data.iloc[rng.permutation(len(data))].reset_index(drop=True)
        age = _one_ulp(shuffled["T"], rng)
        tx = np.minimum(_one_ulp(shuffled["t_x"], rng), age)
        moved = outputs(shuffled, tx, age, _one_ulp(shuffled["zbar"], rng))
        assert _relative(moved, base) < STABILITY_RTOL
