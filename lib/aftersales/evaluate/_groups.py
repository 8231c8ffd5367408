"""Which model serves which customers: per-group breakdowns of per-user metrics.

A group is any labelling of users (an RFM segment, an activity bucket). Per-user values are
first averaged over folds, so each user counts once per model; a group's value is the mean
over its users (for RMSE and MAE: the mean of the users' own RMSE or MAE, which weighs every
user alike rather than every prediction).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.evaluate._frames import same_k
from aftersales.metrics import metric_info
from aftersales.random import Seed, rng
from aftersales.stats import bootstrap_mean_ci, holm, paired_test
from aftersales.validate import require_columns, require_rows

GROUP_SUMMARY_COLUMNS: tuple[str, ...] = (
    C.GROUP,
    C.MODEL,
    C.METRIC,
    C.K,
    C.N_USERS,
    C.MEAN,
    C.CI_LOW,
    C.CI_HIGH,
)
BEST_PER_GROUP_COLUMNS: tuple[str, ...] = (
    C.GROUP,
    C.N_USERS,
    C.BEST,
    C.MEAN,
    C.RUNNER_UP,
    C.RUNNER_UP_MEAN,
    C.DIFFERENCE,
    C.N_PAIRS,
    C.P_VALUE,
    C.P_ADJUSTED,
    C.SIGNIFICANT,
)


def activity_buckets(train: pd.DataFrame, *, n_buckets: int = 4) -> pd.Series:
    """Label each user by how many training rows (ratings, purchases) they have.

    Users are cut at the quantiles of their row counts (``pandas.qcut``); equal quantile
    edges are merged, so heavily tied counts give fewer buckets than asked for. A bucket's
    label is the range of counts it holds, e.g. ``"5-23"``.

    Parameters
    ----------
    train : pandas.DataFrame
        Training rows with ``C.USER``.
    n_buckets : int, default 4
        Quantile buckets asked for (at least 2).

    Returns
    -------
    pandas.Series
        Indexed by user id (sorted), named ``C.GROUP``: an ordered categorical from the
        least to the most active bucket.

    Raises
    ------
    ParameterError
        If ``n_buckets`` is not an integer >= 2.
    DataValidationError
        If ``train`` lacks ``C.USER`` or has no row.
    """
    validate.integer(n_buckets, "n_buckets", low=2)
    require_columns(train, [C.USER], source="`train`")
    require_rows(train, source="`train`")
    counts = train.groupby(C.USER, sort=True).size()
    if counts.nunique() == 1:  # a single edge: qcut gives no bin
        codes = np.zeros(len(counts), dtype=np.int64)
    else:  # 0 .. buckets - 1, every one used
        codes = pd.qcut(counts, int(n_buckets), labels=False, duplicates="drop")
        codes = np.asarray(codes, dtype=np.int64)
    bounds = counts.groupby(codes).agg(["min", "max"])
    labels = [f"{low}-{high}" for low, high in zip(bounds["min"], bounds["max"], strict=True)]
    values = pd.Categorical.from_codes(codes, categories=labels, ordered=True)
    return pd.Series(values, index=counts.index, name=C.GROUP)


def _user_values(
    per_user: pd.DataFrame, groups: pd.Series, metrics: Sequence[str] | None, k: int | None
) -> pd.DataFrame:
    """Per-user values averaged over folds, with each user's group (users without one dropped)."""
    require_columns(
        per_user, [C.MODEL, C.FOLD, C.USER, C.METRIC, C.K, C.VALUE], source="`per_user`"
    )
    if not isinstance(groups, pd.Series):
        raise ParameterError(
            f"`groups` must be a Series user id -> group; got {type(groups).__name__}"
        )
    frame = per_user
    if metrics is not None:
        wanted = [metrics] if isinstance(metrics, str) else list(metrics)
        for name in wanted:
            metric_info(name)
        frame = frame.loc[frame[C.METRIC].isin(wanted)]
    if k is not None:
        frame = frame.loc[frame[C.K].isna() | (frame[C.K] == k).fillna(False).astype(bool)]
    group = frame[C.USER].map(groups.groupby(level=0).first())
    frame = frame.assign(**{C.GROUP: group}).dropna(subset=[C.GROUP])
    if frame.empty:
        raise DataValidationError(
            "`per_user` and `groups` have no user in common for the metrics asked for; "
            "check that `groups` is indexed by the same user ids"
        )
    keys = [C.GROUP, C.MODEL, C.METRIC, C.K, C.USER]
    return (
        frame.groupby(keys, sort=False, dropna=False, observed=True)[C.VALUE].mean().reset_index()
    )


def _group_order(groups: pd.Series, present: pd.Series) -> list:
    if isinstance(groups.dtype, pd.CategoricalDtype):
        return [g for g in groups.cat.categories if g in set(present)]
    return sorted(set(present), key=str)


