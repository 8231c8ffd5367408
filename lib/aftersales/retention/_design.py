"""The model matrix of the learned risk scores: which columns, and how they are transformed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.retention._features import FEATURE_COLUMNS

SHARE_FEATURES: tuple[str, ...] = (C.TOP_PRODUCT_SHARE, C.RETURN_SHARE)
"""Features already on [0, 1], entered as they are."""

LOG_FEATURES: tuple[str, ...] = tuple(c for c in FEATURE_COLUMNS if c not in SHARE_FEATURES)
"""Features entered as ``log1p`` (skewed counts, days and money)."""


@dataclass(frozen=True)
class Design:
    """The columns a model matrix holds, fixed on the training customers.

    Attributes
    ----------
    columns : tuple of str
        Numeric feature columns with a value (money columns drop out without money).
    countries : tuple of str
        Countries with an indicator column (the most frequent in training).
    """

    columns: tuple[str, ...]
    countries: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Column names of :meth:`matrix`."""
        return self.columns + tuple(f"{C.COUNTRY}={c}" for c in self.countries)

    def matrix(self, features: pd.DataFrame) -> np.ndarray:
        """Return the model matrix of ``features``.

        One-purchase-day customers have no gap: their gaps are their tenure (a lower
        bound) and their gap ratio 1 (recency equals tenure).

        Parameters
        ----------
        features : pandas.DataFrame
            Output of :func:`aftersales.retention.features`.

        Returns
        -------
        numpy.ndarray
            float64, one row per customer, one column per :attr:`names`.
        """
        tenure = features[C.TENURE].astype(np.float64)
        filled = features.assign(
            **{
                C.MEAN_GAP: features[C.MEAN_GAP].fillna(tenure),
                C.MEDIAN_GAP: features[C.MEDIAN_GAP].fillna(tenure),
                C.GAP_RATIO: features[C.GAP_RATIO].fillna(1.0),
            }
        )
        parts = []
        for column in self.columns:  # a dozen columns
            values = filled[column].to_numpy(np.float64)
            values = np.nan_to_num(values, nan=0.0)
            parts.append(np.log1p(np.clip(values, 0, None)) if column in LOG_FEATURES else values)
        country = features[C.COUNTRY].astype("str").to_numpy()
        parts.extend((country == c).astype(np.float64) for c in self.countries)
        return np.column_stack(parts)


def make_design(features: pd.DataFrame, *, n_countries: int = 5) -> Design:
    """Fix the model columns on training features.

    Parameters
    ----------
    features : pandas.DataFrame
        Training features.
    n_countries : int, default 5
        Most frequent countries given an indicator (the rest share the baseline).

    Returns
    -------
    Design
        Numeric columns with at least one finite value, and the countries.
    """
    columns = tuple(
        c for c in FEATURE_COLUMNS if np.isfinite(features[c].to_numpy(np.float64)).any()
    )
    counts = features[C.COUNTRY].astype("str").value_counts()
    counts = counts[counts.index != ""].sort_index(kind="stable")
    top = counts.sort_values(ascending=False, kind="stable").head(n_countries)
    return Design(columns, tuple(top.index))
