"""Which scorer serves which Surprise algorithm: the dispatch table over the scorer families.

It sits apart from :mod:`aftersales.models._scorers` so that the k-NN scorer (the largest,
in :mod:`aftersales.models._knn`) can build on the base :class:`Scorer` without the two
modules importing each other.
"""

from __future__ import annotations

import surprise
from surprise import AlgoBase

from aftersales.models._knn import KNNScorer
from aftersales.models._scorers import (
    BaselineScorer,
    CoClusteringScorer,
    FactorScorer,
    NormalScorer,
    Scorer,
    SlopeOneScorer,
    SVDppScorer,
)
from aftersales.models._seeded import SeededNormalPredictor


def scorer_class(model: object) -> type[Scorer] | None:
    """Return the scorer class of a model's family, or None if it has none.

    Dispatch is on the exact class: a subclass may override ``estimate``.

    Parameters
    ----------
    model : object
        Any algorithm (fitted or not).

    Returns
    -------
    type or None
        The family's :class:`Scorer` subclass; None for other classes.
    """
    families: dict[type, type[Scorer]] = {
        SeededNormalPredictor: NormalScorer,
        surprise.BaselineOnly: BaselineScorer,
        surprise.SVD: FactorScorer,
        surprise.NMF: FactorScorer,
        surprise.SVDpp: SVDppScorer,
        surprise.SlopeOne: SlopeOneScorer,
        surprise.CoClustering: CoClusteringScorer,
        surprise.KNNBasic: KNNScorer,
        surprise.KNNWithMeans: KNNScorer,
        surprise.KNNWithZScore: KNNScorer,
        surprise.KNNBaseline: KNNScorer,
    }
    return families.get(type(model))


def scorer_for(model: AlgoBase) -> Scorer | None:
    """Return the scorer of a fitted model's family, or None if it has none.

    Dispatch is on the exact class: a subclass may override ``estimate``.

    Parameters
    ----------
    model : surprise.AlgoBase
        A fitted algorithm.

    Returns
    -------
    Scorer or None
        The family's scorer with its arrays prepared; None for other classes.
    """
    scorer = scorer_class(model)
    return None if scorer is None else scorer(model)
