"""Run notebooks with papermill as reports: ``params/<run>.yaml -> reports/<run>/``."""

from __future__ import annotations

import os
import time
from collections.abc import Collection, Mapping
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import papermill
import yaml

from aftersales import capabilities, params, paths
from aftersales.errors import ParameterError
from aftersales.report import _notebooks
from aftersales.report._kernel import kernel_manager_class
from aftersales.report._manifest import (
    Manifest,
    NotebookOutcome,
    cell_timings,
    git_commit,
    package_versions,
)
from aftersales.report._render import to_html

RESERVED = ("notebooks",)
"""Keys of a params file that configure the run rather than a notebook."""


def read_params(path: Path) -> dict[str, Any]:
    """Read a params file: a YAML mapping of parameter names to values.

    Parameters
    ----------
    path : Path
        ``params/<run>.yaml``.

    Returns
    -------
    dict
        The mapping (an empty file gives an empty mapping).

    Raises
    ------
    ParameterError
        If the file is missing, is not valid YAML (with the line and column), or is not a
        mapping.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read the params file ({exc.strerror})") from exc
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParameterError(f"{path}: not valid YAML{where}: {problem}") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError(
            f"{path}: expected a mapping of parameter names to values; got {type(loaded).__name__}"
        )
    return loaded


def plan(
    settings: Mapping[str, Any],
    *,
    source: str,
    notebooks: list[str] | None = None,
    folder: Path | None = None,
) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Decide which notebooks run and which parameters each receives.

    Parameters
    ----------
    settings : Mapping[str, Any]
        The params file's content.
    source : str
        The params file's name, for messages.
    notebooks : list of str, optional
        Notebook numbers to run instead of the file's ``notebooks`` key. Without either,
        every notebook the ``dataset`` supports runs (every notebook for another folder).
    folder : Path, optional
        Where the notebooks are (default ``notebooks/``).

    Returns
    -------
    dict
        Notebook number -> (path, the parameters it declares and the file sets). Keys
        only unselected notebooks declare are left out.

    Raises
    ------
    ParameterError
        If a key is declared by no notebook at all, a value fails the notebook's checks, or
        the data set lacks the columns a selected notebook needs (named, before anything
        runs).
    UnknownNameError
        If a notebook number names no notebook.
    """
    listed = settings.get("notebooks") or None
    if listed is not None and not isinstance(listed, list):
        raise ParameterError(f"{source}: `notebooks` must be a list of numbers like ['01.00']")
    values = {k: v for k, v in settings.items() if k not in RESERVED}
    dataset = values.get("dataset")
    chosen = notebooks or listed
    if chosen is None and folder is None and isinstance(dataset, str):
        chosen = capabilities.supported(dataset)  # every notebook the data supports
    selected = _notebooks.select([str(n) for n in chosen] if chosen else None, folder=folder)
    declared = {number: _notebooks.declared(path) for number, path in selected.items()}
    every = set().union(*map(_notebooks.declared, _notebooks.canonical(folder).values()))
    orphans = sorted(set(values) - every)  # keys of unselected notebooks are ignored
    if orphans:
        known = sorted(every - {"output_dir"})
        raise ParameterError(
            f"{source}: parameter(s) {orphans} are declared by none of the notebooks;"
            f"{params.did_you_mean(orphans, known)} declared: {known}"
        )
    if folder is None and isinstance(dataset, str):
        methods = {
            number: values.get("split_method", _default(number, "split_method"))
            for number in selected
        }
        capabilities.require(dataset, list(selected), split_methods=methods, where=source)
    planned = {}
    for number, path in selected.items():
        own = {k: v for k, v in values.items() if k in declared[number]}
        if folder is None and number in params.REGISTRY:  # canonical notebooks: check early
            params.build(params.REGISTRY[number], own, where=f"{source} for {path.name}")
        planned[number] = (path, own)
    return planned


def _default(number: str, name: str) -> Any:
    cls = params.REGISTRY.get(number)
    found = {f.name: f.default for f in fields(cls)} if cls else {}
    return found.get(name)


