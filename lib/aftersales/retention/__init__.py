"""Retention: who is about to stop buying, how well scores find them, and whom to contact.

Typical use on a preparation's net lines and returns table::

    from aftersales import retention

    retention.repeat_rates(lines, horizon_weeks=13)          # per RFM segment
    the_cut = retention.cut(lines, horizon_weeks=13)         # calibration / holdout
    retention.check_no_leak(retention.features, lines, returns, the_cut.calibration_end)
    test = retention.build_study(lines, returns, the_cut)
    train = retention.build_study(lines, returns, the_cut.earlier())
    scored = retention.score_models(train, test, seed=42)
    retention.score_table(test.at_risk, retention.score_arrays(scored), seed=42)

The calibration period ends with the day ``calibration_end``; the holdout is the
``horizon_weeks`` weeks after it. A customer is *at risk* when they do not buy in the
holdout; every score is oriented so that higher means more likely at risk. Time is counted
in whole UTC calendar days.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import segment
from aftersales.retention._contacts import (
    RETURN_NOTE,
    RISK_COLUMNS,
    contact_list,
    not_yet_due,
    reasons,
    risk_table,
    segments_of,
)
from aftersales.retention._current import Current, current_risk
from aftersales.retention._design import Design, make_design
from aftersales.retention._evaluate import (
    by_segment,
    calibration,
    gains,
    score_table,
    weighted_auc_ap,
)
from aftersales.retention._features import FEATURE_COLUMNS, as_of, features
from aftersales.retention._labels import DEFAULT_HORIZON_WEEKS, Cut, cut, labels
from aftersales.retention._leak import LeakCheck, check_no_leak, future_changed
from aftersales.retention._models import (
    LEARNED,
    MODELS,
    PROBABILITIES,
    Scored,
    best_learned,
    score_models,
)
from aftersales.retention._rates import repeat_rates
from aftersales.retention._study import (
    MIN_PER_CLASS,
    Study,
    build_study,
    check_classes,
    feature_profile,
)


def score_arrays(scored: Scored) -> dict[str, np.ndarray]:
    """Return each model's scores keyed by display name, in :data:`MODELS` order.

    Parameters
    ----------
    scored : Scored
        Output of :func:`score_models`.

    Returns
    -------
    dict
        Display name -> risk score per test customer.
    """
    return {label: scored.scores[name].to_numpy() for name, label in MODELS.items()}


def probability_arrays(scored: Scored) -> dict[str, np.ndarray]:
    """Return the scores that are probabilities of being at risk, keyed by display name.

    Parameters
    ----------
    scored : Scored
        Output of :func:`score_models`.

    Returns
    -------
    dict
        Display name -> probability per test customer (1 - P(alive) for BG/NBD).
    """
    return {MODELS[name]: scored.scores[name].to_numpy() for name in PROBABILITIES}


def segment_table(study: Study, scored: Scored) -> pd.DataFrame:
    """Per RFM segment (as of the calibration end): size, at-risk rate, mean risk and AUC.

    The risk is the learned model chosen on validation data (:func:`best_learned`).

    Parameters
    ----------
    study : Study
        The evaluated study.
    scored : Scored
        Its scores (:func:`score_models`).

    Returns
    -------
    pandas.DataFrame
        :func:`by_segment` of the chosen model, segments in
        :data:`aftersales.segment.SEGMENTS` order, plus ``C.MODEL``.
    """
    name = best_learned(scored.tuning)
    table = by_segment(
        study.at_risk,
        scored.scores[name].to_numpy(),
        segments_of(study.features),
        tuple(segment.SEGMENTS),
    )
    return table.assign(**{C.MODEL: MODELS[name]})


__all__ = [
    "DEFAULT_HORIZON_WEEKS",
    "FEATURE_COLUMNS",
    "LEARNED",
    "MIN_PER_CLASS",
    "MODELS",
    "PROBABILITIES",
    "RETURN_NOTE",
    "RISK_COLUMNS",
    "Current",
    "Cut",
    "Design",
    "LeakCheck",
    "Scored",
    "Study",
    "as_of",
    "best_learned",
    "build_study",
    "by_segment",
    "calibration",
    "check_classes",
    "check_no_leak",
    "contact_list",
    "current_risk",
    "cut",
    "feature_profile",
    "features",
    "future_changed",
    "gains",
    "labels",
    "make_design",
    "not_yet_due",
    "probability_arrays",
    "reasons",
    "repeat_rates",
    "risk_table",
    "score_arrays",
    "score_models",
    "score_table",
    "segment_table",
    "segments_of",
    "weighted_auc_ap",
]
