"""Fetch a file over HTTP(S) with retries, a progress bar, a sha256 check and an atomic rename.

A partial download never takes the final name: bytes go to ``<name>.part`` and are renamed
only when the length and, when one is known, the checksum match.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from tqdm import tqdm

from aftersales.errors import DataUnavailableError, IntegrityError

CHUNK = 1 << 16


class _TruncatedError(IntegrityError):
    """The body ended before the announced length; worth another attempt."""


def sha256_of(path: Path) -> str:
    """Return the hex sha256 digest of a file, read in chunks.

    Parameters
    ----------
    path : Path
        The file to hash.

    Returns
    -------
    str
        64 lowercase hex characters.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str, *, what: str) -> None:
    """Raise if ``path`` does not hash to ``expected``.

    Parameters
    ----------
    path : Path
        The file to check.
    expected : str
        The expected hex sha256 digest.
    what : str
        How to name the file in the message (for example ``"movielens-100k download"``).

    Raises
    ------
    IntegrityError
        If the digest differs.
    """
    actual = sha256_of(path)
    if actual != expected.lower():
        raise IntegrityError(
            f"{what}: sha256 of {path} is {actual}, expected {expected}. The file is truncated "
            "or corrupted; delete it and fetch it again."
        )


def download(
    url: str,
    dest: Path,
    *,
    sha256: str | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    timeout: float = 60.0,
    progress: bool = True,
) -> Path:
    """Download ``url`` to ``dest`` atomically, retrying transient failures.

    Parameters
    ----------
    url : str
        The address to fetch (``http``, ``https`` or ``file``).
    dest : Path
        The final path; its folder is created.
    sha256 : str, optional
        Expected hex digest; when given, a mismatch is an error and nothing is kept.
    retries : int, default 3
        Attempts in all before giving up.
    backoff : float, default 2.0
        Seconds to wait after the first failure, doubled after each further one.
    timeout : float, default 60.0
        Socket timeout in seconds for each attempt.
    progress : bool, default True
        Show a tqdm progress bar.

    Returns
    -------
    Path
        ``dest``, complete and verified.

    Raises
    ------
    DataUnavailableError
        If every attempt fails (no network, host unreachable, HTTP error).
    IntegrityError
        If the body is shorter than announced or its checksum does not match.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    last_error: Exception | None = None
    for attempt in range(1, retries + 1):
        try:
            _fetch(url, part, timeout=timeout, progress=progress, label=dest.name)
            break
        except (_TruncatedError, urllib.error.URLError, OSError, TimeoutError) as exc:
            part.unlink(missing_ok=True)
            last_error = exc
            if attempt < retries:
                time.sleep(backoff * 2 ** (attempt - 1))
    else:
        if isinstance(last_error, _TruncatedError):
            raise IntegrityError(f"{last_error} ({retries} attempts)") from last_error
        raise DataUnavailableError(
            f"could not download {url} after {retries} attempts ({last_error}). "
            "Check the network, or place the file by hand (see data/README.md)."
        ) from last_error
    if sha256 is not None:
        try:
            verify_sha256(part, sha256, what=f"download of {url}")
        except IntegrityError:
            part.unlink(missing_ok=True)
            raise
    os.replace(part, dest)
    return dest


def _fetch(url: str, part: Path, *, timeout: float, progress: bool, label: str) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": "aftersales-workbench"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        received = 0
        with (
            open(part, "wb") as out,
            tqdm(total=total, unit="B", unit_scale=True, desc=label, disable=not progress) as bar,
        ):
            try:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
                    received += len(block)
                    bar.update(len(block))
            except http.client.IncompleteRead as exc:
                received += len(exc.partial)
    if total is not None and received != total:
        raise _TruncatedError(
            f"download of {url} is truncated: received {received} of {total} bytes. Fetch it again."
        )
