"""Fetch a file over HTTP(S) with retries, a progress bar, a sha256 check and an atomic rename.

A partial download never takes the final name: bytes go to ``<name>.part`` and are renamed
only when the length and, when one is known, the checksum match.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import time
import typing
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tqdm import tqdm

from aftersales.errors import DataUnavailableError, IntegrityError, ParameterError

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


CONNECT_TIMEOUT = 10.0
"""Default seconds to wait for a connection (and TLS handshake) to be established."""

READ_TIMEOUT = 15.0
"""Default seconds to wait for the server to send anything (the answer or more bytes).

With :data:`CONNECT_TIMEOUT` a silent server is reported within 25 s: a timeout is not
retried, since a server that accepted the connection and then said nothing rarely
answers a second time sooner."""

SCHEMES = ("http", "https", "file")
"""URL schemes :func:`download` fetches."""


def download(
    url: str,
    dest: Path,
    *,
    sha256: str | None = None,
    retries: int = 3,
    backoff: float = 2.0,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
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
        Attempts in all before giving up on a refused or reset connection, a server error
        (HTTP 5xx) or a truncated body. A timeout or a client error (HTTP 4xx) is not
        retried.
    backoff : float, default 2.0
        Seconds to wait after the first failure, doubled after each further one.
    connect_timeout : float, default :data:`CONNECT_TIMEOUT`
        Seconds to wait for the connection to be established.
    read_timeout : float, default :data:`READ_TIMEOUT`
        Seconds to wait for the server's answer, and for each further block of the body.
    progress : bool, default True
        Show a tqdm progress line; it says what it is waiting for (the connection, the
        server's answer) before the bytes arrive.

    Returns
    -------
    Path
        ``dest``, complete and verified.

    Raises
    ------
    ParameterError
        If the URL's scheme is not one of :data:`SCHEMES`, or a timeout or ``retries`` is
        not positive.
    DataUnavailableError
        If the connection or the answer does not come within its timeout (the message names
        the URL and the timeout), or every attempt fails (no network, host unreachable,
        HTTP error).
    IntegrityError
        If the body is shorter than announced or its checksum does not match.
    """
    _check_options(url, retries=retries, timeouts=(connect_timeout, read_timeout))
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    last_error: Exception | None = None
    attempt = 0
    for attempt in range(1, retries + 1):
        phase = _Phase()
        try:
            _fetch(
                url,
                part,
                timeouts=(connect_timeout, read_timeout),
                progress=progress,
                label=dest.name,
                phase=phase,
            )
            last_error = None
            break
        except (_TruncatedError, urllib.error.URLError, OSError) as exc:
            part.unlink(missing_ok=True)
            if _is_timeout(exc):
                raise DataUnavailableError(
                    _timeout_message(url, phase.name, connect_timeout, read_timeout)
                ) from exc
            last_error = exc
            if isinstance(exc, urllib.error.HTTPError) and exc.code < 500:
                break  # the server answered: asking again gets the same answer
            if attempt < retries:
                time.sleep(backoff * 2 ** (attempt - 1))
    if isinstance(last_error, _TruncatedError):
        raise IntegrityError(f"{last_error} ({attempt} attempts)") from last_error
    if last_error is not None:
        raise DataUnavailableError(
            f"could not download {url} after {attempt} attempt(s) ({last_error}). "
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


def _check_options(url: str, *, retries: int, timeouts: tuple[float, float]) -> None:
    scheme = urllib.parse.urlsplit(url).scheme.lower() if isinstance(url, str) else ""
    if scheme not in SCHEMES:
        raise ParameterError(
            f"cannot download {url!r}: the address must start with one of "
            f"{[f'{s}://' for s in SCHEMES]}"
        )
    for name, value in zip(("connect_timeout", "read_timeout"), timeouts, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 3600:
            raise ParameterError(
                f"download of {url}: `{name}` must be seconds in (0, 3600); got {value!r}"
            )
    if isinstance(retries, bool) or not isinstance(retries, int) or not 1 <= retries <= 20:
        raise ParameterError(f"download of {url}: `retries` must be in [1, 20]; got {retries!r}")


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        return _is_timeout(exc.reason)
    return isinstance(exc, TimeoutError | socket.timeout)


def _timeout_message(url: str, phase: str, connect_timeout: float, read_timeout: float) -> str:
    if phase == "connect":
        what = f"no connection within the connect timeout of {connect_timeout:g} s"
    elif phase == "answer":
        what = (
            f"the server accepted the connection but sent no answer within the read timeout "
            f"of {read_timeout:g} s"
        )
    else:
        what = f"the server stopped sending for longer than the read timeout of {read_timeout:g} s"
    return (
        f"could not download {url}: {what}. Try again later, raise `connect_timeout` / "
        "`read_timeout`, or place the file by hand (see data/README.md)."
    )


class _Phase:
    """What an attempt is waiting for: ``connect``, ``answer`` or ``body``."""

    def __init__(self) -> None:
        self.name = "connect"


def _connection(base: type[http.client.HTTPConnection]) -> type[http.client.HTTPConnection]:
    """Subclass ``base`` so that reads use their own timeout once connected."""

    class Connection(base):  # type: ignore[valid-type, misc]
        read_timeout: float = READ_TIMEOUT
        on_connected: typing.Callable[[], None] = staticmethod(lambda: None)

        def connect(self) -> None:
            super().connect()  # within the connect timeout (TLS handshake included)
            self.sock.settimeout(self.read_timeout)
            self.on_connected()

    return Connection


def _opener(read_timeout: float, on_connected: typing.Callable[[], None]) -> Any:
    settings = {"read_timeout": read_timeout, "on_connected": staticmethod(on_connected)}
    http_class = type("HTTP", (_connection(http.client.HTTPConnection),), settings)
    https_class = type("HTTPS", (_connection(http.client.HTTPSConnection),), settings)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(http_class, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> Any:
            return self.do_open(https_class, req, context=self._context)

    return urllib.request.build_opener(HTTPHandler(), HTTPSHandler())


def _fetch(
    url: str,
    part: Path,
    *,
    timeouts: tuple[float, float],
    progress: bool,
    label: str,
    phase: _Phase,
) -> None:
    connect_timeout, read_timeout = timeouts
    host = urllib.parse.urlsplit(url).netloc or url
    request = urllib.request.Request(url, headers={"User-Agent": "aftersales-workbench"})
    with tqdm(unit="B", unit_scale=True, disable=not progress) as bar:
        bar.set_description(f"{label}: connecting to {host} (up to {connect_timeout:g} s)")

        def connected() -> None:
            phase.name = "answer"
            bar.set_description(f"{label}: waiting for {host} to answer (up to {read_timeout:g} s)")

        with _opener(read_timeout, connected).open(request, timeout=connect_timeout) as response:
            phase.name = "body"
            bar.set_description(label)
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            bar.reset(total=total)
            received = 0
            with open(part, "wb") as out:
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
