"""Run notebooks with papermill as reports: ``params/<run>.yaml -> reports/<run>/``."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Collection, Mapping
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import papermill
import yaml
from nbclient.exceptions import DeadKernelError

from aftersales import capabilities, locks, params, paths, privacy, validate
from aftersales.errors import AftersalesError, ParameterError, WriteError
from aftersales.report import _notebooks
from aftersales.report._kernel import CpuMeter, kernel_manager_class
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

SECRETS = {"pseudonym_key": privacy.KEY_ENV_VAR}
"""Secret parameters and the environment variable that hands each to the kernel.

papermill writes injected parameters into the executed notebook (and so the HTML page); a
secret goes to the kernel through its environment instead, the notebook keeps its empty
default and reads the variable, and the manifest records only ``<name>_fingerprint``."""

INTERRUPTED = "KeyboardInterrupt: stopped by the user (Ctrl-C)"
"""The error a notebook's outcome records when Ctrl-C stopped it."""

AFTER_STORE = ("03.02",)
"""Notebooks that read the run's customer store: they run last, once the store is built
from what every other notebook of the run produced (04.00's recommendations included)."""

RUN_LOCK_WAIT_S = 0.0
"""Seconds a run waits for another run of the same params file to end (0: fail at once,
naming it: running the same report twice at once is a mistake, not a queue)."""


def read_params(path: Path) -> dict[str, Any]:
    """Read a params file: a YAML mapping of parameter names to values.

    Parameters
    ----------
    path : Path
        ``params/<run>.yaml``.

    Returns
    -------
    dict
        The mapping.

    Raises
    ------
    ParameterError
        If the file is missing, empty (it names no data set), is not valid YAML (with the
        line and column), or is not a mapping.
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
    if loaded is None or loaded == {}:
        raise ParameterError(
            f"{path}: the params file is empty: no `dataset` to run on. Give at least "
            "`dataset: <name>` (see params/*.yaml)"
        )
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
            f"{validate.did_you_mean(orphans, known)} declared: {known}"
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
    last = [number for number in planned if number in AFTER_STORE]  # they read the store
    return {number: planned[number] for number in [*sorted(set(planned) - set(last)), *last]}


def _default(number: str, name: str) -> Any:
    cls = params.REGISTRY.get(number)
    found = {f.name: f.default for f in fields(cls)} if cls else {}
    return found.get(name)


def require_dataset(
    settings: Mapping[str, Any],
    planned: Mapping[str, tuple[Path, dict[str, Any]]],
    *,
    source: str,
) -> None:
    """Refuse a run whose notebooks take a ``dataset`` the params file does not give.

    Without it every notebook would quietly run on its default data set, which is not what
    a params file is for.

    Parameters
    ----------
    settings : Mapping[str, Any]
        The params file's content.
    planned : Mapping
        :func:`plan`'s result.
    source : str
        The params file's name, for messages.

    Raises
    ------
    ParameterError
        If a planned notebook declares ``dataset`` and the file sets none.
    """
    if settings.get("dataset"):
        return
    takers = [path.stem for path, _ in planned.values() if "dataset" in _notebooks.declared(path)]
    if takers:
        raise ParameterError(
            f"{source}: no `dataset`: the notebooks {takers} take one; add `dataset: <name>` "
            "rather than running them on their defaults"
        )


def _recorded(settings: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """Return the parameters a manifest records: each secret as its key's fingerprint."""
    shown = {k: v for k, v in settings.items() if k not in RESERVED and k not in SECRETS}
    for name in SECRETS:
        if settings.get(name):
            key = privacy.resolve_key(settings[name], source=f"{source}: parameter `{name}`")
            shown[f"{name}_fingerprint"] = privacy.key_fingerprint(key)
    return shown


