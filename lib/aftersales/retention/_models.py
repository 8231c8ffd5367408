"""Risk scores: recency, BG/NBD, logistic regression and gradient boosting, tuned in calibration.

Every score is oriented so that a higher value means a customer more likely to be at risk
(no purchase in the holdout). The learned models are trained on the validation cut one
horizon earlier (features up to its calibration end, labels from the weeks before the main
cut), tuned on a stratified part of those customers, and applied to the main cut's features:
nothing of the main holdout is read before scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from aftersales import clv
from aftersales import columns as C
from aftersales.errors import ParameterError
from aftersales.retention._design import Design, make_design
from aftersales.retention._study import Study

MODELS: MappingProxyType[str, str] = MappingProxyType(
    {
        "recency": "Recency alone",
        "bgnbd_expected": "BG/NBD expected purchases",
        "p_alive": "BG/NBD 1 - P(alive)",
        "logistic": "Logistic regression",
        "boosting": "Gradient boosting",
    }
)
"""Score name -> display name, in the order tables show them."""

LEARNED: tuple[str, ...] = ("logistic", "boosting")
"""Scores that are fitted to labels (and are probabilities)."""

PROBABILITIES: tuple[str, ...] = ("p_alive", "logistic", "boosting")
"""Scores that are probabilities of being at risk (1 - P(alive) for ``p_alive``)."""

BOOSTING_ITERATIONS = 100
"""Boosting rounds of every gradient-boosting fit (the grid varies rate and tree size)."""


def _learner(name: str, setting: float | tuple[float, int], seed: int) -> object:
    if name == "logistic":
        return make_pipeline(StandardScaler(), LogisticRegression(C=float(setting), max_iter=2000))
    rate, leaves = setting  # type: ignore[misc]
    return HistGradientBoostingClassifier(
        learning_rate=float(rate),
        max_leaf_nodes=int(leaves),
        max_iter=BOOSTING_ITERATIONS,
        early_stopping=False,
        random_state=seed,
    )


def _label(setting: float | tuple[float, int]) -> str:
    if isinstance(setting, tuple):
        return f"learning_rate={setting[0]:g}, max_leaf_nodes={setting[1]}"
    return f"C={setting:g}"


def _tune(
    name: str,
    grid: tuple[float | tuple[float, int], ...],
    data: tuple[np.ndarray, np.ndarray],
    parts: tuple[np.ndarray, np.ndarray],
    seed: int,
) -> tuple[list[dict[str, object]], float | tuple[float, int]]:
    """Fit every setting on one part, score AUC on the other: (table rows, best setting)."""
    (x, y), (fit_rows, check_rows) = data, parts
    aucs = []
    for setting in grid:  # a handful of settings
        model = _learner(name, setting, seed)
        model.fit(x[fit_rows], y[fit_rows])  # type: ignore[attr-defined]
        predicted = model.predict_proba(x[check_rows])[:, 1]  # type: ignore[attr-defined]
        aucs.append(float(roc_auc_score(y[check_rows], predicted)))
    best = int(np.argmax(aucs))
    rows = [
        {C.MODEL: MODELS[name], C.SETTING: _label(setting), C.AUC: auc, C.BEST: i == best}
        for i, (setting, auc) in enumerate(zip(grid, aucs, strict=True))
    ]
    return rows, grid[best]


@dataclass(frozen=True)
class Scored:
    """Risk scores of the main holdout's customers and how the learned models were chosen.

    Attributes
    ----------
    scores : pandas.DataFrame
        ``C.CUSTOMER`` and one column per :data:`MODELS` key (higher = more at risk).
    tuning : pandas.DataFrame
        ``C.MODEL``, ``C.SETTING``, ``C.AUC`` (on the validation part of the training
        customers) and ``C.BEST`` per grid point.
    design : Design
        Columns of the learned models.
    models : dict
        Learned model name -> the fitted estimator (refitted on every training customer).
    bgnbd : aftersales.clv.BGNBD
        BG/NBD fitted on the main calibration period.
    """

    scores: pd.DataFrame
    tuning: pd.DataFrame
    design: Design
    models: dict[str, object] = field(repr=False)
    bgnbd: clv.BGNBD


def _check_grids(logistic_c: tuple[float, ...], boosting: tuple[tuple[float, int], ...]) -> None:
    if not logistic_c or any(c <= 0 for c in logistic_c):
        raise ParameterError(f"`logistic_c` must hold values > 0; got {list(logistic_c)}")
    if not boosting or any(r <= 0 or n < 2 for r, n in boosting):
        raise ParameterError(
            "`boosting_grid` must hold (learning_rate > 0, max_leaf_nodes >= 2) pairs; got "
            f"{[list(b) for b in boosting]}"
        )


def score_models(
    train: Study,
    test: Study,
    *,
    seed: int,
    logistic_c: tuple[float, ...] = (0.01, 0.1, 1.0, 10.0),
    boosting_grid: tuple[tuple[float, int], ...] = ((0.05, 8), (0.05, 31), (0.1, 8), (0.1, 31)),
    validation_share: float = 0.3,
    n_countries: int = 5,
) -> Scored:
    """Tune and fit the learned models on ``train``, and score ``test`` with every model.

    Parameters
    ----------
    train : Study
        The validation cut (one horizon before ``test``'s): the learned models' data.
    test : Study
        The main cut, whose holdout evaluates the scores.
    seed : int
        Seed of the validation split and of gradient boosting.
    logistic_c : tuple of float
        Inverse regularisation strengths tried for the logistic regression.
    boosting_grid : tuple of (float, int)
        ``(learning_rate, max_leaf_nodes)`` pairs tried for gradient boosting.
    validation_share : float, default 0.3
        Share of the training customers held out to choose the settings (stratified).
    n_countries : int, default 5
        Countries given an indicator column.

    Returns
    -------
    Scored
        The scores of every test customer, the tuning table and the fitted models.

    Raises
    ------
    ParameterError
        If a grid is empty or holds a bad value, or ``validation_share`` is not in (0, 1).
    """
    _check_grids(logistic_c, boosting_grid)
    if not 0 < validation_share < 1:
        raise ParameterError(f"`validation_share` must be in (0, 1); got {validation_share!r}")
    design = make_design(train.features, n_countries=n_countries)
    x_train, x_test = design.matrix(train.features), design.matrix(test.features)
    y_train = train.at_risk.astype(np.int64)
    fit_rows, check_rows = train_test_split(
        np.arange(len(y_train)), test_size=validation_share, stratify=y_train, random_state=seed
    )
    grids: dict[str, tuple[float | tuple[float, int], ...]] = {
        "logistic": tuple(logistic_c),
        "boosting": tuple(boosting_grid),
    }
    rows, models, scores = [], {}, {}
    with threadpool_limits(1):  # small fits: threads only contend on a shared machine
        for name in LEARNED:  # two learned models
            tried, setting = _tune(
                name, grids[name], (x_train, y_train), (fit_rows, check_rows), seed
            )
            rows.extend(tried)
            model = _learner(name, setting, seed)
            model.fit(x_train, y_train)  # type: ignore[attr-defined]
            models[name] = model
            scores[name] = model.predict_proba(x_test)[:, 1]  # type: ignore[attr-defined]
    summary = test.summary
    x, t_x, age = (summary[c].to_numpy(np.float64) for c in (C.FREQUENCY, C.RECENCY, C.T))
    bgnbd = clv.fit_bgnbd(x, t_x, age)
    expected = clv.expected_purchases(bgnbd, x, t_x, age, horizon=float(test.cut.weeks))
    table = pd.DataFrame(
        {
            C.CUSTOMER: test.customers.to_numpy(),
            "recency": test.features[C.RECENCY].to_numpy(np.float64),
            "bgnbd_expected": -expected,
            "p_alive": 1.0 - clv.probability_alive(bgnbd, x, t_x, age),
            "logistic": scores["logistic"],
            "boosting": scores["boosting"],
        }
    )
    return Scored(table, pd.DataFrame(rows), design, models, bgnbd)


def best_learned(tuning: pd.DataFrame) -> str:
    """Return the learned model with the highest validation AUC (ties: the simpler one).

    Parameters
    ----------
    tuning : pandas.DataFrame
        :attr:`Scored.tuning`.

    Returns
    -------
    str
        A key of :data:`MODELS` (``"logistic"`` or ``"boosting"``).
    """
    best = tuning[tuning[C.BEST]]
    aucs = best.set_index(C.MODEL)[C.AUC]
    return max(LEARNED, key=lambda n: (float(aucs[MODELS[n]]), -LEARNED.index(n)))
