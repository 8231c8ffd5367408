"""Public names of a package imported on first use (PEP 562), not with the package.

A package whose modules need heavy libraries (Surprise, scikit-learn, mlxtend, papermill)
but whose callers use one or two of its names at a time lists where each name lives and
lets :func:`attach` import the module when the name is first read. ``import`` of the
package then costs nothing, and a notebook pays only for what it calls.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def attach(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's ``__getattr__`` and ``__dir__`` that import names on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    homes : mapping of str to str
        Public name -> the submodule (relative, e.g. ``"_run"``) that defines it.

    Returns
    -------
    tuple of callable
        ``(__getattr__, __dir__)`` to assign in the package's ``__init__``. The first
        imports ``<package>.<home>``, caches the value in the package's namespace and
        returns it; it raises ``AttributeError`` for a name not in ``homes``.
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
