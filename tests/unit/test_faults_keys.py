"""Issue #14, secrets: weak pseudonym keys are refused, keys have a fingerprint, and the
machine-local key file is created safely by processes started at the same moment."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import secrets
import time

import pytest

from aftersales import outputs, paths, privacy
from aftersales.errors import ParameterError

HEX_64 = "3f9a" * 4 + "c1d2e3f405162738" * 3  # 64 hex digits, 16 distinct characters


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("my secret passphrase 2024", r"other than hex digits or base64"),
        ("0" * 64, r"only 1 different character"),
        ("abab" * 8, r"only 2 different character"),
        ("0123456789abcdef0123456789abcde", r"at least 32 hex digits .*got 31"),
        ("Zq0-Yr1_Xs2+Wt3/Vu4xT", r"at least 22 characters .*got 21"),
        ("Zq0-Yr1_Xs2+Wt3/Vu4xT==", r"at least 22 characters .*got 21"),
        ("clé-secrète-de-l'entreprise-2024", r"other than hex digits or base64"),
    ],
)
def test_weak_text_keys_are_refused_with_how_to_make_one(key: str, pattern: str) -> None:
    with pytest.raises(ParameterError, match=pattern) as caught:
        privacy.pseudonym("17850", key=key)
    message = str(caught.value)
    assert "secrets.token_hex(32)" in message and "reverses every token" in message


@pytest.mark.parametrize(
    "key",
    [
        "0123456789abcdef0123456789abcdef",  # 32 hex digits: exactly 16 bytes
        # fresh keys each run, with fixed ids: pytest-xdist's workers must collect the same names
        pytest.param(secrets.token_hex(32), id="token_hex"),
        pytest.param(secrets.token_urlsafe(16), id="token_urlsafe"),  # 22 characters
        "Zq0+Yr1/Xs2+Wt3/Vu4xTw==",  # standard base64 of 16 bytes
        b"0123456789abcdef",  # 16 raw bytes
    ],
)
def test_generated_keys_are_accepted_and_hash_their_utf8_text(key: str | bytes) -> None:
    raw = key if isinstance(key, bytes) else key.encode("utf-8")
    assert privacy.resolve_key(key) == raw  # tokens stay those of the text as given


def test_short_raw_bytes_are_refused() -> None:
    with pytest.raises(ParameterError, match=r"at least 16 bytes of random key material; got 15"):
        privacy.resolve_key(b"0123456789abcde")


def test_a_weak_environment_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(privacy.KEY_ENV_VAR, "k" * 32)
    with pytest.raises(ParameterError, match=rf"environment variable {privacy.KEY_ENV_VAR} is not"):
        privacy.pseudonym("1")


def test_a_weak_parameter_key_names_the_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(privacy.KEY_ENV_VAR, raising=False)
    with pytest.raises(ParameterError, match=r"parameter `pseudonym_key` is not a strong key"):
        outputs.pseudonym_key("p" * 20)


def test_a_damaged_key_file_is_named(isolated_data, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(privacy.KEY_ENV_VAR, raising=False)
    path = isolated_data / "interim" / outputs.LOCAL_KEY_FILE
    path.parent.mkdir(parents=True)
    path.write_text("")
    with pytest.raises(ParameterError, match=r"key file .*pseudonym\.key is not a strong key"):
        outputs.pseudonym_key()


def test_fingerprint_is_a_domain_separated_hash_prefix() -> None:
    # worked out independently: sha256(domain || key), first 8 hex digits
    domain = b"aftersales/pseudonym-key-fingerprint/v1\x00"
    expected = hashlib.sha256(domain + HEX_64.encode()).hexdigest()[:8]
    assert privacy.key_fingerprint(HEX_64) == expected
    assert privacy.key_fingerprint(HEX_64.encode()) == expected  # text and its bytes agree
    assert expected != hashlib.sha256(HEX_64.encode()).hexdigest()[:8]  # not the plain hash
    assert privacy.key_fingerprint(secrets.token_hex(32)) != expected
    assert HEX_64 not in privacy.key_fingerprint(HEX_64)


def test_fingerprint_refuses_a_weak_key() -> None:
    with pytest.raises(ParameterError, match=r"`key` is not a strong key"):
        privacy.key_fingerprint("short")


def _slow_token_hex(nbytes: int) -> str:
    # A slow disk or a busy machine: drawing and writing the key takes a while, which
    # widens the window in which another process can see a missing or empty key file.
    time.sleep(0.05)
    return _TOKEN_HEX(nbytes)


_TOKEN_HEX = secrets.token_hex


def _key_in_child(data_dir: str, barrier, queue) -> None:
    os.environ[paths.DATA_DIR_ENV] = data_dir
    os.environ.pop(privacy.KEY_ENV_VAR, None)
    secrets.token_hex = _slow_token_hex  # this child process only
    barrier.wait()
    try:
        queue.put(("ok", outputs.pseudonym_key().hex()))
    except Exception as error:  # reported to the parent, which fails the test
        queue.put(("error", f"{type(error).__name__}: {error}"))


@pytest.mark.parametrize("round_", range(3))
def test_processes_started_together_share_one_key_file(tmp_path, round_: int) -> None:
    processes = 20
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(processes)
    queue = context.Queue()
    data_dir = str(tmp_path / "data")
    workers = [
        context.Process(target=_key_in_child, args=(data_dir, barrier, queue))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    errors = [text for status, text in results if status == "error"]
    assert errors == []
    keys = {text for _, text in results}
    assert len(keys) == 1
    key_file = tmp_path / "data" / "interim" / outputs.LOCAL_KEY_FILE
    assert bytes.fromhex(keys.pop()) == key_file.read_text().strip().encode()
    assert (key_file.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in key_file.parent.iterdir()) == [outputs.LOCAL_KEY_FILE]
