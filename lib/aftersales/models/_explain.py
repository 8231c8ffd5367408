"""Explanation frames, and why a Surprise k-NN model estimates what it does.

:func:`explain_knn` mirrors ``KNNBasic.estimate`` and its siblings in Surprise
(``surprise/prediction_algorithms/knns.py``): for user ``u`` and item ``i``, with
``x, y = (u, i)`` when user-based and ``(i, u)`` when item-based, the candidates are the
entries ``(x2, r)`` of ``yr[y]`` (the raters of ``i``, or the items ``u`` rated) in the
trainset's list order; ``heapq.nlargest(k, ..., key=sim[x, x2])`` keeps the ``k`` most
similar (on equal similarity the earlier entry wins) and of those only the ones with
``sim > 0`` count; ``actual_k`` is their number. If ``actual_k < min_k`` Surprise ignores
the neighbours (``KNNBasic`` falls back to the global mean, the others to their mean or
baseline), so such an item has no rows here.

Every model's ``explain`` returns one row per (item, reason) with at least the columns of
:data:`EXPLANATION_COLUMNS`: ``C.SIMILARITY``, ``C.NEIGHBOR_RATING`` (the neighbour
user's rating of the item, or the user's rating of the neighbour item), ``C.SHARE`` (the
neighbour's share ``|sim| / sum |sim|`` of the weights behind the estimate),
``C.N_NEIGHBORS`` (how many neighbours the estimate used) and ``C.RANK``; items follow the
order asked for, neighbours the order each model ranks them in (decreasing similarity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models._families import scorer_class
from aftersales.models._knn import KNNScorer

EXPLANATION_COLUMNS: tuple[str, ...] = (
    C.USER,
    C.ITEM,
    C.ITEM_NAME,
    C.NEIGHBOR,
    C.NEIGHBOR_NAME,
    C.SIMILARITY,
    C.NEIGHBOR_RATING,
    C.SHARE,
    C.N_NEIGHBORS,
    C.RANK,
)
"""Columns of an explanation frame, in this order."""

Names: TypeAlias = Mapping[Any, str] | pd.Series
"""Item id -> display name (title or description)."""


def check_options(items: Any, top: Any, names: Any) -> list[Any]:
    """Check the options every ``explain`` function takes.

    Parameters
    ----------
    items : sequence
        Item ids to explain (no duplicates).
    top : int
        Rows per item, >= 1.
    names : mapping or pandas.Series, optional
        Item id -> display name.

    Returns
    -------
    list
        ``items`` as plain Python values.

    Raises
    ------
    ParameterError
        If ``items`` is not a sequence or holds duplicates, ``top`` is not a positive integer
        or ``names`` is not a mapping.
    """
    if isinstance(items, str | bytes) or not hasattr(items, "__len__"):
        raise ParameterError(f"`items` must be a sequence of item ids; got {items!r}")
    wanted = [x.item() if isinstance(x, np.generic) else x for x in items]
    if len(set(wanted)) != len(wanted):
        raise ParameterError("`items` must not contain duplicates")
    validate.positive_int(top, "top")
    if names is not None and not isinstance(names, Mapping | pd.Series):
        raise ParameterError(
            f"`names` must map item ids to names (a dict or Series); got {type(names).__name__}"
        )
    return wanted


def explanation_frame(
    user: Any, rows: dict[str, list], names: Names | None, item_based: bool
) -> pd.DataFrame:
    """Assemble an explanation frame from per-row lists (no user column, no names).

    Parameters
    ----------
    user : object
        The user every row explains.
    rows : dict of str to list
        ``C.ITEM``, ``C.NEIGHBOR``, ``C.SIMILARITY``, ``C.NEIGHBOR_RATING``, ``C.SHARE``,
        ``C.N_NEIGHBORS`` and ``C.RANK``, one entry per row.
    names : mapping or pandas.Series, optional
        Item id -> name.
    item_based : bool
        Whether the neighbours are items (they then get names too).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EXPLANATION_COLUMNS`.
    """

    def name(key: Any) -> Any:
        return None if names is None else names.get(key)

    items, neighbors = rows[C.ITEM], rows[C.NEIGHBOR]
    out = {
        C.USER: [user] * len(items),
        C.ITEM: items,
        C.ITEM_NAME: pd.array([name(i) for i in items], dtype="str"),
        C.NEIGHBOR: neighbors,
        C.NEIGHBOR_NAME: pd.array(
            [name(n) if item_based else None for n in neighbors], dtype="str"
        ),
        C.SIMILARITY: np.asarray(rows[C.SIMILARITY], dtype=np.float64),
        C.NEIGHBOR_RATING: np.asarray(rows[C.NEIGHBOR_RATING], dtype=np.float64),
        C.SHARE: np.asarray(rows[C.SHARE], dtype=np.float64),
        C.N_NEIGHBORS: np.asarray(rows[C.N_NEIGHBORS], dtype=np.int64),
        C.RANK: np.asarray(rows[C.RANK], dtype=np.int64),
    }
    return pd.DataFrame(out, columns=list(EXPLANATION_COLUMNS))


def _inner(convert: Any, raw: Any, what: str) -> int:
    try:
        return int(convert(raw))
    except ValueError:
        raise UnknownNameError(f"`{what}`: {raw!r} is not in the model's trainset") from None


def explain_knn(
    algo: Any,
    user: Any,
    items: Sequence[Any],
    *,
    top: int = 3,
    names: Names | None = None,
) -> pd.DataFrame:
    """Return the neighbours a fitted Surprise k-NN model uses for each (user, item).

    Parameters
    ----------
    algo : surprise.AlgoBase
        A fitted ``KNNBasic``, ``KNNWithMeans``, ``KNNWithZScore`` or ``KNNBaseline``,
        user- or item-based.
    user : object
        A raw user id of the trainset.
    items : sequence
        Raw item ids of the trainset (e.g. the user's top-10), in the order to show.
    top : int, default 3
        Neighbours shown per item (``C.N_NEIGHBORS`` still counts all that were used).
    names : mapping or pandas.Series, optional
        Item id -> title or description, for ``C.ITEM_NAME`` (and ``C.NEIGHBOR_NAME``
        when item-based); ids without a name get a missing value.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EXPLANATION_COLUMNS`; ``C.NEIGHBOR`` is a raw user id when
        user-based, a raw item id when item-based (``C.NEIGHBOR_NAME`` is then filled).

    Raises
    ------
    ParameterError
        If ``algo`` is not a fitted k-NN algorithm, or an option is invalid.
    UnknownNameError
        If ``user`` or an item is not in the trainset.
    """
    if scorer_class(algo) is not KNNScorer:
        accepted = "KNNBasic, KNNWithMeans, KNNWithZScore, KNNBaseline"
        raise ParameterError(f"`algo` must be one of {accepted}; got {type(algo).__name__}")
    if getattr(algo, "sim", None) is None:
        raise ParameterError(f"`algo` ({type(algo).__name__}) is not fitted; call fit first")
    wanted = check_options(items, top, names)
    ts = algo.trainset
    u = _inner(ts.to_inner_uid, user, "user")
    inner_items = [_inner(ts.to_inner_iid, i, "items") for i in wanted]
    user_based = bool(algo.sim_options["user_based"])
    to_raw = ts.to_raw_uid if user_based else ts.to_raw_iid
    rows: dict[str, list] = {c: [] for c in EXPLANATION_COLUMNS}
    for raw_item, i in zip(wanted, inner_items, strict=True):  # a handful of items
        x, y = (u, i) if user_based else (i, u)
        candidates = algo.yr[y]
        x2 = np.fromiter((c[0] for c in candidates), np.int64, len(candidates))
        ratings = np.fromiter((c[1] for c in candidates), np.float64, len(candidates))
        sims = np.asarray(algo.sim[x, x2], dtype=np.float64)
        chosen = np.argsort(-sims, kind="stable")[: algo.k]  # heapq.nlargest's order
        chosen = chosen[sims[chosen] > 0]
        if chosen.size == 0 or chosen.size < algo.min_k:
            continue  # Surprise ignores the neighbours: nothing to explain
        total = sims[chosen].sum()
        for rank, pos in enumerate(chosen[:top], start=1):
            rows[C.ITEM].append(raw_item)
            rows[C.NEIGHBOR].append(to_raw(int(x2[pos])))
            rows[C.SIMILARITY].append(sims[pos])
            rows[C.NEIGHBOR_RATING].append(ratings[pos])
            rows[C.SHARE].append(sims[pos] / total)
            rows[C.N_NEIGHBORS].append(chosen.size)
            rows[C.RANK].append(rank)
    return explanation_frame(user, rows, names, item_based=not user_based)