def group_summary(
    per_user: pd.DataFrame,
    groups: pd.Series,
    *,
    metrics: Sequence[str] | None = None,
    k: int | None = None,
    n_resamples: int = 1000,
    level: float = 0.95,
    seed: Seed = 0,
) -> pd.DataFrame:
    """Mean and bootstrap interval of every metric per group and model.

    Parameters
    ----------
    per_user : pandas.DataFrame
        ``Experiment.per_user`` (``C.MODEL, C.FOLD, C.USER, C.METRIC, C.K, C.VALUE``).
    groups : pandas.Series
        User id -> group label (e.g. ``activity_buckets`` or RFM segments). Users without
        a group are left out; a categorical keeps its category order.
    metrics : sequence of str, optional
        Metrics to keep; default all.
    k : int, optional
        Keep list metrics at this k only (rating metrics have none and are kept).
    n_resamples : int, default 1000
        Bootstrap replicates over the users of each group.
    level : float, default 0.95
        Confidence level.
    seed : int or numpy.random.Generator, default 0
        Seed of the bootstrap; every model of a group is resampled with the same draws.

    Returns
    -------
    pandas.DataFrame
        :data:`GROUP_SUMMARY_COLUMNS`: one row per group, model, metric and k, groups in
        their order, models in ``per_user`` order.

    Raises
    ------
    ParameterError
        If ``groups`` is not a Series or a bootstrap option is out of range.
    UnknownNameError
        If a metric is not registered.
    DataValidationError
        If a column is missing or no user of ``per_user`` has a group.
    """
    values = _user_values(per_user, groups, metrics, k)
    order = _group_order(groups, values[C.GROUP])
    models = list(per_user[C.MODEL].unique())  # in order of appearance
    base = int(rng(seed).integers(0, 2**63 - 1))
    rows = []
    keys = values[[C.METRIC, C.K]].drop_duplicates().itertuples(index=False, name=None)
    for metric, k_value in keys:  # a few metrics x ks
        part = values.loc[(values[C.METRIC] == metric) & same_k(values[C.K], k_value)]
        for position, group in enumerate(order):  # a handful of groups
            in_group = part.loc[part[C.GROUP] == group]
            for model in models:  # a handful of models
                user_values = in_group.loc[in_group[C.MODEL] == model].sort_values(C.USER)
                if user_values.empty:
                    continue
                draws = np.random.default_rng([base, position])
                low, high = bootstrap_mean_ci(
                    user_values[C.VALUE], n_resamples=n_resamples, level=level, seed=draws
                )
                mean = float(user_values[C.VALUE].mean())
                rows.append((group, model, metric, k_value, len(user_values), mean, low, high))
    frame = pd.DataFrame(rows, columns=list(GROUP_SUMMARY_COLUMNS))
    return frame.astype({C.K: "Int64", C.N_USERS: "int64"})


def best_per_group(
    per_user: pd.DataFrame,
    groups: pd.Series,
    *,
    metric: str,
    k: int | None = None,
    alpha: float = 0.05,
    min_pairs: int = 10,
) -> pd.DataFrame:
    """Return the best model of each group, its runner-up and whether the gap is significant.

    In each group the models are ranked by their mean over the group's users (highest
    first, lowest for RMSE and MAE). The best and the runner-up are paired on the users
    both have a value for and compared with the two-sided Wilcoxon signed-rank test
    (``aftersales.stats.paired_test``); the p-values of the groups are adjusted together
    with Holm's method. A group with fewer than ``min_pairs`` paired users is not tested
    (p-values missing, not significant).

    Parameters
    ----------
    per_user : pandas.DataFrame
        ``Experiment.per_user``.
    groups : pandas.Series
        User id -> group label.
    metric : str
        The metric that decides.
    k : int, optional
        Its list length (required for list metrics).
    alpha : float, default 0.05
        Family-wise error rate over the groups.
    min_pairs : int, default 10
        Fewest paired users for a test (at least 2).

    Returns
    -------
    pandas.DataFrame
        :data:`BEST_PER_GROUP_COLUMNS`: per group its users, the best model and its mean,
        the runner-up and its mean, ``C.DIFFERENCE`` (best minus runner-up over the paired
        users), ``C.N_PAIRS``, the raw and Holm-adjusted Wilcoxon p-values and
        ``C.SIGNIFICANT`` (adjusted p < alpha).

    Raises
    ------
    ParameterError
        If ``alpha`` is not in (0, 1), ``min_pairs`` < 2, ``groups`` is not a Series, or a
        list metric is given without ``k``.
    UnknownNameError
        If ``metric`` is not registered.
    DataValidationError
        If a column is missing, no user has a group, or a group has fewer than two models.
    """
    if not 0 < alpha < 1:
        raise ParameterError(f"`alpha` must be in (0, 1); got {alpha!r}")
    validate.integer(min_pairs, "min_pairs", low=2)
    if metric_info(metric).kind != "rating" and k is None:
        raise ParameterError(f"`k` is required for the list metric {metric!r}; got None")
    higher = metric_info(metric).higher_is_better
    values = _user_values(per_user, groups, [metric], None if k is None else k)
    if metric_info(metric).kind != "rating":
        values = values.loc[values[C.K] == k]
    rows = []
    for group in _group_order(groups, values[C.GROUP]):  # a handful of groups
        wide = values.loc[values[C.GROUP] == group].pivot(
            index=C.USER, columns=C.MODEL, values=C.VALUE
        )
        means = wide.mean().sort_values(ascending=not higher, kind="stable")
        if len(means) < 2:
            raise DataValidationError(
                f"group {group!r} has {len(means)} model ({list(means.index)}) for {metric!r}; "
                "expected two or more to compare"
            )
        best, runner = means.index[0], means.index[1]
        pairs = wide[[best, runner]].dropna()
        p = np.nan
        difference = float((pairs[best] - pairs[runner]).mean()) if len(pairs) else np.nan
        if len(pairs) >= min_pairs:
            p = paired_test(pairs[best].to_numpy(), pairs[runner].to_numpy()).wilcoxon_p
        rows.append(
            [group, len(wide), best, means[best], runner, means[runner], difference, len(pairs), p]
        )
    frame = pd.DataFrame(rows, columns=list(BEST_PER_GROUP_COLUMNS[:-2]))
    adjusted = holm(frame[C.P_VALUE].to_numpy(dtype="float64"))
    frame[C.P_ADJUSTED] = adjusted
    frame[C.SIGNIFICANT] = np.nan_to_num(adjusted, nan=1.0) < alpha
    return frame.astype({C.N_USERS: "int64", C.N_PAIRS: "int64"})


