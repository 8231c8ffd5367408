"""Risk as of the data's last day: the chosen model refitted on the evaluated cut."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import clone

from aftersales.retention._design import make_design
from aftersales.retention._features import features_as_of
from aftersales.retention._models import Scored, best_learned
from aftersales.retention._study import Study
from aftersales.segment import days as tx


class Current(NamedTuple):
    """Every customer's features and risk on the data's last day.

    Attributes
    ----------
    model : str
        The learned model used (a key of :data:`aftersales.retention.MODELS`).
    features : pandas.DataFrame
        Features of every customer as of the last purchase day.
    risk : numpy.ndarray
        Probability of no purchase in the next horizon, per row of ``features``.
    as_of : pandas.Timestamp
        The last purchase day.
    """

    model: str
    features: pd.DataFrame
    risk: np.ndarray
    as_of: pd.Timestamp


def current_risk(
    lines: pd.DataFrame, returns: pd.DataFrame | None, study: Study, scored: Scored
) -> Current:
    """Refit the better learned model on ``study`` and score every customer on the last day.

    The model with the higher validation AUC (:func:`best_learned`), with its chosen
    settings, is refitted on the evaluated cut (features up to its calibration end, labels
    from its holdout: the latest labelled data) and applied to the features of the whole
    history.

    Parameters
    ----------
    lines : pandas.DataFrame
        Net transaction lines.
    returns : pandas.DataFrame or None
        Their returns table.
    study : Study
        The evaluated (main) cut.
    scored : Scored
        The evaluation's models (:func:`score_models`).

    Returns
    -------
    Current
        The model name, the features and the risk of every customer.

    Raises
    ------
    DataValidationError
        If a column is missing or the returns table fails its checks.
    """
    name = best_learned(scored.tuning)
    design = make_design(study.features, n_countries=len(scored.design.countries))
    model = clone(scored.models[name])
    model.fit(design.matrix(study.features), study.at_risk.astype(np.int64))
    last = study.cut.last_day
    now = features_as_of(lines, returns, last + 1)
    risk = model.predict_proba(design.matrix(now))[:, 1]
    return Current(name, now, risk, pd.Timestamp(tx.day_label(last)))
