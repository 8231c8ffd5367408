"""AUC with intervals, cumulative gain and lift, and calibration of the risk scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from aftersales import columns as C
from aftersales import validate
from aftersales.plots import labelled_axes, new_figure

SIZE = (7.5, 4.2)
WIDE = (11.0, 4.2)


def auc_intervals(table: pd.DataFrame, *, title: str = "Who leaves: AUC of each score") -> Figure:
    """AUC of each score as a bar with its bootstrap interval, and the line of chance.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`aftersales.retention.score_table` (``C.MODEL``, ``C.AUC``, ``C.CI_LOW``,
        ``C.CI_HIGH``), drawn in its order, the first on top.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars with whiskers; a dashed line at 0.5.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    validate.require_columns(table, (C.MODEL, C.AUC, C.CI_LOW, C.CI_HIGH), source="AUC table")
    figure = new_figure(SIZE)
    axes = labelled_axes(figure, title, "ROC AUC for 'does not buy again' (95 % interval)", "")
    values = table[C.AUC].to_numpy(np.float64)
    errors = np.vstack(
        [
            np.clip(values - table[C.CI_LOW].to_numpy(np.float64), 0, None),
            np.clip(table[C.CI_HIGH].to_numpy(np.float64) - values, 0, None),
        ]
    )
    position = np.arange(len(table))[::-1]
    axes.barh(position, values, xerr=errors, color="tab:blue", capsize=3, alpha=0.85)
    axes.axvline(0.5, color="black", linestyle="--", linewidth=1, label="chance (0.5)")
    axes.set_yticks(position, table[C.MODEL].astype("str").tolist())
    axes.set_xlim(0, 1)
    axes.legend(loc="lower right")
    return figure


def gain_chart(gains: pd.DataFrame, *, title: str = "Targeting the highest risk first") -> Figure:
    """Cumulative gain (left) and lift (right) of each score against random targeting.

    Parameters
    ----------
    gains : pandas.DataFrame
        :func:`aftersales.retention.gains` (``C.MODEL``, ``C.TARGETED_SHARE``, ``C.GAIN``,
        ``C.LIFT``).
    title : str, optional
        Title of the figure.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, one line per score; the diagonal (gain) and 1 (lift) mark random
        targeting.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    needed = (C.MODEL, C.TARGETED_SHARE, C.GAIN, C.LIFT)
    validate.require_columns(gains, needed, source="gains")
    figure = new_figure(WIDE)
    figure.suptitle(title)
    left = labelled_axes(
        figure,
        "Cumulative gain",
        "customers targeted (share, highest risk first)",
        "share of all customers at risk reached",
        1,
        2,
        1,
    )
    right = labelled_axes(
        figure,
        "Lift",
        "customers targeted (share, highest risk first)",
        "at-risk rate of the targeted / overall rate",
        1,
        2,
        2,
    )
    for model, part in gains.groupby(C.MODEL, sort=False):  # one line per score
        shares = np.r_[0.0, part[C.TARGETED_SHARE].to_numpy(np.float64)]
        left.plot(shares, np.r_[0.0, part[C.GAIN].to_numpy(np.float64)], label=str(model))
        right.plot(part[C.TARGETED_SHARE], part[C.LIFT], label=str(model))
    left.plot([0, 1], [0, 1], color="black", linestyle="--", linewidth=1, label="random")
    right.axhline(1.0, color="black", linestyle="--", linewidth=1, label="random")
    for axes in (left, right):
        axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    left.yaxis.set_major_formatter(PercentFormatter(1.0))
    left.legend(loc="lower right", fontsize="small")
    return figure


def calibration_curve(
    bins: pd.DataFrame, *, title: str = "Calibration of the risk probabilities"
) -> Figure:
    """Observed at-risk rate against the mean predicted probability, per bin.

    Parameters
    ----------
    bins : pandas.DataFrame
        :func:`aftersales.retention.calibration` (``C.MODEL``, ``C.MEAN_PREDICTED``,
        ``C.OBSERVED_RATE``).
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One line with markers per score; the diagonal is perfect calibration.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    needed = (C.MODEL, C.MEAN_PREDICTED, C.OBSERVED_RATE)
    validate.require_columns(bins, needed, source="calibration bins")
    figure = new_figure(SIZE)
    axes = labelled_axes(
        figure,
        title,
        "mean predicted probability of not buying again (bin of equal size)",
        "observed share not buying again",
    )
    for model, part in bins.groupby(C.MODEL, sort=False):  # one line per score
        axes.plot(part[C.MEAN_PREDICTED], part[C.OBSERVED_RATE], marker="o", label=str(model))
    axes.plot([0, 1], [0, 1], color="black", linestyle="--", linewidth=1, label="perfect")
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes.legend(loc="upper left", fontsize="small")
    return figure