def customer_groups(
    grouping: str,
    *,
    train: pd.DataFrame,
    transactions: pd.DataFrame | None = None,
    n_buckets: int = 4,
) -> pd.Series:
    """Return each customer's group for the breakdown: RFM segment or activity bucket.

    Parameters
    ----------
    grouping : {"segment", "activity"}
        ``"segment"``: the RFM segment of ``aftersales.segment.segment_customers`` on the
        cleaned ``transactions`` (whole period, reference the day after the last sale);
        ``"activity"``: :func:`activity_buckets` of ``train``.
    train : pandas.DataFrame
        Training rows with ``C.USER``.
    transactions : pandas.DataFrame, optional
        Cleaned transactions; required for ``"segment"``.
    n_buckets : int, default 4
        Activity buckets.

    Returns
    -------
    pandas.Series
        User id -> group, an ordered categorical named ``C.GROUP`` (segments in the order
        of ``aftersales.segment.SEGMENTS``, buckets from least to most active).

    Raises
    ------
    ParameterError
        If ``grouping`` is unknown or segments are asked for without transactions.
    DataValidationError
        As the segmentation or :func:`activity_buckets`.
    """
    if grouping == "activity":
        return activity_buckets(train, n_buckets=n_buckets)
    if grouping != "segment":
        raise ParameterError(f"`grouping` must be 'segment' or 'activity'; got {grouping!r}")
    if transactions is None:
        raise ParameterError("`transactions` are required for grouping='segment'")
    from aftersales import segment  # segmentation is only needed here

    table = segment.segment_customers(transactions)
    present = [name for name in segment.SEGMENTS if name in set(table[C.SEGMENT])]
    values = pd.Categorical(table[C.SEGMENT], categories=present, ordered=True)
    return pd.Series(values, index=pd.Index(table[C.CUSTOMER], name=C.USER), name=C.GROUP)


def describe_best(table: pd.DataFrame, *, metric: str, k: int | None = None) -> str:
    """Summarise :func:`best_per_group` in one sentence.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`best_per_group` output.
    metric : str
        The deciding metric (named in the sentence).
    k : int, optional
        Its list length.

    Returns
    -------
    str
        E.g. ``"By ndcg@10, ease is best in 10 of 11 groups (significantly better than the
        runner-up in 9) and itemknn in 1 (Hibernating)."``

    Raises
    ------
    DataValidationError
        If ``table`` has no row.
    """
    require_rows(table, source="`table`")
    name = metric if k is None else f"{metric}@{k}"
    counts = table.groupby(C.BEST, sort=False).agg(
        n=(C.GROUP, "size"), significant=(C.SIGNIFICANT, "sum"), groups=(C.GROUP, list)
    )
    counts = counts.sort_values("n", ascending=False, kind="stable")
    parts = []
    for position, (model, row) in enumerate(counts.iterrows()):  # a handful of models
        where = f" ({', '.join(map(str, row['groups']))})" if position else ""
        total = f" of {len(table)} groups" if position == 0 else ""
        parts.append(
            f"{model} in {row['n']}{total}{where}, significantly better than the runner-up "
            f"in {int(row['significant'])}"
        )
    return f"By {name}, the best model is " + "; ".join(parts) + "."
