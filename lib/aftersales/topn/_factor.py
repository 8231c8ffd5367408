"""Matrix factorisation for implicit feedback through the ``implicit`` library: ALS and BPR."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from aftersales import validate
from aftersales.random import Seed, int_seed
from aftersales.topn._base import TopNModel
from aftersales.topn._common import MAX_FACTORS, MAX_ITERATIONS
from aftersales.topn._data import Interactions


def _implicit_class(module: str, name: str) -> type:
    """Import a model class of ``implicit`` without tqdm's notebook-widget warning.

    ``implicit`` imports ``tqdm.auto``, which warns inside Jupyter when ipywidgets is
    missing; the warning is irrelevant here because its progress bars are never shown
    (``show_progress=False``), and it would print a machine-specific path in notebooks.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        return getattr(importlib.import_module(module), name)


def _fit_implicit(model_class: type, matrix: sp.csr_matrix, **options: Any) -> Any:
    """Build and fit an ``implicit`` CPU model with BLAS limited to one thread.

    ``implicit`` warns (at construction) when OpenBLAS or MKL may start its own threads,
    because its solvers are already parallel and nested pools slow them down badly; the
    limit applies only inside this call and is a no-op when BLAS already uses one thread.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        model = model_class(**options)
        model.fit(matrix.astype(np.float32), show_progress=False)
    return model


class ALS(TopNModel):
    """Alternating least squares with confidence weights (Hu, Koren and Volinsky 2008).

    Minimises ``sum_ui c_ui (p_ui - x_u . y_i)^2 + regularization (|x_u|^2 + |y_i|^2)``
    over all user x item pairs, with preference ``p_ui = 1`` for an interaction (else 0)
    and confidence ``c_ui = 1 + alpha * w_ui`` (else 1), where ``w_ui`` is the strength
    (1 with ``binary=True``). Fitted by ``implicit.cpu.als.AlternatingLeastSquares``
    (conjugate-gradient steps), whose updates are deterministic given the seed at any
    number of threads. Scores are ``x_u . y_i``.

    Parameters
    ----------
    factors : int, default 32
        Latent dimensions, >= 1.
    regularization : float, default 10.0
        L2 penalty, > 0 (not scaled by the number of interactions).
    alpha : float, default 1.0
        Confidence slope, >= 0.
    iterations : int, default 15
        Alternating sweeps, >= 1.
    binary : bool, default False
        Ignore strengths (every interaction has ``w = 1``).
    seed : int or numpy.random.Generator
        Seeds the initial factors (an integer is drawn at each fit from a generator).

    Raises
    ------
    ParameterError
        If an option is of the wrong type or out of range.
    """

    name = "als"

    def __init__(
        self,
        *,
        factors: int = 32,
        regularization: float = 10.0,
        alpha: float = 1.0,
        iterations: int = 15,
        binary: bool = False,
        seed: Seed,
    ) -> None:
        super().__init__(seed=seed)
        self.factors = validate.integer(factors, "factors", high=MAX_FACTORS)
        self.regularization = validate.number(regularization, "regularization")
        self.alpha = validate.number(alpha, "alpha", strict=False)
        self.iterations = validate.integer(iterations, "iterations", high=MAX_ITERATIONS)
        self.binary = validate.boolean(binary, "binary")

    def _fit(self, matrix: sp.csr_matrix, data: Interactions) -> None:
        AlternatingLeastSquares = _implicit_class("implicit.cpu.als", "AlternatingLeastSquares")

        confidence = matrix.copy()
        confidence.data = 1.0 + self.alpha * confidence.data
        model = _fit_implicit(
            AlternatingLeastSquares,
            confidence,
            factors=self.factors,
            regularization=self.regularization,
            alpha=1.0,  # the confidence is already 1 + alpha * w
            iterations=self.iterations,
            random_state=int_seed(self.seed),
        )
        self._users = np.asarray(model.user_factors, dtype=np.float64)
        self._items = np.asarray(model.item_factors, dtype=np.float64)

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        return self._users[codes] @ self._items.T


class BPR(TopNModel):
    """Bayesian personalised ranking (Rendle et al. 2009) by stochastic gradient descent.

    Maximises ``sum ln sigmoid(x_u . (y_i - y_j) + b_i - b_j)`` over sampled triples of a
    user, an item they have ``i`` and one they do not ``j``, with an L2 penalty. Fitted
    by ``implicit.cpu.bpr.BayesianPersonalizedRanking`` on one thread: its multi-threaded
    updates race and are not reproducible. Strengths are ignored (presence only). Scores
    are ``x_u . y_i + b_i``.

    Parameters
    ----------
    factors : int, default 64
        Latent dimensions, >= 1.
    learning_rate : float, default 0.01
        SGD step, > 0.
    regularization : float, default 0.01
        L2 penalty, > 0.
    iterations : int, default 100
        Epochs, >= 1.
    seed : int or numpy.random.Generator
        Seeds the initial factors and the sampling.

    Raises
    ------
    ParameterError
        If an option is of the wrong type or out of range.
    """

    name = "bpr"

    def __init__(
        self,
        *,
        factors: int = 64,
        learning_rate: float = 0.01,
        regularization: float = 0.01,
        iterations: int = 100,
        seed: Seed,
    ) -> None:
        super().__init__(seed=seed)
        self.factors = validate.integer(factors, "factors", high=MAX_FACTORS)
        self.learning_rate = validate.number(learning_rate, "learning_rate")
        self.regularization = validate.number(regularization, "regularization")
        self.iterations = validate.integer(iterations, "iterations", high=MAX_ITERATIONS)

    def _fit(self, matrix: sp.csr_matrix, data: Interactions) -> None:
        BayesianPersonalizedRanking = _implicit_class(
            "implicit.cpu.bpr", "BayesianPersonalizedRanking"
        )

        model = _fit_implicit(
            BayesianPersonalizedRanking,
            matrix,
            factors=self.factors,
            learning_rate=self.learning_rate,
            regularization=self.regularization,
            iterations=self.iterations,
            num_threads=1,
            random_state=int_seed(self.seed),
        )
        # implicit appends a column of ones to the user factors and the item biases to
        # the item factors, so the product includes b_i.
        self._users = np.asarray(model.user_factors, dtype=np.float64)
        self._items = np.asarray(model.item_factors, dtype=np.float64)

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        return self._users[codes] @ self._items.T
