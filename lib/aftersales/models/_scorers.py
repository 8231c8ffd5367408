"""Vectorised equivalents of ``estimate`` for every non-k-NN Surprise algorithm.

A scorer answers two questions for a fitted model, before clipping:

``known(users)``
    The estimates of known inner ``users`` for every trainset item, shape
    ``(len(users), n_items)``.
``unknown(users, items, raw_users, raw_items)``
    The estimates over a grid where some user or item ids are unknown (``-1``); only
    the cells with an unknown id are read. The default is what ``predict`` falls back
    to when ``estimate`` raises ``PredictionImpossible``: the trainset's global mean.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np
from surprise import AlgoBase

from aftersales.models._seeded import keys_of, standard_normals
from aftersales.models._trainset import user_lists


class Scorer(ABC):
    """Base scorer; subclasses implement :meth:`known`.

    Parameters
    ----------
    model : surprise.AlgoBase
        A fitted algorithm.
    """

    def __init__(self, model: AlgoBase) -> None:
        self.model = model
        self.trainset = model.trainset
        self.global_mean = float(model.trainset.global_mean)
        self.n_items = int(model.trainset.n_items)

    @abstractmethod
    def known(self, users: np.ndarray) -> np.ndarray:
        """Return estimates of known inner ``users`` for every trainset item.

        Parameters
        ----------
        users : numpy.ndarray
            Inner user ids, all known.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(users), n_items)``, unclipped, a new array the caller may modify.
        """

    def unknown(
        self,
        users: np.ndarray,
        items: np.ndarray,
        raw_users: Sequence[Any],
        raw_items: Sequence[Any],
    ) -> np.ndarray:
        """Return estimates where the user or the item is unknown (``-1``).

        Parameters
        ----------
        users, items : numpy.ndarray
            Inner ids, ``-1`` for unknown ones.
        raw_users, raw_items : sequence
            The matching raw ids.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(users), len(items))``; cells with two known ids are ignored.
        """
        return np.full((len(users), len(items)), self.global_mean)


def partial_baseline(
    global_mean: float, bu: np.ndarray, bi: np.ndarray, users: np.ndarray, items: np.ndarray
) -> np.ndarray:
    """``mu + b_u + b_i`` with a bias counted only when its id is known (Surprise's rule)."""
    user_bias = np.where(users >= 0, bu[np.maximum(users, 0)], 0.0)
    item_bias = np.where(items >= 0, bi[np.maximum(items, 0)], 0.0)
    return global_mean + user_bias[:, None] + item_bias[None, :]


class _BaselineFallback(Scorer):
    """Unknown user or item: ``mu`` plus the biases that are known (BaselineOnly, SVD...)."""

    biased = True

    def unknown(self, users, items, raw_users, raw_items):
        if not self.biased:
            return super().unknown(users, items, raw_users, raw_items)
        m = self.model
        return partial_baseline(self.global_mean, m.bu, m.bi, users, items)


class BaselineScorer(_BaselineFallback):
    """``BaselineOnly``: ``mu + b_u + b_i``."""

    def known(self, users):
        return self.global_mean + self.model.bu[users][:, None] + self.model.bi[None, :]


class FactorScorer(_BaselineFallback):
    """``SVD`` and ``NMF``: ``[mu + b_u + b_i +] q_i . p_u``.

    The biases ride along in one matrix product: ``[p_u, mu + b_u, 1] . [q_i, 1, b_i]``.
    Unbiased models raise ``PredictionImpossible`` for unknown ids (-> global mean).
    """

    def __init__(self, model: AlgoBase) -> None:
        super().__init__(model)
        self.biased = bool(model.biased)
        qi = np.asarray(model.qi, dtype=np.float64)
        if self.biased:
            ones = np.ones((qi.shape[0], 1))
            qi = np.hstack([qi, ones, np.asarray(model.bi, dtype=np.float64)[:, None]])
        self.item_factors_t = np.ascontiguousarray(qi.T)

    def known(self, users):
        m = self.model
        pu = m.pu[users]
        if self.biased:
            pu = np.hstack(
                [pu, (self.global_mean + m.bu[users])[:, None], np.ones((len(users), 1))]
            )
        return pu @ self.item_factors_t


class SVDppScorer(_BaselineFallback):
    """``SVDpp``: ``mu + b_u + b_i + q_i . (p_u + |I_u|^-1/2 sum_{j in I_u} y_j)``."""

    def __init__(self, model: AlgoBase) -> None:
        super().__init__(model)
        lists = user_lists(self.trainset)
        self.rated = lists.matrix()
        self.n_rated = lists.lengths.astype(np.float64)

    def known(self, users):
        m = self.model
        implicit = (self.rated[users] @ m.yj) / np.sqrt(self.n_rated[users])[:, None]
        dots = (m.pu[users] + implicit) @ m.qi.T
        return self.global_mean + m.bu[users][:, None] + m.bi[None, :] + dots


class SlopeOneScorer(Scorer):
    """``SlopeOne``: ``mu_u + mean(dev[i, j] for j rated by u with freq[i, j] > 0)``."""

    def __init__(self, model: AlgoBase) -> None:
        super().__init__(model)
        common = np.asarray(model.freq) > 0
        # dev is NaN where no user rated both items (0 / 0 in Surprise's fit)
        self.dev_t = np.ascontiguousarray(np.where(common, model.dev, 0.0).T)
        self.common_t = np.ascontiguousarray(common.T, dtype=np.float64)
        self.rated = user_lists(self.trainset).matrix()
        self.user_mean = np.asarray(model.user_mean, dtype=np.float64)

    def known(self, users):
        rated = self.rated[users]
        total = np.asarray(rated @ self.dev_t)
        count = np.asarray(rated @ self.common_t)
        mean_dev = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
        return self.user_mean[users][:, None] + mean_dev


class CoClusteringScorer(Scorer):
    """``CoClustering``: co-cluster mean plus the user's and item's offsets from theirs."""

    def known(self, users):
        m = self.model
        uc = m.cltr_u[users]
        ic = m.cltr_i
        est = m.avg_cocltr[uc][:, ic] + m.user_mean[users][:, None]
        est = est - m.avg_cltr_u[uc][:, None]
        est = est + m.item_mean[None, :]
        return est - m.avg_cltr_i[ic][None, :]


class NormalScorer(Scorer):
    """:class:`SeededNormalPredictor`: ``mu + sigma * z(key, u, i)`` for every pair."""

    def known(self, users):
        z = standard_normals(self.model.key, users, np.arange(self.n_items))
        return self.global_mean + self.model.sigma * z

    def unknown(self, users, items, raw_users, raw_items):
        z = standard_normals(self.model.key, keys_of(users, raw_users), keys_of(items, raw_items))
        return self.global_mean + self.model.sigma * z
