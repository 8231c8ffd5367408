"""Build and fit one k-NN model (or the user CF adapter) on a training frame."""

from __future__ import annotations

from typing import Any, TypeVar

import pandas as pd

from aftersales.evaluate._knn_grid import BASES, _knn, _names, _sim_options
from aftersales.evaluate._sharing import fit_once, fold_key
from aftersales.models import SIMILARITIES, make
from aftersales.random import Seed
from aftersales.split import to_surprise

A = TypeVar("A")


def knn_model(
    model_name: str, *, basis: str, similarity: str, k: int, min_k: int = 1, seed: Seed = 0
) -> Any:
    """Return an unfitted Surprise k-NN model for one basis and similarity measure.

    Parameters
    ----------
    model_name : str
        ``KNNBasic``, ``KNNWithMeans``, ``KNNWithZScore`` or ``KNNBaseline``.
    basis : str
        ``"user"`` or ``"item"``.
    similarity : str
        A measure of ``aftersales.models.SIMILARITIES``.
    k, min_k : int
        Neighbourhood size and the minimum number of neighbours.
    seed : int or numpy.random.Generator, default 0
        Passed to :func:`aftersales.models.make`.

    Returns
    -------
    surprise.AlgoBase
        The model, ready for :func:`fit_ratings`.

    Raises
    ------
    UnknownNameError
        If the model, basis or measure is unknown.
    ParameterError
        If ``k`` or ``min_k`` is out of range.
    """
    _names([basis], BASES, "basis")
    _names([similarity], SIMILARITIES, "similarity")
    params = {"k": k, "min_k": min_k, "sim_options": _sim_options(basis, similarity)}
    return make(_knn(model_name), params, seed=seed)


def fit_ratings(algo: A, train: pd.DataFrame, *, scale: tuple[float, float]) -> A:
    """Fit a Surprise algorithm (or ``UserCosineCFAlgo``) on a training frame.

    An identical fit made earlier in the process (a seeded factor model, or a k-NN model
    with the same similarity settings, whatever its ``k``, on the same rows) is reused:
    the copy returned predicts exactly what a refit would.

    Parameters
    ----------
    algo : object
        An unfitted algorithm with ``fit(trainset)``.
    train : pandas.DataFrame
        ``C.USER``, ``C.ITEM``, ``C.RATING``.
    scale : tuple of float
        The rating scale.

    Returns
    -------
    object
        ``algo`` fitted, or a copy of the identical earlier fit.

    Raises
    ------
    DataValidationError
        If ``train`` is empty, lacks a column or holds a rating off the scale.
    """
    trainset, _ = to_surprise(train, train.iloc[:0], scale=scale)
    return fit_once(algo, trainset, fold_key(train, scale))[0]
