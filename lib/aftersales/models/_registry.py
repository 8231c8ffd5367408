"""Name -> Surprise algorithm registry with checked parameters.

Parameters are the keyword arguments of the algorithm's ``__init__`` (read with
:func:`inspect.signature`, so the defaults are Surprise's own), plus ``bsl_options`` for
the k-NN family (Surprise reads it from ``**kwargs`` for the ``pearson_baseline``
similarity). Surprise silently ignores misspelt keyword arguments and option keys; here
each is an error that lists the valid names.
"""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Mapping
from typing import Any

import surprise
from surprise import AlgoBase

from aftersales.choices import MODEL_NAMES, SIMILARITIES
from aftersales.errors import ParameterError, UnknownNameError
from aftersales.models._seeded import SeededNormalPredictor
from aftersales.random import Seed, int_seed

_CLASSES: dict[str, type[AlgoBase]] = {
    name: getattr(surprise, name) for name in MODEL_NAMES if name != "NormalPredictor"
}
_CLASSES["NormalPredictor"] = SeededNormalPredictor  # Surprise's ignores every seed

BASELINE_METHODS: dict[str, tuple[str, ...]] = {
    "als": ("n_epochs", "reg_u", "reg_i"),
    "sgd": ("n_epochs", "reg", "learning_rate"),
}
"""Baseline methods (``bsl_options["method"]``) and the option keys each one reads."""

SIM_OPTION_KEYS: tuple[str, ...] = ("name", "user_based", "min_support", "shrinkage")
"""Keys Surprise reads from ``sim_options``."""

_SEED_PARAM = "random_state"
_INT_MINIMUM = {"k": 1, "min_k": 0, "n_factors": 1, "n_epochs": 0, "n_cltr_u": 1, "n_cltr_i": 1}
_INT_MAXIMUM = {
    "k": 100_000,  # neighbours per estimate: beyond any catalogue this machine ranks densely
    "min_k": 100_000,
    "n_factors": 1_000,  # 1,000 factors x 1M users is already 8 GB of float64
    "n_epochs": 10_000,  # SGD passes: 10,000 over 100k ratings is hours of fitting
    "n_cltr_u": 1_000,  # co-clusters: the cluster x cluster tables stay small
    "n_cltr_i": 1_000,
}
"""Upper bounds of the integer parameters (a 2-core, 24 GB machine; issue #14)."""


def _lookup(name: str) -> type[AlgoBase]:
    if name not in _CLASSES:
        raise UnknownNameError(f"unknown model {name!r}; valid models: {', '.join(MODEL_NAMES)}")
    return _CLASSES[name]


def default_params(name: str) -> dict[str, Any]:
    """Return the parameters ``name`` accepts with Surprise's defaults.

    Parameters
    ----------
    name : str
        A model name from :data:`MODEL_NAMES`.

    Returns
    -------
    dict
        Parameter name to default value (``random_state`` is excluded: it comes from
        ``seed``). k-NN models also list ``bsl_options``.

    Raises
    ------
    UnknownNameError
        If ``name`` is not a registered model.
    """
    cls = _lookup(name)
    params: dict[str, Any] = {}
    for p in inspect.signature(cls.__init__).parameters.values():
        if p.name == "self" or p.name == _SEED_PARAM:
            continue
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            params.setdefault("bsl_options", {})  # AlgoBase reads it from **kwargs
            continue
        # Surprise declares option dicts as `={}` and then writes into that shared dict;
        # report the declared (empty) default, not what other instances leaked into it.
        params[p.name] = {} if isinstance(p.default, dict) else p.default
    return params


def make_model(name: str, params: Mapping[str, Any] | None = None, *, seed: Seed) -> AlgoBase:
    """Build an unfitted Surprise algorithm by name.

    Parameters
    ----------
    name : str
        One of :data:`MODEL_NAMES`. ``"NormalPredictor"`` builds a
        :class:`SeededNormalPredictor` (Surprise's ignores any seed).
    params : mapping, optional
        Parameters by name, e.g. ``{"k": 40, "sim_options": {"name": "pearson"}}``;
        missing ones keep Surprise's defaults, except ``verbose`` which defaults to
        False and SVDpp's ``cache_ratings`` which defaults to True (it only keeps each
        user's item list in C arrays during ``fit``: the same updates in the same order,
        so the same factors, faster). The mapping is copied, never modified (Surprise
        writes into ``sim_options``).
    seed : int or numpy.random.Generator
        Passed as ``random_state`` to every stochastic model (SVD, SVDpp, NMF,
        CoClustering, NormalPredictor); validated but unused by the others.

    Returns
    -------
    surprise.AlgoBase
        The algorithm, ready for ``fit``.

    Raises
    ------
    UnknownNameError
        If ``name``, the similarity name or the baseline method is unknown; the message
        lists the valid ones.
    ParameterError
        If a parameter or option key is unknown (the message lists the valid ones), has
        the wrong type or is out of range, or ``random_state`` is given (use ``seed``).
    """
    cls = _lookup(name)
    given = dict(params or {})
    defaults = default_params(name)
    if _SEED_PARAM in given:
        raise ParameterError(
            f"model {name!r}: pass the seed through `seed`, not params[{_SEED_PARAM!r}]"
        )
    unknown = sorted(set(given) - set(defaults), key=str)
    if unknown:
        valid = ", ".join(defaults) if defaults else "none"
        raise ParameterError(
            f"model {name!r}: unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"valid parameters: {valid}"
        )
    kwargs = {key: _checked(name, key, value, defaults[key]) for key, value in given.items()}
    if "verbose" in defaults:
        kwargs.setdefault("verbose", False)
    if "cache_ratings" in defaults:  # SVDpp: same arithmetic, faster fit
        kwargs.setdefault("cache_ratings", True)
    # Fresh dicts always: Surprise's `sim_options={}` default is shared between instances
    # and AlgoBase.__init__ writes `user_based` into it.
    if "sim_options" in defaults:
        kwargs["sim_options"] = _sim_options(name, kwargs.get("sim_options", {}))
    if "bsl_options" in defaults:
        kwargs["bsl_options"] = _bsl_options(name, kwargs.get("bsl_options", {}))
    random_state = int_seed(seed)
    if _SEED_PARAM in inspect.signature(cls.__init__).parameters:
        kwargs[_SEED_PARAM] = random_state
    return cls(**kwargs)


