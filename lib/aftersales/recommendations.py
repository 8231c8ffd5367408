"""Per-customer top-N recommendations of any fitted model, with a readable reason per item.

One place that builds, fits, ranks with and explains every model kind notebook 04.00
compares: Surprise algorithms (``aftersales.models``), implicit top-N models
(``aftersales.topn``) and frequently bought together (``aftersales.basket``, through
:class:`BasketRecommender`). :func:`recommendation_table` is the export for after-sales
teams: one row per customer and rank, item name, score and an explanation such as
``"because you bought A (0.42), B (0.31)"``, customer ids pseudonymised by default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import surprise

from aftersales import columns as C
from aftersales import evaluate, models, outputs, topn, validate
from aftersales.basket import FrequentlyBoughtTogether
from aftersales.choices import ALL_MODELS, BASKET_MODEL, RANKING_ONLY_MODELS
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.metrics import BEYOND_METRICS, METRICS, RANKING_METRICS
from aftersales.models import EXPLANATION_COLUMNS, Ranker, Scores, UnknownUsers, check_unknown_users
from aftersales.random import Seed, rng
from aftersales.topk import top_k
from aftersales.validate import require_columns

CELLS_PER_BATCH = 1_000_000
"""Dense popularity cells (users x items) held at once when filling lists."""

EXPORT_COLUMNS: tuple[str, ...] = (C.USER, C.RANK, C.ITEM, C.ITEM_NAME, C.SCORE, C.EXPLANATION)
"""Columns of :func:`recommendation_table`."""


class BasketRecommender(topn.RanksOnly):
    """Frequently bought together ranked per customer, filled up with popular items.

    Fitting treats each customer's training items as one basket
    (``FrequentlyBoughtTogether`` on the training interactions, so no test purchase leaks
    in) and counts each item's customers. A customer's list holds the items with a
    qualifying rule from their history (by the rule metric, the strongest rule from any
    history item), then, up to ``k``, the most popular unseen items (score 0), so every
    customer gets a full list like the other models. Rating methods raise
    ``RankingOnlyError``.

    Parameters
    ----------
    metric : {"lift", "confidence"}, default "lift"
        Rule metric to rank by.
    min_support : float, default 0.001
        Minimum pair support (share of customers).
    min_lift : float, default 1.0
        Minimum lift.
    seed : int or numpy.random.Generator, default 0
        Validated and unused (the model is deterministic); the registry passes one to all.

    Raises
    ------
    UnknownNameError, ParameterError
        As ``FrequentlyBoughtTogether`` for a bad metric or threshold.
    """

    neighbours_are_items = True
    explain_lists = Ranker.explain_lists
    explain_empty = staticmethod(Ranker.explain_empty)

    def __init__(
        self,
        metric: str = C.LIFT,
        *,
        min_support: float = 0.001,
        min_lift: float = 1.0,
        seed: Seed = 0,
    ) -> None:
        rng(seed)  # validated; the model is deterministic
        self.model = FrequentlyBoughtTogether(metric, min_support=min_support, min_lift=min_lift)

    def __repr__(self) -> str:
        return f"BasketRecommender({self.model!r})"

    def fit(self, data: Any) -> BasketRecommender:
        """Fit on training interactions.

        Parameters
        ----------
        data : pandas.DataFrame or surprise.Trainset
            ``C.USER`` and ``C.ITEM`` rows, or a Surprise trainset.

        Returns
        -------
        BasketRecommender
            ``self``, fitted.

        Raises
        ------
        DataValidationError
            If ``data`` is malformed or empty.
        ParameterError
            If no item reaches ``min_support``.
        """
        matrix = topn.interaction_matrix(data, source="BasketRecommender.fit: `data`")
        coo = matrix.binary.tocoo()
        self.history_ = pd.DataFrame({C.USER: matrix.users[coo.row], C.ITEM: matrix.items[coo.col]})
        self.model.fit(self.history_)
        self.items_ = matrix.items
        self.popularity_ = np.asarray(matrix.binary.sum(axis=0)).ravel()
        return self

    def _fitted(self) -> None:
        if not hasattr(self, "history_"):
            raise ParameterError("BasketRecommender is not fitted; call fit(data) first")

    def knows(self, user: Any) -> bool:
        """Tell whether ``user`` has a training history.

        Parameters
        ----------
        user : object
            A user id.

        Returns
        -------
        bool
            True when the user is in the fitted interactions.

        Raises
        ------
        ParameterError
            If the model is not fitted.
        """
        self._fitted()
        return bool((self.history_[C.USER] == user).any())

    def score_all(self, users: Sequence[Any], *, batch_size: int | None = None) -> Scores:
        """Return the rule score of every fitted item for each user.

        An item's score is its strongest qualifying rule from an item of the user's history
        (the score ``recommend`` ranks rule items by), 0 without one.

        Parameters
        ----------
        users : sequence
            User ids (unknown users score 0 everywhere).
        batch_size : int, optional
            Ignored (the scores are built a user at a time).

        Returns
        -------
        aftersales.models.Scores
            ``values`` (users x fitted items), ``users``, ``items``.

        Raises
        ------
        ParameterError
            If the model is not fitted.
        """
        self._fitted()
        wanted = pd.Index(list(users))
        cols = self.items_.get_indexer(self.model.items_)
        values = np.zeros((len(wanted), len(self.items_)))
        by_user = self.history_.groupby(C.USER, sort=False)[C.ITEM]
        for row, user in enumerate(wanted):  # a sparse max per user
            if user not in by_user.groups:
                continue
            source = self.model.items_.get_indexer(by_user.get_group(user))
            source = source[source >= 0]
            if source.size:
                strongest = self.model.scores_[source].max(axis=0).toarray().ravel()
                values[row, cols] = strongest
        return Scores(values=values, users=wanted.to_numpy(), items=self.items_.to_numpy())

    def recommend(
        self,
        users: Sequence[Any],
        k: int,
        *,
        exclude_seen: bool = True,
        unknown_users: UnknownUsers | None = None,
        batch_size: int | None = None,
    ) -> pd.DataFrame:
        """Return each user's top-``k``: rule items first, then popular items.

        Parameters
        ----------
        users : sequence
            User ids (unknown users get popular items only).
        k : int
            Items per user.
        exclude_seen : bool, default True
            Leave out the user's training items.
        unknown_users : {"popular"}, optional
            Users without history get popular items (the only policy of this model).
        batch_size : int, optional
            Ignored (the lists are filled in batches of :data:`CELLS_PER_BATCH` cells).

        Returns
        -------
        pandas.DataFrame
            ``C.USER, C.ITEM, C.SCORE, C.RANK``, users in the given order.

        Raises
        ------
        ParameterError
            If the model is not fitted, ``k`` is not a positive integer or the policy is not
            "popular".
        """
        check_unknown_users(unknown_users or "popular", supported=("popular",), who="fbt")
        self._fitted()
        wanted = pd.Index(list(users)).unique()
        rules = self.model.recommend(wanted, k, history=self.history_, exclude_seen=exclude_seen)
        n_rules = rules.groupby(C.USER, sort=False).size().reindex(wanted, fill_value=0)
        n_rules = n_rules.to_numpy()
        taken = pd.concat([self.history_ if exclude_seen else self.history_.iloc[:0], rules])
        rows = wanted.get_indexer(taken[C.USER])
        cols = self.items_.get_indexer(taken[C.ITEM])
        known = (rows >= 0) & (cols >= 0)
        rows, cols = rows[known], cols[known]
        order = np.argsort(rows, kind="stable")
        rows, cols = rows[order], cols[order]
        batch = max(1, CELLS_PER_BATCH // max(1, len(self.items_)))
        parts = [(np.zeros(0, np.int64),) * 3]  # so that no user is fine
        for start in range(0, len(wanted), batch):  # batches bound the memory
            stop = min(start + batch, len(wanted))
            values = np.tile(self.popularity_.astype(np.float64), (stop - start, 1))
            lo, hi = np.searchsorted(rows, [start, stop])
            values[rows[lo:hi] - start, cols[lo:hi]] = -np.inf
            row, col, _, rank = top_k(values, min(int(k), len(self.items_)))
            row = row + start
            keep = rank <= k - n_rules[row]
            parts.append((row[keep], col[keep], rank[keep] + n_rules[row[keep]]))
        row, col, rank = (np.concatenate(p) for p in zip(*parts, strict=True))
        fill = pd.DataFrame(
            {C.USER: wanted[row], C.ITEM: self.items_[col], C.SCORE: 0.0, C.RANK: rank}
        )
        out = pd.concat([rules, fill], ignore_index=True)
        order = np.lexsort((out[C.RANK].to_numpy(), wanted.get_indexer(out[C.USER])))
        return out.iloc[order].reset_index(drop=True).astype({C.RANK: "int64"})

    def explain(
        self, user: Any, items: Sequence[Any], *, top: int = 3, names: Any = None
    ) -> pd.DataFrame:
        """Return the user's history items with the strongest rules to each item.

        Parameters
        ----------
        user : object
            A user id.
        items : sequence
            Item ids to explain.
        top : int, default 3
            History items shown per item.
        names : mapping or pandas.Series, optional
            Item id -> name.

        Returns
        -------
        pandas.DataFrame
            ``aftersales.models.EXPLANATION_COLUMNS``: ``C.NEIGHBOR`` a history item,
            ``C.SIMILARITY`` the rule metric (e.g. lift), ``C.SHARE`` missing; items without
            a rule (popular fill) have no rows.
        """
        lookup = {} if names is None else names
        history = self.history_.loc[self.history_[C.USER] == user, C.ITEM]
        source = self.model.items_.get_indexer(history)
        source = source[source >= 0]
        rows = []
        for item in items:  # the user's k items
            target = self.model.items_.get_indexer([item])[0]
            if target < 0 or not source.size:
                continue
            strength = self.model.scores_[source][:, [target]].toarray().ravel()
            used = np.flatnonzero(strength > 0)
            order = used[np.lexsort((source[used], -strength[used]))][:top]
            for rank, position in enumerate(order, start=1):
                neighbor = self.model.items_[source[position]]
                rows.append(
                    [
                        user,
                        item,
                        lookup.get(item),
                        neighbor,
                        lookup.get(neighbor),
                        strength[position],
                        np.nan,
                        np.nan,
                        used.size,
                        rank,
                    ]
                )
        return pd.DataFrame(rows, columns=list(EXPLANATION_COLUMNS))


def make_models(
    names: Sequence[str], params: Mapping[str, Mapping[str, Any]] | None = None, *, seed: Seed
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build unfitted models by name, split into rating models and ranking-only models.

    Parameters
    ----------
    names : sequence of str
        Names from :data:`ALL_MODELS` (Surprise class names, top-N names, ``"fbt"``).
    params : mapping, optional
        Model name -> its parameters (as ``aftersales.models.make`` takes them).
    seed : int or numpy.random.Generator
        Seed of every stochastic model.

    Returns
    -------
    tuple of dict
        ``(rating, ranking)``: label -> unfitted model; rating models predict ratings
        and rank, ranking-only models only rank.

    Raises
    ------
    UnknownNameError
        If a name is not in :data:`ALL_MODELS`.
    ParameterError
        If a model's parameters are invalid.
    """
    params = dict(params or {})
    rating: dict[str, Any] = {}
    ranking: dict[str, Any] = {}
    for name in names:  # a handful of models
        if name in models.NAMES and name not in ALL_MODELS:  # usercf fits frames, not trainsets
            raise UnknownNameError(
                f"model {name!r} is not compared here; valid models: {', '.join(ALL_MODELS)}"
            )
        kind = rating if name in models.RATING_MODELS else ranking
        kind[name] = models.make(name, dict(params.get(name) or {}), seed=seed)
    return rating, ranking


