"""Validation of top-N parameter grids (02.02's ``topn_grids``, 04.00's ``export_grids``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aftersales.choices import TOPN_MODELS
from aftersales.errors import ParameterError


def check_topn_grids(
    grids: Any, models: Sequence[str], *, where: str, field: str, models_field: str
) -> None:
    """Check a mapping of model name -> {parameter: values} searched on validation data.

    Parameters
    ----------
    grids : object
        The parameter's value.
    models : sequence of str
        The models of the notebook's run; each grid must name one of them.
    where : str
        The notebook, for messages, e.g. ``"notebook 02.02"``.
    field : str
        The parameter's name, e.g. ``"topn_grids"``.
    models_field : str
        The parameter listing ``models``, e.g. ``"topn_models"``.

    Raises
    ------
    ParameterError
        If ``grids`` is not a mapping, a grid names a model not in ``models`` or not a
        top-N model, an unknown parameter, or holds an empty list or an invalid value.
    """
    from aftersales.models import make, model_params  # values are checked by building

    if not isinstance(grids, dict):
        raise ParameterError(
            f"{where}: parameter `{field}` must map model names to grids; got {grids!r}"
        )
    for name, grid in grids.items():
        label = f"{where}: parameter `{field}[{name!r}]`"
        if name not in models:
            raise ParameterError(
                f"{label}: {name!r} is not in `{models_field}` {list(models)}; "
                "add it there or drop its grid"
            )
        if name not in TOPN_MODELS:
            raise ParameterError(
                f"{label}: only top-N models ({', '.join(TOPN_MODELS)}) have grids; "
                f"{name!r} keeps its fixed parameters"
            )
        if not isinstance(grid, dict):
            raise ParameterError(f"{label} must map parameter names to lists of values")
        valid = [key for key in model_params(name) if key != "group"]
        for key, values in grid.items():
            if key not in valid:
                raise ParameterError(f"{label}: unknown parameter {key!r}; valid: {valid}")
            if not isinstance(values, list | tuple) or not values:
                raise ParameterError(f"{label}[{key!r}] must be a non-empty list; got {values!r}")
            for value in values:  # a few grid points
                try:
                    make(name, {key: value}, seed=0)
                except ParameterError as error:
                    raise ParameterError(f"{label}[{key!r}]: {error}") from None