def run(
    params_file: Path,
    *,
    notebooks: list[str] | None = None,
    reports: Path | None = None,
    folder: Path | None = None,
    progress: bool = True,
    wait: float = RUN_LOCK_WAIT_S,
) -> Manifest:
    """Execute one report run and write ``reports/<run>/``.

    The run's name is the params file's stem. Each notebook is executed with papermill,
    receiving only the parameters it declares plus ``output_dir`` (relative to the notebook's
    folder, so no absolute path of the machine enters the reports); an HTML copy without
    code is rendered beside it. A failing notebook stops the run; its executed copy is kept
    and the manifest names the failing cell. Secret parameters (:data:`SECRETS`) reach the
    kernel through its environment; no output holds them, the manifest records a
    fingerprint.

    The run writes into ``reports/.<run>.partial/`` and replaces ``reports/<run>/`` by it
    when it ends, however it ends (ok, failed, interrupted), so no file of an earlier run
    is left beside a new status. A lock (``reports/.<run>.lock``) keeps a second run of the
    same params file out; leftovers of a killed run are removed by the next.

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
    wait : float, default :data:`RUN_LOCK_WAIT_S`
        Seconds to wait for another run of the same params file to end.

    Returns
    -------
    Manifest
        What was run, how it ended (``ok``, ``failed``, or ``interrupted`` when the kernel
        died) and where the time went (also written as ``manifest.json``).

    Raises
    ------
    ParameterError
        If the params file is invalid; nothing is executed then.
    LockedError
        If another run of the same params file is under way; names it.
    WriteError
        If the report folder cannot be written (read-only, full disk); names it.
    KeyboardInterrupt
        After Ctrl-C, once the manifest says ``interrupted`` and the folder is in place.
    """
    params_file = Path(params_file)
    settings = read_params(params_file)
    recorded = _recorded(settings, source=params_file.name)  # first: its errors show no key
    planned = plan(settings, source=params_file.name, notebooks=notebooks, folder=folder)
    require_dataset(settings, planned, source=params_file.name)
    name = params_file.stem
    root = reports or paths.reports_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise locks.write_error(exc, root.parent, f"the report folder {root.name}") from exc
    with locks.hold(root / f".{name}.lock", purpose=f"report run {name}", timeout=wait):
        staging = locks.fresh_folder(root / f".{name}.partial", what=f"the report of run {name}")
        manifest = Manifest(
            run=name,
            params_file=paths.shown(params_file),
            parameters=recorded,
            started=datetime.now(UTC).isoformat(timespec="seconds"),
            git_commit=git_commit(),
            packages=package_versions(),
        )
        started = time.perf_counter()
        stopped = False
        try:
            manifest.write(staging)
            stopped = _execute_all(
                planned,
                manifest,
                staging,
                final=root / name,
                progress=progress,
                key=settings.get("pseudonym_key") or None,
            )
        except KeyboardInterrupt:  # between two notebooks
            stopped = True
        finally:  # however the run ends, the manifest gets its status and the folder its place
            _finish(manifest, planned, staging, root / name, began=started, stopped=stopped)
    if stopped:
        raise KeyboardInterrupt
    return manifest


def _execute_all(
    planned: Mapping[str, tuple[Path, dict[str, Any]]],
    manifest: Manifest,
    staging: Path,
    *,
    final: Path,
    progress: bool,
    key: str | None = None,
) -> bool:
    """Run the planned notebooks in order until one does not end ``ok``; True after Ctrl-C.

    The customer store is built once every notebook but :data:`AFTER_STORE` has run (at
    the end when none of those is planned); ``key`` is the params file's pseudonym key.
    """
    pages = {path.stem for path, _ in planned.values()}
    for number, (path, own) in planned.items():
        if number in AFTER_STORE and manifest.store is None:
            if not _build_store(manifest, staging, key=key):
                return False
        label = f"[{manifest.run}] {number}"
        began = time.perf_counter()
        try:
            outcome = _execute(
                path, own, staging, final=final, label=label, pages=pages, progress=progress
            )
        except KeyboardInterrupt:
            outcome = NotebookOutcome(path.stem, "interrupted", error=INTERRUPTED)
            outcome.duration_s = round(time.perf_counter() - began, 2)
            _keep_partial(outcome, staging / path.name, source=path, final=final, pages=pages)
        manifest.notebooks.append(outcome)
        manifest.ran.append(number)
        print(f"{label} {outcome.status} ({seconds(outcome)})", flush=True)
        if outcome.status != "ok":
            return outcome.error == INTERRUPTED
        manifest.write(staging)
    if manifest.store is None:
        _build_store(manifest, staging, key=key)
    return False


