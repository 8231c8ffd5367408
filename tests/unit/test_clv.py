from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from aftersales import clv
from aftersales import columns as C
from aftersales.clv import _holdout
from aftersales.errors import (
    ConvergenceWarning,
    DataValidationError,
    ParameterError,
    UnknownNameError,
)

# Published CDNOW fits: BG/NBD in Fader, Hardie and Lee (2005), LL -9582.4; Gamma-Gamma in
# Fader and Hardie's note "The Gamma-Gamma model of monetary value" (2013).
CDNOW = clv.BGNBD(r=0.242593, alpha=4.413616, a=0.792919, b=2.425950)
CDNOW_SPEND = clv.GammaGamma(p=6.25, q=3.74, v=15.44)


def _transactions(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """Rows of (customer, invoice, day, value); quantity 1 at unit price = value."""
    customer, invoice, day, value = zip(*rows, strict=True)
    n = len(rows)
    return pd.DataFrame(
        {
            C.INVOICE: pd.array(invoice, dtype="str"),
            C.ITEM: pd.array(["22423"] * n, dtype="str"),
            C.DESCRIPTION: pd.array(["CAKESTAND"] * n, dtype="str"),
            C.QUANTITY: np.ones(n, dtype=np.int64),
            C.UNIT_PRICE: np.array(value, dtype=np.float64),
            C.TIMESTAMP: pd.to_datetime([f"{d} 12:00" for d in day], utc=True),
            C.CUSTOMER: pd.array(customer, dtype="str"),
            C.COUNTRY: pd.array(["France"] * n, dtype="str"),
        }
    )


@pytest.fixture
def small() -> pd.DataFrame:
    return _transactions(
        [
            ("A", "1", "2011-03-01", 10.0),
            ("A", "2", "2011-03-01", 5.0),  # same day: one purchase of 15
            ("A", "3", "2011-03-08", 20.0),
            ("A", "4", "2011-03-22", 30.0),
            ("A", "5", "2011-03-22", 6.0),  # same day: one purchase of 36
            ("B", "6", "2011-03-15", 40.0),
            ("C", "7", "2011-03-01", 1.0),
            ("C", "8", "2011-03-29", 3.0),  # the data's last day
        ]
    )


# ---- log-likelihoods against direct formulas written with math.gamma ---------------------


def _beta(x: float, y: float) -> float:
    return math.gamma(x) * math.gamma(y) / math.gamma(x + y)


def _bgnbd_likelihood(r, alpha, a, b, x, tx, T):  # Fader, Hardie and Lee (2005), eq. 6
    rate = math.gamma(r + x) * alpha**r / math.gamma(r)
    value = _beta(a, b + x) / _beta(a, b) * rate / (alpha + T) ** (r + x)
    if x > 0:
        value += _beta(a + 1, b + x - 1) / _beta(a, b) * rate / (alpha + tx) ** (r + x)
    return value


def _gamma_gamma_density(p, q, v, x, m):
    return (
        math.gamma(p * x + q)
        / (math.gamma(p * x) * math.gamma(q))
        * v**q
        * m ** (p * x - 1)
        * x ** (p * x)
        / (v + x * m) ** (p * x + q)
    )


CUSTOMERS = [(0, 0.0, 38.86), (1, 1.71, 38.86), (2, 30.43, 38.86), (5, 20.0, 32.5), (7, 3.0, 9.0)]


def test_bgnbd_log_likelihood_matches_direct_formula() -> None:
    model = clv.BGNBD(r=0.7, alpha=3.2, a=0.9, b=2.1)
    x, tx, T = (np.array(v, dtype=float) for v in zip(*CUSTOMERS, strict=True))
    got = clv.bgnbd_log_likelihood(model, x, tx, T)
    expected = [math.log(_bgnbd_likelihood(0.7, 3.2, 0.9, 2.1, *c)) for c in CUSTOMERS]
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_gamma_gamma_log_likelihood_matches_direct_formula() -> None:
    x = np.array([0, 1, 2, 4, 6])
    m = np.array([0.0, 12.5, 30.0, 7.25, 18.0])
    got = clv.gamma_gamma_log_likelihood(CDNOW_SPEND, x, m)
    expected = [
        math.log(_gamma_gamma_density(6.25, 3.74, 15.44, xi, mi))
        for xi, mi in zip(x[1:], m[1:], strict=True)  # x = 0 carries no spend information
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-10)


# ---- predictions -------------------------------------------------------------------------


def test_expected_purchases_matches_published_cdnow_value() -> None:
    # Fader, Hardie and Lee (2005) / Hardie's spreadsheet: a customer with x = 2,
    # t_x = 30.43, T = 38.86 weeks is expected to make 1.226 purchases in the next 39 weeks.
    got = clv.expected_purchases(CDNOW, [2], [30.43], [38.86], horizon=39)
    assert got[0] == pytest.approx(1.226, abs=5e-4)


def test_probability_alive_matches_formula() -> None:
    model = clv.BGNBD(r=0.7, alpha=3.2, a=0.9, b=2.1)
    x, tx, T = (np.array(v, dtype=float) for v in zip(*CUSTOMERS, strict=True))
    got = clv.probability_alive(model, x, tx, T)
    expected = [
        1.0 if xi == 0 else 1 / (1 + 0.9 / (2.1 + xi - 1) * ((3.2 + Ti) / (3.2 + ti)) ** (0.7 + xi))
        for xi, ti, Ti in CUSTOMERS
    ]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_expected_purchases_equal_equation_10_as_printed() -> None:
    # The library uses Euler's transformation of 2F1; equation 10 as printed must agree
    # where its factors do not overflow, and the library must stay finite where they do.
    r, alpha, a, b = 0.7, 3.2, 0.9, 2.1
    model = clv.BGNBD(r=r, alpha=alpha, a=a, b=b)
    t = 26.0
    for x, tx, T in CUSTOMERS:
        printed = (
            (a + b + x - 1) / (a - 1)
            * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
               * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))
            / (1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))
        )  # fmt: skip
        assert clv.expected_purchases(model, [x], [tx], [T], horizon=t)[0] == pytest.approx(
            printed, rel=1e-9
        )
    heavy = clv.BGNBD(r=0.9, alpha=1.4, a=0.14, b=0.46)
    with np.errstate(over="ignore", invalid="ignore"):
        overflowing = 1 - (7.54 / 158.5) ** 278.9 * hyp2f1(278.9, 278.5, 277.6, 151 / 158.5)
    assert not np.isfinite(overflowing)
    value = clv.expected_purchases(heavy, [278], [6.0], [6.15], horizon=151.0)[0]
    assert np.isfinite(value) and value > 0


