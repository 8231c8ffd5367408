"""``UserCosineCF`` as a Surprise-style algorithm (``fit(trainset)``, ``test(testset)``).

``aftersales.evaluate.run_experiment`` runs it on the folds, metrics and intervals of the
Surprise models it is compared with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from surprise import Prediction, Trainset

from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.usercf._model import UserCosineCF

_BATCH_USERS = 256
"""Users whose scores over every item are held at once when estimating test pairs."""


class UserCosineCFAlgo:
    """Fit :class:`aftersales.usercf.UserCosineCF` on a Surprise trainset and predict pairs.

    ``run_experiment`` needs ``fit(trainset)`` and ``test(testset)``; this adapter gives
    both, so ``UserCosineCF`` is evaluated on exactly the folds, metrics and intervals of
    the Surprise models it is compared with. The estimate of a pair is the model's score
    (a similarity-weighted average of the neighbours' ratings, plus the user's mean when
    centred) clipped to the rating scale; where it is undefined (no neighbour rated the
    item, or the user or item is not in the trainset) it is the trainset's mean rating,
    which is what Surprise's ``KNNBasic`` falls back to.

    Parameters
    ----------
    k : int, default 40
        Neighbours per user.
    min_similarity : float, default 0.0
        Neighbours need a similarity above this.
    shrinkage : float, default 0.0
        Shrinkage of similarities resting on few co-rated items.
    center : bool, default False
        Mean-centre the ratings.

    Raises
    ------
    ParameterError
        If an option is invalid (checked by ``UserCosineCF``).
    """

    def __init__(
        self,
        k: int = 40,
        *,
        min_similarity: float = 0.0,
        shrinkage: float = 0.0,
        center: bool = False,
    ) -> None:
        self.model = UserCosineCF(
            k, min_similarity=min_similarity, shrinkage=shrinkage, center=center
        )
        self.trainset: Trainset | None = None

    def __repr__(self) -> str:
        return f"UserCosineCFAlgo({self.model!r})"

    def fit(self, trainset: Trainset) -> UserCosineCFAlgo:
        """Fit the model on the ratings of a Surprise trainset.

        Parameters
        ----------
        trainset : surprise.Trainset
            The training ratings, e.g. from ``aftersales.split.to_surprise``.

        Returns
        -------
        UserCosineCFAlgo
            ``self``, fitted.

        Raises
        ------
        ParameterError
            If ``trainset`` is not a Surprise trainset.
        """
        if not isinstance(trainset, Trainset):
            raise ParameterError(f"`trainset` must be a surprise Trainset; got {type(trainset)}")
        raw_users = pd.Index([trainset.to_raw_uid(u) for u in range(trainset.n_users)])
        raw_items = pd.Index([trainset.to_raw_iid(i) for i in range(trainset.n_items)])
        triples = np.array(list(trainset.all_ratings()), dtype=np.float64).reshape(-1, 3)
        frame = pd.DataFrame(
            {
                C.USER: raw_users[triples[:, 0].astype(np.int64)],
                C.ITEM: raw_items[triples[:, 1].astype(np.int64)],
                C.RATING: triples[:, 2],
            }
        )
        self.model.fit(frame)
        self.trainset = trainset
        return self

    def estimates(self, users: Sequence[Any], items: Sequence[Any]) -> np.ndarray:
        """Return the clipped estimate of each (user, item) pair, with the fallback.

        Parameters
        ----------
        users, items : sequence
            Raw ids of equal length (the pairs).

        Returns
        -------
        numpy.ndarray
            One float per pair.

        Raises
        ------
        ParameterError
            If the model is not fitted or the sequences differ in length.
        """
        if self.trainset is None:
            raise ParameterError("`UserCosineCFAlgo` is not fitted; call fit(trainset) first")
        if len(users) != len(items):
            raise ParameterError(
                f"`users` and `items` must have equal lengths; got {len(users)} and {len(items)}"
            )
        model = self.model
        u_codes = model.users_.get_indexer(pd.Index(list(users)))
        i_codes = model.items_.get_indexer(pd.Index(list(items)))
        out = np.full(len(u_codes), np.nan)
        known = (u_codes >= 0) & (i_codes >= 0)
        wanted = np.unique(u_codes[known])
        for start in range(0, len(wanted), _BATCH_USERS):  # batches of users
            block = wanted[start : start + _BATCH_USERS]
            values = model.score_all(model.users_[block].tolist()).values
            rows = known & np.isin(u_codes, block)
            out[rows] = values[np.searchsorted(block, u_codes[rows]), i_codes[rows]]
        out[np.isnan(out)] = self.trainset.global_mean
        low, high = self.trainset.rating_scale
        return np.clip(out, low, high)

    def test(self, testset: Sequence[tuple[Any, Any, float]]) -> list[Prediction]:
        """Predict every test triple, as Surprise's ``AlgoBase.test`` does.

        Parameters
        ----------
        testset : sequence of (user, item, rating)
            Raw ids and the true rating.

        Returns
        -------
        list of surprise.Prediction
            ``(uid, iid, r_ui, est, details)`` in the test order; ``details`` is empty.

        Raises
        ------
        ParameterError
            If the model is not fitted.
        """
        users = [row[0] for row in testset]
        items = [row[1] for row in testset]
        est = self.estimates(users, items)
        return [
            Prediction(u, i, r, e, {}) for (u, i, r), e in zip(testset, est.tolist(), strict=True)
        ]

    def recommend(
        self,
        users: Sequence[Any] | None,
        k: int,
        *,
        exclude_seen: bool = True,
        unknown_users: str | None = None,
        batch_size: int | None = None,
    ) -> pd.DataFrame:
        """Return each user's top-``k`` unseen items (``UserCosineCF.recommend``).

        Parameters
        ----------
        users : sequence or None
            User ids; users absent from the trainset get the most popular items.
        k : int
            Items per user.
        exclude_seen : bool, default True
            Leave out each user's training items.
        unknown_users : {"popular", "error", "skip"}, optional
            Users absent from the trainset; default ``"popular"``.
        batch_size : int, optional
            Users per batch.

        Returns
        -------
        pandas.DataFrame
            ``C.USER``, ``C.ITEM``, ``C.SCORE``, ``C.RANK``.

        Raises
        ------
        ParameterError
            If the model is not fitted or ``k`` is invalid.
        """
        return self.model.recommend(
            users,
            k,
            exclude_seen=exclude_seen,
            unknown_users=unknown_users or "popular",
            batch_size=batch_size,
        )