def seconds(outcome: NotebookOutcome) -> str:
    """Return how long a notebook took, as printed: wall seconds, and CPU seconds if known.

    Parameters
    ----------
    outcome : NotebookOutcome
        A notebook that has ended.

    Returns
    -------
    str
        ``"12.3 s"`` or ``"12.3 s, cpu 11.9 s"``.
    """
    cpu = f", cpu {outcome.cpu_s:.1f} s" if outcome.cpu_s is not None else ""
    return f"{outcome.duration_s or 0.0:.1f} s{cpu}"


def _build_store(manifest: Manifest, staging: Path, *, key: str | None) -> bool:
    """Write ``store.duckdb`` from the run's outputs; False (and a failed run) if it fails."""
    from aftersales import store  # duckdb loads only when a run gets this far

    try:
        built = store.build_run(staging, key=key)
    except AftersalesError as exc:
        manifest.store = {"error": f"{type(exc).__name__}: {exc}"}
        print(f"error: [{manifest.run}] the customer store was not built: {exc}", flush=True)
        return False
    manifest.store = {
        "file": built.path.name,
        "load_seconds": built.seconds,
        "rows": built.rows,
    }
    print(
        f"[{manifest.run}] store {built.path.name}: {sum(built.rows.values()):,} rows "
        f"({built.seconds:.1f} s)",
        flush=True,
    )
    manifest.write(staging)
    return True


def _finish(
    manifest: Manifest,
    planned: Mapping[str, tuple[Path, dict[str, Any]]],
    staging: Path,
    final: Path,
    *,
    began: float,
    stopped: bool,
) -> None:
    """Give the manifest its final status, write it and swap the run's folder in."""
    done = {outcome.notebook for outcome in manifest.notebooks}
    ran_all = len(done) == len(planned)
    for path, _ in planned.values():  # notebooks never started: skipped
        if path.stem not in done:
            manifest.notebooks.append(NotebookOutcome(path.stem, "skipped"))
    statuses = {outcome.status for outcome in manifest.notebooks}
    if stopped or "interrupted" in statuses:
        manifest.status = "interrupted"
    elif statuses <= {"ok"} and ran_all:
        manifest.status = "ok"
    else:  # a failed notebook, or an unexpected error between notebooks
        manifest.status = "failed"
    if manifest.status == "ok" and (manifest.store is None or "error" in manifest.store):
        manifest.status = "failed"  # every run ends with its store
    if manifest.status != "ok":  # later notebooks were skipped: drop the links to their pages
        ran = {outcome.notebook for outcome in manifest.notebooks if outcome.html}
        for name in ran:
            try:
                to_html(staging / f"{name}.ipynb", staging / f"{name}.html", pages=ran)
            except OSError as exc:
                print(f"warning: {locks.write_error(exc, staging, f'{name}.html')}", flush=True)
    manifest.duration_s = round(time.perf_counter() - began, 2)
    if manifest.store and "file" in manifest.store:  # the store's `runs` row: the final manifest
        from aftersales import store

        try:
            store.record_run(staging / manifest.store["file"], asdict(manifest))
        except AftersalesError as exc:  # the run's outcome stands; the store keeps its row
            print(f"warning: [{manifest.run}] the store's runs row was not updated: {exc}")
    manifest.write(staging)
    locks.swap_in(staging, final, what=f"the report of run {manifest.run}")


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
    final: Path,
    label: str,
    pages: Collection[str],
    progress: bool | Mapping[str, Any],
    env: Mapping[str, str] | None = None,
) -> NotebookOutcome:
    """Execute one notebook into ``folder``; ``progress`` may hold tqdm options (position).

    ``env`` adds variables to the kernel's environment (thread counts of a shared pool).
    """
    target = folder / path.name
    secret = {SECRETS[k]: str(v) for k, v in own.items() if k in SECRETS and v}
    meter = CpuMeter()
    bar: bool | dict[str, Any] = False
    if progress:
        bar = {"desc": label, **(progress if isinstance(progress, Mapping) else {})}
    injected = {k: v for k, v in own.items() if k not in SECRETS}
    values = {**injected, "output_dir": _relative(folder, path.parent)}
    began = time.perf_counter()
    outcome = NotebookOutcome(path.stem, "ok")
    try:
        papermill.execute_notebook(
            str(path),
            str(target),
            parameters=values,
            kernel_name="python3",
            cwd=str(path.parent),
            progress_bar=bar,
            kernel_manager_class=kernel_manager_class(env={**(env or {}), **secret}, meter=meter),
        )
    except papermill.PapermillExecutionError as exc:
        stopped = exc.ename == "KeyboardInterrupt"  # the kernel was sent SIGINT
        outcome.status = "interrupted" if stopped else "failed"
        outcome.failing_cell = exc.exec_count
        outcome.failing_source = exc.source
        outcome.error = f"{exc.ename}: {exc.evalue}"
        print(
            f"error: {path.name} {outcome.status} in cell [{exc.exec_count}] with "
            f"{exc.ename}: {exc.evalue}\n       the executed notebook is kept",
            flush=True,
        )
    except DeadKernelError:
        outcome.status = "interrupted"
        outcome.error = (
            "DeadKernelError: the kernel died (killed by a signal, or out of memory: "
            "see the machine's log, or lower the run's sizes)"
        )
        print(f"error: {path.name}: {outcome.error}", flush=True)
    except OSError as exc:  # papermill could not write the executed notebook
        outcome.status = "failed"
        outcome.error = _named(locks.write_error(exc, folder, f"the executed notebook {path.name}"))
        print(f"error: {outcome.error}", flush=True)
    outcome.duration_s = round(time.perf_counter() - began, 2)
    outcome.cpu_s = meter.seconds
    _keep_partial(outcome, target, source=path, final=final, pages=pages)
    return outcome


