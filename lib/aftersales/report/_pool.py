"""Several report runs on one bounded pool: notebooks, not whole runs, share the CPUs.

Running whole runs side by side leaves a CPU idle once the shorter runs end while the
longest still has minutes of notebooks to go. The pool instead takes the notebooks of every
run as tasks over a small dependency graph:

- ``01.00`` first in its run (it builds the run's preparation cache the others read);
- the run's customer store once every other notebook of the run has ended ``ok``, then the
  notebooks of :data:`~aftersales.report._run.AFTER_STORE` (``03.02`` reads the store);
- every other notebook free, longest first (the longest-processing-time rule), so the
  short ones fill the gaps at the end.

Each notebook has its own kernel process, as in a run of its own, with its outputs, pages
and manifest entry exactly as :func:`aftersales.report.run` writes them; a failing notebook
stops its run (the run's notebooks not yet started are skipped), not the others.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aftersales import locks, paths
from aftersales.errors import AftersalesError
from aftersales.report._kernel import interrupt_running
from aftersales.report._manifest import Manifest, NotebookOutcome, git_commit, package_versions
from aftersales.report._run import (
    AFTER_STORE,
    RUN_LOCK_WAIT_S,
    _build_store,
    _execute,
    _finish,
    _recorded,
    plan,
    read_params,
    require_dataset,
    seconds,
)

FIRST = "01.00"
"""The notebook every other notebook of its run waits for."""

STORE = "store"
"""The task that builds a run's customer store."""

TYPICAL_SECONDS: Mapping[str, float] = {
    "01.00": 20.0,
    "02.00": 145.0,
    "02.01": 270.0,
    "02.02": 145.0,
    "02.03": 25.0,
    "03.00": 27.0,
    "03.01": 21.0,
    "03.02": 8.0,
    "03.03": 29.0,
    "03.04": 23.0,
    "04.00": 153.0,
    "04.01": 17.0,
}
"""Seconds a notebook took in the slowest shipped run (``make reports`` from a fresh clone on
an idle machine with 2 cores, ``bench/report_times.py``), the order of the pool when the
report root holds no earlier manifest of the run."""

DEFAULT_SECONDS = 60.0
"""Expected seconds of a notebook neither an earlier manifest nor the table knows."""


@dataclass
class RunState:
    """One report run in the pool: its plan, staging folder, manifest and progress."""

    name: str
    planned: dict[str, tuple[Path, dict[str, Any]]]
    manifest: Manifest
    staging: Path
    final: Path
    key: str | None
    began: float
    expected: dict[str, float]
    outcomes: dict[str, NotebookOutcome] = field(default_factory=dict)
    running: set[str] = field(default_factory=set)
    stopped: bool = False  # a notebook did not end ok, or Ctrl-C: start nothing more
    finished: bool = False

    def ready(self) -> list[str]:
        """Return the tasks that may start now (notebook numbers, or :data:`STORE`)."""
        if self.stopped:
            return []
        waiting = [n for n in self.planned if n not in self.outcomes and n not in self.running]
        if FIRST in self.planned and FIRST not in self.outcomes:
            return [FIRST] if FIRST in waiting else []
        before = [n for n in self.planned if n not in AFTER_STORE]
        built = self.manifest.store is not None and STORE not in self.running  # and recorded
        if all(n in self.outcomes for n in before) and not built and STORE not in self.running:
            return [STORE]  # every notebook but those after the store has ended ok
        return [n for n in waiting if n not in AFTER_STORE or built]

    def idle(self) -> bool:
        """Whether nothing of the run is running and nothing more will start."""
        return not self.running and not self.ready()


