"""Findings of 04.00 (evaluation), worded from the run's metric summary."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.choices import RANKING_METRICS
from aftersales.narrate._format import num, paragraph, require, share, words


def comparison_findings(summary: pd.DataFrame, *, k: int, metric: str = "ndcg") -> Markdown:
    """Which model predicts ratings best, which ranks best, and how the two families compare.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``experiment.summary``: model, metric, k, mean (rating metrics have no k).
    k : int
        List length of the ranking metrics compared.
    metric : str, default "ndcg"
        The deciding ranking metric.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; values to 3 decimals.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or there is no ``metric`` row at ``k``.
    """
    require(summary, (C.MODEL, C.METRIC, C.K, C.MEAN), what="metric summary")
    at_k = summary[summary[C.K] == k].pivot_table(index=C.MODEL, columns=C.METRIC, values=C.MEAN)
    if metric not in at_k.columns:
        from aftersales.errors import DataValidationError

        raise DataValidationError(f"metric summary: no {metric}@{k} rows")
    rating = summary[summary[C.METRIC] == "rmse"].set_index(C.MODEL)[C.MEAN]
    mae = summary[summary[C.METRIC] == "mae"].set_index(C.MODEL)[C.MEAN]
    sentences = []
    if len(rating):
        best_rating = rating.idxmin()
        also = " and MAE" if len(mae) and mae.idxmin() == best_rating else ""
        sentences.append(
            f"{best_rating} predicts ratings best (RMSE {num(rating[best_rating])}{also})."
        )
    ranking = [m for m in RANKING_METRICS if m in at_k.columns]
    leaders = at_k[ranking].idxmax()
    best = at_k[metric].idxmax()
    led = [m for m in ranking if leaders[m] == best]
    lead_text = (
        "every ranking metric" if len(led) == len(ranking) else words(f"{m}@{k}" for m in led)
    )
    second = at_k[metric].drop(best).max() if len(at_k) > 1 else float("nan")
    sentence = f"{best} leads {lead_text} ({metric}@{k} {num(at_k.loc[best, metric])}"
    sentence += f", next best {num(second)})." if len(at_k) > 1 else ")."
    sentences.append(sentence)
    if len(rating):
        rating_models = [m for m in rating.index if m in at_k.index]
        ranking_only = [m for m in at_k.index if m not in rating.index]
        if rating_models and ranking_only:
            best_rater = at_k.loc[rating_models, metric].max()
            beat = [m for m in ranking_only if at_k.loc[m, metric] > best_rater]
            if best in rating.index:
                sentences.append(f"A rating model, {best}, also ranks best.")
            elif len(beat) == len(ranking_only):
                sentences.append(
                    f"Every ranking-only model beats every rating model at ranking (best rating "
                    f"model {num(best_rater)}): predicting how a customer rates an item well does "
                    f"not put the items they choose at the top."
                )
            else:
                sentences.append(
                    f"{words(beat) or 'No ranking-only model'} beat{'s' if len(beat) == 1 else ''}"
                    f" the best rating model at ranking ({num(best_rater)})."
                )
    if "novelty" in at_k.columns:
        novel = at_k["novelty"].idxmax()
        sentences.append(
            f"The most novel lists (the rarest items) come from {novel} "
            f"({num(at_k.loc[novel, 'novelty'], 2)} bits)."
        )
    return paragraph(*sentences)


def protocol_findings(
    table: pd.DataFrame,
    *,
    chosen: str,
    labels: dict[str, str],
    k: int,
    metric: str = "ndcg",
    n_unknown: int | None = None,
    n_test: int | None = None,
) -> Markdown:
    """Which model leads under the chosen protocol and how far the other protocol flatters.

    Parameters
    ----------
    table : pandas.DataFrame
        ``aftersales.evaluate.protocol_table``: indexed by model, columns
        ``"<metric>@<k> <protocol>"``.
    chosen : str
        The protocol the comparison and the export rest on.
    labels : dict of str to str
        Protocol name -> how the report names it.
    k : int
        The list length.
    metric : str, default "ndcg"
        The deciding metric.
    n_unknown, n_test : int, optional
        Test customers unknown to training, and all test customers, under ``chosen``.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; values to 3 decimals, ratios to 1.

    Raises
    ------
    aftersales.errors.DataValidationError
        When the table has no column of ``metric`` at ``k`` under ``chosen``.
    """
    column = f"{metric}@{k} {chosen}"
    if column not in table.columns or table[column].dropna().empty:
        from aftersales.errors import DataValidationError

        raise DataValidationError(f"protocol table: no {column!r} values")
    values = table[column].dropna()
    best = values.idxmax()
    sentences = [
        f"Under the {chosen} protocol ({labels.get(chosen, chosen)}), {best} leads "
        f"{metric}@{k} ({num(values[best])})."
    ]
    if n_unknown is not None and n_test:
        sentences.append(
            f"{n_unknown:,} of its {n_test:,} test customers ({share(n_unknown / n_test)}) had "
            "no purchase before the cut-off and were ranked by each model's popular fallback."
        )
    prefix = f"{metric}@{k} "
    others = [c[len(prefix) :] for c in table.columns if c.startswith(prefix) and c != column]
    for other in others:  # one other protocol
        paired = table[[column, prefix + other]].dropna()
        if paired.empty:
            continue
        lead = paired[prefix + other].idxmax()
        listed = ", ".join(
            f"{model} {num(row[prefix + other])} against {num(row[column])}"
            for model, row in paired.iterrows()
        )
        sentences.append(
            f"Under the {other} protocol ({labels.get(other, other)}) the same models score "
            f"{listed}; "
            f"it would pick {lead}" + (" too." if lead == best else f" instead of {best}.")
        )
    return paragraph(*sentences)
