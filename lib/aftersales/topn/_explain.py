"""Why a top-N model recommends an item: the user's training items behind its score.

The item-item models score ``score(u, i) = sum_j v_uj w_ji`` over the items ``j`` the
user has, so each such item contributes ``v_uj w_ji`` exactly:

* :class:`~aftersales.topn.ItemKNN`: ``w_ji = s_ij`` (the shrunk cosine, 0 outside the
  neighbourhood), ``v_uj`` the user's value (1, or the strength when ``binary=False``);
* :class:`~aftersales.topn.EASE`: ``w_ji = B[j, i]`` (may be negative: an item that
  argues against ``i``);
* :class:`~aftersales.topn.ALS`: Hu, Koren and Volinsky's decomposition (section 5, the
  one ``implicit``'s ``AlternatingLeastSquares.explain`` computes): with
  ``W_u = (Y'Y + Y' (C_u - I) Y + regularization I)^-1`` and confidence
  ``c_uj = 1 + alpha v_uj``, ``w_ji = y_i' W_u y_j`` and ``v_uj`` is replaced by
  ``c_uj``. It recomputes the user's factors from the final item factors, so the summed
  contributions approximate (not equal) the model's stored score;
* :class:`~aftersales.topn.BPR` has no such decomposition: its rows list the user's items
  most similar to ``i`` by item-factor cosine (``C.CONTRIBUTION`` and ``C.SHARE`` missing);
* :class:`~aftersales.topn.Popularity`: one row per item, no neighbour, its popularity
  (the user's group score) as the contribution.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import EXPLANATION_COLUMNS, Names, check_options

TOPN_EXPLANATION_COLUMNS: tuple[str, ...] = (*EXPLANATION_COLUMNS, C.CONTRIBUTION, C.SCORE)
"""Columns of a top-N model's ``explain``: the k-NN explanation columns, contribution, score."""