def _checked(model: str, key: str, value: Any, default: Any) -> Any:
    """Check one top-level parameter against the type of its default."""
    where = f"model {model!r}: parameter `{key}`"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ParameterError(f"{where} must be True or False; got {value!r}")
    elif key in _INT_MINIMUM:
        low = 1 if (model == "KNNBasic" and key == "min_k") else _INT_MINIMUM[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            hint = " (KNNBasic divides by zero without a neighbour)" if key == "min_k" else ""
            raise ParameterError(f"{where} must be an integer >= {low}{hint}; got {value!r}")
        if value > _INT_MAXIMUM[key]:
            raise ParameterError(
                f"{where} must be at most {_INT_MAXIMUM[key]:,} (what a 2-core, 24 GB machine "
                f"can fit); got {value!r}"
            )
    elif isinstance(default, dict):
        if not isinstance(value, Mapping):
            raise ParameterError(f"{where} must be a mapping of options; got {value!r}")
        return copy.deepcopy(dict(value))
    elif default is None or isinstance(default, int | float):
        if not _is_real(value) and not (default is None and value is None):
            raise ParameterError(f"{where} must be a finite number; got {value!r}")
    return value


def _is_real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _sim_options(model: str, options: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(options)
    bad = sorted(set(out) - set(SIM_OPTION_KEYS), key=str)
    if bad:
        raise ParameterError(
            f"model {model!r}: unknown sim_options key(s) {', '.join(map(repr, bad))}; "
            f"valid keys: {', '.join(SIM_OPTION_KEYS)}"
        )
    if "name" in out:
        sim = out["name"]
        if not isinstance(sim, str) or sim.lower() not in SIMILARITIES:
            raise UnknownNameError(
                f"model {model!r}: unknown similarity sim_options['name']={sim!r}; "
                f"Surprise computes: {', '.join(SIMILARITIES)}"
            )
    if "user_based" in out and not isinstance(out["user_based"], bool):
        raise ParameterError(
            f"model {model!r}: sim_options['user_based'] must be True or False; "
            f"got {out['user_based']!r}"
        )
    support = out.get("min_support", 0)
    if isinstance(support, bool) or not isinstance(support, int) or support < 0:
        raise ParameterError(
            f"model {model!r}: sim_options['min_support'] must be an integer >= 0; got {support!r}"
        )
    if "shrinkage" in out and not (_is_real(out["shrinkage"]) and out["shrinkage"] >= 0):
        raise ParameterError(
            f"model {model!r}: sim_options['shrinkage'] must be a number >= 0; "
            f"got {out['shrinkage']!r}"
        )
    return out


def _bsl_options(model: str, options: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(options)
    method = out.get("method", "als")
    if method not in BASELINE_METHODS:
        raise UnknownNameError(
            f"model {model!r}: unknown baseline method bsl_options['method']={method!r}; "
            f"valid methods: {', '.join(BASELINE_METHODS)}"
        )
    valid = ("method", *BASELINE_METHODS[method])
    bad = sorted(set(out) - set(valid), key=str)
    if bad:
        raise ParameterError(
            f"model {model!r}: unknown bsl_options key(s) {', '.join(map(repr, bad))} "
            f"for method {method!r}; valid keys: {', '.join(valid)}"
        )
    for key, value in out.items():
        if key == "method":
            continue
        if key == "n_epochs":
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        else:
            ok = _is_real(value) and value >= 0
        if not ok:
            kind = "an integer >= 0" if key == "n_epochs" else "a number >= 0"
            raise ParameterError(
                f"model {model!r}: bsl_options[{key!r}] must be {kind}; got {value!r}"
            )
    return out
