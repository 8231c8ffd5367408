"""Paired significance of every model against the best one, per metric and k."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError
from aftersales.evaluate._frames import same_k
from aftersales.metrics import metric_info
from aftersales.stats import holm, paired_test
from aftersales.validate import require_columns

SIGNIFICANCE_COLUMNS: tuple[str, ...] = (
    C.METRIC,
    C.K,
    C.MODEL,
    C.BEST,
    C.N_PAIRS,
    C.DIFFERENCE,
    C.TEST,
    C.STATISTIC,
    C.P_VALUE,
    C.P_ADJUSTED,
    C.SIGNIFICANT,
)
TESTS: tuple[str, ...] = ("wilcoxon", "t-test")


def _best(
    group: pd.DataFrame, summary: pd.DataFrame | None, metric: str, k: object
) -> tuple[str, pd.Series]:
    higher = metric_info(metric).higher_is_better
    if summary is None:
        means = group.groupby(C.MODEL, sort=False)[C.VALUE].mean()
    else:
        rows = summary.loc[(summary[C.METRIC] == metric) & same_k(summary[C.K], k)]
        means = rows.set_index(C.MODEL)[C.MEAN]
        means = means.loc[means.index.isin(group[C.MODEL].unique())]
        if means.empty:
            raise DataValidationError(
                f"`summary` has no row for metric {metric!r}, k={k}; pass the experiment's "
                "summary or none"
            )
    return (means.idxmax() if higher else means.idxmin()), means


def significance(
    per_user: pd.DataFrame,
    *,
    summary: pd.DataFrame | None = None,
    metrics: Sequence[str] | None = None,
    alpha: float = 0.05,
    min_pairs: int = 10,
    reference: str | None = None,
) -> pd.DataFrame:
    """Test every model against the best one with paired tests over users, Holm-corrected.

    For each metric and k, the best model is the one with the best mean (the highest, or
    the lowest for RMSE and MAE), taken from ``summary`` when given, otherwise from the
    per-user values. Every other model is paired with it on the (fold, user) rows present
    for both, and compared with the Wilcoxon signed-rank test and the paired t-test
    (two-sided, ``aftersales.stats.paired_test``). Within each metric, k and test, the
    p-values of the m - 1 comparisons are adjusted with Holm's method.

    Parameters
    ----------
    per_user : pandas.DataFrame
        ``C.MODEL, C.FOLD, C.USER, C.METRIC, C.K, C.VALUE`` (``Experiment.per_user``).
    summary : pandas.DataFrame, optional
        ``Experiment.summary``, to pick the best model by the headline mean.
    metrics : sequence of str, optional
        Metrics to test; default every metric in ``per_user``.
    alpha : float, default 0.05
        Family-wise error rate for the ``C.SIGNIFICANT`` flag.
    min_pairs : int, default 10
        Fewest paired users accepted for a comparison.
    reference : str, optional
        Compare every other model with this one instead of the best (e.g. a baseline:
        "does each model beat popularity?"); ``C.BEST`` then names the reference.

    Returns
    -------
    pandas.DataFrame
        ``C.METRIC, C.K, C.MODEL, C.BEST, C.N_PAIRS, C.DIFFERENCE`` (mean of model minus
        best over the pairs), ``C.TEST`` (``"wilcoxon"`` or ``"t-test"``),
        ``C.STATISTIC, C.P_VALUE, C.P_ADJUSTED, C.SIGNIFICANT`` (adjusted p < alpha): two
        rows per model other than the best.

    Raises
    ------
    ParameterError
        If ``alpha`` is not in (0, 1) or ``min_pairs`` is below 2.
    UnknownNameError
        If a metric is not registered.
    DataValidationError
        If a column is missing, a requested metric has no rows, a metric has fewer than
        two models, or a model shares fewer than ``min_pairs`` users with the best.
    """
    if not 0 < alpha < 1:
        raise ParameterError(f"`alpha` must be in (0, 1); got {alpha!r}")
    validate.integer(min_pairs, "min_pairs", low=2)
    require_columns(
        per_user, [C.MODEL, C.FOLD, C.USER, C.METRIC, C.K, C.VALUE], source="`per_user`"
    )
    present = list(per_user[C.METRIC].unique())  # in order of appearance
    wanted = present if metrics is None else list(dict.fromkeys(metrics))
    for name in wanted:
        metric_info(name)
        if name not in present:
            raise DataValidationError(
                f"`per_user` has no row for metric {name!r}; it holds {present}"
            )
    rows = []
    selected = per_user.loc[per_user[C.METRIC].isin(wanted)]
    # one group per metric x k, in order of appearance (k is missing for rating metrics)
    groups = selected.groupby([C.METRIC, C.K], sort=False, dropna=False, observed=True)
    for (metric, k), group in groups:
        k = None if pd.isna(k) else k
        models = list(group[C.MODEL].unique())
        if len(models) < 2:
            raise DataValidationError(
                f"significance compares models; metric {metric!r} (k={k}) has "
                f"{len(models)} model ({models}), expected two or more"
            )
        if reference is None:
            best, _ = _best(group, summary, metric, k)
        elif reference in models:
            best = reference
        else:
            raise DataValidationError(
                f"`reference` {reference!r} has no rows for metric {metric!r} (k={k}); "
                f"the models are {models}"
            )
        wide = group.pivot(index=[C.FOLD, C.USER], columns=C.MODEL, values=C.VALUE)
        family = []
        for model in models:  # a handful of models
            if model == best:
                continue
            pairs = wide[[model, best]].dropna()
            if len(pairs) < min_pairs:
                raise DataValidationError(
                    f"significance of {model!r} against {best!r} on {metric!r} (k={k}): "
                    f"{len(pairs)} users have values for both; need at least {min_pairs} "
                    "(`min_pairs`)"
                )
            test = paired_test(pairs[model].to_numpy(), pairs[best].to_numpy())
            family.append((model, test))
        for name in TESTS:
            p = np.array([t.wilcoxon_p if name == "wilcoxon" else t.t_p for _, t in family])
            adjusted = holm(p)
            for (model, t), raw, adj in zip(family, p, adjusted, strict=True):
                statistic = t.wilcoxon_statistic if name == "wilcoxon" else t.t_statistic
                rows.append(
                    (
                        metric,
                        k,
                        model,
                        best,
                        t.n,
                        t.mean_difference,
                        name,
                        statistic,
                        raw,
                        adj,
                        bool(adj < alpha),
                    )
                )
    frame = pd.DataFrame(rows, columns=list(SIGNIFICANCE_COLUMNS))
    return frame.astype({C.K: "Int64", C.SIGNIFICANT: "bool"})
