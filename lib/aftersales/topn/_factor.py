"""Matrix factorisation for implicit feedback: ALS (``implicit`` library) and BPR (``cornac``)."""

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
from aftersales.topn._matrix import Interactions


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

    def _reason_weights(
        self, seen: np.ndarray, values: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Hu, Koren and Volinsky's decomposition: confidences and ``y_i' W_u y_j``."""
        factors = self._items
        confidence = 1.0 + self.alpha * values
        yu = factors[seen]
        system = factors.T @ factors + (yu.T * (confidence - 1.0)) @ yu
        system[np.diag_indices_from(system)] += self.regularization
        weighted = np.linalg.solve(system, factors[cols].T)  # W_u y_i for every target
        return confidence, yu @ weighted


def _cornac_dataset(matrix: sp.csr_matrix) -> Any:
    """Wrap a users x items matrix as a ``cornac`` training set whose indices are our codes.

    Built from the arrays directly (no per-row Python loop): user ``u`` and item ``i`` of
    the matrix are user ``u`` and item ``i`` of cornac, so its factors need no reordering.
    """
    from cornac.data import Dataset

    coo = matrix.tocoo()
    n_users, n_items = matrix.shape
    return Dataset(
        num_users=n_users,
        num_items=n_items,
        uid_map={code: code for code in range(n_users)},
        iid_map={code: code for code in range(n_items)},
        uir_tuple=(coo.row, coo.col, np.ones(coo.nnz, dtype=np.float32)),
    )


class BPR(TopNModel):
    """Bayesian personalised ranking (Rendle et al. 2009) by stochastic gradient descent.

    Maximises ``sum ln sigmoid(x_u . (y_i - y_j) + b_i - b_j)`` with an L2 penalty over
    triples of a user, an item they have ``i`` (a uniformly drawn interaction) and an item
    ``j`` drawn uniformly from the catalogue (a ``j`` the user has is skipped); one epoch
    draws as many triples as there are interactions. Fitted by ``cornac.models.BPR`` on
    one thread (cornac runs one thread whenever it is seeded, so the same seed gives the
    same factors; its multi-threaded updates race). Strengths are ignored (presence only).
    Scores are ``x_u . y_i + b_i``.

    ``implicit``'s BPR (used before issue #21) draws ``j`` from the interactions, i.e. in
    proportion to popularity: the item bias then cannot learn popularity, and on issue
    #7's protocol it stayed near precision@10 0.32 wherever it was tuned (bench/bpr.py).

    Parameters
    ----------
    factors : int, default 64
        Latent dimensions, >= 1.
    learning_rate : float, default 0.01
        SGD step, > 0.
    regularization : float, default 0.01
        L2 penalty of factors and biases, > 0.
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
    reasons_exact = False

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
        from cornac.models import BPR as CornacBPR

        model = CornacBPR(
            k=self.factors,
            max_iter=self.iterations,
            learning_rate=self.learning_rate,
            lambda_reg=self.regularization,
            seed=int_seed(self.seed),  # seeded: cornac uses one thread
        )
        model.fit(_cornac_dataset(matrix))
        # a column of ones on the users and the biases on the items: the product adds b_i
        users = np.asarray(model.u_factors, dtype=np.float64)
        self._users = np.hstack([users, np.ones((users.shape[0], 1))])
        self._items = np.hstack(
            [
                np.asarray(model.i_factors, dtype=np.float64),
                np.asarray(model.i_biases, dtype=np.float64)[:, None],
            ]
        )

    def _known_scores(self, codes: np.ndarray) -> np.ndarray:
        return self._users[codes] @ self._items.T

    def _reason_weights(
        self, seen: np.ndarray, values: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """No decomposition: the cosine of the item factors."""
        factors = self._items
        norms = np.linalg.norm(factors, axis=1)
        norms[norms == 0] = 1.0
        unit = factors / norms[:, None]
        return values, unit[seen] @ unit[cols].T