def rank_with_fallback(model: Any, users: Sequence[Any], k: int) -> pd.DataFrame:
    """Top-``k`` lists of any fitted model; users it was not fitted on get popular items.

    The declared fallback of every model kind: top-N models, frequently bought together
    and user-based CF rank an unknown user by item popularity on their own; a Surprise
    algorithm is asked to (``unknown_users="popular"``: items by their number of training
    ratings).

    Parameters
    ----------
    model : object
        A fitted model of the registry (``aftersales.models.make``).
    users : sequence
        User ids, no duplicates.
    k : int
        Items per user.

    Returns
    -------
    pandas.DataFrame
        ``C.USER``, ``C.ITEM``, ``C.SCORE``, ``C.RANK``.

    Raises
    ------
    ParameterError, UnknownNameError
        As ``aftersales.models.recommend``.
    """
    return models.recommend(model, users, k, unknown_users="popular")


def compare_models(
    names: Sequence[str],
    protocol: object,
    *,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    ks: Sequence[int] = (10,),
    threshold: float | None = None,
    n_resamples: int = 1000,
    seed: Seed = 0,
    progress: bool = False,
    rank_unknown: bool = False,
) -> evaluate.Experiment:
    """Evaluate rating and ranking-only models under one protocol, as one experiment.

    Rating models (Surprise) get every metric; ranking-only models refuse rating
    predictions and get the list metrics only. Both runs use the same seed, so
    ``evaluate.combine`` gives the intervals a joint run would.

    Parameters
    ----------
    names : sequence of str
        Model names from :data:`ALL_MODELS`.
    protocol : object
        A split or folds, as ``aftersales.evaluate.run_experiment`` takes.
    params : mapping, optional
        Model name -> parameters.
    ks : sequence of int, default (10,)
        List lengths.
    threshold : float, optional
        Minimum test rating of a relevant item (None: every test row).
    n_resamples : int, default 1000
        Bootstrap replicates.
    seed : int or numpy.random.Generator, default 0
        Seed of the models and of the bootstrap.
    progress : bool, default False
        Show progress bars.
    rank_unknown : bool, default False
        Also rank the test customers absent from training, by each model's declared
        fallback (:func:`rank_with_fallback`: popular items); by default they are left out
        of the list metrics.

    Returns
    -------
    aftersales.evaluate.Experiment
        The merged experiment (model order as in ``names``).

    Raises
    ------
    UnknownNameError, ParameterError, DataValidationError
        As :func:`make_models` and ``run_experiment``.
    """
    rating, ranking = make_models(names, params, seed=seed)
    options = {
        "rank_fn": rank_with_fallback if rank_unknown else models.recommend,
        "rank_unknown": rank_unknown,
        "ks": ks,
        "threshold": threshold,
        "n_resamples": n_resamples,
        "seed": seed,
        "progress": progress,
    }
    parts = []
    if rating:
        parts.append(evaluate.run_experiment(rating, protocol, **options))
    if ranking:
        listed = [*RANKING_METRICS, *BEYOND_METRICS]
        parts.append(evaluate.run_experiment(ranking, protocol, metrics=listed, **options))
    merged = evaluate.combine(parts)
    order = {name: position for position, name in enumerate(names)}
    summary = merged.summary
    position = pd.DataFrame(
        {
            "m": summary[C.METRIC].map({n: i for i, n in enumerate(METRICS)}),
            "k": summary[C.K].fillna(0).astype("int64"),
            "o": summary[C.MODEL].map(order),
        }
    ).sort_values(["m", "k", "o"], kind="stable")
    return evaluate.Experiment(
        per_user=merged.per_user,
        per_fold=merged.per_fold,
        timings=merged.timings,
        summary=summary.loc[position.index].reset_index(drop=True),
    )