def test_expected_purchases_grow_with_the_horizon() -> None:
    horizons = [1.0, 5.0, 20.0, 80.0]
    values = [clv.expected_purchases(CDNOW, [3], [20.0], [30.0], horizon=h)[0] for h in horizons]
    assert np.all(np.diff(values) > 0)
    assert clv.expected_purchases(CDNOW, [3], [20.0], [30.0], horizon=1e-6)[0] < 1e-5


def test_expected_spend_is_the_posterior_mean() -> None:
    # p (v + x m) / (p x + q - 1); x = 0 gives the population mean p v / (q - 1).
    got = clv.expected_spend(CDNOW_SPEND, [0, 3], [0.0, 40.0])
    expected = [6.25 * 15.44 / 2.74, 6.25 * (15.44 + 120.0) / (6.25 * 3 + 2.74)]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


# ---- parameter recovery on simulated data --------------------------------------------------
# Tolerances are about 3.5 x the spread (relative standard deviation) of the estimates over
# 40 simulated data sets of the same design: BG/NBD r 3.3%, alpha 5.2%, a 9.5%, b 14.4%,
# r/alpha 3.4%, a/(a+b) 4.4%; Gamma-Gamma (10,000 customers) p 10%, q 1.3%, v 11.5%, mean
# spend p v / (q - 1) 0.7%. a, b and p, v lie on likelihood ridges, hence their wide bands;
# their well-identified combinations are held tightly.


def test_bgnbd_recovers_known_parameters() -> None:
    true = clv.BGNBD(r=0.243, alpha=4.414, a=0.793, b=2.426)
    T = np.random.default_rng(1000).uniform(52, 104, size=5000)
    sim = clv.simulate_bgnbd(true, T, seed=0)
    fit = clv.fit_bgnbd(sim[C.FREQUENCY], sim[C.RECENCY], sim[C.T])
    assert fit.converged and fit.n_customers == 5000
    assert fit.r == pytest.approx(true.r, rel=0.12)
    assert fit.alpha == pytest.approx(true.alpha, rel=0.20)
    assert fit.a == pytest.approx(true.a, rel=0.35)
    assert fit.b == pytest.approx(true.b, rel=0.50)
    assert fit.r / fit.alpha == pytest.approx(true.r / true.alpha, rel=0.12)
    assert fit.a / (fit.a + fit.b) == pytest.approx(true.a / (true.a + true.b), rel=0.15)
    assert fit.log_likelihood == pytest.approx(
        clv.bgnbd_log_likelihood(fit, sim[C.FREQUENCY], sim[C.RECENCY], sim[C.T]).sum()
    )
    # The maximum beats the true parameters on the data it was fitted to.
    truth = clv.bgnbd_log_likelihood(true, sim[C.FREQUENCY], sim[C.RECENCY], sim[C.T]).sum()
    assert fit.log_likelihood >= truth


