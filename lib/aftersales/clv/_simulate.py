"""Draw customer summaries from BG/NBD and Gamma-Gamma with known parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.clv._bgnbd import BGNBD
from aftersales.clv._checks import ArrayLike, as_array, frequency_array
from aftersales.clv._gamma_gamma import GammaGamma
from aftersales.errors import DataValidationError
from aftersales.random import Seed, rng


def simulate_bgnbd(model: BGNBD, T: ArrayLike, *, seed: Seed) -> pd.DataFrame:
    """Simulate (frequency, recency, T) for customers observed for times ``T``.

    Each customer draws a purchase rate ``lambda ~ Gamma(r, rate alpha)`` and a dropout
    probability ``p ~ Beta(a, b)``; the number of repeat purchases before dropping out is
    geometric on 1, 2, ... with parameter ``p``. With ``N ~ Poisson(lambda T)`` purchases
    in ``(0, T]`` had the customer stayed, the observed frequency is ``x = min(N, J)`` and
    the time of the x-th of N uniform arrival times is ``T * Beta(x, N - x + 1)``.

    Parameters
    ----------
    model : BGNBD
        True parameters.
    T : array-like
        Observation time of each customer (>= 0).
    seed : int or numpy.random.Generator
        Random seed.

    Returns
    -------
    pandas.DataFrame
        ``C.FREQUENCY`` (int64), ``C.RECENCY`` and ``C.T``, one row per customer.

    Raises
    ------
    DataValidationError
        If ``T`` holds negative or non-finite values.
    """
    age = as_array(T, name="T")
    if (age < 0).any():
        raise DataValidationError("`T` must be >= 0")
    gen = rng(seed)
    n = len(age)
    rate = gen.gamma(model.r, 1.0 / model.alpha, size=n)
    dropout = gen.beta(model.a, model.b, size=n)
    before_dropout = gen.geometric(dropout)
    would_buy = gen.poisson(rate * age)
    x = np.minimum(would_buy, before_dropout)
    position = gen.beta(np.maximum(x, 1), np.maximum(would_buy - x + 1, 1))
    recency = np.where(x > 0, age * position, 0.0)
    return pd.DataFrame({C.FREQUENCY: x.astype(np.int64), C.RECENCY: recency, C.T: age})


def simulate_gamma_gamma(model: GammaGamma, frequency: ArrayLike, *, seed: Seed) -> np.ndarray:
    """Simulate the mean repeat-purchase value of customers with given frequencies.

    Each customer draws ``nu ~ Gamma(q, rate v)``; the sum of ``x`` transaction values
    ``Gamma(p, rate nu)`` is ``Gamma(p x, rate nu)``, divided by ``x`` for the mean.

    Parameters
    ----------
    model : GammaGamma
        True parameters.
    frequency : array-like
        Repeat purchases per customer.
    seed : int or numpy.random.Generator
        Random seed.

    Returns
    -------
    numpy.ndarray
        Mean value per customer; 0 where ``frequency`` is 0.

    Raises
    ------
    DataValidationError
        If ``frequency`` holds negative or fractional values.
    """
    x = frequency_array(frequency)
    gen = rng(seed)
    nu = gen.gamma(model.q, 1.0 / model.v, size=len(x))
    total = gen.gamma(np.maximum(model.p * x, 1e-12), 1.0 / nu)
    return np.where(x > 0, total / np.maximum(x, 1), 0.0)
