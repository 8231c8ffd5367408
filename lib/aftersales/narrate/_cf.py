"""Findings of 02.00 (collaborative filtering), worded from the run's result frames."""

from __future__ import annotations

import math

import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.narrate._format import num, paragraph, require, share, words

_GRID = (C.BASIS, C.SIMILARITY_MEASURE, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH)


def _metric(frame: pd.DataFrame, metric: str, what: str) -> pd.DataFrame:
    rows = frame[frame[C.METRIC] == metric]
    require(rows, list(frame.columns), what=f"{what} ({metric} rows)")
    return rows


def _bases_compared(table: pd.DataFrame, metric: str) -> str:
    """``item-based beats user-based with every measure`` or how many measures it wins."""
    if set(table.columns) != {"item", "user"}:
        return ""
    both = table.dropna()
    item_wins = int((both["item"] < both["user"]).sum())
    if item_wins in (0, len(both)):
        winner, loser = ("item", "user") if item_wins else ("user", "item")
        return f"{winner}-based beats {loser}-based with every measure"
    return (
        f"item-based beats user-based with {item_wins} of {len(both)} measures "
        f"({words(both.index[both['item'] < both['user']])})"
    )


def similarity_findings(grid: pd.DataFrame, *, metric: str = "rmse") -> Markdown:
    """Describe the similarity grid of 02.00: the better basis, the best and worst measures.

    Parameters
    ----------
    grid : pandas.DataFrame
        ``evaluate.similarity_grid``'s result: basis, similarity_measure, metric, mean, ci_low,
        ci_high.
    metric : str, default "rmse"
        The error that ranks the settings (lower is better); ``mae`` rows, when present, are
        compared with its ordering.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; errors to 3 decimals.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or there are no ``metric`` rows.
    """
    require(grid, _GRID, what="similarity grid")
    rows = _metric(grid, metric, "similarity grid")
    table = rows.pivot_table(index=C.SIMILARITY_MEASURE, columns=C.BASIS, values=C.MEAN)
    name = metric.upper()
    best = table.idxmin()
    worst = table.idxmax()
    bases = list(table.columns)
    if best.nunique() == 1:
        values = words(f"{num(table.loc[best.iloc[0], b])} {b}-based" for b in bases)
        on = "on both bases" if len(bases) == 2 else f"{bases[0]}-based"
        best_text = f"{best.iloc[0]} is best {on} ({name} {values})"
    else:
        best_text = "the best measure depends on the basis: " + words(
            f"{best[b]} {b}-based ({name} {num(table.loc[best[b], b])})" for b in bases
        )
    worst_text = (
        f"{worst.iloc[0]} worst"
        if worst.nunique() == 1
        else words(f"{worst[b]} worst {b}-based" for b in bases)
    )
    overlap = []
    for basis in bases:
        of_basis = rows[rows[C.BASIS] == basis].set_index(C.SIMILARITY_MEASURE)
        low, high = of_basis.loc[best[basis]], of_basis.loc[worst[basis]]
        overlap.append(bool(low[C.CI_HIGH] >= high[C.CI_LOW]))
    spread = float((table.max() - table.min()).max())
    if all(overlap):
        interval = (
            f"The intervals of the best and the worst measure overlap: between measures the "
            f"{name} differs by at most {num(spread)}, less than the spread between customers."
        )
    elif not any(overlap):
        interval = (
            f"The intervals of the best and the worst measure do not overlap: the measure "
            f"matters (up to {num(spread)} {name})."
        )
    else:
        interval = (
            f"The best and the worst measure's intervals overlap only "
            f"{words(b + '-based' for b, o in zip(bases, overlap, strict=True) if o)}."
        )
    other = "mae" if metric != "mae" else "rmse"
    agreement = ""
    if (grid[C.METRIC] == other).any():
        ours = rows.sort_values(C.MEAN, kind="stable")[[C.BASIS, C.SIMILARITY_MEASURE]]
        theirs = grid[grid[C.METRIC] == other].sort_values(C.MEAN, kind="stable")
        theirs = theirs[[C.BASIS, C.SIMILARITY_MEASURE]]
        if ours.to_numpy().tolist() == theirs.to_numpy().tolist():
            agreement = f"{other.upper()} orders the settings the same way."
        elif ours.iloc[0].tolist() == theirs.iloc[0].tolist():
            agreement = f"{other.upper()} picks the same best setting, though not every place."
        else:
            first = theirs.iloc[0]
            agreement = (
                f"{other.upper()} prefers {first[C.BASIS]}-based {first[C.SIMILARITY_MEASURE]}."
            )
    basis_text = _bases_compared(table, name)
    first = (
        f"{basis_text[0].upper()}{basis_text[1:]}, and {best_text}"
        if basis_text
        else (f"{best_text[0].upper()}{best_text[1:]}")
    )
    return paragraph(f"{first}; {worst_text}.", interval, agreement)