def test_gamma_gamma_recovers_known_parameters() -> None:
    x = np.random.default_rng(1000).integers(1, 21, size=10_000)
    m = clv.simulate_gamma_gamma(CDNOW_SPEND, x, seed=0)
    fit = clv.fit_gamma_gamma(x, m)
    assert fit.converged and fit.n_customers == 10_000
    assert fit.p == pytest.approx(6.25, rel=0.35)
    assert fit.q == pytest.approx(3.74, rel=0.05)
    assert fit.v == pytest.approx(15.44, rel=0.40)
    assert fit.p * fit.v / (fit.q - 1) == pytest.approx(6.25 * 15.44 / 2.74, rel=0.03)


def _lifetimes_dataset(name: str) -> Path | None:
    spec = importlib.util.find_spec("lifetimes")  # data files only; lifetimes is not imported
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / name
    return path if path.exists() else None


def test_cdnow_fit_matches_the_published_one() -> None:
    path = _lifetimes_dataset("cdnow_customers_summary_with_transactions.csv")
    if path is None:
        pytest.skip("the CDNOW summary ships with the `lifetimes` package, not installed")
    data = pd.read_csv(path)  # columns ID, x, t_x, T, zbar (2,357 customers)
    fit = clv.fit_bgnbd(data["x"], data["t_x"], data["T"])
    # every printed digit (the published values are rounded to 3 decimals)
    assert (fit.r, fit.alpha, fit.a, fit.b) == pytest.approx((0.243, 4.414, 0.793, 2.426), abs=5e-4)
    assert fit.converged and fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    spend = clv.fit_gamma_gamma(data["x"], data["zbar"])
    assert (spend.p, spend.q, spend.v) == pytest.approx((6.25, 3.74, 15.44), abs=1e-2)


# ---- summary, CLV and the holdout check on hand-made transactions ---------------------------


def test_summary_hand_worked(small: pd.DataFrame) -> None:
    before = small.copy()
    summary = clv.summary_from_transactions(small)
    # Observation end = 2011-03-29. A: days 03-01, 03-08, 03-22 -> x = 2, t_x = 21 d = 3 w,
    # T = 28 d = 4 w, monetary = mean(20, 36) = 28 (first day left out).
    # B: one day 03-15 -> 0, 0, T = 14 d = 2 w, 0.  C: 03-01 and 03-29 -> 1, 4 w, 4 w, 3.
    assert list(summary.columns) == list(clv.SUMMARY_COLUMNS)
    assert summary[C.CUSTOMER].tolist() == ["A", "B", "C"]
    assert summary[C.FREQUENCY].tolist() == [2, 0, 1]
    np.testing.assert_allclose(summary[C.RECENCY], [3.0, 0.0, 4.0])
    np.testing.assert_allclose(summary[C.T], [4.0, 2.0, 4.0])
    np.testing.assert_allclose(summary[C.MONETARY], [28.0, 0.0, 3.0])
    pd.testing.assert_frame_equal(small, before)

    early = clv.summary_from_transactions(small, observation_end="2011-03-20", time_unit="days")
    # Up to 03-20: A 03-01, 03-08 -> 1, 7 d, 19 d, 20; B 03-15 -> T 5 d; C 03-01 -> T 19 d.
    assert early[C.FREQUENCY].tolist() == [1, 0, 0]
    np.testing.assert_allclose(early[C.RECENCY], [7.0, 0.0, 0.0])
    np.testing.assert_allclose(early[C.T], [19.0, 5.0, 19.0])
    np.testing.assert_allclose(early[C.MONETARY], [20.0, 0.0, 0.0])


