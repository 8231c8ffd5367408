"""Shared pieces of the metrics: the result type, the metric registry and input checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError, UnknownNameError
from aftersales.validate import non_null, require_columns, require_rows


@dataclass(frozen=True, eq=False)
class MetricResult:
    """The value of one metric, with the per-user values it summarises.

    Attributes
    ----------
    name : str
        Metric name, as in :data:`METRICS` (``"rmse"``, ``"ndcg"``, ...).
    k : int or None
        Length of the recommendation lists, or None for rating metrics.
    value : float
        The headline value. For ranking and beyond-accuracy metrics it is the mean of
        ``per_user``; for RMSE and MAE it is computed over all predictions and for FCP
        as Surprise does, so it equals ``surprise.accuracy`` on the same predictions;
        for catalogue coverage it is a property of all lists together.
    per_user : pandas.Series
        One value per evaluated user (index named ``C.USER``, name ``name``); empty for
        catalogue coverage, which has no per-user value.
    n_excluded : int
        Users present in the input but not evaluated (see each metric's docstring).
    """

    name: str
    k: int | None
    value: float
    per_user: pd.Series
    n_excluded: int = 0

    @property
    def n_users(self) -> int:
        """Number of users with a per-user value."""
        return len(self.per_user)


Kind = Literal["rating", "ranking", "beyond"]


@dataclass(frozen=True)
class MetricInfo:
    """What the experiment runner needs to know about a metric.

    Attributes
    ----------
    name : str
        Registry name.
    kind : {"rating", "ranking", "beyond"}
        Rating metrics compare predicted with true ratings; ranking metrics compare top-k
        lists with held-out items; beyond-accuracy metrics describe the lists themselves.
    higher_is_better : bool
        Direction used to pick the best model (False for RMSE and MAE).
    per_user : bool
        Whether the metric has per-user values (catalogue coverage has none).
    """

    name: str
    kind: Kind
    higher_is_better: bool
    per_user: bool = True


METRICS: dict[str, MetricInfo] = {
    info.name: info
    for info in (
        MetricInfo("rmse", "rating", higher_is_better=False),
        MetricInfo("mae", "rating", higher_is_better=False),
        MetricInfo("fcp", "rating", higher_is_better=True),
        MetricInfo("precision", "ranking", higher_is_better=True),
        MetricInfo("recall", "ranking", higher_is_better=True),
        MetricInfo("ndcg", "ranking", higher_is_better=True),
        MetricInfo("map", "ranking", higher_is_better=True),
        MetricInfo("hit_rate", "ranking", higher_is_better=True),
        MetricInfo("mrr", "ranking", higher_is_better=True),
        MetricInfo("coverage", "beyond", higher_is_better=True, per_user=False),
        MetricInfo("novelty", "beyond", higher_is_better=True),
        MetricInfo("diversity", "beyond", higher_is_better=True),
        MetricInfo("personalisation", "beyond", higher_is_better=True),
    )
}
"""Every metric the workbench computes, by name, in display order."""


def metric_info(name: str) -> MetricInfo:
    """Return the registry entry of a metric.

    Parameters
    ----------
    name : str
        A key of :data:`METRICS`.

    Returns
    -------
    MetricInfo
        Kind and direction of the metric.

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered; the message lists the valid names.
    """
    try:
        return METRICS[name]
    except KeyError:
        raise UnknownNameError(
            f"unknown metric {name!r}; expected one of {sorted(METRICS)}"
        ) from None


def check_recommendations(recs: pd.DataFrame, *, source: str = "`recommendations`") -> None:
    """Check a recommendations frame: columns, rows, ranks and no repeated item in a list.

    Parameters
    ----------
    recs : pandas.DataFrame
        Frame with ``C.USER``, ``C.ITEM`` and ``C.RANK``.
    source : str
        How to name the frame in messages.

    Raises
    ------
    DataValidationError
        If a column is missing, the frame is empty, a rank is missing or below 1, or a
        user's list holds an item twice.
    """
    require_columns(recs, [C.USER, C.ITEM, C.RANK], source=source)
    require_rows(recs, source=source)
    non_null(recs[C.RANK], source=source)
    ranks = recs[C.RANK].to_numpy()
    if not np.issubdtype(ranks.dtype, np.number) or (ranks < 1).any():
        raise DataValidationError(
            f"{source}: column `{C.RANK}` must hold numbers >= 1 (1 = first in the list)"
        )
    repeated = recs.duplicated([C.USER, C.ITEM]).to_numpy()
    if repeated.any():
        first = recs.loc[repeated, [C.USER, C.ITEM]].iloc[0].tolist()
        raise DataValidationError(
            f"{source}: a user's list must not repeat an item; {int(repeated.sum())} repeated "
            f"rows (first: user {first[0]!r}, item {first[1]!r})"
        )


def top_k(recs: pd.DataFrame, k: int) -> pd.DataFrame:
    """Keep the first ``k`` items of each user's list, with their 1-based position.

    The position of an item is its order by ``C.RANK`` within the user's list, so ranks
    need not be contiguous (e.g. after seen items were removed). Ties in ``C.RANK`` keep
    the order of the rows.

    Parameters
    ----------
    recs : pandas.DataFrame
        A checked recommendations frame (see :func:`check_recommendations`).
    k : int
        List length.

    Returns
    -------
    pandas.DataFrame
        ``C.USER``, ``C.ITEM`` and ``C.RANK`` (now the position, 1..k), sorted by user and
        position, with a fresh index.
    """
    ordered = recs[[C.USER, C.ITEM, C.RANK]].sort_values([C.USER, C.RANK], kind="stable")
    position = ordered.groupby(C.USER, sort=False).cumcount().to_numpy() + 1
    ordered = ordered.assign(**{C.RANK: position})
    return ordered.loc[position <= k].reset_index(drop=True)


def per_user_series(users: pd.Index, values: np.ndarray, name: str) -> pd.Series:
    """Build the per-user Series of a metric (index named ``C.USER``)."""
    return pd.Series(
        np.asarray(values, dtype="float64"), index=users.rename(C.USER), name=name, copy=False
    )