class ItemReasons:
    """Mixin of the top-N models: ``explain`` by the user's training items behind a score.

    A model supplies :meth:`_reason_weights` (the user's values and the weights ``w_ji``);
    ``reasons_exact`` says whether the score is their sum (BPR's is not).
    """

    reasons_exact: bool = True

    def _reason_weights(
        self, seen: np.ndarray, values: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the user's values ``v_uj`` and the weights ``w_ji`` (seen items x ``cols``)."""
        raise NotImplementedError  # pragma: no cover - every model overrides it

    def explain(
        self, user: Any, items: Sequence[Any], *, top: int = 3, names: Names | None = None
    ) -> pd.DataFrame:
        """Return, for each item, the user's training items that contributed most to its score.

        Parameters
        ----------
        user : object
            A user id of the fitted data.
        items : sequence
            Fitted item ids (e.g. the user's top-k), in the order to show; no duplicates.
        top : int, default 3
            Contributors shown per item (``C.N_NEIGHBORS`` counts all of them).
        names : mapping or pandas.Series, optional
            Item id -> name, for ``C.ITEM_NAME`` and ``C.NEIGHBOR_NAME``.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`TOPN_EXPLANATION_COLUMNS`, items in the order asked for, then
            contributors by decreasing contribution (BPR: similarity), equal ones (to 12
            decimals) by item id:
            ``C.NEIGHBOR`` a training item of the user; ``C.SIMILARITY`` the weight ``w_ji``
            (BPR: the factor cosine); ``C.NEIGHBOR_RATING`` the user's value ``v_uj`` (ALS:
            the confidence ``c_uj``); ``C.CONTRIBUTION`` = ``v_uj w_ji``; ``C.SHARE`` the
            contribution over the item's summed contributions (they add up to 1 over all
            contributors; negative for EASE weights against the item); ``C.N_NEIGHBORS`` the
            number of the user's items with a non-zero weight; ``C.RANK`` from 1; ``C.SCORE``
            the item's summed contributions (the model's score except for ALS, see the module
            docstring; BPR: its model score). Popularity gives one row per item with a
            missing neighbour, the score as contribution, share 1 and ``C.N_NEIGHBORS`` 0.
            Items no training item of the user supports (all weights 0) have no rows.

        Raises
        ------
        ParameterError
            If the model is not fitted, or ``items``, ``top`` or ``names`` is invalid.
        UnknownNameError
            If ``user`` or an item is not in the fitted data.
        """
        wanted = check_options(items, top, names)
        return _finish([user], [_rows(self, user, wanted, top)], names)

    def explain_lists(
        self, lists: pd.DataFrame, *, top: int = 3, names: Names | None = None
    ) -> pd.DataFrame:
        """:meth:`explain` for the known users of ``lists``: one frame, as if concatenated.

        The per-user arithmetic is :meth:`explain`'s; the frame is built and typed once, which
        spares the per-call pandas work when thousands of customers are explained (04.00's
        export).

        Parameters
        ----------
        lists : pandas.DataFrame
            ``C.USER``, ``C.ITEM``: each user's items in the order to show (e.g. top-k lists);
            users outside the fitted data give no rows.
        top : int, default 3
            Contributors shown per item.
        names : mapping or pandas.Series, optional
            Item id -> name.

        Returns
        -------
        pandas.DataFrame
            :data:`TOPN_EXPLANATION_COLUMNS`, users in order of first appearance in ``lists``:
            equal to ``pd.concat`` of :meth:`explain` per user.

        Raises
        ------
        ParameterError
            As :meth:`explain`, or if ``lists`` lacks ``C.USER`` or ``C.ITEM``.
        UnknownNameError
            As :meth:`explain`.
        """
        missing = [c for c in (C.USER, C.ITEM) if c not in lists.columns]
        if missing:
            raise ParameterError(f"`lists` must have columns {missing}; got {list(lists.columns)}")
        known = lists[lists[C.USER].isin(self._fitted().users)]
        users: list[Any] = []
        parts: list[pd.DataFrame] = []
        for user, part in known.groupby(C.USER, sort=False):  # one small computation per user
            wanted = check_options(part[C.ITEM].tolist(), top, names)
            users.append(user)
            parts.append(_rows(self, user, wanted, top))
        return _finish(users, parts, names)

    def _reason_rows(self, user_row: int, cols: np.ndarray, data: Any, top: int) -> pd.DataFrame:
        """One user's rows over the fitted item columns ``cols`` (no user, names or dtypes)."""
        row = self._matrix[user_row]
        seen = row.indices
        values, weights = self._reason_weights(seen, row.data.astype(np.float64), cols)
        exact = self.reasons_exact
        contribution = values[:, None] * weights if exact else np.full_like(weights, np.nan)
        support = weights != 0
        if exact:
            totals = contribution.sum(axis=0)
        else:
            totals = self._known_scores(np.array([user_row]))[0, cols]
        # rank each target's contributors by decreasing key; a stable sort keeps equal ones (to
        # 12 decimals, so rounding noise does not decide) in item-code order, i.e. item id order
        key = np.where(support, np.round(contribution if exact else weights, 12), -np.inf)
        order = np.argsort(-key, axis=0, kind="stable")
        rank_of = np.empty_like(order)
        np.put_along_axis(rank_of, order, np.arange(len(seen))[:, None], axis=0)
        t, s = np.nonzero((support & (rank_of < top)).T)  # target-major
        ranks = rank_of[s, t]
        sort = np.lexsort((ranks, t))
        t, s, ranks = t[sort], s[sort], ranks[sort]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = contribution[s, t] / totals[t]
        rows = pd.DataFrame(
            {
                C.ITEM: data.items[cols[t]],
                C.NEIGHBOR: data.items[seen[s]],
                C.SIMILARITY: weights[s, t],
                C.NEIGHBOR_RATING: values[s],
                C.CONTRIBUTION: contribution[s, t],
                C.SHARE: share,
                C.N_NEIGHBORS: support.sum(axis=0)[t],
                C.RANK: ranks + 1,
                C.SCORE: totals[t],
            }
        )
        return rows


def _rows(model: Any, user: Any, wanted: list[Any], top: int) -> pd.DataFrame:
    """One user's explanation rows, without the user, names or final dtypes."""
    data = model._fitted()
    user_row = int(data.users.get_indexer([user])[0]) if user in data.users else -1
    if user_row < 0:
        raise UnknownNameError(f"`user`: {user!r} is not in the model's fitted data")
    try:
        asked = pd.Index(wanted, dtype=data.items.dtype)
    except (TypeError, ValueError):  # e.g. text ids asked of integer items: none match
        asked = pd.Index(wanted, dtype=object)
    cols = data.items.get_indexer(asked)
    if (cols < 0).any():
        missing = [x for x, c in zip(wanted, cols, strict=True) if c < 0]
        raise UnknownNameError(f"`items`: {missing[:5]!r} not in the model's fitted data")
    return model._reason_rows(user_row, cols, data, top)


def _finish(users: list[Any], parts: list[pd.DataFrame], names: Names | None) -> pd.DataFrame:
    """Join the users' rows, add each user and the names, order the columns, set dtypes."""
    lookup = {} if names is None else names

    def name(key: Any) -> Any:
        return None if key is None or pd.isna(key) else lookup.get(key)

    owners = [user for user, part in zip(users, parts, strict=True) for _ in range(len(part))]
    filled = [part for part in parts if len(part)] or parts[:1]  # no all-empty concat
    if not filled:
        rows = pd.DataFrame(columns=[c for c in TOPN_EXPLANATION_COLUMNS if c != C.USER])
    elif len(filled) == 1:
        rows = filled[0]
    else:
        rows = pd.concat(filled, ignore_index=True)
    out = rows.assign(
        **{
            C.USER: owners,
            C.ITEM_NAME: pd.array([name(i) for i in rows[C.ITEM]], dtype="str"),
            C.NEIGHBOR_NAME: pd.array([name(n) for n in rows[C.NEIGHBOR]], dtype="str"),
        }
    )
    out = out.astype(
        {
            C.SIMILARITY: "float64",
            C.NEIGHBOR_RATING: "float64",
            C.CONTRIBUTION: "float64",
            C.SHARE: "float64",
            C.N_NEIGHBORS: "int64",
            C.RANK: "int64",
            C.SCORE: "float64",
        }
    )
    return out[list(TOPN_EXPLANATION_COLUMNS)].reset_index(drop=True)
