"""Seeded train/test splitters that never modify their input and report cold start.

Every splitter returns a :class:`Split` whose train and test are disjoint row subsets of
the input (index kept), together the whole input, plus the users and items that appear
only in test. :func:`split` picks a splitter by name from :data:`SPLITTERS`; :func:`kfold`
reproduces Surprise's ``KFold`` folds; :func:`to_surprise` hands a pair to Surprise.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType

import pandas as pd

from aftersales import choices
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.random import Seed
from aftersales.split._kfold import kfold
from aftersales.split._result import Split, check_test_size, make_split
from aftersales.split._splitters import (
    SINGLETON_POLICIES,
    item_stratified_split,
    leave_last_n_split,
    random_split,
    time_split,
    user_stratified_split,
)
from aftersales.split._surprise import to_surprise

SPLITTERS: Mapping[str, Callable[..., Split]] = MappingProxyType(
    dict(
        zip(
            choices.SPLITTERS,  # each name with its splitter, in this order
            (
                random_split,
                user_stratified_split,
                item_stratified_split,
                time_split,
                leave_last_n_split,
            ),
            strict=True,
        )
    )
)
"""Single train/test splitters by name (``choices.SPLITTERS``; k-fold is :func:`kfold`)."""


def split(
    frame: pd.DataFrame,
    method: str = "random",
    *,
    test_size: float | None = None,
    seed: Seed,
    **options: object,
) -> Split:
    """Split ``frame`` with the splitter registered as ``method``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings or interactions; not modified.
    method : str, default "random"
        A key of :data:`SPLITTERS`.
    test_size : float, optional
        Test fraction in (0, 1), passed on when given (the splitter's default otherwise);
        ``leave_last_n`` takes ``n`` instead.
    seed : int or numpy.random.Generator
        Passed to the splitter.
    **options
        Further keyword options of the splitter (``singletons``, ``cutoff``, ``n``).

    Returns
    -------
    Split
        The splitter's result.

    Raises
    ------
    UnknownNameError
        If ``method`` is not registered (lists the valid names).
    ParameterError
        If an option is not accepted by that splitter (lists the accepted ones), or a
        value is out of range.
    DataValidationError
        As raised by the splitter.
    """
    if method not in SPLITTERS:
        raise UnknownNameError(
            f"unknown split method {method!r}; valid methods are {sorted(SPLITTERS)}"
        )
    splitter = SPLITTERS[method]
    if test_size is not None:
        options["test_size"] = test_size
    accepted = [p for p in inspect.signature(splitter).parameters if p not in ("frame", "seed")]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ParameterError(
            f"split method {method!r} does not take {unknown}; it accepts {accepted}"
        )
    return splitter(frame, seed=seed, **options)


__all__ = [
    "SINGLETON_POLICIES",
    "SPLITTERS",
    "Split",
    "check_test_size",
    "item_stratified_split",
    "kfold",
    "leave_last_n_split",
    "make_split",
    "random_split",
    "split",
    "time_split",
    "to_surprise",
    "user_stratified_split",
]
