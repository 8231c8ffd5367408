"""What a report run records about itself: parameters, code version, environment, outcome."""

from __future__ import annotations

import importlib.metadata
import json
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from aftersales import paths
from aftersales.locks import write_error

PACKAGES = (
    "aftersales",
    "numpy",
    "pandas",
    "scipy",
    "scikit-surprise",
    "scikit-learn",
    "matplotlib",
    "mlxtend",
    "papermill",
    "nbconvert",
)


@dataclass
class CellTiming:
    """How long one code cell of an executed notebook took (papermill's ``duration``)."""

    cell: int  # position in the executed notebook, from 0 (papermill's parameters included)
    source: str  # the cell's first non-blank line
    seconds: float


@dataclass
class NotebookOutcome:
    """How one notebook of a run ended."""

    notebook: str
    status: str  # "ok", "failed", "interrupted" (Ctrl-C, killed kernel) or "skipped"
    duration_s: float | None = None
    cpu_s: float | None = None  # the kernel's user + system seconds (Linux; None elsewhere)
    html: str | None = None
    error: str | None = None
    failing_cell: int | None = None  # execution count in the executed notebook
    failing_source: str | None = None
    cells: list[CellTiming] = field(default_factory=list)  # where the time went


@dataclass
class Manifest:
    """``reports/<run>/manifest.json``."""

    run: str
    params_file: str
    parameters: dict[str, Any]
    started: str
    git_commit: str
    python: str = field(default_factory=platform.python_version)
    packages: dict[str, str] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)  # numbers of the notebooks executed
    notebooks: list[NotebookOutcome] = field(default_factory=list)
    status: str = "running"  # then "ok", "failed" or "interrupted"
    duration_s: float | None = None
    store: dict[str, Any] | None = None  # the customer store: file, load seconds, rows, error

    def write(self, folder: Path) -> Path:
        """Write the manifest as JSON into ``folder``.

        Parameters
        ----------
        folder : Path
            The run's report folder.

        Returns
        -------
        Path
            The ``manifest.json`` written.

        Raises
        ------
        WriteError
            If the folder cannot be written (read-only, full disk); names it.
        """
        path = folder / "manifest.json"
        try:
            path.write_text(json.dumps(asdict(self), indent=2, default=str) + "\n")
        except OSError as exc:
            raise write_error(exc, folder, "the manifest (manifest.json)") from exc
        return path


def cell_timings(notebook: nbformat.NotebookNode) -> list[CellTiming]:
    """Read back the time papermill measured for each code cell of an executed notebook.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A notebook executed by papermill (``cell.metadata.papermill.duration``).

    Returns
    -------
    list of CellTiming
        One entry per code cell that ran, in notebook order; cells after a failure, which
        never ran, have no duration and are left out.
    """
    timings = []
    for index, cell in enumerate(notebook.cells):
        seconds = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell.cell_type != "code" or seconds is None:
            continue
        first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
        timings.append(CellTiming(index, first[:100], round(float(seconds), 3)))
    return timings


def git_commit() -> str:
    """Return the project's git commit, with ``-dirty`` when the tree has changes.

    Returns
    -------
    str
        The commit hash, or ``"unknown"`` outside a git checkout.
    """
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=paths.PROJECT_ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=paths.PROJECT_ROOT,
            capture_output=True,
            text=True,
        )
    except OSError:
        return "unknown"
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def package_versions() -> dict[str, str]:
    """Return installed versions of the packages that shape the results.

    Returns
    -------
    dict of str to str
        Distribution name -> version (``"absent"`` when not installed).
    """
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions
