"""The canonical notebooks: discovery by number and the parameters each declares."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import papermill

from aftersales import paths
from aftersales.errors import UnknownNameError

NAME_PATTERN = re.compile(r"^(?P<number>\d{2}\.\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")
"""``NN.NN-slug.ipynb``: zero-padded numbers sort in run order."""


def canonical(folder: Path | None = None) -> dict[str, Path]:
    """Return the canonical notebooks by number, in run order.

    Parameters
    ----------
    folder : Path, optional
        Where to look (default ``notebooks/``); ``exploratory/`` is never included.

    Returns
    -------
    dict of str to Path
        ``"01.00"`` -> ``notebooks/01.00-preprocessing.ipynb`` and so on.
    """
    folder = folder or paths.NOTEBOOKS_DIR
    found = {}
    for path in sorted(folder.glob("*.ipynb")):
        match = NAME_PATTERN.match(path.name)
        if match:
            found[match["number"]] = path
    return found


def select(numbers: list[str] | None, *, folder: Path | None = None) -> dict[str, Path]:
    """Return the named notebooks (all canonical ones when ``numbers`` is empty).

    Parameters
    ----------
    numbers : list of str, optional
        Notebook numbers such as ``["01.00", "02.00"]``.
    folder : Path, optional
        Where to look (default ``notebooks/``).

    Returns
    -------
    dict of str to Path
        The selection, in run order.

    Raises
    ------
    UnknownNameError
        If a number names no notebook; lists the valid ones.
    """
    available = canonical(folder)
    if not numbers:
        return available
    unknown = [n for n in numbers if n not in available]
    if unknown:
        raise UnknownNameError(
            f"unknown notebook(s) {unknown}; the notebooks are {list(available)}"
        )
    return {n: p for n, p in available.items() if n in set(numbers)}


@cache
def _declared(path: Path, mtime: float) -> tuple[str, ...]:
    return tuple(papermill.inspect_notebook(str(path)))


def declared(path: Path) -> tuple[str, ...]:
    """Return the names of the parameters a notebook's ``parameters`` cell declares.

    Parameters
    ----------
    path : Path
        A notebook.

    Returns
    -------
    tuple of str
        Parameter names, as papermill sees them.
    """
    return _declared(path, path.stat().st_mtime)
