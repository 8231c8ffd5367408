"""Choose from a grid or a sweep: the best similarity measure, k and configuration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import UnknownNameError
from aftersales.validate import require_columns


def _check_result(frame: pd.DataFrame, columns: Sequence[str], metric: str, what: str) -> None:
    require_columns(frame, columns, source=what)
    if not (frame[C.METRIC] == metric).any():
        found = sorted(frame[C.METRIC].unique().tolist())
        raise UnknownNameError(f"{what}: no rows for metric {metric!r}; the frame has {found}")


def best_similarity(grid: pd.DataFrame, *, metric: str = "rmse") -> dict[str, str]:
    """Return, for each basis, the measure with the lowest mean ``metric``.

    Parameters
    ----------
    grid : pandas.DataFrame
        A :func:`similarity_grid` result.
    metric : str, default "rmse"
        An error metric (lower is better); equal means go to the measure listed first.

    Returns
    -------
    dict of str to str
        Basis -> measure, in the grid's basis order.

    Raises
    ------
    DataValidationError
        If a column is missing.
    UnknownNameError
        If the grid has no row for ``metric``.
    """
    _check_result(
        grid, [C.BASIS, C.SIMILARITY_MEASURE, C.METRIC, C.MEAN], metric, "best_similarity"
    )
    rows = grid[grid[C.METRIC] == metric]
    best = rows.loc[rows.groupby(C.BASIS, sort=False)[C.MEAN].idxmin()]
    return dict(zip(best[C.BASIS], best[C.SIMILARITY_MEASURE], strict=True))


def best_k(frame: pd.DataFrame, *, metric: str = "rmse") -> dict[str, int]:
    """Return, for each basis, the neighbourhood size with the lowest mean ``metric``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A :func:`knn_sweep` result.
    metric : str, default "rmse"
        An error metric; equal means go to the smaller k.

    Returns
    -------
    dict of str to int
        Basis -> k, in the frame's basis order.

    Raises
    ------
    DataValidationError
        If a column is missing.
    UnknownNameError
        If the frame has no row for ``metric``.
    """
    _check_result(frame, [C.BASIS, C.K, C.METRIC, C.MEAN], metric, "best_k")
    rows = frame[frame[C.METRIC] == metric].sort_values([C.BASIS, C.K], kind="stable")
    best = rows.loc[rows.groupby(C.BASIS, sort=False)[C.MEAN].idxmin()]
    order = list(dict.fromkeys(frame[C.BASIS]))
    chosen = dict(zip(best[C.BASIS], best[C.K].astype(int), strict=True))
    return {basis: chosen[basis] for basis in order}


class KNNSetting(NamedTuple):
    """One k-NN configuration and its error: basis, similarity measure, k, mean metric."""

    basis: str
    similarity: str
    k: int
    value: float


def best_setting(frame: pd.DataFrame, *, basis: str = "best", metric: str = "rmse") -> KNNSetting:
    """Return the configuration of a sweep with the lowest mean ``metric``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A :func:`knn_sweep` result.
    basis : str, default "best"
        ``"user"`` or ``"item"`` to choose within that basis; ``"best"`` chooses over both.
    metric : str, default "rmse"
        An error metric; equal means go to the basis listed first, then the smaller k.

    Returns
    -------
    KNNSetting
        ``(basis, similarity, k, value)``.

    Raises
    ------
    DataValidationError
        If a column is missing.
    UnknownNameError
        If the frame has no row for ``metric`` or none for ``basis``.
    """
    _check_result(
        frame, [C.BASIS, C.SIMILARITY_MEASURE, C.K, C.METRIC, C.MEAN], metric, "best_setting"
    )
    rows = frame[frame[C.METRIC] == metric]
    if basis != "best":
        rows = rows[rows[C.BASIS] == basis]
        if rows.empty:
            found = list(dict.fromkeys(frame[C.BASIS]))
            raise UnknownNameError(f"best_setting: no rows for basis {basis!r}; found {found}")
    order = {name: i for i, name in enumerate(dict.fromkeys(frame[C.BASIS]))}
    rows = rows.iloc[np.lexsort((rows[C.K].to_numpy(), rows[C.BASIS].map(order).to_numpy()))]
    row = rows.loc[rows[C.MEAN].idxmin()]
    return KNNSetting(
        str(row[C.BASIS]), str(row[C.SIMILARITY_MEASURE]), int(row[C.K]), float(row[C.MEAN])
    )
