"""The one registry: every model of the workbench by name, built by :func:`make`.

A registry line maps a name to a class, written ``"package:Class"`` and imported when the
model is first built (the top-N and basket packages build on this one, so they cannot be
imported here up front). Surprise's algorithms go through :func:`make_model`, which checks
their parameters against Surprise's signatures; every other class is called as
``cls(**params, seed=seed)``, its keyword arguments being its parameters. A new model is one
class and one line of :data:`REGISTRY`.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from aftersales import choices
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models._registry import _CLASSES, MODEL_NAMES, default_params, make_model
from aftersales.random import Seed
from aftersales.validate import did_you_mean

REGISTRY: Mapping[str, str] = MappingProxyType(
    {
        **{name: f"surprise:{name}" for name in MODEL_NAMES},
        **{
            name: f"aftersales.topn:{cls}"
            for name, cls in zip(
                choices.TOPN_MODELS,  # the names, declared once; each with its class, in order
                ("Popularity", "ItemKNN", "EASE", "ALS", "BPR", "ContentBased", "Hybrid"),
                strict=True,
            )
        },
        "usercf": "aftersales.usercf:UserCosineCF",
        choices.BASKET_MODEL: "aftersales.basket:BasketRecommender",
    }
)
"""Model name -> its class (``"package:Class"``): Surprise's algorithms by their class name
(rating models), the top-N models, the seed design's user CF and frequently bought together."""

NAMES: tuple[str, ...] = tuple(REGISTRY)
"""Every name :func:`make` builds, in registry order."""

RATING_MODELS: tuple[str, ...] = MODEL_NAMES
"""The names of the models that estimate ratings (``predict``); the others rank only."""


def _lookup(name: Any) -> str:
    if not isinstance(name, str) or name not in REGISTRY:
        hint = did_you_mean([name], NAMES) if isinstance(name, str) else ""
        raise UnknownNameError(f"unknown model {name!r};{hint} valid models: {', '.join(NAMES)}")
    return REGISTRY[name]


def model_class(name: str) -> type:
    """Return the class a registry name builds.

    Parameters
    ----------
    name : str
        A name of :data:`NAMES`.

    Returns
    -------
    type
        The class (for Surprise names the class ``make`` instantiates, e.g. the seeded
        ``NormalPredictor``).

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered (with the closest name, if any).
    """
    module, _, attribute = _lookup(name).partition(":")
    if name in RATING_MODELS:
        return _CLASSES[name]
    return getattr(importlib.import_module(module), attribute)


def model_params(name: str) -> tuple[str, ...]:
    """Return the parameter names a registered model accepts (``seed`` apart).

    Parameters
    ----------
    name : str
        A name of :data:`NAMES`.

    Returns
    -------
    tuple of str
        Keyword names, in signature order.

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered.
    """
    if name in RATING_MODELS:
        return tuple(default_params(name))
    signature = inspect.signature(model_class(name).__init__)
    return tuple(p for p in signature.parameters if p not in ("self", "seed"))


def make(name: str, params: Mapping[str, Any] | None = None, *, seed: Seed) -> Any:
    """Build an unfitted model of the registry by name.

    Parameters
    ----------
    name : str
        A name of :data:`NAMES`: a Surprise class name (``"SVD"``, ``"KNNBaseline"``...),
        a top-N model (``"popularity"``, ``"itemknn"``, ``"ease"``, ``"als"``, ``"bpr"``,
        ``"content"``, ``"hybrid"``), ``"usercf"`` or ``"fbt"``.
    params : mapping, optional
        Parameters by name; missing ones keep their defaults. Not modified.
    seed : int or numpy.random.Generator
        Seed of a stochastic model (validated by all).

    Returns
    -------
    object
        The model, ready for ``fit``; :func:`aftersales.models.recommender` gives it the
        recommender contract.

    Raises
    ------
    UnknownNameError
        If ``name`` is not registered (the message suggests the closest name and lists the
        valid ones), or a Surprise similarity or baseline method is unknown.
    ParameterError
        If a parameter is unknown (the closest valid one is suggested), ``seed`` is given
        in ``params``, or a value has the wrong type or is out of range.
    """
    _lookup(name)
    if name in RATING_MODELS:
        return make_model(name, params, seed=seed)
    given = dict(params or {})
    if "seed" in given:
        raise ParameterError(f"model {name!r}: pass the seed through `seed`, not params['seed']")
    valid = model_params(name)
    unknown = sorted(set(given) - set(valid), key=str)
    if unknown:
        raise ParameterError(
            f"model {name!r}: unknown parameter(s) {', '.join(map(repr, unknown))};"
            f"{did_you_mean([str(u) for u in unknown], valid)} valid parameters: "
            f"{', '.join(valid)}"
        )
    return model_class(name)(**given, seed=seed)


def make_models(
    names: Sequence[str], params: Mapping[str, Mapping[str, Any]] | None = None, *, seed: Seed
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build unfitted models by name, split into rating models and ranking-only models.

    Parameters
    ----------
    names : sequence of str
        Names from :data:`aftersales.choices.ALL_MODELS` (Surprise class names, top-N names,
        ``"fbt"``).
    params : mapping, optional
        Model name -> its parameters (as ``aftersales.models.make`` takes them).
    seed : int or numpy.random.Generator
        Seed of every stochastic model.

    Returns
    -------
    tuple of dict
        ``(rating, ranking)``: label -> unfitted model; rating models predict ratings
        and rank, ranking-only models only rank.

    Raises
    ------
    UnknownNameError
        If a name is not in :data:`aftersales.choices.ALL_MODELS`.
    ParameterError
        If a model's parameters are invalid.
    """
    params = dict(params or {})
    rating: dict[str, Any] = {}
    ranking: dict[str, Any] = {}
    for name in names:  # a handful of models
        if name in NAMES and name not in choices.ALL_MODELS:  # usercf fits frames, not trainsets
            valid = ", ".join(choices.ALL_MODELS)
            raise UnknownNameError(f"model {name!r} is not compared here; valid models: {valid}")
        kind = rating if name in RATING_MODELS else ranking
        kind[name] = make(name, dict(params.get(name) or {}), seed=seed)
    return rating, ranking
