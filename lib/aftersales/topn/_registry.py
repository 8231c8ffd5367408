"""The top-N models' part of the one registry (``aftersales.models.make``)."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from aftersales.errors import UnknownNameError
from aftersales.models import REGISTRY, make, model_class
from aftersales.random import Seed

TOPN_MODELS: tuple[str, ...] = tuple(
    name for name, target in REGISTRY.items() if target.startswith("aftersales.topn:")
)
"""The top-N models of ``aftersales.models.REGISTRY``, by name."""


def _lookup(name: str) -> type:
    if not isinstance(name, str) or name not in TOPN_MODELS:
        raise UnknownNameError(
            f"unknown top-N model {name!r}; valid models: {', '.join(TOPN_MODELS)}"
        )
    return model_class(name)


def default_topn_params(name: str) -> dict[str, Any]:
    """Return the parameters a top-N model accepts, with their defaults.

    Parameters
    ----------
    name : str
        A name of :data:`TOPN_MODELS`.

    Returns
    -------
    dict
        Parameter name -> default (``seed`` excluded: ``models.make`` takes it apart).

    Raises
    ------
    UnknownNameError
        If ``name`` is not a top-N model (lists the valid names).
    """
    cls = _lookup(name)
    signature = inspect.signature(cls.__init__)
    return {name: signature.parameters[name].default for name in cls.param_names()}


def make_topn(name: str, params: Mapping[str, Any] | None = None, *, seed: Seed) -> Any:
    """Build an unfitted top-N model: ``aftersales.models.make`` limited to top-N names.

    Parameters
    ----------
    name : str
        A name of :data:`TOPN_MODELS`.
    params : mapping, optional
        Parameters by name (see :func:`default_topn_params`). Not modified.
    seed : int or numpy.random.Generator
        Seed of the model.

    Returns
    -------
    TopNModel
        The model, ready for ``fit``.

    Raises
    ------
    UnknownNameError
        If ``name`` is not a top-N model (lists the valid names).
    ParameterError
        As ``aftersales.models.make``.
    """
    _lookup(name)
    return make(name, params, seed=seed)