def k_sweep_findings(k_sweep: pd.DataFrame, *, metric: str = "rmse") -> Markdown:
    """How the error of each basis changes with the neighbourhood size in 02.00.

    Parameters
    ----------
    k_sweep : pandas.DataFrame
        ``evaluate.knn_sweep``'s result: basis, k, metric, mean (and intervals).
    metric : str, default "rmse"
        The error described (lower is better).

    Returns
    -------
    IPython.display.Markdown
        One sentence per basis: the error at the smallest k, the lowest error and where,
        and how far it moves at larger k; errors to 3 decimals.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or there are no ``metric`` rows.
    """
    require(k_sweep, (C.BASIS, C.K, C.METRIC, C.MEAN), what="k sweep")
    rows = _metric(k_sweep, metric, "k sweep")
    name = metric.upper()
    sentences = []
    for basis, of_basis in rows.groupby(C.BASIS, sort=False):
        curve = of_basis.set_index(C.K)[C.MEAN].sort_index()
        best_k = curve.idxmin()
        text = f"{basis}-based: {name} {num(curve.iloc[0])} at k={curve.index[0]}"
        if best_k != curve.index[0]:
            text += f", lowest at k={best_k} ({num(curve[best_k])})"
        else:
            text = f"{basis}-based: {name} lowest at the smallest k={best_k} ({num(curve[best_k])})"
        after = curve[curve.index > best_k]
        if len(after):
            moved = float((after - curve[best_k]).max())
            text += (
                f", and within {num(max(math.ceil(moved * 1000) / 1000, 0.001))} of it up to "
                f"k={after.index[-1]}"
                if moved < 0.005
                else f", and {num(after.iloc[-1])} at k={after.index[-1]}"
            )
        sentences.append(text[0].upper() + text[1:] + ".")
    return paragraph(*sentences)


def usercf_findings(
    summary: pd.DataFrame, overlap: float, *, ours: str, surprise: str, tuned: str, top_k: int
) -> Markdown:
    """Describe the user-CF comparison of 02.00: rating error, list accuracy and overlap.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``evaluate.compare_usercf(...).summary``: model, metric, mean, ci_low, ci_high.
    overlap : float
        Mean share of each customer's top-``top_k`` the two user-based models have in common.
    ours, surprise, tuned : str
        Model labels of UserCosineCF, Surprise's KNNBasic and the tuned model of the sweep.
    top_k : int
        List length of the ranking metrics.

    Returns
    -------
    IPython.display.Markdown
        One paragraph; errors to 3 decimals, precision to 3 decimals, overlap in percent.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column, a model or a metric is missing.
    """
    require(summary, (C.MODEL, C.METRIC, C.MEAN, C.CI_LOW, C.CI_HIGH), what="user CF summary")
    table = summary.set_index([C.MODEL, C.METRIC])
    needed = [(m, s) for m in (ours, surprise, tuned) for s in ("rmse", "precision")]
    absent = [pair for pair in needed if pair not in table.index]
    if absent:
        from aftersales.errors import DataValidationError

        raise DataValidationError(f"user CF summary: no rows for {absent}")
    rmse = {m: table.loc[(m, "rmse"), C.MEAN] for m in (ours, surprise, tuned)}
    short = {m: m.split(",")[0] for m in (ours, surprise)}
    both_overlap = (
        table.loc[(ours, "rmse"), C.CI_HIGH] >= table.loc[(surprise, "rmse"), C.CI_LOW]
        and table.loc[(surprise, "rmse"), C.CI_HIGH] >= table.loc[(ours, "rmse"), C.CI_LOW]
    )
    plain = max(rmse[ours], rmse[surprise])
    relation = (
        "both trail"
        if min(rmse[ours], rmse[surprise]) > rmse[tuned]
        else ("both beat" if plain < rmse[tuned] else "only one beats")
    )
    first = (
        f"As rating predictors the two plain user-based cosine models score RMSE "
        f"{num(rmse[ours])} ({short[ours]}) and {num(rmse[surprise])} ({short[surprise]}), "
        f"{'with overlapping' if both_overlap else 'with separate'} intervals; they {relation} "
        f"the tuned model of section 3 ({num(rmse[tuned])})."
    )
    precision = {m: table.loc[(m, "precision"), C.MEAN] for m in (ours, surprise)}
    better = ours if precision[ours] > precision[surprise] else surprise
    second = (
        f"Their top-{top_k} lists have {share(overlap)} of their items in common, and "
        f"precision@{top_k} is {num(precision[ours])} for {short[ours]} against "
        f"{num(precision[surprise])} for {short[surprise]}: {short[better]} recommends better."
    )
    return paragraph(first, second)


