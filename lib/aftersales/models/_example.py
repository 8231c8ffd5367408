"""One customer's recommendations made readable: who they are, what and why."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import outputs, privacy
from aftersales.errors import DataValidationError, ParameterError, UnknownNameError
from aftersales.models._explain import EXPLANATION_COLUMNS
from aftersales.validate import require_columns

READABLE_COLUMNS: tuple[str, ...] = (
    C.USER,
    C.RANK,
    C.ITEM,
    C.ITEM_NAME,
    C.SCORE,
    C.N_NEIGHBORS,
    C.EXPLANATION,
)
"""Columns of :func:`readable_explanations`."""


def choose_customer(train: pd.DataFrame, test: pd.DataFrame, customer: str = "") -> Any:
    """Return the customer whose recommendations are shown.

    Parameters
    ----------
    train, test : pandas.DataFrame
        The split (``C.USER`` columns).
    customer : str, default ""
        A customer id as text (``"196"`` matches the integer id 196); empty chooses the
        training customer with the most test rows, then the most training rows, then the
        smallest id.

    Returns
    -------
    object
        The raw id, as stored in ``train``.

    Raises
    ------
    DataValidationError
        If a frame lacks ``C.USER`` or no training customer has test rows.
    UnknownNameError
        If ``customer`` is not a training customer (the id is not repeated in the message).
    """
    require_columns(train, [C.USER], source="choose_customer: `train`")
    require_columns(test, [C.USER], source="choose_customer: `test`")
    users = pd.Index(train[C.USER].unique())
    if customer:
        found = users[users.astype("str") == str(customer)]
        if found.empty:
            raise UnknownNameError(
                f"`example_customer`: the id given is not among the {len(users):,} customers "
                "of the training data; leave it empty to choose the most active test customer"
            )
        return found[0].item() if isinstance(found[0], np.generic) else found[0]
    in_test = test[C.USER][test[C.USER].isin(users)]
    if in_test.empty:
        raise DataValidationError("choose_customer: no training customer has test rows")
    counts = pd.DataFrame(
        {
            C.TEST_ROWS: in_test.value_counts(),
            C.TRAIN_ROWS: train[C.USER].value_counts(),
        }
    ).dropna()
    counts = counts.rename_axis(C.USER).reset_index()
    counts = counts.sort_values(
        [C.TEST_ROWS, C.TRAIN_ROWS, C.USER], ascending=[False, False, True], kind="stable"
    )
    chosen = counts[C.USER].iloc[0]
    return chosen.item() if isinstance(chosen, np.generic) else chosen


def customer_profile(
    train: pd.DataFrame, customer: Any, *, names: pd.Series, n: int = 10
) -> pd.DataFrame:
    """Return a customer's highest-rated training items, with names.

    Parameters
    ----------
    train : pandas.DataFrame
        Training ratings (``C.USER``, ``C.ITEM``, ``C.RATING``).
    customer : object
        A raw customer id.
    names : pandas.Series
        Item id -> name.
    n : int, default 10
        Items shown, >= 1.

    Returns
    -------
    pandas.DataFrame
        ``C.ITEM``, ``C.ITEM_NAME``, ``C.RATING``: highest rating first, equal ratings by
        item id; no customer column.

    Raises
    ------
    DataValidationError
        If a column is missing.
    ParameterError
        If ``n`` is not a positive integer.
    """
    require_columns(train, [C.USER, C.ITEM, C.RATING], source="customer_profile: `train`")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ParameterError(f"`n` must be a positive integer; got {n!r}")
    rows = train.loc[train[C.USER] == customer, [C.ITEM, C.RATING]]
    rows = rows.sort_values([C.RATING, C.ITEM], ascending=[False, True], kind="stable").head(n)
    named = pd.array(rows[C.ITEM].map(names), dtype="str")
    out = rows.assign(**{C.ITEM_NAME: named})[[C.ITEM, C.ITEM_NAME, C.RATING]]
    return out.reset_index(drop=True)


def _pseudonymise_neighbors(frame: pd.DataFrame, key: bytes | str) -> pd.DataFrame:
    ids = frame[C.NEIGHBOR]
    text = ids if pd.api.types.is_string_dtype(ids.dtype) else ids.astype("str").where(ids.notna())
    return privacy.pseudonymise(frame.assign(**{C.NEIGHBOR: text}), C.NEIGHBOR, key=key)


def shareable_explanation(
    explanation: pd.DataFrame, *, key: bytes | str, user_based: bool
) -> pd.DataFrame:
    """Return an explanation frame with customer ids replaced by keyed pseudonyms.

    Parameters
    ----------
    explanation : pandas.DataFrame
        From ``aftersales.models.explain_knn`` or ``UserCosineCF.explain``; not modified.
    key : bytes or str
        The pseudonymisation key (``aftersales.outputs.pseudonym_key``).
    user_based : bool
        The neighbours are customers (user-based model), so ``C.NEIGHBOR`` is
        pseudonymised too; item neighbours are kept.

    Returns
    -------
    pandas.DataFrame
        The same rows and columns, ``C.USER`` (and customer neighbours) as tokens.

    Raises
    ------
    DataValidationError
        If a column of the explanation frame is missing.
    """
    require_columns(explanation, list(EXPLANATION_COLUMNS), source="shareable_explanation")
    out = outputs.shareable(explanation, key=key)
    return _pseudonymise_neighbors(out, key) if user_based else out


def _reason(row: pd.Series, user_based: bool) -> str:
    who = row[C.NEIGHBOR] if user_based else row[C.NEIGHBOR_NAME]
    if not isinstance(who, str):
        who = str(row[C.NEIGHBOR])
    rating = "rated it" if user_based else "rated"
    return f"{who} (similarity {row[C.SIMILARITY]:.3f}, {rating} {row[C.NEIGHBOR_RATING]:g})"


def readable_explanations(
    recs: pd.DataFrame,
    explanation: pd.DataFrame,
    *,
    key: bytes | str,
    user_based: bool,
) -> pd.DataFrame:
    """Return one row per recommended item with the neighbours behind it as text.

    Item-based: "the items you rated that are most similar to this one"; user-based:
    "the most similar customers who rated it" (pseudonymised). Each reason reads
    ``name (similarity 0.952, rated 5)``; an item without explanation rows was estimated
    by the model's fallback (too few neighbours) and says so.

    Parameters
    ----------
    recs : pandas.DataFrame
        One customer's top-k (``C.USER``, ``C.ITEM``, ``C.SCORE``, ``C.RANK``).
    explanation : pandas.DataFrame
        ``explain_knn`` / ``UserCosineCF.explain`` rows for those items (raw ids).
    key : bytes or str
        The pseudonymisation key.
    user_based : bool
        Whether the neighbours are customers.

    Returns
    -------
    pandas.DataFrame
        :data:`READABLE_COLUMNS` in rank order; ``C.N_NEIGHBORS`` counts the neighbours
        the estimate used (0 for a fallback) and ``C.USER`` holds pseudonyms.

    Raises
    ------
    DataValidationError
        If a column is missing or ``recs`` holds more than one customer.
    """
    require_columns(recs, [C.USER, C.ITEM, C.SCORE, C.RANK], source="readable_explanations: `recs`")
    require_columns(
        explanation, list(EXPLANATION_COLUMNS), source="readable_explanations: `explanation`"
    )
    if recs[C.USER].nunique() > 1:
        raise DataValidationError(
            f"readable_explanations: `recs` must hold one customer; got {recs[C.USER].nunique()}"
        )
    shown = _pseudonymise_neighbors(explanation, key) if user_based else explanation
    shown = shown.sort_values([C.ITEM, C.RANK], kind="stable")
    reasons = shown.apply(_reason, axis=1, user_based=user_based) if len(shown) else None
    text = (
        pd.Series(dtype="str")
        if reasons is None
        else reasons.groupby(shown[C.ITEM], sort=False).agg("; ".join)
    )
    used = shown.groupby(C.ITEM, sort=False)[C.N_NEIGHBORS].first()
    names = explanation.drop_duplicates(C.ITEM).set_index(C.ITEM)[C.ITEM_NAME]
    out = recs.sort_values(C.RANK, kind="stable")[[C.USER, C.RANK, C.ITEM, C.SCORE]]
    out = out.assign(
        **{
            C.ITEM_NAME: pd.array(out[C.ITEM].map(names), dtype="str"),
            C.N_NEIGHBORS: out[C.ITEM].map(used).fillna(0).astype("int64"),
            C.EXPLANATION: pd.array(
                out[C.ITEM].map(text).fillna("no neighbour: the model's fallback estimate"),
                dtype="str",
            ),
        }
    )
    return outputs.shareable(out[list(READABLE_COLUMNS)].reset_index(drop=True), key=key)


def top_k_overlap(first: pd.DataFrame, second: pd.DataFrame, *, k: int) -> float:
    """Return the mean share of top-``k`` items two recommenders have in common.

    Parameters
    ----------
    first, second : pandas.DataFrame
        Recommendations (``C.USER``, ``C.ITEM``, ``C.RANK``).
    k : int
        List length; per user the overlap is ``|A_k & B_k| / k``.

    Returns
    -------
    float
        The mean over users present in both frames (NaN when there are none).

    Raises
    ------
    DataValidationError
        If a column is missing.
    ParameterError
        If ``k`` is not a positive integer.
    """
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ParameterError(f"`k` must be a positive integer; got {k!r}")
    columns = [C.USER, C.ITEM, C.RANK]
    require_columns(first, columns, source="top_k_overlap: `first`")
    require_columns(second, columns, source="top_k_overlap: `second`")

    def head(frame: pd.DataFrame) -> pd.DataFrame:
        ordered = frame.sort_values([C.USER, C.RANK], kind="stable")
        return ordered[ordered.groupby(C.USER).cumcount() < k][[C.USER, C.ITEM]]

    a, b = head(first), head(second)
    users = pd.Index(a[C.USER].unique()).intersection(pd.Index(b[C.USER].unique()))
    if users.empty:
        return float("nan")
    common = a.merge(b, on=[C.USER, C.ITEM]).groupby(C.USER).size()
    return float(common.reindex(users, fill_value=0).mean() / k)


def customer_summary(
    train: pd.DataFrame, test: pd.DataFrame, customer: Any, *, key: bytes | str
) -> pd.DataFrame:
    """Return one row describing a customer, with the id pseudonymised.

    Parameters
    ----------
    train, test : pandas.DataFrame
        The split (``C.USER``, ``C.RATING``).
    customer : object
        A raw customer id.
    key : bytes or str
        The pseudonymisation key.

    Returns
    -------
    pandas.DataFrame
        ``C.USER`` (a pseudonym), the training and test rows (``C.TRAIN_ROWS``,
        ``C.TEST_ROWS``) and the mean training rating (``C.MEAN``).

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    require_columns(train, [C.USER, C.RATING], source="customer_summary: `train`")
    require_columns(test, [C.USER], source="customer_summary: `test`")
    mine = train.loc[train[C.USER] == customer, C.RATING]
    row = pd.DataFrame(
        {
            C.USER: [customer],
            C.TRAIN_ROWS: [len(mine)],
            C.TEST_ROWS: [int((test[C.USER] == customer).sum())],
            C.MEAN: [float(mine.mean()) if len(mine) else float("nan")],
        }
    )
    return outputs.shareable(row, key=key)
