"""The parameter machinery: field declarations, the registry, and validation."""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aftersales.errors import ParameterError
from aftersales.validate import did_you_mean

P = TypeVar("P", bound="NotebookParams")

REGISTRY: dict[str, type[NotebookParams]] = {}
"""Notebook number (``"01.00"``) -> its parameter class."""


def choice(*allowed: str, default: str, help: str = "") -> Any:
    """Declare a string parameter that must be one of ``allowed``.

    Parameters
    ----------
    *allowed : str
        The valid values.
    default : str
        The default value (must be one of ``allowed``).
    help : str, optional
        What the parameter means.

    Returns
    -------
    dataclasses.Field
        A dataclass field carrying the rule.
    """
    return field(default=default, metadata={"choices": allowed, "help": help})


def number(
    default: float,
    *,
    low: float | None = None,
    high: float | None = None,
    open_low: bool = False,
    open_high: bool = False,
    help: str = "",
) -> Any:
    """Declare a numeric parameter with an allowed interval.

    Parameters
    ----------
    default : float
        The default value.
    low, high : float, optional
        Bounds of the interval (``None``: unbounded).
    open_low, open_high : bool, default False
        Exclude the bound itself.
    help : str, optional
        What the parameter means.

    Returns
    -------
    dataclasses.Field
        A dataclass field carrying the rule.
    """
    rule = {"low": low, "high": high, "open_low": open_low, "open_high": open_high, "help": help}
    return field(default=default, metadata=rule)


def items(
    default: tuple[Any, ...] = (),
    *,
    choices: tuple[str, ...] = (),
    low: float | None = None,
    high: float | None = None,
    help: str = "",
) -> Any:
    """Declare a list parameter (a tuple once checked), optionally restricted to ``choices``.

    Parameters
    ----------
    default : tuple, default ()
        The default items.
    choices : tuple of str, optional
        When given, every item must be one of these.
    low, high : float, optional
        Closed bounds of every numeric item (``None``: unbounded).
    help : str, optional
        What the parameter means.

    Returns
    -------
    dataclasses.Field
        A dataclass field carrying the rule.
    """
    rule = {"choices": choices, "help": help, "item_rule": {"low": low, "high": high}}
    return field(default=tuple(default), metadata=rule)


def mapping(help: str = "") -> Any:
    """Declare a dictionary parameter (for example per-model options).

    Parameters
    ----------
    help : str, optional
        What the parameter means.

    Returns
    -------
    dataclasses.Field
        A dataclass field defaulting to an empty mapping.
    """
    return field(default_factory=dict, metadata={"help": help})


@dataclass(frozen=True)
class NotebookParams:
    """Parameters every notebook declares.

    Attributes
    ----------
    output_dir : str
        Report folder for this run (set by the report runner); empty in interactive use and
        under nbval, so nothing is written into the checkout.
    """

    output_dir: str = ""

    @property
    def output_path(self) -> Path | None:
        """The report folder as a path, or ``None`` when outputs are not written."""
        return Path(self.output_dir) if self.output_dir else None


def register(number: str) -> typing.Callable[[type[P]], type[P]]:
    """Register a parameter class under a notebook number.

    Parameters
    ----------
    number : str
        The notebook number, e.g. ``"01.00"``.

    Returns
    -------
    callable
        A class decorator.
    """

    def decorate(cls: type[P]) -> type[P]:
        REGISTRY[number] = cls
        return cls

    return decorate