def example_findings(
    customer: pd.DataFrame, recommended: pd.DataFrame, usercf: pd.DataFrame, *, k: int
) -> Markdown:
    """Describe the example customer's two lists in 02.00.

    Parameters
    ----------
    customer : pandas.DataFrame
        ``models.customer_summary``: one row with train_rows and test_rows.
    recommended : pandas.DataFrame
        The example model's list (``models.readable_explanations``): rank, item_name, score,
        n_neighbors.
    usercf : pandas.DataFrame
        UserCosineCF's list for the same customer, same columns.
    k : int
        Neighbours per estimate of the example model: items estimated from fewer are named.

    Returns
    -------
    IPython.display.Markdown
        One paragraph naming the top items and the items that rest on few neighbours.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or a frame is empty.
    """
    require(customer, (C.TRAIN_ROWS, C.TEST_ROWS), what="customer summary")
    columns = (C.RANK, C.ITEM_NAME, C.SCORE, C.N_NEIGHBORS)
    require(recommended, columns, what="example recommendations")
    require(usercf, columns, what="UserCosineCF recommendations")
    row = customer.iloc[0]
    ranked = recommended.sort_values(C.RANK, kind="stable")
    top = words(ranked[C.ITEM_NAME].head(4))
    few = ranked[ranked[C.N_NEIGHBORS] < k]
    few_text = (
        f" {len(few)} of the {len(ranked)} items rest on fewer than {k} neighbours (as few as "
        f"{int(few[C.N_NEIGHBORS].min())}), so their estimate leans on the item's own mean."
        if len(few) > 3
        else f" {words(few[C.ITEM_NAME])} rest on fewer than {k} neighbours "
        f"({words(few[C.N_NEIGHBORS].astype(int))}), so their estimate leans on the item's "
        "own mean."
        if len(few)
        else f" Every item's estimate uses all {k} neighbours."
    )
    theirs = usercf.sort_values(C.RANK, kind="stable")
    top_score = theirs[C.SCORE].max()
    single = theirs[(theirs[C.SCORE] == top_score) & (theirs[C.N_NEIGHBORS] == 1)]
    usercf_text = (
        f"`UserCosineCF` puts {len(single)} items first at {num(top_score, 1)}, each on the word "
        f"of a single neighbour."
        if len(single)
        else (
            f"`UserCosineCF`'s first item scores {num(top_score, 1)} from "
            f"{int(theirs[C.N_NEIGHBORS].iloc[0])} neighbours."
        )
    )
    return paragraph(
        f"The customer has {int(row[C.TRAIN_ROWS]):,} training ratings and "
        f"{int(row[C.TEST_ROWS]):,} held out. The example model's list starts with {top}."
        f"{few_text}",
        usercf_text,
    )
