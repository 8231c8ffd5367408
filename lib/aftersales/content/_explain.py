"""Why the content model recommends an item: the bought items and the features they share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models import EXPLANATION_COLUMNS

CONTENT_EXPLANATION_COLUMNS: tuple[str, ...] = (
    *EXPLANATION_COLUMNS,
    C.CONTRIBUTION,
    C.SCORE,
    C.TERMS,
    C.NEIGHBOR_DATE,
)
"""Columns of :func:`explain_content`."""


def _term(name: str) -> str:
    """Write a feature as words: ``regency`` -> ``'regency'``, ``genre:Drama`` -> genre Drama."""
    if ":" not in name:
        return f"'{name}'"
    kind, value = name.split(":", 1)
    return f"{kind} {value}"


def explain_content(
    model: Any,
    user: Any,
    items: Sequence[Any],
    *,
    top: int = 3,
    names: Mapping[Any, str] | pd.Series | None = None,
    terms: int = 3,
) -> pd.DataFrame:
    """Return each item's strongest bought items under a fitted content model.

    With ``p_u = sum_j x_uj f_j / n_u`` (``n_u`` the length of the sum), the score
    ``p_u . f_i - m . f_i`` splits into one term per bought item ``j``, ``x_uj (f_j . f_i) /
    n_u``, less the mean customer's part ``m . f_i`` (zero for a model not centred).

    Parameters
    ----------
    model : aftersales.topn.ContentBased
        A fitted content model.
    user : object
        A customer of the fitted data.
    items : sequence
        Item ids of the model's catalogue, no duplicates.
    top : int, default 3
        Bought items per item (``C.N_NEIGHBORS`` counts every one sharing a feature).
    names : mapping or pandas.Series, optional
        Item id -> name.
    terms : int, default 3
        Shared features named per pair.

    Returns
    -------
    pandas.DataFrame
        :data:`CONTENT_EXPLANATION_COLUMNS`; ``C.SIMILARITY`` the cosine ``f_j . f_i``,
        ``C.NEIGHBOR_RATING`` the value ``x_uj``, ``C.CONTRIBUTION`` its part of the score,
        ``C.SHARE`` that part over the bought items' part (the score when not centred),
        ``C.TERMS`` the shared features in words
        (strongest first), ``C.NEIGHBOR_DATE`` the last purchase of ``j`` (or missing).
        Items that share no feature with anything bought have no rows.

    Raises
    ------
    UnknownNameError
        If the customer has no training history or an item is not in the catalogue.
    ParameterError
        If ``top`` or ``terms`` is not a positive integer or ``items`` repeats an id.
    """
    top = validate.integer(top, "top", high=1_000)
    terms = validate.integer(terms, "terms", high=100)
    data = model._fitted()
    profile = model.profiles([user])  # raises for a customer without history
    user_row = int(data.users.get_indexer([user])[0])
    wanted = pd.Index(list(items))
    if wanted.has_duplicates:
        raise ParameterError("`items` must not repeat an item")
    cols = data.items.get_indexer(wanted)
    if (cols < 0).any():
        raise UnknownNameError(
            f"`items`: {wanted[cols < 0][:5].tolist()!r} are not in the model's catalogue"
        )
    row = model._matrix[user_row]
    seen, values = row.indices, row.data.astype(np.float64)
    features = model._item_features
    bought, targets = features[seen], features[cols]
    length = float(np.sqrt((row @ features).multiply(row @ features).sum()))
    similarity = (bought @ targets.T).toarray()  # bought x targets
    contribution = values[:, None] * similarity / (length if length > 0 else 1.0)
    part = np.asarray((profile @ targets.T).todense()).ravel()  # the bought items' part
    scores = part - model._offset[cols]
    order = np.argsort(-np.round(contribution, 12), axis=0, kind="stable")
    lookup = {} if names is None else names
    dates = model._dates
    out = []
    for t in range(len(cols)):  # the handful of items shown
        support = similarity[:, t] > 0
        for rank, s in enumerate(order[: min(top, int(support.sum())), t]):
            shared = bought[s].multiply(targets[t]).tocsr()
            strongest = shared.indices[np.argsort(-shared.data, kind="stable")][:terms]
            neighbour = data.items[seen[s]]
            out.append(
                {
                    C.USER: user,
                    C.ITEM: wanted[t],
                    C.ITEM_NAME: lookup.get(wanted[t]),
                    C.NEIGHBOR: neighbour,
                    C.NEIGHBOR_NAME: lookup.get(neighbour),
                    C.SIMILARITY: similarity[s, t],
                    C.NEIGHBOR_RATING: values[s],
                    C.SHARE: contribution[s, t] / part[t] if part[t] else np.nan,
                    C.N_NEIGHBORS: int(support.sum()),
                    C.RANK: rank + 1,
                    C.CONTRIBUTION: contribution[s, t],
                    C.SCORE: scores[t],
                    C.TERMS: ", ".join(_term(model._feature_names[f]) for f in strongest),
                    C.NEIGHBOR_DATE: None if dates is None else dates.get((user, neighbour)),
                }
            )
    frame = pd.DataFrame(out, columns=list(CONTENT_EXPLANATION_COLUMNS))
    return frame.astype(
        {
            C.SIMILARITY: "float64",
            C.NEIGHBOR_RATING: "float64",
            C.SHARE: "float64",
            C.N_NEIGHBORS: "int64",
            C.RANK: "int64",
            C.CONTRIBUTION: "float64",
            C.SCORE: "float64",
        }
    )


def explanation_sentences(explanations: pd.DataFrame, *, verb: str = "bought") -> pd.Series:
    """Say in words why each item is recommended, from its strongest bought item.

    ``"shares 'regency', 'teacup' with REGENCY TEA PLATE, which you bought in March 2011"``
    (without the date when the model had none).

    Parameters
    ----------
    explanations : pandas.DataFrame
        Rows of :func:`explain_content`.
    verb : str, default "bought"
        What the customer did ("bought", "rated").

    Returns
    -------
    pandas.Series
        One sentence per (``C.USER``, ``C.ITEM``), indexed by both, in row order.
    """
    first = explanations[explanations[C.RANK] == 1]
    label = first[C.NEIGHBOR_NAME].astype(object)
    label = label.where(label.notna(), first[C.NEIGHBOR].astype("str"))
    when = pd.to_datetime(first[C.NEIGHBOR_DATE], utc=True)
    dated = when.dt.strftime(" in %B %Y").fillna("") if len(first) else when.astype(str)
    text = (
        "shares "
        + first[C.TERMS].astype("str")
        + " with "
        + label.astype("str")
        + f", which you {verb}"
        + dated.astype("str")
    )
    return pd.Series(text.to_numpy(), index=pd.MultiIndex.from_frame(first[[C.USER, C.ITEM]]))


def explain_examples(
    model: Any,
    test: pd.DataFrame,
    *,
    n_users: int,
    k: int,
    seed: Any,
    names: Mapping[Any, str] | pd.Series | None = None,
    verb: str = "bought",
) -> pd.DataFrame:
    """Recommend ``k`` items to ``n_users`` random test customers the model knows, in words.

    Parameters
    ----------
    model : aftersales.topn.ContentBased or aftersales.topn.Hybrid
        A fitted model with an ``explain`` method.
    test : pandas.DataFrame
        Test rows (``C.USER``); customers are drawn from those the model knows.
    n_users : int
        Customers drawn (fewer when fewer are known).
    k : int
        Recommendations per customer.
    seed : int or numpy.random.Generator
        Seed of the draw.
    names : mapping or pandas.Series, optional
        Item id -> name.
    verb : str, default "bought"
        What the customer did with the items.

    Returns
    -------
    pandas.DataFrame
        ``C.USER, C.RANK, C.ITEM, C.ITEM_NAME, C.SCORE, C.EXPLANATION`` (empty text for an
        item that shares nothing with the customer's items).

    Raises
    ------
    ParameterError
        If ``n_users`` or ``k`` is not a positive integer, or no test customer is known.
    """
    from aftersales.random import rng

    n_users = validate.integer(n_users, "n_users", high=1_000)
    known = pd.Index(test[C.USER].unique()).intersection(model.users_).sort_values()
    if known.empty:
        raise ParameterError("explain_examples: no test customer is in the model's data")
    chosen = known[np.sort(rng(seed).choice(len(known), min(n_users, len(known)), replace=False))]
    recs = model.recommend(chosen, k)
    parts = [
        model.explain(user, part[C.ITEM].tolist(), names=names)
        for user, part in recs.groupby(C.USER, sort=False)  # a few customers
    ]
    sentences = explanation_sentences(pd.concat(parts, ignore_index=True), verb=verb)
    where = pd.MultiIndex.from_frame(recs[[C.USER, C.ITEM]])
    lookup = {} if names is None else names
    return recs.assign(
        **{
            C.ITEM_NAME: [lookup.get(i) for i in recs[C.ITEM]],
            C.EXPLANATION: sentences.reindex(where).fillna("").to_numpy(),
        }
    )[[C.USER, C.RANK, C.ITEM, C.ITEM_NAME, C.SCORE, C.EXPLANATION]]
