"""Experiments: run models under one protocol, summarise with intervals, test significance.

:func:`run_experiment` fits Surprise algorithms on each fold, records fit, predict and
ranking times and every metric per user; :func:`significance` compares every model with
the best one using paired tests and Holm's correction; :func:`sweep` refits one model
for each value of one parameter (neighbourhood size, factors, epochs).
"""

from __future__ import annotations

from aftersales.evaluate._frames import (
    PER_FOLD_COLUMNS,
    PER_USER_COLUMNS,
    SUMMARY_COLUMNS,
    TIMING_COLUMNS,
)
from aftersales.evaluate._protocol import RankFn, as_folds
from aftersales.evaluate._runner import Experiment, run_experiment
from aftersales.evaluate._significance import SIGNIFICANCE_COLUMNS, significance
from aftersales.evaluate._sweep import SWEEP_COLUMNS, sweep

__all__ = [
    "PER_FOLD_COLUMNS",
    "PER_USER_COLUMNS",
    "SIGNIFICANCE_COLUMNS",
    "SUMMARY_COLUMNS",
    "SWEEP_COLUMNS",
    "TIMING_COLUMNS",
    "Experiment",
    "RankFn",
    "as_folds",
    "run_experiment",
    "significance",
    "sweep",
]