def run(
    params_file: Path,
    *,
    notebooks: list[str] | None = None,
    reports: Path | None = None,
    folder: Path | None = None,
    progress: bool = True,
) -> Manifest:
    """Execute one report run and write ``reports/<run>/``.

    The run's name is the params file's stem. Each notebook is executed with papermill,
    receiving only the parameters it declares plus ``output_dir`` (relative to the notebook's
    folder, so no absolute path of the machine enters the reports); an HTML copy without
    code is rendered beside it. A failing notebook stops the run; its executed copy is kept
    and the manifest names the failing cell.

    Parameters
    ----------
    params_file : Path
        ``params/<run>.yaml``.
    notebooks : list of str, optional
        Notebook numbers to run (default: the file's ``notebooks`` key, else all).
    reports : Path, optional
        Report root (default ``reports/``); created when missing.
    folder : Path, optional
        Where the notebooks are (default ``notebooks/``).
    progress : bool, default True
        Show papermill's progress bar, labelled with the run and notebook.

    Returns
    -------
    Manifest
        What was run, how it ended and where the time went (also written as
        ``manifest.json``).

    Raises
    ------
    ParameterError
        If the params file is invalid; nothing is executed then.
    """
    params_file = Path(params_file)
    settings = read_params(params_file)
    planned = plan(settings, source=params_file.name, notebooks=notebooks, folder=folder)
    target = (reports or paths.reports_dir()) / params_file.stem
    target.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(
        run=params_file.stem,
        params_file=_shown(params_file),
        parameters={k: v for k, v in settings.items() if k not in RESERVED},
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        git_commit=git_commit(),
        packages=package_versions(),
    )
    pages = {path.stem for path, _ in planned.values()}
    started = time.perf_counter()
    failed = False
    for number, (path, own) in planned.items():
        if failed:
            manifest.notebooks.append(NotebookOutcome(path.stem, "skipped"))
            continue
        label = f"[{manifest.run}] {number}"
        outcome = _execute(path, own, target, label=label, pages=pages, progress=progress)
        manifest.notebooks.append(outcome)
        manifest.ran.append(number)
        failed = outcome.status != "ok"
        manifest.write(target)
        print(f"{label} {outcome.status} ({outcome.duration_s:.1f} s)", flush=True)
    if failed:  # later notebooks were skipped: drop the links to their pages
        ran = {outcome.notebook for outcome in manifest.notebooks if outcome.html}
        for name in ran:
            to_html(target / f"{name}.ipynb", target / f"{name}.html", pages=ran)
    manifest.status = "failed" if failed else "ok"
    manifest.duration_s = round(time.perf_counter() - started, 2)
    manifest.write(target)
    return manifest


def _shown(path: Path) -> str:
    """``path`` relative to the project (or the working folder) when it lies inside it."""
    resolved = path.resolve()
    for base in (paths.PROJECT_ROOT, Path.cwd()):
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return path.name


def _relative(path: Path, start: Path) -> str:
    """``path`` written relative to ``start`` (absolute only across Windows drives)."""
    try:
        return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()
    except ValueError:  # pragma: no cover - different drives on Windows
        return str(path.resolve())


def _execute(
    path: Path,
    own: dict[str, Any],
    folder: Path,
    *,
    label: str,
    pages: Collection[str],
    progress: bool,
) -> NotebookOutcome:
    target = folder / path.name
    values = {**own, "output_dir": _relative(folder, path.parent)}
    began = time.perf_counter()
    outcome = NotebookOutcome(path.stem, "ok")
    try:
        papermill.execute_notebook(
            str(path),
            str(target),
            parameters=values,
            kernel_name="python3",
            cwd=str(path.parent),
            progress_bar={"desc": label} if progress else False,
            kernel_manager_class=kernel_manager_class(),
        )
    except papermill.PapermillExecutionError as exc:
        outcome.status = "failed"
        outcome.failing_cell = exc.exec_count
        outcome.failing_source = exc.source
        outcome.error = f"{exc.ename}: {exc.evalue}"
        print(
            f"error: {path.name} failed in cell [{exc.exec_count}] with {exc.ename}: {exc.evalue}\n"
            f"       the executed notebook is kept at {target}",
            flush=True,
        )
    outcome.duration_s = round(time.perf_counter() - began, 2)
    if target.exists():
        outcome.cells = cell_timings(_scrub(target, source=path))
        outcome.html = to_html(target, target.with_suffix(".html"), pages=pages).name
    return outcome


def _scrub(executed: Path, *, source: Path) -> nbformat.NotebookNode:
    """Make an executed notebook the same from run to run, wherever the machine keeps it.

    papermill records the absolute input and output paths, and gives the cell it injects a
    random id (which the HTML page shows); they become the paths as given in the project
    and a fixed id.
    """
    notebook = nbformat.read(executed, as_version=4)
    for cell in notebook.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
    recorded = notebook.metadata.get("papermill", {})
    if "input_path" in recorded:
        recorded["input_path"] = _shown(source)
    if "output_path" in recorded:
        recorded["output_path"] = executed.name
    nbformat.write(notebook, executed)
    return notebook
