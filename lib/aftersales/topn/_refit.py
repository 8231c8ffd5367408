"""Choose an exported model's parameters on validation data before the refit (notebook 04.00)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.random import Seed
from aftersales.topn._registry import TOPN_MODELS
from aftersales.topn._retail import validation_split
from aftersales.topn._tune import tune


@dataclass(frozen=True, eq=False)
class ExportTuning:
    """The parameters an exported model is refitted with, and how they were chosen.

    Attributes
    ----------
    params : dict
        The parameters to refit with: the fixed ones, updated by the best grid point.
    table : pandas.DataFrame
        One row per grid point: its parameter columns, ``"<metric>@<k>"`` on the
        validation split and ``C.BEST`` (True on the chosen point); empty without a grid.
    validation : str
        How the validation split was made, in words (``"none"`` without a grid).
    """

    params: dict[str, Any]
    table: pd.DataFrame
    validation: str

    @property
    def tuned(self) -> bool:
        """True when a grid was searched."""
        return not self.table.empty

    def describe(self) -> str:
        """Return the parameters used and where they come from, in words.

        Returns
        -------
        str
            E.g. ``"parameters {'regularization': 200.0}, the best of 5 grid points on
            <validation>"``, or ``"fixed parameters {...} (no grid)"``.
        """
        if not self.tuned:
            return f"fixed parameters {self.params} (no grid)"
        return (
            f"parameters {self.params}, the best of {len(self.table)} grid points on "
            f"{self.validation}"
        )


def tune_export(
    model_name: str,
    grid: Mapping[str, Sequence[Any]] | None,
    train: pd.DataFrame,
    *,
    seed: Seed,
    transactions: pd.DataFrame | None = None,
    cutoff: object = None,
    months: int = 1,
    weight: str = "count",
    rating_scheme: str | None = None,
    metric: str = "ndcg",
    k: int = 10,
    fixed: Mapping[str, Any] | None = None,
) -> ExportTuning:
    """Choose the exported model's parameters with :func:`tune`, before its refit.

    On transactions with a ``cutoff``, the validation split is
    :func:`validation_split` of the lines before it (the ``months`` before the cut-off
    validate, the earlier ones train); otherwise :func:`tune` carves its item-stratified
    split from ``train``. Either way nothing of the test period is seen. Refit the model
    with ``params`` on the whole history afterwards.

    Parameters
    ----------
    model_name : str
        The exported model.
    grid : mapping of str to sequence, optional
        Parameter name -> values; None or empty keeps ``fixed`` (any model, no fit).
    train : pandas.DataFrame
        The protocol's training rows (``C.USER``, ``C.ITEM``, ``C.RATING`` ...), used
        when there is no cut-off; not modified.
    seed : int or numpy.random.Generator
        Seed of the validation split and the models.
    transactions : pandas.DataFrame, optional
        Cleaned transaction lines; with ``cutoff``, the source of the validation split.
    cutoff : datetime-like, optional
        First moment of the test period.
    months : int, default 1
        Calendar months of the validation window.
    weight : str, default "count"
        Implicit weight of the aggregated pairs.
    rating_scheme : str, optional
        Rate the validation pairs as the protocol's (see :func:`validation_split`).
    metric : str, default "ndcg"
        Ranking metric maximised at ``k``.
    k : int, default 10
        List length.
    fixed : mapping, optional
        The model's other parameters, kept at every grid point.

    Returns
    -------
    ExportTuning
        The parameters, the per-point table and the validation in words.

    Raises
    ------
    ParameterError
        If a grid is given for a model that is not a top-N model, or (from :func:`tune`)
        names an unknown parameter or holds an invalid value.
    DataValidationError
        If the validation split leaves no customer in both parts.
    """
    fixed = dict(fixed or {})
    if not grid:
        return ExportTuning(fixed, pd.DataFrame(), "none")
    if model_name not in TOPN_MODELS:
        raise ParameterError(
            f"only top-N models ({', '.join(TOPN_MODELS)}) can be tuned before the export; "
            f"{model_name!r} keeps its fixed parameters: drop its grid"
        )
    if transactions is not None and cutoff is not None:
        data: Any = validation_split(
            transactions, cutoff, months=months, weight=weight, rating_scheme=rating_scheme
        )
        validation = (
            f"the purchases of the {months} month(s) before {cutoff}, fitted on earlier ones"
        )
    else:
        data = train
        validation = "an item-stratified split of the training rows"
    best, curve = tune(model_name, grid, data, seed=seed, metric=metric, k=k, fixed=fixed)
    rows = curve[(curve[C.METRIC] == metric) & (curve[C.K] == k)]
    table = rows[[*grid, C.VALUE, C.BEST]].rename(columns={C.VALUE: f"{metric}@{k}"})
    return ExportTuning(best, table.reset_index(drop=True), validation)