def test_customer_lifetime_value_sums_discounted_months(small: pd.DataFrame) -> None:
    summary = clv.summary_from_transactions(small)
    args = (summary[C.FREQUENCY], summary[C.RECENCY], summary[C.T])
    spend = clv.expected_spend(CDNOW_SPEND, summary[C.FREQUENCY], summary[C.MONETARY])
    month = 30 / 7  # weeks
    one = clv.customer_lifetime_value(
        CDNOW, CDNOW_SPEND, summary, months=1, monthly_discount_rate=0.0
    )
    np.testing.assert_allclose(
        one[C.CLV], spend * clv.expected_purchases(CDNOW, *args, horizon=month)
    )
    three = clv.customer_lifetime_value(
        CDNOW, CDNOW_SPEND, summary, months=3, monthly_discount_rate=0.02, margin=0.3
    )
    cumulative = [clv.expected_purchases(CDNOW, *args, horizon=i * month) for i in (1, 2, 3)]
    by_hand = 0.3 * spend * (
        cumulative[0] / 1.02 + (cumulative[1] - cumulative[0]) / 1.02**2
        + (cumulative[2] - cumulative[1]) / 1.02**3
    )  # fmt: skip
    np.testing.assert_allclose(three[C.CLV], by_hand)
    np.testing.assert_allclose(three[C.EXPECTED_PURCHASES], cumulative[2])
    np.testing.assert_allclose(three[C.P_ALIVE], clv.probability_alive(CDNOW, *args))


def test_calibration_holdout_hand_worked(small: pd.DataFrame, monkeypatch) -> None:
    # Two calibration customers identify no BG/NBD maximum (the likelihood rises towards
    # infinite parameters, and the fit says so); the bookkeeping is checked with the
    # published CDNOW parameters in place of the fit.
    with pytest.warns(ConvergenceWarning, match="BG/NBD fit on 2 customers did not converge"):
        clv.calibration_holdout(small, calibration_end="2011-03-10")
    fitted = []

    def fit_bgnbd(frequency, recency, T):
        fitted.append((list(frequency), list(recency), list(T)))
        return CDNOW

    monkeypatch.setattr(_holdout, "fit_bgnbd", fit_bgnbd)
    check = clv.calibration_holdout(small, calibration_end="2011-03-10")
    assert check.model is CDNOW
    assert fitted == [([1, 0], [1.0, 0.0], [pytest.approx(9 / 7), pytest.approx(9 / 7)])]
    # Calibration to 03-10: A (03-01, 03-08: x 1, t_x 1 w, T 9/7 w) and C (03-01: x 0,
    # T 9/7 w); B starts later and is left out. Holdout 03-11..03-29 (19 days): A buys on
    # 03-22, C on 03-29 -> actual [1, 1].
    customers = check.customers
    assert customers[C.CUSTOMER].tolist() == ["A", "C"]
    assert customers[C.ACTUAL].tolist() == [1, 1]
    assert check.horizon == pytest.approx(19 / 7)
    predicted = clv.expected_purchases(
        check.model, [1, 0], [1.0, 0.0], [9 / 7, 9 / 7], horizon=19 / 7
    )
    np.testing.assert_allclose(customers[C.PREDICTED], predicted)
    assert check.mae == pytest.approx(np.mean(np.abs(predicted - 1)))
    assert check.total_actual == 2
    assert check.relative_error == pytest.approx((predicted.sum() - 2) / 2)
    # Naive forecast: A 1 / (9/7) * 19/7 = 19/9, C 0 -> MAE (10/9 + 1) / 2.
    assert check.baseline_mae == pytest.approx((10 / 9 + 1) / 2)
    groups = check.by_frequency
    assert groups[C.FREQUENCY].tolist() == [0, 1]
    assert groups[C.N_CUSTOMERS].tolist() == [1, 1]
    np.testing.assert_allclose(groups[C.PREDICTED], predicted[::-1])


# ---- bad input -----------------------------------------------------------------------------


def test_no_repeat_customers_cannot_be_fitted(small: pd.DataFrame) -> None:
    with pytest.raises(DataValidationError, match=r"no repeat customers.*BG/NBD cannot be fitted"):
        clv.fit_bgnbd([0, 0, 0], [0.0, 0.0, 0.0], [5.0, 6.0, 7.0])
    with pytest.raises(DataValidationError, match=r"no repeat customers.*Gamma-Gamma"):
        clv.fit_gamma_gamma([0, 0], [0.0, 0.0])
    with pytest.raises(DataValidationError, match="no repeat customers"):
        clv.calibration_holdout(small, calibration_end="2011-03-05")  # A and C: one day each


def test_negative_monetary_left_after_cleaning(small: pd.DataFrame) -> None:
    refund = _transactions([("A", "C9", "2011-03-08", -80.0)])  # day 03-08 nets to -60
    with pytest.raises(DataValidationError, match=r"monetary.*'A'.*-12\.00"):
        clv.summary_from_transactions(pd.concat([small, refund], ignore_index=True))
    with pytest.raises(DataValidationError, match=r"monetary.*cancellations"):
        clv.fit_gamma_gamma([1, 2], [10.0, -5.0])