def fit_model(
    model: Any, train: pd.DataFrame, *, rating_scale: tuple[float, float] | None = None
) -> Any:
    """Fit an unfitted model on training ratings the way ``run_experiment`` does.

    Parameters
    ----------
    model : object
        An unfitted model from :func:`make_models` (not modified: a copy is fitted).
    train : pandas.DataFrame
        ``C.USER, C.ITEM, C.RATING``; given to the model as a Surprise trainset.
    rating_scale : tuple of float, optional
        Surprise's rating scale; default the smallest and largest training rating.

    Returns
    -------
    object
        The fitted copy.
    """
    import copy

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
    view = models.recommender(model)
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
        recs = models.recommend(model, pending, asked)
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
    recs = (
        models.recommend(model, users, k) if bought is None else _unbought(model, users, k, bought)
    )
    text = f"ranked by {label or type(model).__name__}'s score"
    view = models.recommender(model)
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


__all__ = [
    "ALL_MODELS",
    "BASKET_MODEL",
    "EXPORT_COLUMNS",
    "RANKING_ONLY_MODELS",
    "BasketRecommender",
    "bought_share",
    "compare_models",
    "explain_items",
    "explanation_text",
    "fit_model",
    "make_models",
    "rank_with_fallback",
    "recommendation_table",
]
