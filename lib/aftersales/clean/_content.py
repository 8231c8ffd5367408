"""One row of raw content per item: words, categories and a price, from cleaned rows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import validate
from aftersales.errors import DataValidationError

CONTENT_COLUMNS: tuple[str, ...] = (C.ITEM, C.TEXT, C.CATEGORIES, C.UNIT_PRICE)
"""Columns of :func:`item_content`."""

TEXT_SOURCES: tuple[str, ...] = (C.DESCRIPTION, C.TITLE)
"""Columns read as item text, the first present wins."""

CATEGORY_SOURCES: tuple[str, ...] = (C.GENRES, C.CATEGORY)
"""Columns read as item categories ("|"-separated values)."""

_YEAR = re.compile(r"\((\d{4})\)\s*$")


def has_content(frame: pd.DataFrame) -> bool:
    """Tell whether ``frame`` holds an item id and at least one content column.

    Parameters
    ----------
    frame : pandas.DataFrame
        Cleaned rows.

    Returns
    -------
    bool
        True when :func:`item_content` can describe its items.
    """
    return C.ITEM in frame and any(c in frame for c in (*TEXT_SOURCES, *CATEGORY_SOURCES))


def _most_frequent(frame: pd.DataFrame, column: str) -> pd.Series:
    """Each item's most frequent non-empty stripped value of ``column`` (ties: first by sort)."""
    text = frame[[C.ITEM, column]].dropna()
    text = text.assign(**{column: text[column].astype("str").str.strip()})
    text = text[text[column] != ""]
    counts = text.groupby([C.ITEM, column]).size().rename("n").reset_index()
    counts = counts.sort_values([C.ITEM, "n", column], ascending=[True, False, True])
    return counts.drop_duplicates(C.ITEM).set_index(C.ITEM)[column]


def item_content(frame: pd.DataFrame) -> pd.DataFrame:
    """Describe every item of cleaned rows by its words, categories and price.

    * text: the most frequent non-empty ``C.DESCRIPTION`` (transactions), else the
      ``C.TITLE`` without a trailing ``(year)`` (films);
    * categories: ``"|"``-separated labels: the ``C.GENRES`` and/or ``C.CATEGORY`` values
      (prefixed ``genre:`` / ``category:``), and ``decade:1990s`` when the title ends in a
      year;
    * price: the median ``C.UNIT_PRICE`` of the item's lines (missing without prices).

    Parameters
    ----------
    frame : pandas.DataFrame
        Cleaned rows with ``C.ITEM`` and at least one of ``C.DESCRIPTION``, ``C.TITLE``,
        ``C.GENRES``, ``C.CATEGORY``; not modified.

    Returns
    -------
    pandas.DataFrame
        :data:`CONTENT_COLUMNS`, one row per item sorted by id; text and categories are
        empty strings where the item has none.

    Raises
    ------
    DataValidationError
        If ``C.ITEM`` or every content column is missing, or the frame has no rows.
    """
    source = "item_content: `frame`"
    validate.require_columns(frame, [C.ITEM], source=source)
    if not has_content(frame):
        wanted = ", ".join(f"`{c}`" for c in (*TEXT_SOURCES, *CATEGORY_SOURCES))
        raise DataValidationError(
            f"{source}: no content column; content-based recommendation needs at least one of "
            f"{wanted} (got {list(frame.columns)}); map a product name column to "
            f"`{C.DESCRIPTION}` in the source file"
        )
    validate.require_rows(frame, source=source)
    items = pd.Index(frame[C.ITEM].dropna().unique()).sort_values()
    text = pd.Series("", index=items, dtype=object)
    labels = [pd.Series("", index=items, dtype=object)]
    column = next((c for c in TEXT_SOURCES if c in frame), None)
    if column is not None:
        words = _most_frequent(frame, column).reindex(items)
        if column == C.TITLE:
            year = words.str.extract(_YEAR, expand=False)
            decade = (year.astype("float64") // 10 * 10).map(
                lambda y: "" if pd.isna(y) else f"decade:{int(y)}s"
            )
            labels.append(decade.astype(object))
            words = words.str.replace(_YEAR, "", regex=True).str.strip()
        text = words.fillna("").astype(object)
    for name in CATEGORY_SOURCES:  # two columns at most
        if name in frame:
            prefix = "genre" if name == C.GENRES else "category"
            values = _most_frequent(frame, name).reindex(items).fillna("")
            labels.append(
                values.map(
                    lambda v, p=prefix: "|".join(f"{p}:{x.strip()}" for x in v.split("|") if x)
                )
            )
    categories = pd.concat(labels, axis=1).apply(lambda row: "|".join(x for x in row if x), axis=1)
    if C.UNIT_PRICE in frame:
        prices = frame.groupby(C.ITEM)[C.UNIT_PRICE].median().reindex(items)
    else:
        prices = pd.Series(np.nan, index=items)
    return pd.DataFrame(
        {
            C.ITEM: items,
            C.TEXT: text.to_numpy().astype("str"),
            C.CATEGORIES: categories.to_numpy().astype("str"),
            C.UNIT_PRICE: prices.to_numpy(dtype="float64"),
        }
    )
