"""The export of recommendations: each customer's top-N with a readable reason per item.

:func:`recommendation_table` is the table for after-sales teams: one row per customer and
rank, item name, score and an explanation such as ``"because you bought A (0.42), B (0.31)"``,
customer ids pseudonymised by default, from any fitted model of the registry (fitted on a
ratings frame by :func:`fit_model`); :func:`bought_share` checks that no row holds an item
already bought; :func:`explain_items` and :func:`explanation_text` give the reasons of any
model kind.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import surprise

from aftersales import columns as C
from aftersales import outputs, validate
from aftersales.models._explain import EXPLANATION_COLUMNS
from aftersales.models._ranking import recommend
from aftersales.models._surprise import recommender
from aftersales.validate import require_columns

EXPORT_COLUMNS: tuple[str, ...] = (C.USER, C.RANK, C.ITEM, C.ITEM_NAME, C.SCORE, C.EXPLANATION)
"""Columns of :func:`recommendation_table`."""


def fit_model(
    model: Any, train: pd.DataFrame, *, rating_scale: tuple[float, float] | None = None
) -> Any:
    """Fit an unfitted model on training ratings the way ``run_experiment`` does.

    Parameters
    ----------
    model : object
        An unfitted model of :func:`make_models` (not modified: a copy is fitted).
    train : pandas.DataFrame
        ``C.USER, C.ITEM, C.RATING``; given to the model as a Surprise trainset.
    rating_scale : tuple of float, optional
        Surprise's rating scale; default the smallest and largest training rating.

    Returns
    -------
    object
        The fitted copy.
    """
    columns = [C.USER, C.ITEM, C.RATING]
    if rating_scale is None:
        rating_scale = (float(train[C.RATING].min()), float(train[C.RATING].max()))
    reader = surprise.Reader(rating_scale=rating_scale)
    trainset = surprise.Dataset.load_from_df(train[columns], reader).build_full_trainset()
    fitted = copy.deepcopy(model)
    fitted.fit(trainset)
    return fitted


def explain_items(
    model: Any, user: Any, items: Sequence[Any], *, top: int = 3, names: Any = None
) -> pd.DataFrame:
    """Explanation rows of any model kind; empty for a model that gives no reasons.

    Parameters
    ----------
    model : object
        A fitted model of the registry (its ``explain``; a user it was not fitted on, or a
        model whose scores give no reasons, gives no rows).
    user : object
        The user id.
    items : sequence
        Item ids to explain.
    top : int, default 3
        Reasons per item.
    names : mapping or pandas.Series, optional
        Item id -> name.

    Returns
    -------
    pandas.DataFrame
        At least ``aftersales.models.EXPLANATION_COLUMNS``.
    """
    view = recommender(model)
    if not view.knows(user):
        return pd.DataFrame(columns=list(EXPLANATION_COLUMNS))
    return _named_terms(view.explain(user, items, top=top, names=names))


def _named_terms(rows: pd.DataFrame) -> pd.DataFrame:
    """Name the shared features in the neighbour's name, where the reasons have them."""
    if C.TERMS not in rows.columns:
        return rows
    named = rows[C.NEIGHBOR_NAME].astype(object).fillna(rows[C.NEIGHBOR].astype("str"))
    return rows.assign(**{C.NEIGHBOR_NAME: named + ", sharing " + rows[C.TERMS]})


def explanation_text(
    explanations: pd.DataFrame,
    items: Sequence[Any],
    *,
    items_as_neighbours: bool = True,
    verb: str = "bought",
    default: str = "",
) -> list[str]:
    """Summarise explanation rows into one sentence per item.

    Item neighbours read ``"because you bought A (0.42), B (0.31)"`` with the neighbour's
    share of the score (its similarity or rule metric when the score does not decompose);
    user neighbours read ``"liked by 12 similar customers"`` (their ids never appear); a
    row without a neighbour (popularity) reads ``"popular with customers"``.

    Parameters
    ----------
    explanations : pandas.DataFrame
        Rows of :func:`explain_items` (``C.ITEM, C.NEIGHBOR, C.NEIGHBOR_NAME,
        C.SIMILARITY, C.SHARE, C.N_NEIGHBORS``).
    items : sequence
        The items to describe, in order.
    items_as_neighbours : bool, default True
        Whether the neighbours are items (else users).
    verb : str, default "bought"
        What the customer did with the neighbour items ("bought", "rated").
    default : str, default ""
        Text of an item without explanation rows.

    Returns
    -------
    list of str
        One text per item of ``items``.
    """
    texts = _texts(
        explanations.assign(**{C.USER: 0}), items_as_neighbours=items_as_neighbours, verb=verb
    )
    return [texts.get((0, item), default) for item in items]


