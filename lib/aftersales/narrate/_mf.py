"""Findings of 02.01 (matrix factorisation), worded from the run's result frames."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.narrate._format import num, paragraph, require, words


def mf_findings(
    comparison: pd.DataFrame,
    *,
    metric: str = "rmse",
    baseline: str = "BaselineOnly",
    random: str = "NormalPredictor",
) -> Markdown:
    """Which model of 02.01 is most accurate, and by how much it beats the baselines.

    Parameters
    ----------
    comparison : pandas.DataFrame
        ``evaluate.accuracy_and_time``: a ``model`` column and one column per metric.
    metric : str, default "rmse"
        The error that ranks the models (lower is better).
    baseline, random : str
        Names of the bias-only and the random baseline (left out of the sentence if absent).

    Returns
    -------
    IPython.display.Markdown
        One paragraph; errors to 3 decimals.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    require(comparison, (C.MODEL, metric), what="model comparison")
    errors = comparison.set_index(C.MODEL)[metric].sort_values(kind="stable")
    name = metric.upper()
    best = errors.index[0]
    learned = errors.drop([random], errors="ignore")
    sentences = [f"{best} is the most accurate ({name} {num(errors.iloc[0])})"]
    if baseline in errors.index and best != baseline:
        gap = errors[baseline] - errors.iloc[0]
        sentences[0] += f", {num(gap)} ahead of `{baseline}` ({num(errors[baseline])})"
    elif best == baseline:
        sentences[0] += ": no factor model beats the user and item biases alone"
    rest = [m for m in learned.index if m not in (best, baseline)]
    if rest:
        sentences[0] += f"; then {words(f'{m} ({num(errors[m])})' for m in rest)}"
    sentences[0] += "."
    if random in errors.index:
        sentences.append(
            f"The random predictor ({num(errors[random])}) shows what no learning gives."
        )
    return paragraph(*sentences)


def sweep_findings(sweep: pd.DataFrame, *, metric: str = "rmse") -> Markdown:
    """Where a validation curve of 02.01 is lowest and how far it is flat.

    The flat part is the run of settings next to the lowest point whose mean lies inside that
    point's bootstrap interval: within it the differences are noise.

    Parameters
    ----------
    sweep : pandas.DataFrame
        ``evaluate.sweep``'s result: parameter, setting, metric, mean, ci_low, ci_high.
    metric : str, default "rmse"
        The error described (lower is better).

    Returns
    -------
    IPython.display.Markdown
        One paragraph; errors to 3 decimals.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or there are no ``metric`` rows.
    """
    require(sweep, (C.PARAMETER, C.SETTING, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH), what="sweep")
    rows = sweep[sweep[C.METRIC] == metric]
    require(rows, (C.MEAN,), what=f"sweep ({metric} rows)")
    curve = rows.set_index(C.SETTING).sort_index()
    parameter = curve[C.PARAMETER].iloc[0]
    name = metric.upper()
    best = curve[C.MEAN].idxmin()
    low, high = curve.loc[best, C.CI_LOW], curve.loc[best, C.CI_HIGH]
    inside = curve[C.MEAN].between(low, high)
    position = list(curve.index).index(best)
    first = last = position
    while first > 0 and inside.iloc[first - 1]:
        first -= 1
    while last < len(curve) - 1 and inside.iloc[last + 1]:
        last += 1
    sentences = [f"{name} is lowest at `{parameter}` = {best} ({num(curve.loc[best, C.MEAN])})."]
    if last > first:
        flat = curve[C.MEAN].iloc[first : last + 1]
        sentences.append(
            f"From {curve.index[first]} to {curve.index[last]} the curve stays inside that point's "
            f"interval ({num(flat.min())} to {num(flat.max())}): flat, within the noise."
        )
    if first > 0:
        sentences.append(f"Below, it is higher: {num(curve[C.MEAN].iloc[0])} at {curve.index[0]}.")
    if last < len(curve) - 1:
        sentences.append(f"Above, it rises to {num(curve[C.MEAN].iloc[-1])} at {curve.index[-1]}.")
    return paragraph(*sentences)


def search_findings(
    ranking: pd.DataFrame, tuned: pd.DataFrame, *, metric: str = "rmse"
) -> Markdown:
    """Describe what the search of 02.01 chose and whether its gain survives on the test part.

    Parameters
    ----------
    ranking : pandas.DataFrame
        ``evaluate.search_ranking``: rank, setting, mean, std (cross-validated, on the
        training part).
    tuned : pandas.DataFrame
        ``evaluate.accuracy_and_time`` of the model with defaults (first row) and searched
        (second row).
    metric : str, default "rmse"
        The error of both tables (lower is better).

    Returns
    -------
    IPython.display.Markdown
        One paragraph; errors to 3 decimals, the gap to the runner-up to 4.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing, ``ranking`` is empty or ``tuned`` has not two rows.
    """
    require(ranking, (C.RANK, C.SETTING, C.MEAN, C.STD), what="search ranking")
    require(tuned, (C.MODEL, metric), what="tuned comparison")
    if len(tuned) != 2:
        from aftersales.errors import DataValidationError

        raise DataValidationError(f"tuned comparison: 2 rows expected, got {len(tuned)}")
    ranked = ranking.sort_values(C.RANK, kind="stable")
    best = ranked.iloc[0]
    name = metric.upper()
    text = f"The search prefers {best[C.SETTING]} (cross-validated {name} {num(best[C.MEAN])})"
    if len(ranked) > 1:
        gap = ranked[C.MEAN].iloc[1] - best[C.MEAN]
        versus = "less" if gap < best[C.STD] else "more"
        text += (
            f", {num(gap, 4)} ahead of the next combination, {versus} than one standard deviation "
            f"over folds ({num(best[C.STD], 4)})"
        )
    defaults, searched = tuned[metric].iloc[0], tuned[metric].iloc[1]
    if searched < defaults:
        verdict = f"better than the defaults ({num(searched)} against {num(defaults)})"
    elif searched > defaults:
        verdict = f"worse than the defaults ({num(searched)} against {num(defaults)})"
    else:
        verdict = f"the same as the defaults ({num(searched)})"
    return paragraph(
        f"{text}.",
        f"Refitted on the whole training part it scores {verdict} on the test part.",
    )
