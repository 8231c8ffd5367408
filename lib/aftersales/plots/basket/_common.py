"""Shared pieces of the basket figures: colour map, label shortening, axes with titles."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import ListedColormap

LIFT_COLOURS = ListedColormap(colormaps["viridis"](np.linspace(0.0, 0.88, 256)), name="lift")
"""Viridis without its palest yellow, so that the weakest rules stay visible on white."""

PLACEHOLDER = "…"


def short_label(text: object, *, width: int = 26, fallback: object = "") -> str:
    """Return a short, sentence-case label for an item description.

    Parameters
    ----------
    text : object
        A description; missing values (None, NaN, empty) fall back to ``fallback``.
    width : int, default 26
        Maximum length; longer text is cut at a word boundary and ends in "…".
    fallback : object, default ""
        Shown when ``text`` is missing, for example the item id.

    Returns
    -------
    str
        For example ``"Regency tea plate roses"`` for ``"REGENCY TEA PLATE ROSES "``.
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
        return str(fallback)
    words = " ".join(str(text).split()).capitalize()
    shortened = textwrap.shorten(words, width=width, placeholder=PLACEHOLDER)
    if shortened == PLACEHOLDER:  # a single word longer than the width
        shortened = words[: width - 1] + PLACEHOLDER
    return shortened