def _texts(explanations: pd.DataFrame, *, items_as_neighbours: bool, verb: str) -> pd.Series:
    """One text per (user, item) of explanation rows, indexed by (``C.USER``, ``C.ITEM``)."""
    keys = [C.USER, C.ITEM]
    if explanations.empty:
        return pd.Series([], index=pd.MultiIndex.from_arrays([[], []], names=keys), dtype=object)
    grouped = explanations.groupby(keys, sort=False)
    has_neighbour = explanations[C.NEIGHBOR].notna()
    popular = ~has_neighbour.groupby([explanations[C.USER], explanations[C.ITEM]], sort=False).any()
    if items_as_neighbours:
        weight = explanations[C.SHARE].where(
            explanations[C.SHARE].notna(), explanations[C.SIMILARITY]
        )
        label = explanations[C.NEIGHBOR_NAME].astype(object)
        label = label.where(label.notna(), explanations[C.NEIGHBOR].astype("str"))
        pieces = (label.astype("str") + " (" + weight.map("{:.2f}".format) + ")").where(
            has_neighbour, ""
        )
        joined = pieces.groupby([explanations[C.USER], explanations[C.ITEM]], sort=False).agg(
            ", ".join
        )
        text = f"because you {verb} " + joined
    else:
        n = grouped[C.N_NEIGHBORS].first().astype("int64")
        text = "liked by " + n.astype("str") + " similar customer" + np.where(n != 1, "s", "")
    return text.astype(object).where(~popular, "popular with customers")


def _pairs(frame: pd.DataFrame, name: str) -> pd.MultiIndex:
    require_columns(frame, [C.USER, C.ITEM], source=f"`{name}`")
    return pd.MultiIndex.from_frame(frame[[C.USER, C.ITEM]])


def _catalogue_size(model: Any) -> int:
    items = getattr(model, "items_", None)
    return len(items) if items is not None else int(model.trainset.n_items)


def _unbought(model: Any, users: Sequence[Any], k: int, bought: pd.MultiIndex) -> pd.DataFrame:
    """Each user's top-``k`` items outside ``bought``, ranking deeper while some are bought."""
    size = _catalogue_size(model)
    wanted = pd.Index(list(users))
    pending, depth, parts = wanted, int(k), []
    while len(pending):  # the depth doubles: a few rounds
        asked = min(depth, size)
        recs = recommend(model, pending, asked)
        kept = recs[~pd.MultiIndex.from_frame(recs[[C.USER, C.ITEM]]).isin(bought)]
        n_kept = kept.groupby(C.USER, sort=False).size().reindex(pending, fill_value=0)
        n_all = recs.groupby(C.USER, sort=False).size().reindex(pending, fill_value=0)
        done = (n_kept.to_numpy() >= k) | (n_all.to_numpy() < asked) | (asked == size)
        parts.append(kept[kept[C.USER].isin(pending[done])])
        pending, depth = pending[~done], depth * 2
    out = pd.concat(parts, ignore_index=True)
    out = out.iloc[np.lexsort((out[C.RANK].to_numpy(), wanted.get_indexer(out[C.USER])))]
    out = out.groupby(C.USER, sort=False).head(k).reset_index(drop=True)
    return out.assign(**{C.RANK: out.groupby(C.USER, sort=False).cumcount().add(1)})


