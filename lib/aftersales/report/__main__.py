"""Command line of the report runner (``make reports``, ``make notebooks``).

Arguments are parsed before anything heavy is imported, so ``--help`` answers at once.
Several params files run in parallel, each in its own process (``--jobs``); their output is
prefixed with the run's name and the index is written once they have all ended.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

import yaml

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""BLAS and OpenMP thread counts, shared out between parallel runs (``implicit`` asks for
``OPENBLAS_NUM_THREADS=1`` too)."""


def parser() -> argparse.ArgumentParser:
    """Return the command line's argument parser.

    Returns
    -------
    argparse.ArgumentParser
        The parser of ``python -m aftersales.report``.
    """
    parse = argparse.ArgumentParser(
        prog="python -m aftersales.report",
        description="Run notebooks as parameterised reports: params/<run>.yaml -> reports/<run>/",
    )
    parse.add_argument("files", nargs="+", type=Path, help="params/*.yaml (or notebooks)")
    parse.add_argument("--notebooks", help="comma-separated notebook numbers, e.g. 01.00,02.00")
    parse.add_argument(
        "--reports", type=Path, help="report root (default reports/; created when missing)"
    )
    parse.add_argument(
        "--notebook-dir", type=Path, help="folder of the NN.NN-slug notebooks (default notebooks/)"
    )
    parse.add_argument(
        "--jobs",
        type=int,
        help="runs at a time, each in its own process (default: one per params file, "
        "at most the number of CPUs)",
    )
    parse.add_argument(
        "--in-place", action="store_true", help="re-execute the given notebooks in place"
    )
    parse.add_argument("--no-progress", action="store_true", help="hide progress bars")
    parse.add_argument("--no-index", action="store_true", help=argparse.SUPPRESS)
    return parse


def main(argv: list[str] | None = None) -> int:
    """Run report(s) from params files, or refresh notebooks in place.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when every run succeeded, 130 after Ctrl-C, 1 otherwise.
    """
    parse = parser()
    args = parse.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parse.error(f"--jobs must be at least 1; got {args.jobs}")
    if args.in_place:
        from aftersales.report._inplace import refresh

        for path in args.files:
            began = time.perf_counter()
            refresh(path, progress=not args.no_progress)
            print(f"{path}: refreshed ({time.perf_counter() - began:.1f} s)")
        return 0
    from aftersales import paths
    from aftersales.errors import AftersalesError

    reports = args.reports or paths.reports_dir()
    try:
        status = _runs(args, reports)
        if not args.no_index:
            from aftersales.report._index import write_index

            print(f"index: {write_index(reports)}")
    except AftersalesError as exc:  # named: which folder, which lock, which parameter
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    return status


INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""


def _runs(args: argparse.Namespace, reports: Path) -> int:
    from aftersales.locks import write_error

    try:
        reports.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, reports.parent, f"the report folder {reports.name}") from exc
    jobs = args.jobs or min(len(args.files), os.cpu_count() or 1)
    try:
        if jobs > 1 and len(args.files) > 1:
            return _in_parallel(args, reports, jobs=jobs)
        return max(_in_process(args, params_file, reports) for params_file in args.files)
    except KeyboardInterrupt:  # each run has ended its manifest `interrupted`
        return INTERRUPTED


def _in_process(args: argparse.Namespace, params_file: Path, reports: Path) -> int:
    from aftersales.errors import AftersalesError
    from aftersales.report._run import run

    numbers = args.notebooks.split(",") if args.notebooks else None
    try:
        manifest = run(
            params_file,
            notebooks=numbers,
            reports=reports,
            folder=args.notebook_dir,
            progress=not args.no_progress,
        )
    except AftersalesError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print(f"[{params_file.stem}] interrupted; the manifest says so", flush=True)
        raise
    print(f"[{manifest.run}] {manifest.status} in {manifest.duration_s:.1f} s", flush=True)
    return int(manifest.status != "ok")


def _child_command(args: argparse.Namespace, params_file: Path, reports: Path) -> list[str]:
    command = [sys.executable, "-m", "aftersales.report", str(params_file)]
    command += ["--jobs", "1", "--no-index", "--reports", str(reports)]
    if args.notebooks:
        command += ["--notebooks", args.notebooks]
    if args.notebook_dir:
        command += ["--notebook-dir", str(args.notebook_dir)]
    if args.no_progress:
        command.append("--no-progress")
    return command


def thread_environment(jobs: int, *, cpus: int | None = None) -> dict[str, str]:
    """Return the environment of one run when ``jobs`` runs share the CPUs.

    Each run's kernel inherits it, so BLAS and OpenMP pools do not start a thread per CPU
    in every run at once. A thread count the user set is kept.

    Parameters
    ----------
    jobs : int
        Runs at a time.
    cpus : int, optional
        CPUs to share (default ``os.cpu_count()``).

    Returns
    -------
    dict of str to str
        A copy of ``os.environ`` with each of :data:`THREAD_VARIABLES` set to
        ``max(1, cpus // jobs)`` unless already set.
    """
    threads = max(1, (cpus or os.cpu_count() or 1) // jobs)
    env = dict(os.environ)
    for name in THREAD_VARIABLES:
        env.setdefault(name, str(threads))
    return env


def _pump(stream: IO[bytes], name: str, lock: threading.Lock) -> None:
    """Copy a run's output to ours, each line (and progress-bar update) prefixed with its run."""
    prefix = f"[{name}]"
    pending = b""
    while chunk := stream.read1(65536):
        pending += chunk
        *lines, pending = pending.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        _echo(lines, prefix, lock)
    _echo([pending], prefix, lock)


def _echo(lines: list[bytes], prefix: str, lock: threading.Lock) -> None:
    texts = [line.decode(errors="replace").rstrip() for line in lines]
    texts = [t if t.startswith(prefix) else f"{prefix} {t}" for t in texts if t.strip()]
    if texts:
        with lock:
            print("\n".join(texts), flush=True)


def _in_parallel(args: argparse.Namespace, reports: Path, *, jobs: int) -> int:
    lock = threading.Lock()
    env = thread_environment(jobs)

    def one(params_file: Path) -> int:
        with subprocess.Popen(
            _child_command(args, params_file, reports),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
        ) as child:
            assert child.stdout is not None
            _pump(child.stdout, params_file.stem, lock)
            code = child.wait()
            return code if code in (0, INTERRUPTED) else 1

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return max(pool.map(one, longest_first(args.files)))


def longest_first(files: list[Path]) -> list[Path]:
    """Order params files so the runs with the most notebooks start first.

    A pool that starts the long runs first ends with the short ones, which fill the gaps
    (for the shipped files: online-retail's 7 notebooks beside movielens-100k's 5, then the
    2 of example-own-data). A file without a ``notebooks`` list runs every notebook its data
    supports, so it counts as the longest; an unreadable one is left for the run to report.

    Parameters
    ----------
    files : list of Path
        The params files.

    Returns
    -------
    list of Path
        The same files, most notebooks first (ties keep their order).
    """

    def size(path: Path) -> int:
        try:
            listed = yaml.safe_load(path.read_text(encoding="utf-8")).get("notebooks")
        except (OSError, AttributeError, yaml.YAMLError):
            return sys.maxsize
        return len(listed) if isinstance(listed, list) and listed else sys.maxsize

    return sorted(files, key=size, reverse=True)


if __name__ == "__main__":
    sys.exit(main())
