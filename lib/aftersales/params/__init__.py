"""Notebook parameters: declared once per notebook, validated before anything runs.

papermill only warns about a parameter a notebook does not declare; here an unknown key, a
value of the wrong type or one out of range raises :class:`ParameterError` naming the
parameter and what is allowed. Each notebook's parameters are a frozen dataclass in a module
``nb_NN_NN`` of this package, registered under the notebook's number; derived values are
properties, never parameters. Every ``nb_*`` module is imported here, so ``check`` knows them
all. The preparation options (:class:`PreparationOptions`, :class:`EngineOptions`) are declared
here once; :class:`aftersales.prepare.Preparation` and the notebooks' classes take them over.

The package depends on nothing above it: the names a parameter may take come from
:mod:`aftersales.choices`, and a check that needs a data set's description or a model's own
validation imports :mod:`aftersales.datasets` or the model's package when it runs, so
``import aftersales.params`` loads no model library.
"""

from __future__ import annotations

import importlib
import pkgutil

from aftersales.params._core import (
    REGISTRY,
    NotebookParams,
    build,
    check,
    choice,
    items,
    mapping,
    number,
    register,
)
from aftersales.params._preparation import EngineOptions, PreparationOptions

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("nb_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "REGISTRY",
    "EngineOptions",
    "NotebookParams",
    "PreparationOptions",
    "build",
    "check",
    "choice",
    "items",
    "mapping",
    "number",
    "register",
]