def expected_seconds(run: str, numbers: Sequence[str], reports: Path) -> dict[str, float]:
    """Return the seconds each notebook of a run is expected to take.

    Parameters
    ----------
    run : str
        The run's name (``reports/<run>/``).
    numbers : sequence of str
        Its notebook numbers.
    reports : Path
        The report root, whose ``<run>/manifest.json`` (an earlier run) gives the times.

    Returns
    -------
    dict of str to float
        Number -> seconds: the earlier run's, else :data:`TYPICAL_SECONDS`, else
        :data:`DEFAULT_SECONDS`.
    """
    earlier: dict[str, float] = {}
    try:
        manifest = json.loads((reports / run / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest.get("notebooks", []):
            if entry.get("status") == "ok" and entry.get("duration_s"):
                earlier[str(entry["notebook"])[:5]] = float(entry["duration_s"])
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        pass  # no earlier run (or an unreadable one): the table decides
    return {n: earlier.get(n, TYPICAL_SECONDS.get(n, DEFAULT_SECONDS)) for n in numbers}


def order(tasks: Sequence[tuple[RunState, str]]) -> list[tuple[RunState, str]]:
    """Sort ready tasks: stores, then ``01.00``, then the longest expected first.

    Stores and ``01.00`` unblock the rest of their run, so they go first; ties keep the
    order of the runs as given.

    Parameters
    ----------
    tasks : sequence of (RunState, str)
        Ready tasks, in the runs' order.

    Returns
    -------
    list of (RunState, str)
        The same tasks in the order they should start.
    """

    def rank(task: tuple[RunState, str]) -> tuple[int, float]:
        state, number = task
        if number == STORE:
            return (0, 0.0)
        if number == FIRST:
            return (1, 0.0)
        return (2, -state.expected.get(number, DEFAULT_SECONDS))

    return sorted(tasks, key=rank)


def _open(
    params_file: Path,
    stack: ExitStack,
    *,
    notebooks: list[str] | None,
    reports: Path,
    folder: Path | None,
    wait_s: float,
) -> RunState:
    """Check a params file, take its run's lock and start its staging folder and manifest."""
    settings = read_params(params_file)
    recorded = _recorded(settings, source=params_file.name)
    planned = plan(settings, source=params_file.name, notebooks=notebooks, folder=folder)
    require_dataset(settings, planned, source=params_file.name)
    name = params_file.stem
    stack.enter_context(
        locks.hold(reports / f".{name}.lock", purpose=f"report run {name}", timeout=wait_s)
    )
    staging = locks.fresh_folder(reports / f".{name}.partial", what=f"the report of run {name}")
    manifest = Manifest(
        run=name,
        params_file=paths.shown(params_file),
        parameters=recorded,
        started=datetime.now(UTC).isoformat(timespec="seconds"),
        git_commit=git_commit(),
        packages=package_versions(),
    )
    manifest.write(staging)
    return RunState(
        name=name,
        planned=planned,
        manifest=manifest,
        staging=staging,
        final=reports / name,
        key=settings.get("pseudonym_key") or None,
        began=time.perf_counter(),
        expected=expected_seconds(name, list(planned), reports),
    )


def _task(
    state: RunState,
    number: str,
    *,
    slot: int,
    progress: bool,
    env: Mapping[str, str],
) -> NotebookOutcome | bool:
    """Run one task in a worker thread: a notebook (its outcome) or the store (built?)."""
    if number == STORE:
        return _build_store(state.manifest, state.staging, key=state.key)
    path, own = state.planned[number]
    label = f"[{state.name}] {number}"
    print(f"{label} started", flush=True)
    return _execute(
        path,
        own,
        state.staging,
        final=state.final,
        label=label,
        pages={p.stem for p, _ in state.planned.values()},
        progress={"position": slot, "leave": True} if progress else False,
        env=env,
    )


def _record(state: RunState, number: str, result: NotebookOutcome | bool) -> None:
    """Take a finished task's result into its run (in the main thread only)."""
    state.running.discard(number)
    if number == STORE:
        if not result:
            state.stopped = True
        return
    assert isinstance(result, NotebookOutcome)
    state.outcomes[number] = result
    print(f"[{state.name}] {number} {result.status} ({seconds(result)})", flush=True)
    if result.status != "ok":
        state.stopped = True
        return
    state.manifest.notebooks.append(result)
    state.manifest.ran.append(number)
    state.manifest.write(state.staging)


def _close(state: RunState, *, interrupted: bool) -> None:
    """End a run: its manifest in plan order, its status, its folder swapped in."""
    manifest = state.manifest
    rank = {number: position for position, number in enumerate(state.planned)}
    ended = sorted(state.outcomes, key=rank.__getitem__)
    manifest.notebooks = [state.outcomes[n] for n in ended]
    manifest.ran = ended
    if manifest.store is None and not state.stopped:
        _build_store(manifest, state.staging, key=state.key)  # nothing planned needs it
    stopped = interrupted or any(o.status == "interrupted" for o in manifest.notebooks)
    _finish(manifest, state.planned, state.staging, state.final, began=state.began, stopped=stopped)
    state.finished = True
    print(f"[{manifest.run}] {manifest.status} in {manifest.duration_s:.1f} s", flush=True)


def run_pool(
    params_files: Sequence[Path],
    *,
    jobs: int,
    notebooks: list[str] | None = None,
    reports: Path | None = None,
    folder: Path | None = None,
    progress: bool = True,
    env: Mapping[str, str] | None = None,
    wait_s: float = RUN_LOCK_WAIT_S,
) -> list[Manifest | AftersalesError]:
    """Execute several report runs, their notebooks sharing a pool of ``jobs`` kernels.

    Parameters
    ----------
    params_files : sequence of Path
        ``params/<run>.yaml`` files; ties of the pool's order follow their order.
    jobs : int
        Notebooks executed at a time (each in its own kernel); at least 1.
    notebooks : list of str, optional
        Notebook numbers to run in every run (default: each file's ``notebooks`` key).
    reports : Path, optional
        Report root (default ``reports/``); created when missing.
    folder : Path, optional
        Where the notebooks are (default ``notebooks/``).
    progress : bool, default True
        Show papermill's progress bars, one line per pool slot.
    env : Mapping[str, str], optional
        Variables every kernel's environment gets (thread counts, see
        ``aftersales.report.__main__.thread_environment``).
    wait_s : float, default :data:`~aftersales.report._run.RUN_LOCK_WAIT_S`
        Seconds to wait for another run of the same params file to end.

    Returns
    -------
    list
        Per params file, in their order: its :class:`Manifest` (also written as
        ``reports/<run>/manifest.json``), or the error that kept it from starting (an
        invalid params file, a run of the same file under way).

    Raises
    ------
    KeyboardInterrupt
        After Ctrl-C, once every started run has its manifest ``interrupted`` and its
        folder in place.
    WriteError
        If the report root cannot be created.
    """
    root = reports or paths.reports_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise locks.write_error(exc, root.parent, f"the report folder {root.name}") from exc
    results: list[Manifest | AftersalesError] = []
    with ExitStack() as stack:
        states: list[RunState] = []
        for params_file in map(Path, params_files):
            try:
                states.append(
                    _open(
                        params_file,
                        stack,
                        notebooks=notebooks,
                        reports=root,
                        folder=folder,
                        wait_s=wait_s,
                    )
                )
                results.append(states[-1].manifest)
            except AftersalesError as exc:
                print(f"error: {exc}", file=sys.stderr, flush=True)
                results.append(exc)
        _drive(states, jobs=jobs, progress=progress, env=dict(env or {}))
    return results


def _drive(states: list[RunState], *, jobs: int, progress: bool, env: Mapping[str, str]) -> None:
    """Start ready tasks while slots are free, until every run has ended."""
    running: dict[Future[Any], tuple[RunState, str, int]] = {}
    free = list(range(jobs))
    interrupted = False
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report") as pool:
        try:
            while True:
                ready = [(s, n) for s in states for n in s.ready()]
                for state, number in order(ready):
                    if not free:
                        break
                    if number in state.running:
                        continue  # a store already submitted this round
                    slot = free.pop(0)
                    state.running.add(number)
                    future = pool.submit(
                        _task, state, number, slot=slot, progress=progress, env=env
                    )
                    running[future] = (state, number, slot)
                for state in states:
                    if not state.finished and state.idle():
                        _close(state, interrupted=False)
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    state, number, slot = running.pop(future)
                    free.append(slot)
                    free.sort()
                    _record(state, number, future.result())
        except KeyboardInterrupt:
            interrupted = True
            for state in states:
                state.stopped = True
            interrupt_running()  # kernels run in sessions of their own: pass the Ctrl-C on
            wait(running)  # their notebooks end interrupted
            for future, (state, number, _) in running.items():
                if future.exception() is None:
                    _record(state, number, future.result())
        finally:
            for state in states:
                if not state.finished:
                    _close(state, interrupted=interrupted)
    if interrupted:
        raise KeyboardInterrupt
