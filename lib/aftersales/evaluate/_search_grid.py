"""Search grids: checked against a model's parameters, expanded in Surprise's order."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from aftersales.errors import ParameterError
from aftersales.models import default_params, make

OPTION_PARAMS: tuple[str, ...] = ("sim_options", "bsl_options")
"""Parameters whose grid is a mapping of option -> values (Surprise expands them)."""


def _values(where: str, values: Any) -> list[Any]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Sequence):
        raise ParameterError(f"{where} must be a non-empty list of values; got {values!r}")
    values = list(values)
    if not values:
        raise ParameterError(f"{where} must be a non-empty list of values; got []")
    if len({repr(v) for v in values}) != len(values):
        raise ParameterError(f"{where} repeats a value; got {values}")
    return values


def check_grid(model: str, grid: Mapping[str, Any]) -> dict[str, Any]:
    """Check a search grid against the model's parameters.

    Parameters
    ----------
    model : str
        A key of ``aftersales.models.MODEL_NAMES``.
    grid : mapping
        Parameter -> list of values, e.g. ``{"n_factors": [20, 50], "reg_all": [0.02]}``;
        ``sim_options`` and ``bsl_options`` map each option to a list of values, as in
        Surprise (``{"sim_options": {"name": ["msd", "cosine"]}}``).

    Returns
    -------
    dict
        A copy with every list a plain list.

    Raises
    ------
    ParameterError
        If the grid is empty, a value list is empty or repeats a value, or a parameter or
        option is unknown, mistyped or out of range (the message lists the valid names).
    UnknownNameError
        If the model, a similarity or a baseline method is unknown.
    """
    valid = default_params(model)  # raises UnknownNameError listing the models
    if not isinstance(grid, Mapping) or not grid:
        raise ParameterError(
            f"search grid of {model!r} must be a non-empty mapping parameter -> list of values; "
            f"got {grid!r}; valid parameters: {', '.join(valid)}"
        )
    checked: dict[str, Any] = {}
    for name, values in grid.items():  # a handful of parameters
        where = f"search grid of {model!r}: `{name}`"
        if name in OPTION_PARAMS and name in valid:
            if not isinstance(values, Mapping) or not values:
                raise ParameterError(
                    f"{where} must map each option to a list of values; got {values!r}"
                )
            checked[name] = {key: _values(f"{where}[{key!r}]", v) for key, v in values.items()}
        else:
            checked[name] = _values(where, values)
    for combination in grid_combinations(checked):  # build each model once: every error surfaces
        make(model, combination, seed=0)
    return checked


def grid_combinations(grid: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return every combination of a checked grid, in Surprise's ``GridSearchCV`` order.

    Parameters
    ----------
    grid : mapping
        A grid as :func:`check_grid` returns it.

    Returns
    -------
    list of dict
        One parameter mapping per combination (option parameters expanded into dicts).
    """
    expanded = {
        name: (
            [dict(zip(values, v, strict=True)) for v in itertools.product(*values.values())]
            if isinstance(values, Mapping)
            else values
        )
        for name, values in grid.items()
    }
    return [dict(zip(expanded, v, strict=True)) for v in itertools.product(*expanded.values())]
