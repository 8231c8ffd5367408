"""Findings of 04.00 (evaluation), worded from the run's metric summary."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.narrate._format import num, paragraph, require, words

RANKING_METRICS = ("precision", "recall", "ndcg", "map", "hit_rate", "mrr")
"""Ranking metrics compared (higher is better), those present in the summary."""


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
