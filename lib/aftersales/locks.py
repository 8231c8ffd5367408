"""Exclusive file locks that name their holder, and folders replaced in one rename.

Two processes that write the same place (two report runs of one params file, two notebooks
preparing the same cache) take :func:`hold` on a lock file beside it: the second waits up to
a timeout, then raises :class:`~aftersales.errors.LockedError` naming the holder's process
id, host and start time. The lock is the operating system's (``flock``): it ends with the
process that held it, so a killed process never leaves a stale lock behind.

A folder is rebuilt beside its final place and swapped in with :func:`swap_in`, so readers
see either the old folder or the new one, never a mixture.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from aftersales.errors import LockedError, WriteError

try:  # POSIX; elsewhere the lock is the lock file's exclusive creation
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

POLL_S = 0.1
"""Seconds between two attempts to take a busy lock."""


def write_error(exc: OSError, folder: Path, what: str) -> WriteError:
    """Return the named error for an ``OSError`` met while writing into ``folder``.

    Parameters
    ----------
    exc : OSError
        The system's error (read-only file system, no space left, a file in the way...).
    folder : Path
        The folder being written.
    what : str
        What was being written, e.g. ``"the manifest"``.

    Returns
    -------
    WriteError
        ``"<folder>: cannot write <what>: <reason>"``; raise it ``from exc``.
    """
    reason = exc.strerror or str(exc)
    return WriteError(f"{folder}: cannot write {what}: {reason}")


def holder(path: Path) -> str:
    """Describe the process that holds (or last held) the lock file ``path``.

    Parameters
    ----------
    path : Path
        A lock file taken with :func:`hold`.

    Returns
    -------
    str
        ``"pid 123 on host, since 2024-05-01T10:00:00+00:00 (purpose)"``, or
        ``"an unknown process"`` when the file is absent or not yet filled in.
    """
    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
        return f"pid {info['pid']} on {info['host']}, since {info['started']} ({info['purpose']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "an unknown process"


def _open(path: Path, purpose: str) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | (0 if fcntl else os.O_EXCL)
        return os.open(path, flags, 0o644)
    except FileExistsError:  # pragma: no cover - Windows: somebody holds it
        return -1
    except OSError as exc:
        raise write_error(exc, path.parent, f"the lock file {path.name} ({purpose})") from exc


def _take(path: Path, purpose: str) -> int | None:
    """Open and lock ``path``; ``None`` when another process holds it."""
    fd = _open(path, purpose)
    if fd < 0:  # pragma: no cover - Windows
        return None
    if fcntl is None:  # pragma: no cover - Windows: created exclusively, so ours
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    try:  # the previous holder may have removed the file after we opened it: retry then
        current = os.stat(path)
    except FileNotFoundError:
        current = None
    if current is None or not os.path.samestat(os.fstat(fd), current):
        os.close(fd)
        return _take(path, purpose)
    return fd


@contextmanager
def hold(path: Path, *, purpose: str, timeout: float) -> Iterator[Path]:
    """Hold an exclusive lock on ``path`` for the ``with`` block.

    The lock file records the holder (process id, host, start time and ``purpose``) so a
    process that waits can say who it waits for; it is removed when the block ends.

    Parameters
    ----------
    path : Path
        The lock file (created when missing, beside what it guards).
    purpose : str
        What the lock guards, for messages, e.g. ``"report run online-retail"``.
    timeout : float
        Seconds to wait for another holder to finish (0: do not wait).

    Yields
    ------
    Path
        ``path``.

    Raises
    ------
    LockedError
        If another process still holds the lock after ``timeout`` seconds; names it.
    WriteError
        If the lock file cannot be created (read-only folder, a file in the way).
    """
    path = Path(path)
    deadline = time.monotonic() + timeout
    while (fd := _take(path, purpose)) is None:
        if time.monotonic() >= deadline:
            raise LockedError(
                f"{path.parent}: {purpose} is busy: the lock {path.name} is held by "
                f"{holder(path)}; waited {timeout:g} s. Wait for that process to end or stop "
                "it (the lock ends with it)"
            )
        time.sleep(POLL_S)
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "purpose": purpose,
    }
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(record).encode())
    try:
        yield path
    finally:
        if fcntl is None:  # pragma: no cover - Windows removes no open file
            os.close(fd)
        path.unlink(missing_ok=True)  # before closing: a waiter then retries on a new file
        if fcntl is not None:
            os.close(fd)


def fresh_folder(path: Path, *, what: str) -> Path:
    """Create ``path`` empty, removing what a killed earlier process left there.

    Parameters
    ----------
    path : Path
        A scratch folder (the caller holds the lock that guards it).
    what : str
        What the folder is for, for messages.

    Returns
    -------
    Path
        ``path``, empty.

    Raises
    ------
    WriteError
        If the folder cannot be removed or created.
    """
    try:
        shutil.rmtree(path, ignore_errors=not path.exists())
        path.mkdir(parents=True)
    except OSError as exc:
        raise write_error(exc, path.parent, f"{what} (folder {path.name})") from exc
    return path


def swap_in(fresh: Path, final: Path, *, what: str) -> Path:
    """Replace the folder ``final`` by ``fresh`` (renamed), then delete the old one.

    The old folder is renamed away before the new one is renamed in, so ``final`` never
    holds files of both; a process killed in between leaves ``.<name>.previous`` beside it,
    which the next swap removes.

    Parameters
    ----------
    fresh : Path
        The complete new folder, on the same file system as ``final``.
    final : Path
        Where it belongs.
    what : str
        What the folder holds, for messages.

    Returns
    -------
    Path
        ``final``.

    Raises
    ------
    WriteError
        If a rename or the removal fails.
    """
    previous = final.with_name(f".{final.name}.previous")
    try:
        if previous.exists():
            shutil.rmtree(previous)
        if final.exists():
            final.rename(previous)
        fresh.rename(final)
        shutil.rmtree(previous, ignore_errors=True)
    except OSError as exc:
        raise write_error(exc, final.parent, f"{what} (folder {final.name})") from exc
    return final
