"""Run notebooks with papermill as reports: ``params/<run>.yaml -> reports/<run>/``."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import papermill
import yaml

from aftersales import capabilities, params, paths
from aftersales.errors import ParameterError
from aftersales.report import _notebooks
from aftersales.report._manifest import Manifest, NotebookOutcome, git_commit, package_versions
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
        Notebook numbers to run; overrides the file's ``notebooks`` key. Without either,
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
    chosen = notebooks or settings.get("notebooks") or None
    if chosen is not None and not isinstance(chosen, list):
        raise ParameterError(f"{source}: `notebooks` must be a list of numbers like ['01.00']")
    values = {k: v for k, v in settings.items() if k not in RESERVED}
    dataset = values.get("dataset")
    if chosen is None and folder is None and isinstance(dataset, str):
        chosen = capabilities.supported(dataset)  # every notebook the data supports
    selected = _notebooks.select([str(n) for n in chosen] if chosen else None, folder=folder)
    declared = {number: _notebooks.declared(path) for number, path in selected.items()}
    every = set().union(*map(_notebooks.declared, _notebooks.canonical(folder).values()))
    orphans = sorted(set(values) - every)  # keys of unselected notebooks are ignored
    if orphans:
        raise ParameterError(
            f"{source}: parameter(s) {orphans} are declared by none of the notebooks; "
            f"declared: {sorted(every - {'output_dir'})}"
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
    receiving only the parameters it declares plus ``output_dir``; an HTML copy without code
    is rendered beside it. A failing notebook stops the run; its executed copy is kept and
    the manifest names the failing cell.

    Parameters
    ----------
    params_file : Path
        ``params/<run>.yaml``.
    notebooks : list of str, optional
        Notebook numbers to run (default: the file's ``notebooks`` key, else all).
    reports : Path, optional
        Report root (default ``reports/``).
    folder : Path, optional
        Where the notebooks are (default ``notebooks/``).
    progress : bool, default True
        Show papermill's progress bar.

    Returns
    -------
    Manifest
        What was run and how it ended (also written as ``manifest.json``).

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
        params_file=str(params_file),
        parameters=settings,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        git_commit=git_commit(),
        packages=package_versions(),
    )
    started = time.perf_counter()
    failed = False
    for number, (path, own) in planned.items():
        if failed:
            manifest.notebooks.append(NotebookOutcome(path.stem, "skipped"))
            continue
        outcome = _execute(path, own, target, progress=progress)
        manifest.notebooks.append(outcome)
        failed = outcome.status != "ok"
        manifest.write(target)
        print(f"[{params_file.stem}] {number} {outcome.status} ({outcome.duration_s:.1f} s)")
    manifest.status = "failed" if failed else "ok"
    manifest.duration_s = round(time.perf_counter() - started, 2)
    manifest.write(target)
    return manifest


def _execute(path: Path, own: dict[str, Any], folder: Path, *, progress: bool) -> NotebookOutcome:
    target = folder / path.name
    values = {**own, "output_dir": str(folder.resolve())}
    began = time.perf_counter()
    outcome = NotebookOutcome(path.stem, "ok")
    try:
        papermill.execute_notebook(
            str(path),
            str(target),
            parameters=values,
            kernel_name="python3",
            cwd=str(path.parent),
            progress_bar=progress,
        )
    except papermill.PapermillExecutionError as exc:
        outcome.status = "failed"
        outcome.failing_cell = exc.exec_count
        outcome.failing_source = exc.source
        outcome.error = f"{exc.ename}: {exc.evalue}"
        print(
            f"error: {path.name} failed in cell [{exc.exec_count}] with {exc.ename}: {exc.evalue}\n"
            f"       the executed notebook is kept at {target}"
        )
    outcome.duration_s = round(time.perf_counter() - began, 2)
    if target.exists():
        outcome.html = to_html(target, target.with_suffix(".html")).name
    return outcome
