"""Notebook 02.03's cold-start protocol: warm, cold-item and cold-customer quality per model.

* warm: notebook 02.02's split and test set unchanged;
* cold items: items the training data never shows. Transactions: the products first sold
  in the test period (the chronological split holds them out of training already).
  Ratings: a seeded random share of the films, all of whose ratings leave the training
  data and become the cold-item test rows;
* cold customers: customers with 1 to ``max_history`` distinct training items. Ratings
  (where the k-core leaves nobody that short): a seeded random share of the customers
  keeps 1 to ``max_history`` random training ratings, the rest leave the training data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import split as splitters
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.random import Seed, rng
from aftersales.topn import TopNSetting

SCENARIOS: tuple[str, ...] = ("warm", "cold items", "cold customers")
"""The three test conditions, in report order."""


@dataclass(frozen=True, eq=False)
class ColdStart:
    """Training and test data of the three scenarios.

    Attributes
    ----------
    warm_train, warm_test : pandas.DataFrame
        Notebook 02.02's training interactions and test rows.
    cold_train : pandas.DataFrame
        Training interactions without the cold items (and, for ratings, with the cold
        customers cut to their few kept rows); the same as ``warm_train`` for transactions.
    cold_items : pandas.Index
        The held-out items.
    cold_item_test : pandas.DataFrame
        Rows of the cold items (the relevant ones of that scenario).
    cold_customers : pandas.Index
        Customers with 1 to ``max_history`` distinct items in ``cold_train``.
    cold_customer_test : pandas.DataFrame
        Their test rows on items of ``cold_train``.
    kind : str
        ``"ratings"`` or ``"transactions"``.
    """

    warm_train: pd.DataFrame
    warm_test: pd.DataFrame
    cold_train: pd.DataFrame
    cold_items: pd.Index
    cold_item_test: pd.DataFrame
    cold_customers: pd.Index
    cold_customer_test: pd.DataFrame
    kind: str

    def protocols(self) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
        """Return ``(train, test)`` of every scenario.

        Returns
        -------
        dict
            Scenario name (:data:`SCENARIOS`) -> training and test frames.
        """
        return {
            "warm": (self.warm_train, self.warm_test),
            "cold items": (self.cold_train, self.cold_item_test),
            "cold customers": (self.cold_train, self.cold_customer_test),
        }

    def describe(self) -> pd.DataFrame:
        """Return the size of every scenario's training and test data.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``C.SCENARIO``: training rows, test rows, test customers and test
            items.
        """
        rows = {
            name: {
                "train rows": len(train),
                "test rows": len(test),
                "test customers": test[C.USER].nunique(),
                "test items": test[C.ITEM].nunique(),
            }
            for name, (train, test) in self.protocols().items()
        }
        return pd.DataFrame(rows).T.rename_axis(C.SCENARIO)


def member(values: pd.Series, allowed: object) -> np.ndarray:
    """Return whether each value is in ``allowed``, by hashing (fast for text ids too).

    Parameters
    ----------
    values : pandas.Series
        Ids to look up.
    allowed : array-like
        The allowed ids.

    Returns
    -------
    numpy.ndarray
        Boolean, one per value.
    """
    return pd.Index(pd.unique(pd.Series(allowed))).get_indexer(values) >= 0


def _short_history(train: pd.DataFrame, max_history: int) -> pd.Index:
    counts = train.groupby(C.USER)[C.ITEM].nunique()
    return pd.Index(counts.index[counts <= max_history]).sort_values()


def cold_start_setting(
    setting: TopNSetting, *, cold_share: float = 0.1, max_history: int = 2, seed: Seed
) -> ColdStart:
    """Build the warm, cold-item and cold-customer data from notebook 02.02's setting.

    Parameters
    ----------
    setting : aftersales.topn.TopNSetting
        Notebook 02.02's train and test data (``aftersales.topn.topn_setting``).
    cold_share : float, default 0.1
        Ratings: share of the films held out as cold items, and of the customers cut to a
        short history, in (0, 0.5].
    max_history : int, default 2
        Most distinct training items of a cold customer (1 to 10).
    seed : int or numpy.random.Generator
        Seed of the held-out films and customers (ratings).

    Returns
    -------
    ColdStart
        The three scenarios.

    Raises
    ------
    ParameterError
        If ``cold_share`` or ``max_history`` is out of range.
    DataValidationError
        If no test row is of a cold item (an empty cold-item set), or no test customer has
        a short history.
    """
    cold_share = validate.number(cold_share, "cold_share")
    if cold_share > 0.5:
        raise ParameterError(f"`cold_share` must be in (0, 0.5]; got {cold_share!r}")
    max_history = validate.integer(max_history, "max_history", high=10)
    train, test = setting.train, setting.test
    if setting.kind == "transactions":
        cold_items = pd.Index(test[C.ITEM].unique()).difference(pd.Index(train[C.ITEM].unique()))
        cold_train = train
        cold_item_test = test[member(test[C.ITEM], cold_items)]
    else:
        generator = rng(seed)
        films = pd.Index(pd.concat([train[C.ITEM], test[C.ITEM]]).unique()).sort_values()
        n = max(1, round(cold_share * len(films)))
        cold_items = films[np.sort(generator.choice(len(films), size=n, replace=False))]
        held = [part[member(part[C.ITEM], cold_items)] for part in (test, train)]
        cold_item_test = pd.concat(
            [part[[C.USER, C.ITEM, *([C.RATING] if C.RATING in part else [])]] for part in held],
            ignore_index=True,
        )
        cold_train = train[~member(train[C.ITEM], cold_items)]
        users = pd.Index(cold_train[C.USER].unique()).sort_values()
        chosen = users[
            np.sort(
                generator.choice(len(users), size=round(cold_share * len(users)), replace=False)
            )
        ]
        order = generator.permutation(len(cold_train))
        shuffled = cold_train.iloc[order]
        keep_n = pd.Series(generator.integers(1, max_history + 1, size=len(chosen)), index=chosen)
        position = shuffled.groupby(C.USER).cumcount().to_numpy()
        limit = shuffled[C.USER].map(keep_n).to_numpy(dtype="float64", na_value=np.inf)
        cold_train = shuffled[position < limit].sort_index()
    if cold_item_test.empty:
        raise DataValidationError(
            "cold_start_setting: the cold-item set is empty (no test row is of an item absent "
            "from training); a later test period or a larger `cold_share` gives some"
        )
    customers = _short_history(cold_train, max_history)
    known_items = pd.Index(cold_train[C.ITEM].unique())
    cold_customer_test = test[member(test[C.USER], customers) & member(test[C.ITEM], known_items)]
    if cold_customer_test.empty:
        raise DataValidationError(
            f"cold_start_setting: no test customer has 1 to {max_history} training items"
        )
    customers = pd.Index(cold_customer_test[C.USER].unique()).sort_values()
    warm_train = train.reset_index(drop=True)
    return ColdStart(
        warm_train=warm_train,
        warm_test=test.reset_index(drop=True),
        cold_train=warm_train if cold_train is train else cold_train.reset_index(drop=True),
        cold_items=pd.Index(cold_items),
        cold_item_test=cold_item_test.reset_index(drop=True),
        cold_customers=customers,
        cold_customer_test=cold_customer_test.reset_index(drop=True),
        kind=setting.kind,
    )


def validation_split(
    train: pd.DataFrame, *, cold_share: float = 0.1, test_size: float = 0.25, seed: Seed
) -> splitters.Split:
    """Carve a validation split from training ratings that holds cold films too.

    An item-stratified ``test_size`` of the rows is held out, then a seeded ``cold_share``
    of the films leaves the validation-training part entirely (its rows join the held-out
    part), so a blend weight tuned on it sees new items in the share the test has.

    Parameters
    ----------
    train : pandas.DataFrame
        Training interactions (``C.USER``, ``C.ITEM`` ...); not modified.
    cold_share : float, default 0.1
        Share of the films made cold, in (0, 0.5].
    test_size : float, default 0.25
        Share held out by the item-stratified split.
    seed : int or numpy.random.Generator
        Seed of both draws.

    Returns
    -------
    aftersales.split.Split
        Validation train and test, the cold films as ``cold_items``.

    Raises
    ------
    ParameterError
        If ``cold_share`` is out of range.
    DataValidationError
        If ``train`` is malformed.
    """
    cold_share = validate.number(cold_share, "cold_share")
    if cold_share > 0.5:
        raise ParameterError(f"`cold_share` must be in (0, 0.5]; got {cold_share!r}")
    generator = rng(seed)
    parts = splitters.split(train, "item_stratified", test_size=test_size, seed=generator)
    films = pd.Index(train[C.ITEM].unique()).sort_values()
    size = max(1, round(cold_share * len(films)))
    cold = films[np.sort(generator.choice(len(films), size=size, replace=False))]
    moved = member(parts.train[C.ITEM], cold)
    return splitters.Split(
        parts.train[~moved].reset_index(drop=True),
        pd.concat([parts.test, parts.train[moved]], ignore_index=True),
        pd.Index([]),
        cold,
        "item_stratified",
    )
