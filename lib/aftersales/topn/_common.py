"""Size limits, the catalogue check of ``k`` and the rating-method refusals of the top-N models.

Scalar parameter checks live in :mod:`aftersales.validate`.
"""

from __future__ import annotations

from typing import Any

from aftersales import validate
from aftersales.errors import ParameterError, RankingOnlyError

MAX_FACTORS = 1_000
"""Latent factors of ALS/BPR: 1,000 x 1M customers is already 8 GB of float64."""
MAX_ITERATIONS = 10_000
"""Training passes of ALS/BPR (each a pass over every interaction)."""
MAX_NEIGHBORS = 100_000
"""Neighbours kept per item by item-kNN."""


def check_k(k: Any, n_items: int) -> int:
    """Check a list length against the catalogue.

    Parameters
    ----------
    k : object
        Items per user asked for.
    n_items : int
        Items in the fitted catalogue.

    Returns
    -------
    int
        ``k``.

    Raises
    ------
    ParameterError
        If ``k`` is not a positive integer or exceeds the catalogue.
    """
    k = validate.integer(k, "k")
    if k > n_items:
        raise ParameterError(
            f"`k`={k} is larger than the catalogue: the model was fitted on {n_items} items; "
            f"ask for at most {n_items}"
        )
    return k


class RanksOnly:
    """Mixin: Surprise's rating methods, each raising :class:`RankingOnlyError`."""

    def _ranks_only(self, method: str) -> RankingOnlyError:
        return RankingOnlyError(
            f"{type(self).__name__}.{method}: this model ranks items only; its scores order a "
            "user's items but are not rating estimates. Use recommend(users, k) or "
            "score_all(users), or a rating model from aftersales.models for predictions"
        )

    def predict(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse a rating prediction (Surprise's ``predict``).

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Returns
        -------
        object
            Never returns.

        Raises
        ------
        RankingOnlyError
            Always: the model ranks items only.
        """
        raise self._ranks_only("predict")

    def estimate(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse a rating estimate (Surprise's ``estimate``).

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Returns
        -------
        object
            Never returns.

        Raises
        ------
        RankingOnlyError
            Always: the model ranks items only.
        """
        raise self._ranks_only("estimate")

    def test(self, *args: Any, **kwargs: Any) -> Any:
        """Refuse to predict a test set (Surprise's ``test``; ask run_experiment for list metrics).

        Parameters
        ----------
        *args, **kwargs
            Ignored.

        Returns
        -------
        object
            Never returns.

        Raises
        ------
        RankingOnlyError
            Always: the model ranks items only.
        """
        raise self._ranks_only("test")
