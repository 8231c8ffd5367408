"""The evaluation setting of notebook 02.02 for either kind of data set.

Ratings (movielens-100k): the prepared train/test split; ratings (those at or above a
threshold, if given) become implicit interactions; tuning carves its own validation split
from the training data. Transactions (online-retail): the last months of purchases are
the test period (:func:`purchase_time_split`), the months before it the validation
period, and each customer's country groups the popularity model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from aftersales import columns as C
from aftersales import interactions, validate
from aftersales import split as splitters
from aftersales.errors import DataValidationError, UnknownNameError
from aftersales.topn._matrix import implicit_from_ratings
from aftersales.topn._retail import purchase_time_split, user_groups, validation_split

GROUPINGS: tuple[str, ...] = ("none", "country")
"""How the retail popularity model may group customers."""


@dataclass(frozen=True, eq=False)
class TopNSetting:
    """Train, test and validation data of one top-N evaluation.

    Attributes
    ----------
    train : pandas.DataFrame
        Implicit training interactions (``C.USER``, ``C.ITEM``, ``C.WEIGHT`` ...).
    test : pandas.DataFrame
        Test rows (``C.USER``, ``C.ITEM`` [, ``C.RATING``]).
    svd_train : pandas.DataFrame
        The training data as ratings, for Surprise's SVD.
    validation : aftersales.split.Split or None
        A ready validation split of the training period (transactions), or None (tuning
        carves an item-stratified one).
    groups : pandas.Series or None
        Customer -> group for the grouped popularity model, named after the grouping.
    threshold : float or None
        Relevance threshold on the test ``C.RATING`` (ratings with a threshold).
    kind : str
        ``"ratings"`` or ``"transactions"``.
    periods : dict
        Retail only: the first and last timestamps of the training and test periods.
    """

    train: pd.DataFrame
    test: pd.DataFrame
    svd_train: pd.DataFrame
    validation: splitters.Split | None
    groups: pd.Series | None
    threshold: float | None
    kind: str
    periods: dict[str, Any]

    def describe(self) -> pd.DataFrame:
        """Return the size of every part, for display.

        Returns
        -------
        pandas.DataFrame
            Indexed by part (``train``, ``test``, ``test, known users``), columns
            ``C.N_ROWS``, ``C.N_USERS`` and ``"n_items"``.
        """
        known = self.test[self.test[C.USER].isin(self.train[C.USER])]
        parts = {"train": self.train, "test": self.test, "test, known users": known}
        rows = {
            name: {
                C.N_ROWS: len(part),
                C.N_USERS: part[C.USER].nunique(),
                "n_items": part[C.ITEM].nunique(),
            }
            for name, part in parts.items()
        }
        return pd.DataFrame(rows).T.rename_axis("part")


def topn_setting(
    prepared: Any,
    *,
    threshold: float | None = None,
    test_months: int = 1,
    weight: str = "count",
    rating_scheme: str = "frequency_quantile",
    group: str = "country",
) -> TopNSetting:
    """Build the top-N evaluation setting from prepared data.

    Parameters
    ----------
    prepared : aftersales.prepare.Prepared
        The prepared data set (``cleaned``, ``split``).
    threshold : float, optional
        Ratings: only ratings ``>= threshold`` are interactions and relevant test items;
        None keeps every rating.
    test_months : int, default 1
        Transactions: calendar months of purchases before the last one that form the
        test period; the same span before it is the validation period.
    weight : str, default "count"
        Transactions: implicit weight (``aftersales.interactions.WEIGHTS``).
    rating_scheme : str, default "frequency_quantile"
        Transactions: how the training pairs become ratings for SVD.
    group : {"none", "country"}, default "country"
        Transactions: group customers for the grouped popularity model.

    Returns
    -------
    TopNSetting
        The setting.

    Raises
    ------
    UnknownNameError
        If ``group``, ``weight`` or ``rating_scheme`` is not registered.
    ParameterError
        If ``test_months`` is not a positive integer.
    DataValidationError
        If the data are malformed, or (ratings) no test rating reaches the threshold.
    """
    if group not in GROUPINGS:
        raise UnknownNameError(f"`group` must be one of {', '.join(GROUPINGS)}; got {group!r}")
    test_months = validate.integer(test_months, "test_months")
    cleaned = prepared.cleaned
    if C.INVOICE not in cleaned:
        parts = prepared.split
        train = implicit_from_ratings(parts.train, threshold=threshold)
        test = parts.test
        if threshold is not None and not (test[C.RATING] >= threshold).any():
            raise DataValidationError(f"no test rating is >= threshold {threshold!r}")
        return TopNSetting(train, test, parts.train, None, None, threshold, "ratings", {})
    validate.require_columns(cleaned, [C.TIMESTAMP, C.CUSTOMER], source="`prepared.cleaned`")
    cutoff = cleaned[C.TIMESTAMP].max() - pd.DateOffset(months=test_months)
    parts = purchase_time_split(cleaned, cutoff=cutoff, weight=weight)
    validation = validation_split(cleaned, cutoff, months=test_months, weight=weight)
    svd_train = interactions.to_ratings(parts.train, rating_scheme)
    groups = None
    if group == "country":
        groups = user_groups(cleaned, C.COUNTRY).rename("country")
    periods = {
        "train_start": cleaned[C.TIMESTAMP].min(),
        "validation_cutoff": cutoff - pd.DateOffset(months=test_months),
        "test_start": cutoff,
        "test_end": cleaned[C.TIMESTAMP].max(),
    }
    return TopNSetting(
        parts.train, parts.test, svd_train, validation, groups, None, "transactions", periods
    )
