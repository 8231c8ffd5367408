"""Findings of 02.02 (implicit top-N), worded from the run's comparison table."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from aftersales.narrate._format import num, paragraph, require, share


def coverage_findings(table: pd.DataFrame, *, k: int, metric: str = "ndcg") -> Markdown:
    """Which models' lists use the most of the catalogue and the rarest items (02.02).

    Parameters
    ----------
    table : pandas.DataFrame
        ``comparison.table(k)``: one row per model (index), columns coverage, novelty and
        ``metric``.
    k : int
        The list length of the table.
    metric : str, default "ndcg"
        The accuracy the coverage is set against.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; coverage in percent, novelty to 2 decimals (bits).

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    require(table, ("coverage", "novelty", metric), what="top-N comparison")
    least, most = table["coverage"].idxmin(), table["coverage"].idxmax()
    novel, plain = table["novelty"].idxmax(), table["novelty"].idxmin()
    accurate = table[metric].idxmax()
    sentences = [
        f"{least}'s top-{k} lists use the least of the catalogue "
        f"({share(table.loc[least, 'coverage'])}) and {most}'s the most "
        f"({share(table.loc[most, 'coverage'])})."
    ]
    novel_rank = int(table[metric].rank(ascending=False)[novel])
    sentences.append(
        f"{novel}'s lists hold the rarest items (novelty {num(table.loc[novel, 'novelty'], 2)} bits"
        f", against {num(table.loc[plain, 'novelty'], 2)} for {plain}); its {metric}@{k} ranks "
        f"{novel_rank} of {len(table)}."
    )
    sentences.append(
        f"The most accurate model, {accurate} ({metric}@{k} {num(table.loc[accurate, metric])}), "
        f"covers {share(table.loc[accurate, 'coverage'])} of the catalogue."
    )
    return paragraph(*sentences)
