"""``UserCosineCF`` as an algorithm ``aftersales.evaluate.run_experiment`` can run."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from surprise import Prediction, Trainset

from aftersales import columns as C
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.evaluate._runner import Experiment, run_experiment
from aftersales.models import recommend
from aftersales.random import Seed
from aftersales.usercf import SEED_DESIGN_FLAWS, SeedFlaw, UserCosineCF

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


def seed_flaws() -> pd.DataFrame:
    """Return ``aftersales.usercf.SEED_DESIGN_FLAWS`` as a table.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``problem``, ``fix``: one row per defect of the source design's sketch.
    """
    return pd.DataFrame(SEED_DESIGN_FLAWS, columns=list(SeedFlaw._fields))


USERCF_METRICS: tuple[str, ...] = ("rmse", "mae", "precision", "recall", "ndcg", "hit_rate")
"""Metrics of :func:`compare_usercf`: rating error and top-k accuracy."""

USERCF_LIST_COLUMNS: tuple[str, ...] = (C.MODEL, C.FOLD, C.USER, C.ITEM, C.SCORE, C.RANK)
"""Columns of :attr:`UserCFComparison.lists`."""


@dataclass(frozen=True, eq=False)
class UserCFComparison(Experiment):
    """The :class:`aftersales.evaluate.Experiment` of :func:`compare_usercf`, with its lists.

    Attributes
    ----------
    lists : pandas.DataFrame
        :data:`USERCF_LIST_COLUMNS`: the top-``top_k`` list of every ranked test user, per model and
        fold, exactly the lists the ranking metrics scored (``aftersales.models.recommend`` on
        each fold's fit), so they need not be recomputed.
    """

    lists: pd.DataFrame

    def top_lists(self, model: str, *, fold: int = 0) -> pd.DataFrame:
        """Return one model's lists on one fold.

        Parameters
        ----------
        model : str
            A model label of the comparison.
        fold : int, default 0
            The fold (0 for a single split).

        Returns
        -------
        pandas.DataFrame
            ``C.USER``, ``C.ITEM``, ``C.SCORE``, ``C.RANK``, as ``aftersales.models.recommend``
            returns them.

        Raises
        ------
        UnknownNameError
            If the comparison holds no list of ``model`` on ``fold``.
        """
        chosen = self.lists[(self.lists[C.MODEL] == model) & (self.lists[C.FOLD] == fold)]
        if chosen.empty:
            labels = ", ".join(map(str, dict.fromkeys(self.lists[C.MODEL])))
            raise UnknownNameError(
                f"`model` {model!r} has no list on fold {fold}; models: {labels or 'none'}"
            )
        return chosen.drop(columns=[C.MODEL, C.FOLD]).reset_index(drop=True)


def compare_usercf(
    models: Mapping[str, Any],
    protocol: object,
    *,
    top_k: int = 10,
    n_resamples: int = 200,
    seed: Seed = 0,
    progress: bool = False,
) -> UserCFComparison:
    """Evaluate ``UserCosineCFAlgo`` next to Surprise models: rating error and top-k lists.

    Parameters
    ----------
    models : mapping of str to object
        Labels to unfitted :class:`UserCosineCFAlgo` or Surprise algorithms.
    protocol : object
        A split or ``(train, test)`` pair.
    top_k : int, default 10
        List length of the ranking metrics (every held-out item is relevant).
    n_resamples : int, default 200
        Bootstrap replicates of each interval.
    seed : int or numpy.random.Generator, default 0
        Seed of the bootstrap.
    progress : bool, default False
        Show a progress bar.

    Returns
    -------
    UserCFComparison
        :data:`USERCF_METRICS` for every model, ranked with ``aftersales.models.recommend``,
        and the ranked lists themselves (``lists``).

    Raises
    ------
    ParameterError, UnknownNameError
        As raised by :func:`aftersales.evaluate.run_experiment`.
    """
    labels = list(models) if isinstance(models, Mapping) else []
    ranked: list[pd.DataFrame] = []

    def rank_and_keep(model: Any, users: Sequence[Any], k: int) -> pd.DataFrame:
        # run_experiment ranks once per fold and model, models in mapping order
        recs = recommend(model, users, k)
        fold, position = divmod(len(ranked), len(labels))
        ranked.append(recs.assign(**{C.MODEL: labels[position], C.FOLD: fold}))
        return recs

    experiment = run_experiment(
        models,
        protocol,
        rank_fn=rank_and_keep,
        ks=top_k,
        metrics=USERCF_METRICS,
        n_resamples=n_resamples,
        seed=seed,
        progress=progress,
    )
    lists = (
        pd.concat(ranked, ignore_index=True)[list(USERCF_LIST_COLUMNS)]
        if ranked
        else pd.DataFrame(columns=list(USERCF_LIST_COLUMNS))
    )
    parts = {field.name: getattr(experiment, field.name) for field in fields(Experiment)}
    return UserCFComparison(**parts, lists=lists)
