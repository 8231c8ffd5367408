"""Issue #14, downloads: a server that accepts the connection and never answers is reported
quickly, naming the URL and the timeout, and the progress line says what it waits for."""

from __future__ import annotations

import contextlib
import inspect
import io
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from aftersales import download as dl
from aftersales.errors import DataUnavailableError, ParameterError


@contextlib.contextmanager
def silent_server(lifetime: float = 20.0) -> Iterator[str]:
    """Listen on 127.0.0.1, accept every connection and never send a byte.

    The accepting thread stops by itself after ``lifetime`` seconds, and at the latest when
    the block ends; every socket is closed.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        deadline = time.monotonic() + lifetime
        while not stop.is_set() and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                connection, _ = listener.accept()
                held.append(connection)  # kept open, never written to

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/data.zip"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


def test_a_silent_server_fails_fast_naming_url_and_timeout(tmp_path) -> None:
    with silent_server() as url:
        started = time.monotonic()
        with pytest.raises(DataUnavailableError) as caught:
            dl.download(url, tmp_path / "d.zip", connect_timeout=2, read_timeout=1, progress=False)
        elapsed = time.monotonic() - started
    message = str(caught.value)
    assert url in message and "read timeout of 1 s" in message and "no answer" in message
    assert 0.9 < elapsed < 5  # one attempt: a timeout is not retried
    assert not (tmp_path / "d.zip").exists() and not (tmp_path / "d.zip.part").exists()


def test_the_progress_line_says_what_it_waits_for(tmp_path, monkeypatch) -> None:
    shown = io.StringIO()
    original = dl.tqdm

    def capture(*args, **kwargs):
        return original(*args, **{**kwargs, "file": shown, "mininterval": 0})

    monkeypatch.setattr(dl, "tqdm", capture)
    with silent_server() as url, pytest.raises(DataUnavailableError):
        dl.download(url, tmp_path / "d.zip", connect_timeout=2, read_timeout=0.5)
    text = shown.getvalue()
    assert "d.zip: waiting for 127.0.0.1:" in text and "to answer (up to 0.5 s)" in text


def test_default_timeouts_report_a_silent_server_within_30_seconds() -> None:
    # One attempt (timeouts are not retried) waits at most connect + read timeout.
    defaults = inspect.signature(dl.download).parameters
    worst = defaults["connect_timeout"].default + defaults["read_timeout"].default
    assert worst == 25.0 and worst <= 30


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"connect_timeout": 0}, r"`connect_timeout` must be seconds in \(0, 3600\); got 0"),
        ({"read_timeout": -1}, r"`read_timeout` must be seconds in \(0, 3600\); got -1"),
        ({"read_timeout": float("nan")}, r"`read_timeout` must be seconds"),
        ({"retries": 0}, r"`retries` must be in \[1, 20\]; got 0"),
    ],
)
def test_bad_download_options_are_named(tmp_path, kwargs, pattern) -> None:
    with pytest.raises(ParameterError, match=pattern):
        dl.download("http://127.0.0.1:9/x.zip", tmp_path / "x.zip", progress=False, **kwargs)


def test_an_address_without_a_known_scheme_is_refused(tmp_path) -> None:
    with pytest.raises(ParameterError, match=r"cannot download 'files\.grouplens\.org/x\.zip'"):
        dl.download("files.grouplens.org/x.zip", tmp_path / "x.zip", progress=False)