def check(
    notebook: str, namespace: Mapping[str, Any] | None = None, /, **values: Any
) -> NotebookParams:
    """Validate a notebook's parameters and return them frozen.

    A notebook passes its whole namespace, ``params.check("03.00", globals())``: only the
    names its parameter class declares are read from it, so every parameter is written once,
    in the parameters cell. Keywords are checked strictly: an unknown one is an error. (An
    unknown key of a params file is caught by the report runner before the notebook runs.)

    Parameters
    ----------
    notebook : str
        The notebook number (``"01.00"``).
    namespace : Mapping[str, Any], optional
        A mapping holding the parameters cell's values (the notebook's ``globals()``);
        names the class does not declare are ignored, declared ones it lacks take their
        default.
    **values
        Parameter values by name (missing ones take their default); they override
        ``namespace``.

    Returns
    -------
    NotebookParams
        The notebook's parameter dataclass, validated.

    Raises
    ------
    ParameterError
        For an unknown notebook or keyword, a wrong type or a value out of range; the
        message names the parameter and what is allowed.
    """
    try:
        cls = REGISTRY[notebook]
    except KeyError:
        raise ParameterError(
            f"no parameters are declared for notebook {notebook!r}; known: {sorted(REGISTRY)}"
        ) from None
    if namespace is not None:
        if not isinstance(namespace, Mapping):
            raise ParameterError(
                f"notebook {notebook}: parameters are read from a mapping such as globals(); "
                f"got {type(namespace).__name__}"
            )
        declared = [f.name for f in dataclasses.fields(cls)]
        values = {**{name: namespace[name] for name in declared if name in namespace}, **values}
    return build(cls, values, where=f"notebook {notebook}")


def build(cls: type[P], values: Mapping[str, Any], *, where: str) -> P:
    """Validate ``values`` against the parameter class ``cls``.

    Parameters
    ----------
    cls : type
        A frozen parameter dataclass.
    values : Mapping[str, Any]
        Values by parameter name.
    where : str
        Where the values come from, for messages.

    Returns
    -------
    NotebookParams
        An instance of ``cls``.

    Raises
    ------
    ParameterError
        As :func:`check`.
    """
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ParameterError(
            f"{where}: unknown parameter(s) {unknown};{did_you_mean(unknown, fields)} "
            f"the parameters are {sorted(fields)}"
        )
    hints = typing.get_type_hints(cls)
    checked = {
        name: _check_value(name, value, hints[name], fields[name].metadata, where)
        for name, value in values.items()
    }
    return cls(**checked)


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def _check_value(name: str, value: Any, hint: Any, rule: Mapping[str, Any], where: str) -> Any:
    label = f"{where}: parameter `{name}`"
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        hint = next(o for o in options if o is not type(None))
        origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise ParameterError(f"{label} must be a list; got {type(value).__name__} {value!r}")
        inner = typing.get_args(hint)[0]
        checked = tuple(
            _check_value(f"{name}[{i}]", v, inner, rule.get("item_rule", {}), where)
            for i, v in enumerate(value)
        )
        allowed = rule.get("choices") or ()
        bad = [v for v in checked if allowed and v not in allowed]
        if bad:
            raise ParameterError(f"{label}: {bad} not allowed; choose from {list(allowed)}")
        return checked
    if origin is dict or hint is dict:
        if not isinstance(value, Mapping):
            raise ParameterError(f"{label} must be a mapping; got {type(value).__name__}")
        return dict(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ParameterError(f"{label} must be true or false; got {value!r}")
        return value
    if hint in (int, float):
        ok = isinstance(value, int) if hint is int else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            raise ParameterError(f"{label} must be {_type_name(hint)}; got {value!r}")
        _check_range(label, value, rule)
        return hint(value)
    if hint is str:
        if not isinstance(value, str):
            raise ParameterError(f"{label} must be a string; got {type(value).__name__} {value!r}")
        allowed = rule.get("choices")
        if allowed and value not in allowed:
            raise ParameterError(f"{label} is {value!r}; choose one of {list(allowed)}")
        return value
    raise ParameterError(f"{label}: unsupported declared type {hint!r}")  # pragma: no cover


def _check_range(label: str, value: float, rule: Mapping[str, Any]) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"{label} must be a finite number; got {value!r}")
    low, high = rule.get("low"), rule.get("high")
    too_low = low is not None and (value <= low if rule.get("open_low") else value < low)
    too_high = high is not None and (value >= high if rule.get("open_high") else value > high)
    if too_low or too_high:
        left = "(" if rule.get("open_low") else "["
        right = ")" if rule.get("open_high") else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ParameterError(f"{label} must lie in {left}{lo}, {hi}{right}; got {value!r}")