def test_transactions_without_customer_ids(small: pd.DataFrame) -> None:
    guests = small.assign(**{C.CUSTOMER: small[C.CUSTOMER].where(small[C.INVOICE] != "6")})
    with pytest.raises(DataValidationError, match="1 rows have no `customer_id`"):
        clv.summary_from_transactions(guests)


def test_dates_outside_the_data(small: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match=r"observation_end.*2011-03-01"):
        clv.summary_from_transactions(small, observation_end="2011-02-27")
    with pytest.raises(ParameterError, match="calibration_end"):
        clv.calibration_holdout(small, calibration_end="2011-03-29")  # no holdout left


def test_impossible_summaries_and_options() -> None:
    with pytest.raises(DataValidationError, match=r"recency.*<= T"):
        clv.fit_bgnbd([1, 2], [3.0, 9.0], [5.0, 6.0])
    with pytest.raises(DataValidationError, match=r"frequency.*whole"):
        clv.fit_bgnbd([1.5], [1.0], [2.0])
    with pytest.raises(DataValidationError, match="same length"):
        clv.fit_bgnbd([1, 2], [1.0], [2.0, 3.0])
    with pytest.raises(UnknownNameError, match="weeks"):
        clv.summary_from_transactions(
            _transactions([("A", "1", "2011-01-01", 1.0)]), time_unit="months"
        )
    with pytest.raises(ParameterError, match="`r` must be a positive"):
        clv.BGNBD(r=0.0, alpha=1.0, a=1.0, b=1.0)
    with pytest.raises(ParameterError, match="q"):
        clv.expected_spend(clv.GammaGamma(p=1.0, q=0.9, v=1.0), [1], [1.0])
    with pytest.raises(ParameterError, match="horizon"):
        clv.expected_purchases(CDNOW, [1], [1.0], [2.0], horizon=0)


def test_simulation_is_seeded() -> None:
    first = clv.simulate_bgnbd(CDNOW, np.full(50, 39.0), seed=5)
    again = clv.simulate_bgnbd(CDNOW, np.full(50, 39.0), seed=5)
    pd.testing.assert_frame_equal(first, again)
    assert (first[C.RECENCY] <= first[C.T]).all()
    assert (first.loc[first[C.FREQUENCY] == 0, C.RECENCY] == 0).all()


def test_expected_purchases_in_the_common_dropout_limit() -> None:
    # a, b -> inf with a / (a + b) = p: every customer drops out with probability p and
    # E[X(t) | alive] -> (1 - ((alpha+T)/(alpha+T+p t))^(r+x)) / p. Where 2F1 still
    # works it approaches that limit (error ~ 1/a); where it fails the limit is used.
    x, tx, T = np.array([0, 3, 10]), np.array([0.0, 10.0, 20.0]), np.array([20.0, 25.0, 21.0])

    def limit(model: clv.BGNBD) -> np.ndarray:
        p = model.a / (model.a + model.b)
        ratio = (model.alpha + T) / (model.alpha + T + p * 13.0)
        return (1 - ratio ** (model.r + x)) / p * clv.probability_alive(model, x, tx, T)

    moderate = clv.BGNBD(r=4.2, alpha=16.9, a=2000.0, b=350_000.0)
    got = clv.expected_purchases(moderate, x, tx, T, horizon=13.0)
    np.testing.assert_allclose(got, limit(moderate), rtol=1e-6)
    huge = clv.BGNBD(r=4.2, alpha=16.9, a=18_500.0, b=3.27e6)
    got = clv.expected_purchases(huge, x, tx, T, horizon=13.0)
    np.testing.assert_allclose(got, limit(huge), rtol=1e-12)


# Two customers give BG/NBD no interior maximum (it warns); this test is about the dates only.
@pytest.mark.filterwarnings("ignore::aftersales.errors.ConvergenceWarning")
def test_calibration_end_relative_to_the_last_day(small: pd.DataFrame) -> None:
    # The last purchase day is 2011-03-29: 19 days before it is 2011-03-10.
    relative = clv.calibration_holdout(small, calibration_end="-19d")
    explicit = clv.calibration_holdout(small, calibration_end="2011-03-10")
    assert relative.horizon == explicit.horizon == pytest.approx(19 / 7)
    pd.testing.assert_frame_equal(relative.customers, explicit.customers)
    with pytest.raises(ParameterError, match="calibration_end"):
        clv.calibration_holdout(small, calibration_end="-52w")  # before the first day
