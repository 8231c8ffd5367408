"""The seed design's user CF beside Surprise's models: rating error and the ranked lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pandas as pd

from aftersales import columns as C
from aftersales.errors import UnknownNameError
from aftersales.evaluate._runner import Experiment, run_experiment
from aftersales.models import recommend
from aftersales.random import Seed

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
        Labels to unfitted ``aftersales.usercf.UserCosineCFAlgo`` or Surprise algorithms.
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
