"""The evaluation protocol of notebook 04.00: chronological on transactions, random otherwise.

An after-sales team asks what a customer will buy *next*: on transactions the default
protocol trains on the purchases before a cut-off and tests on the window after it (02.02's
``purchase_time_split``, reused here), so lines of one basket never land on both sides.
The prepared random split (user-stratified on purchase lines) stays available as an option;
it is optimistic on transactions, because item-to-item models are rewarded for completing a
basket the customer already put together. Ratings data sets keep the prepared split.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aftersales import columns as C
from aftersales import interactions, validate
from aftersales.choices import PROTOCOLS
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.split import Split
from aftersales.validate import require_columns

__all__ = [
    "LABELS",
    "PROTOCOLS",
    "Protocol",
    "leading_models",
    "make_protocol",
    "protocol_table",
]

LABELS: dict[str, str] = {
    "chronological": "chronological: train before the cut-off, test the window after",
    "random": "optimistic: lines of one basket on both sides",
    "ratings": "random split of the ratings",
}
"""How a report names each protocol (``"random"`` is the label on transactions)."""


@dataclass(frozen=True, eq=False)
class Protocol:
    """One evaluation protocol and the history the export is refitted on.

    Attributes
    ----------
    name : str
        ``"chronological"`` or ``"random"``.
    label : str
        How the report names it (:data:`LABELS`).
    split : aftersales.split.Split
        ``train`` and ``test`` rows with ``C.USER``, ``C.ITEM``, ``C.RATING``.
    history : pandas.DataFrame
        Every (customer, item) up to the reference date, rated like ``split``: what the
        exported model is refitted on and what the export excludes.
    cutoff, test_end, reference_date : pandas.Timestamp or None
        First moment of the test period, its last purchase, and the last purchase of the
        history (None where the data carry no time).
    """

    name: str
    label: str
    split: Split
    history: pd.DataFrame
    cutoff: pd.Timestamp | None
    test_end: pd.Timestamp | None
    reference_date: pd.Timestamp | None

    @property
    def n_unknown(self) -> int:
        """Test customers absent from training (ranked by each model's popular fallback)."""
        return len(self.split.cold_users)

    @property
    def n_test_customers(self) -> int:
        """Distinct customers in the test rows."""
        return int(self.split.test[C.USER].nunique())


def _as_time(value: object, like: pd.Series) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ParameterError(f"`cutoff` must be a date such as '2011-11-09'; got {value!r}")
    zone = getattr(like.dt, "tz", None)
    if zone is not None and stamp.tzinfo is None:
        return stamp.tz_localize(zone)
    if zone is None and stamp.tzinfo is not None:
        return stamp.tz_convert(None)
    return stamp


def _rated(lines: pd.DataFrame, *, weight: str, rating_scheme: str) -> pd.DataFrame:
    implicit = interactions.to_implicit(interactions.aggregate(lines), weight=weight)
    return interactions.to_ratings(implicit, rating_scheme)


def make_protocol(
    prepared: Any,
    name: str = "chronological",
    *,
    cutoff: object = None,
    test_months: int = 1,
    weight: str = "count",
    rating_scheme: str = "frequency_quantile",
) -> Protocol:
    """Build 04.00's protocol from prepared data.

    ``"chronological"`` (transactions only): lines before ``cutoff`` are training, lines in
    the ``test_months`` calendar months from it are the test period, both aggregated per
    (customer, item) by ``aftersales.topn.purchase_time_split`` (test pairs bought before
    the cut-off are dropped: the question is what a customer buys next) and rated by
    ``rating_scheme`` on each side. Test customers without a training purchase stay in the
    test set; the ranking gives them each model's popular fallback. The history is every
    cleaned line, up to the last purchase (the reference date).

    ``"random"``: the prepared split (e.g. user-stratified) and its interactions as history.

    Parameters
    ----------
    prepared : aftersales.prepare.Prepared
        The prepared data set (``cleaned``, ``interactions``, ``split``).
    name : {"chronological", "random"}, default "chronological"
        The protocol.
    cutoff : datetime-like, optional
        First moment of the test period; default ``test_months`` months before the last
        purchase (02.02's setting).
    test_months : int, default 1
        Calendar months of the test window.
    weight : str, default "count"
        Implicit weight of the aggregated pairs (``aftersales.interactions.WEIGHTS``).
    rating_scheme : str, default "frequency_quantile"
        How the pairs become 1-5 ratings (``aftersales.interactions.RATING_SCHEMES``).

    Returns
    -------
    Protocol
        The split, its label, the history and the dates.

    Raises
    ------
    UnknownNameError
        If ``name``, ``weight`` or ``rating_scheme`` is not registered.
    ParameterError
        If ``cutoff`` is not a date, ``test_months`` is not a positive integer, or the
        chronological protocol is asked for a ratings data set.
    DataValidationError
        If a side of the cut is empty or no new purchase falls in the test window.
    """
    if name not in PROTOCOLS:
        raise UnknownNameError(f"unknown protocol {name!r}; valid: {', '.join(PROTOCOLS)}")
    cleaned = prepared.cleaned
    retail = C.INVOICE in cleaned
    if name == "random":
        history = prepared.interactions
        stamps = history[C.TIMESTAMP] if C.TIMESTAMP in history else None
        last = None if stamps is None else stamps.max()
        label = LABELS["random" if retail else "ratings"]
        return Protocol(name, label, prepared.split, history, None, None, last)
    if not retail:
        raise ParameterError(
            "the chronological protocol needs transactions (invoices with dates); this data "
            "set holds ratings: use protocol 'random'"
        )
    validate.positive_int(test_months, "test_months")
    from aftersales.topn import purchase_time_split  # topn imports evaluate

    window = pd.DateOffset(months=test_months)
    last = cleaned[C.TIMESTAMP].max()
    lines = cleaned
    if cutoff is None or cutoff == "":
        cut = last - window
    else:
        cut = _as_time(cutoff, cleaned[C.TIMESTAMP])
        lines = cleaned[cleaned[C.TIMESTAMP] < cut + window]
    if not cleaned[C.TIMESTAMP].min() < cut <= last:
        raise DataValidationError(
            f"`cutoff` {cut} is outside the purchases ({cleaned[C.TIMESTAMP].min()} to {last})"
        )
    parts = purchase_time_split(lines, cutoff=cut, weight=weight)
    train = interactions.to_ratings(parts.train, rating_scheme)
    test = interactions.to_ratings(parts.test, rating_scheme)
    split = Split(train, test, parts.cold_users, parts.cold_items, "time")
    history = _rated(cleaned, weight=weight, rating_scheme=rating_scheme)
    end = lines[C.TIMESTAMP].max()
    return Protocol(name, LABELS[name], split, history, cut, end, last)


def protocol_table(
    summaries: Mapping[str, pd.DataFrame],
    *,
    k: int,
    metrics: Sequence[str] = ("ndcg", "precision"),
) -> pd.DataFrame:
    """Per-model list metrics at ``k`` under several protocols, side by side.

    Parameters
    ----------
    summaries : mapping of str to pandas.DataFrame
        Protocol name -> ``Experiment.summary`` (``C.MODEL, C.METRIC, C.K, C.MEAN``).
    k : int
        The list length shown.
    metrics : sequence of str, default ("ndcg", "precision")
        Metrics shown, each under every protocol.

    Returns
    -------
    pandas.DataFrame
        Indexed by model (those of the first summary first), one column per metric and
        protocol named ``"<metric>@<k> <protocol>"``; NaN where a protocol did not run a
        model.

    Raises
    ------
    ParameterError
        If ``summaries`` is empty.
    DataValidationError
        If a summary lacks a column or has no row of a metric at ``k``.
    """
    if not summaries:
        raise ParameterError("`summaries` must name at least one protocol; got none")
    columns = {}
    order: list[str] = []
    for name, summary in summaries.items():  # two protocols
        require_columns(summary, [C.MODEL, C.METRIC, C.K, C.MEAN], source=f"summary {name!r}")
        for metric in metrics:  # a couple of metrics
            rows = summary[(summary[C.METRIC] == metric) & (summary[C.K] == k)]
            if rows.empty:
                raise DataValidationError(f"summary {name!r}: no {metric}@{k} rows")
            columns[(metric, name)] = rows.set_index(C.MODEL)[C.MEAN]
            order.extend(m for m in rows[C.MODEL] if m not in order)
    table = pd.DataFrame(
        {
            f"{metric}@{k} {name}": columns[(metric, name)]
            for metric in metrics
            for name in summaries
        }
    )
    return table.reindex(order).rename_axis(C.MODEL)


def leading_models(summary: pd.DataFrame, *, metric: str, k: int, n: int) -> list[str]:
    """Return the ``n`` models with the best mean of ``metric@k``, best first.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``Experiment.summary``.
    metric : str
        A list metric (the highest mean wins; ties keep the summary's order).
    k : int
        Its list length.
    n : int
        How many models (all of them when fewer are listed; 0 gives none).

    Returns
    -------
    list of str
        Model labels.

    Raises
    ------
    ParameterError
        If ``n`` is not a non-negative integer.
    DataValidationError
        If the summary has no row of ``metric`` at ``k``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ParameterError(f"`n` must be a non-negative integer; got {n!r}")
    require_columns(summary, [C.MODEL, C.METRIC, C.K, C.MEAN], source="`summary`")
    rows = summary[(summary[C.METRIC] == metric) & (summary[C.K] == k)]
    if rows.empty:
        raise DataValidationError(f"`summary` has no {metric}@{k} row")
    ranked = rows.sort_values(C.MEAN, ascending=False, kind="stable")
    return [str(model) for model in ranked[C.MODEL].head(n)]
