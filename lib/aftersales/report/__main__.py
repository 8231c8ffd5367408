"""Command line of the report runner (``make reports``, ``make notebooks``).

Arguments are parsed before anything heavy is imported, so ``--help`` answers at once.
With ``--jobs`` above 1 (the default on a machine with several CPUs) the notebooks of every
params file share one pool of that many kernels (``aftersales.report._pool``): each
line of output names its run and notebook, and the index is written once all have ended.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""BLAS and OpenMP thread counts, shared out between the pool's kernels (``implicit`` asks
for ``OPENBLAS_NUM_THREADS=1`` too)."""


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
        help="notebooks at a time, of any run, each in its own kernel (default: the number "
        "of CPUs; 1 runs the files in turn, their notebooks in order)",
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
    jobs = args.jobs or os.cpu_count() or 1
    try:
        if jobs > 1:
            return _in_pool(args, reports, jobs=jobs)
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


def _in_pool(args: argparse.Namespace, reports: Path, *, jobs: int) -> int:
    from aftersales.report._pool import run_pool

    env = thread_environment(jobs)
    threads = {name: env[name] for name in THREAD_VARIABLES}
    results = run_pool(
        args.files,
        jobs=jobs,
        notebooks=args.notebooks.split(",") if args.notebooks else None,
        reports=reports,
        folder=args.notebook_dir,
        progress=not args.no_progress,
        env=threads,
    )
    statuses = [getattr(result, "status", "failed") for result in results]
    return 0 if all(status == "ok" for status in statuses) else 1


if __name__ == "__main__":
    sys.exit(main())