def _named(error: WriteError) -> str:
    return f"{type(error).__name__}: {error}"


def _keep_partial(
    outcome: NotebookOutcome,
    executed: Path,
    *,
    source: Path,
    final: Path,
    pages: Collection[str],
) -> None:
    """Scrub the executed copy, record its timings and render its page, as far as it got.

    The cell that was running when the kernel died or Ctrl-C came is named; a copy that
    cannot be read (cut off mid-write) is left as it is.
    """
    if not executed.exists():
        return
    try:
        notebook = _scrub(executed, source=source, final=final)
    except (OSError, ValueError) as exc:
        if outcome.status == "ok":  # the run's own writing failed: the outcome says so
            outcome.status = "failed"
            outcome.error = _named(locks.write_error(exc, executed.parent, executed.name))
        return
    outcome.cells = cell_timings(notebook)
    if outcome.failing_cell is None and outcome.status == "interrupted":
        running = _running_cell(notebook)
        if running is not None:
            outcome.failing_cell, outcome.failing_source = running
    page = executed.with_suffix(".html")
    try:
        outcome.html = to_html(executed, page, pages=pages).name
    except OSError as exc:
        if outcome.status == "ok":
            outcome.status = "failed"
            outcome.error = _named(locks.write_error(exc, executed.parent, f"the page {page.name}"))


def _running_cell(notebook: nbformat.NotebookNode) -> tuple[int, str] | None:
    """Return (number, source) of the last code cell that started, the one cut short.

    papermill marks every cell ``completed`` when a kernel dies; the cells after the one
    cut short never got a start time. The number is the cell's execution count, or its
    place among the code cells (the same in a notebook papermill ran from the top).
    """
    started = None
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code, start=1):
        if cell.get("metadata", {}).get("papermill", {}).get("start_time"):
            started = (cell.get("execution_count") or number, cell.source)
    return started


def _scrub(executed: Path, *, source: Path, final: Path) -> nbformat.NotebookNode:
    """Make an executed notebook the same from run to run, wherever the machine keeps it.

    papermill records the absolute input and output paths, and gives the cell it injects a
    random id (which the HTML page shows); they become the paths as given in the project
    and a fixed id. The run's scratch folder, which the notebook saw as ``output_dir``,
    becomes the folder the run ends in.
    """
    scratch, shown = (_relative(f, source.parent) for f in (executed.parent, final))
    text = executed.read_text(encoding="utf-8")
    text = text.replace(json.dumps(scratch)[1:-1], json.dumps(shown)[1:-1])  # as JSON spells it
    notebook = nbformat.reads(text, as_version=4)
    for cell in notebook.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
    recorded = notebook.metadata.get("papermill", {})
    if "input_path" in recorded:
        recorded["input_path"] = paths.shown(source)
    if "output_path" in recorded:
        recorded["output_path"] = executed.name
    nbformat.write(notebook, executed)
    return notebook