def bought_share(table: pd.DataFrame, history: pd.DataFrame) -> float:
    """Share of recommendation rows whose (customer, item) is in the purchase history.

    Parameters
    ----------
    table : pandas.DataFrame
        Recommendations with ``C.USER`` and ``C.ITEM`` (e.g. :func:`recommendation_table`).
    history : pandas.DataFrame
        ``C.USER``, ``C.ITEM`` pairs bought, with ids in the same form as ``table``'s
        (pseudonymise them with the same key when the table is pseudonymised).

    Returns
    -------
    float
        Between 0 and 1; NaN for an empty table.

    Raises
    ------
    DataValidationError
        If a frame lacks ``C.USER`` or ``C.ITEM``.
    """
    rows = _pairs(table, "table")
    return float(rows.isin(_pairs(history, "history")).mean()) if len(rows) else float("nan")


def recommendation_table(
    model: Any,
    users: Sequence[Any],
    *,
    k: int,
    key: bytes | str,
    names: Mapping[Any, str] | pd.Series | None = None,
    raw_ids: bool = False,
    top: int = 3,
    verb: str = "bought",
    label: str = "",
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the top-``k`` recommendations of each user with an explanation, ready to share.

    For an export, fit the model on the whole history up to the reference date and pass
    that history: no row then holds an item the customer has bought (the lists go deeper
    where the model's own exclusion of fitted items misses one), and the reasons name only
    items of the customer's history.

    Parameters
    ----------
    model : object
        A fitted model of the registry (``aftersales.models.make``).
    users : sequence
        Users to recommend for (no duplicates).
    k : int
        Recommendations per user.
    key : bytes or str
        Pseudonymisation key (``aftersales.outputs.pseudonym_key``).
    names : mapping or pandas.Series, optional
        Item id -> name (title, description).
    raw_ids : bool, default False
        Keep the raw user ids (personal data); by default they become keyed pseudonyms.
    top : int, default 3
        Reasons named per item.
    verb : str, default "bought"
        What the customer did with the items named as reasons.
    label : str, default ""
        Model name used in the text of items without reasons (default the class name).
    history : pandas.DataFrame, optional
        ``C.USER``, ``C.ITEM`` pairs the customers have bought (or rated): never
        recommended, and the only items named as reasons. None: only the model's own
        exclusion of its fitted items.

    Returns
    -------
    pandas.DataFrame
        :data:`EXPORT_COLUMNS`, users in the given order, then rank (a user whose
        unbought candidates run out gets fewer than ``k`` rows).

    Raises
    ------
    ParameterError, UnknownNameError
        As ``aftersales.models.recommend`` (e.g. ``k`` < 1, an unknown user for a Surprise model).
    """
    validate.positive_int(top, "top")
    bought = None if history is None else _pairs(history, "history")
    recs = recommend(model, users, k) if bought is None else _unbought(model, users, k, bought)
    text = f"ranked by {label or type(model).__name__}'s score"
    view = recommender(model)
    as_items = view.neighbours_are_items
    parts = [pd.DataFrame(columns=list(EXPLANATION_COLUMNS))]
    rows = _named_terms(view.explain_lists(recs, top=top, names=names))
    parts.append(rows[list(EXPLANATION_COLUMNS)])
    explanations = pd.concat([part for part in parts if len(part)] or parts, ignore_index=True)
    if bought is not None and as_items:  # reasons name only items of the history
        named = explanations[C.NEIGHBOR].notna()
        owned = pd.MultiIndex.from_arrays([explanations[C.USER], explanations[C.NEIGHBOR]]).isin(
            bought
        )
        explanations = explanations[~named | owned]
    found = _texts(explanations, items_as_neighbours=as_items, verb=verb)
    where = pd.MultiIndex.from_frame(recs[[C.USER, C.ITEM]])
    texts = pd.Series(found.reindex(where).to_numpy(), index=recs.index).fillna(text)
    lookup = {} if names is None else names
    frame = recs.assign(
        **{
            C.ITEM_NAME: pd.array([lookup.get(i) for i in recs[C.ITEM]], dtype="str"),
            C.EXPLANATION: texts.astype("str"),
        }
    )[list(EXPORT_COLUMNS)]
    return frame if raw_ids else outputs.shareable(frame, key=key)
