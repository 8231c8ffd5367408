"""The comparison table: significance markers, the best model, headline-first exports."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import DataValidationError, ParameterError
from aftersales.evaluate._frames import same_k
from aftersales.metrics import metric_info
from aftersales.validate import require_columns

MARKERS: dict[str, str] = {"best": "best", "significant": "*", "not": "n.s.", "untested": ""}
"""Texts of :func:`mark_significance`: the best model, significantly worse, not, untested."""


def mark_significance(
    summary: pd.DataFrame, tests: pd.DataFrame, *, test: str = "wilcoxon"
) -> pd.DataFrame:
    """Add a significance marker to the comparison table.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Experiment.summary`` (``C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH``).
    tests : pandas.DataFrame
        The result of ``aftersales.evaluate.significance``.
    test : {"wilcoxon", "t-test"}, default "wilcoxon"
        Which test's Holm-adjusted decision is shown.

    Returns
    -------
    pandas.DataFrame
        A copy of ``summary`` with ``C.MARKER``: ``"best"`` for the best model of a metric
        and k, ``"*"`` for a model significantly different from it, ``"n.s."`` for one that
        is not, and ``""`` where nothing was tested (e.g. catalogue coverage).

    Raises
    ------
    ParameterError
        If ``test`` is not one of the two tests.
    DataValidationError
        If a column is missing.
    """
    if test not in ("wilcoxon", "t-test"):
        raise ParameterError(f"`test` must be 'wilcoxon' or 't-test'; got {test!r}")
    require_columns(summary, [C.MODEL, C.METRIC, C.K], source="`summary`")
    require_columns(
        tests, [C.METRIC, C.K, C.MODEL, C.BEST, C.TEST, C.SIGNIFICANT], source="`tests`"
    )
    chosen = tests.loc[tests[C.TEST] == test]
    key = [C.METRIC, C.K]
    best = chosen[[*key, C.BEST]].drop_duplicates().rename(columns={C.BEST: C.MODEL})
    best = best.assign(**{C.MARKER: MARKERS["best"]})
    others = chosen[[*key, C.MODEL, C.SIGNIFICANT]].assign(
        **{C.MARKER: np.where(chosen[C.SIGNIFICANT], MARKERS["significant"], MARKERS["not"])}
    )
    markers = pd.concat([best, others.drop(columns=C.SIGNIFICANT)], ignore_index=True)
    markers = markers.astype({C.K: "Int64", C.MODEL: "str", C.METRIC: "str"})
    out = summary.astype({C.K: "Int64"}).merge(markers, on=[*key, C.MODEL], how="left")
    return out.assign(**{C.MARKER: out[C.MARKER].fillna(MARKERS["untested"]).astype("str")})


def best_model(summary: pd.DataFrame, *, metric: str, k: int | None = None) -> str:
    """Return the model with the best mean of one metric in an experiment summary.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Experiment.summary``.
    metric : str
        The metric (the highest mean wins, the lowest for RMSE and MAE).
    k : int, optional
        Its list length (None for rating metrics).

    Returns
    -------
    str
        The model label (the first listed on a tie).

    Raises
    ------
    UnknownNameError
        If ``metric`` is not registered.
    DataValidationError
        If the summary has no row for the metric and k.
    """
    higher = metric_info(metric).higher_is_better
    rows = summary.loc[(summary[C.METRIC] == metric) & same_k(summary[C.K], k)]
    if rows.empty:
        raise DataValidationError(
            f"`summary` has no row for metric {metric!r} at k={k}; it holds "
            f"{sorted(set(summary[C.METRIC]))}"
        )
    means = rows.set_index(C.MODEL)[C.MEAN]
    return str(means.idxmax() if higher else means.idxmin())


def comparison_table(marked: pd.DataFrame, *, k: int, digits: int = 4) -> pd.DataFrame:
    """Return the comparison as text: one row per metric, one column per model.

    Parameters
    ----------
    marked : pandas.DataFrame
        :func:`mark_significance` output.
    k : int
        List length shown (rating metrics have none and are always shown).
    digits : int, default 4
        Decimals of the mean and interval.

    Returns
    -------
    pandas.DataFrame
        Indexed by metric (in ``marked`` order, named ``metric@k`` for list metrics),
        one column per model (in ``marked`` order); cells ``"mean [low, high] marker"``
        (no interval when there is none, e.g. catalogue coverage; empty when the model
        has no such metric, e.g. RMSE of a ranking-only model).

    Raises
    ------
    DataValidationError
        If a column is missing or no row has k or no k.
    """
    require_columns(
        marked, [C.MODEL, C.METRIC, C.K, C.MEAN, C.CI_LOW, C.CI_HIGH, C.MARKER], source="`marked`"
    )
    rows = marked.loc[marked[C.K].isna() | (marked[C.K] == k).fillna(False).astype(bool)]
    if rows.empty:
        raise DataValidationError(f"`marked` has no row at k={k} and no rating metric")

    def cell(mean: float, low: float, high: float, marker: str) -> str:
        interval = "" if np.isnan(low) else f" [{low:.{digits}f}, {high:.{digits}f}]"
        return f"{mean:.{digits}f}{interval} {marker}".rstrip()

    text = [
        cell(*values)
        for values in rows[[C.MEAN, C.CI_LOW, C.CI_HIGH, C.MARKER]].itertuples(index=False)
    ]
    column = [
        m if pd.isna(kk) else f"{m}@{kk}" for m, kk in zip(rows[C.METRIC], rows[C.K], strict=True)
    ]
    wide = pd.DataFrame({C.MODEL: rows[C.MODEL], C.METRIC: column, C.VALUE: text}).pivot(
        index=C.METRIC, columns=C.MODEL, values=C.VALUE
    )
    wide = wide.loc[list(dict.fromkeys(column)), list(dict.fromkeys(rows[C.MODEL]))]
    wide.columns.name = None
    return wide.fillna("")


def headline_first(summary: pd.DataFrame, *, k: int) -> pd.DataFrame:
    """Reorder a summary: rating metrics and list metrics at ``k`` first, then the rest.

    The report index shows the first metrics of ``tables/metrics.csv``; this puts the
    headline ones there.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Experiment.summary``.
    k : int
        The headline list length.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns, headline rows first, each part in its former order.

    Raises
    ------
    DataValidationError
        If ``C.K`` is missing.
    """
    require_columns(summary, [C.K], source="`summary`")
    first = summary[C.K].isna() | (summary[C.K] == k).fillna(False).astype(bool)
    return pd.concat([summary.loc[first], summary.loc[~first]]).reset_index(drop=True)
