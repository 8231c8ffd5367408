"""Keyed pseudonymisation of customer ids for exported tables.

A customer id becomes ``"c_"`` + the first 16 hex characters (64 bits) of
HMAC-SHA256(key, id). The same key always gives the same token, so exports made at
different times can be joined; without the key a token cannot be linked back to an id by
hashing candidate ids (which a plain, unkeyed hash would allow: retail ids are short).

The key never lives in the repository. Pass it as ``key=`` or set the environment
variable :data:`KEY_ENV_VAR`, e.g. in a shell profile or a CI secret::

    export AFTERSALES_PSEUDONYM_KEY="$(python -c 'import secrets; print(secrets.token_hex(32))')"

For throw-away exploration, :func:`ephemeral_key` makes a random key that lives only in
memory: tokens are then consistent within one session and unlinkable to any other run.

Pseudonyms are only as safe as the key: customer ids are a small, guessable space, so
whoever holds the key can hash every possible id and reverse every token. What is accepted
(see :func:`resolve_key`):

- ``bytes``: at least :data:`MIN_KEY_BYTES` (16) bytes of raw key material;
- text (a parameter, the environment variable or the key file): a generated key, either
  only hex digits, at least 32 of them (16 bytes), or base64 / URL-safe base64, at least 22
  characters without padding (132 bits); with at least :data:`MIN_DISTINCT_CHARS` different
  characters, which refuses placeholders such as ``"0" * 64`` (a random 32-hex-digit key
  fails this with odds below 4e-8, a 64-digit one below 1e-18). A passphrase with spaces or
  punctuation is refused: its entropy is unknown. The text itself (UTF-8) is the HMAC key,
  so a key's tokens are the same whichever way it is given.

Record :func:`key_fingerprint` (8 hex digits of a domain-separated hash) to tell which key
made an export; never record the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets

import numpy as np
import pandas as pd

from aftersales import validate
from aftersales.errors import DataValidationError, ParameterError

KEY_ENV_VAR = "AFTERSALES_PSEUDONYM_KEY"
"""Environment variable read when no key is passed."""

PREFIX = "c_"
"""Prefix of every token, so tokens are never mistaken for raw ids."""

TOKEN_HEX_CHARS = 16
"""Hex characters kept from the HMAC digest (64 bits)."""

MIN_KEY_BYTES = 16
"""Shortest key accepted, in bytes of raw key material (128 bits)."""

MIN_HEX_CHARS = 2 * MIN_KEY_BYTES
"""Shortest text key made only of hex digits (32 digits: 16 bytes)."""

MIN_BASE64_CHARS = 22
"""Shortest base64 text key, padding excluded (22 characters: 132 bits >= 16 bytes)."""

MIN_DISTINCT_CHARS = 8
"""Fewest different characters (text) a key must hold; refuses ``"0" * 64`` and the like."""

FINGERPRINT_DOMAIN = b"aftersales/pseudonym-key-fingerprint/v1\x00"
"""Prefix hashed before the key in :func:`key_fingerprint`, so the value is used nowhere else."""

_HEX = re.compile(r"[0-9a-fA-F]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")

HOW_TO_MAKE = (
    'Make one with `python -c "import secrets; print(secrets.token_hex(32))"` and '
    f"set the environment variable {KEY_ENV_VAR} to it (keep it out of the repository)"
)

_HOW_TO_SET = (
    f"set the environment variable {KEY_ENV_VAR}, e.g. "
    f"`export {KEY_ENV_VAR}=\"$(python -c 'import secrets; print(secrets.token_hex(32))')\"` "
    f"(keep it out of the repository), or pass `key=`; for throw-away exploration only, "
    f"`key=aftersales.privacy.ephemeral_key()`"
)


def ephemeral_key() -> bytes:
    """Return a fresh random 32-byte key for exploration only.

    Tokens made with it are consistent within the session but differ from every other
    run, so they cannot be joined with earlier exports; the key is never stored.

    Returns
    -------
    bytes
        32 random bytes from :mod:`secrets`.
    """
    return secrets.token_bytes(32)


def resolve_key(key: str | bytes | None = None, *, source: str | None = None) -> bytes:
    """Return the pseudonymisation key as bytes: ``key`` if given, else the environment's.

    Parameters
    ----------
    key : str or bytes, optional
        The key; text is UTF-8 encoded. When omitted, :data:`KEY_ENV_VAR` is read.
    source : str, optional
        How to name where the key came from in messages (e.g. a key file); default
        ``"`key`"`` or the environment variable.

    Returns
    -------
    bytes
        The key: the bytes given, or the UTF-8 encoding of the text.

    Raises
    ------
    ParameterError
        If no key is given and the variable is unset or empty, or the key is weak: bytes
        shorter than :data:`MIN_KEY_BYTES`, text that is not a generated hex or base64 key
        of at least :data:`MIN_HEX_CHARS` / :data:`MIN_BASE64_CHARS` characters, or holds
        fewer than :data:`MIN_DISTINCT_CHARS` different characters. The message says how
        to make a key.
    """
    if key is None:
        key = os.environ.get(KEY_ENV_VAR) or None
        if key is None:
            raise ParameterError(f"no pseudonymisation key: {_HOW_TO_SET}")
        where = source or f"environment variable {KEY_ENV_VAR}"
    else:
        where = source or "`key`"
    if isinstance(key, bytes | bytearray):
        raw = bytes(key)
        if len(raw) < MIN_KEY_BYTES:
            raise ParameterError(
                f"{where} must be at least {MIN_KEY_BYTES} bytes of random key material; "
                f"got {len(raw)}. {_HOW_TO_SET}"
            )
        return raw
    if not isinstance(key, str):
        raise ParameterError(f"{where} must be str or bytes; got {type(key).__name__}")
    problem = _text_key_problem(key)
    if problem:
        raise ParameterError(
            f"{where} is not a strong key: {problem}. A leaked or guessable key reverses "
            f"every token. {HOW_TO_MAKE}"
        )
    return key.encode("utf-8")


def _text_key_problem(text: str) -> str:
    """Return why ``text`` is not an acceptable key, or ``""`` when it is."""
    if _HEX.fullmatch(text):
        if len(text) < MIN_HEX_CHARS:
            return (
                f"a hex key needs at least {MIN_HEX_CHARS} hex digits (16 bytes); got {len(text)}"
            )
    elif _BASE64.fullmatch(text):
        length = len(text.rstrip("="))
        if length < MIN_BASE64_CHARS:
            return (
                f"a base64 key needs at least {MIN_BASE64_CHARS} characters (16 bytes); "
                f"got {length}"
            )
    else:
        return (
            "it holds characters other than hex digits or base64 (a passphrase?); only a "
            "generated hex (>= 32 digits) or base64 (>= 22 characters) key is "
            "accepted"
        )
    distinct = len(set(text))
    if distinct < MIN_DISTINCT_CHARS:
        return (
            f"it holds only {distinct} different character(s) (at least "
            f"{MIN_DISTINCT_CHARS}); it looks like a placeholder, not a random key"
        )
    return ""


def key_fingerprint(key: str | bytes) -> str:
    """Return 8 hex digits that identify a key without revealing it.

    The first 8 hex digits of SHA-256 over :data:`FINGERPRINT_DOMAIN` followed by the
    key's bytes: a run records it to say which key made its tokens. 32 bits of a hash do not
    help guess a key of at least 128 bits, and the domain prefix keeps the value apart
    from the HMAC tokens and any other hash of the key.

    Parameters
    ----------
    key : str or bytes
        The key, as accepted by :func:`resolve_key`.

    Returns
    -------
    str
        8 lowercase hex characters.

    Raises
    ------
    ParameterError
        If the key is weak (see :func:`resolve_key`).
    """
    if key is None:
        raise ParameterError("`key` is required: pass the key whose fingerprint is recorded")
    raw = resolve_key(key)
    return hashlib.sha256(FINGERPRINT_DOMAIN + raw).hexdigest()[:8]


def pseudonym(value: object, *, key: str | bytes | None = None) -> str:
    """Return the token of one id.

    Parameters
    ----------
    value : object
        The id; it is hashed as ``str(value)`` in UTF-8, so ``12346`` and ``"12346"`` get
        the same token.
    key : str or bytes, optional
        The key (see :func:`resolve_key`).

    Returns
    -------
    str
        ``"c_"`` followed by 16 lowercase hex characters.

    Raises
    ------
    ParameterError
        If no usable key is found.
    """
    return _token(resolve_key(key), str(value))


def _token(key: bytes, text: str) -> str:
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:TOKEN_HEX_CHARS]


def pseudonymise(
    frame: pd.DataFrame,
    column: str,
    *,
    key: str | bytes | None = None,
    output_column: str | None = None,
) -> pd.DataFrame:
    """Replace a column of ids by keyed tokens.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to export; it is not modified.
    column : str
        The id column (e.g. ``C.CUSTOMER``). Ids are hashed as ``str(id)``; missing ids
        stay missing. Float columns are refused, since ``12346.0`` and ``12346`` would get
        different tokens.
    key : str or bytes, optional
        At least 16 bytes; default the environment variable :data:`KEY_ENV_VAR`.
    output_column : str, optional
        Name of the token column; default ``column``. The raw id column is dropped either
        way and the token column takes its position.

    Returns
    -------
    pandas.DataFrame
        A new frame with tokens instead of ids.

    Raises
    ------
    DataValidationError
        If ``column`` is missing, holds floats, or two different ids get the same token
        (a 64-bit collision: odds about n^2 / 3.7e19).
    ParameterError
        If no usable key is found, or ``output_column`` already exists.
    """
    validate.require_columns(frame, (column,), source="frame")
    target = column if output_column is None else output_column
    if target != column and target in frame.columns:
        raise ParameterError(
            f"`output_column` {target!r} already exists in the frame; choose another name"
        )
    raw_key = resolve_key(key)
    ids = frame[column]
    if pd.api.types.is_float_dtype(ids.dtype):
        raise DataValidationError(
            f"frame: column `{column}` holds floats; convert ids to int or str first so "
            f"that 12346.0 and 12346 get the same token"
        )
    present = ids.notna().to_numpy()
    text = ids[present].astype("str")
    distinct = pd.unique(text.to_numpy())
    tokens = np.array([_token(raw_key, value) for value in distinct], dtype=object)
    if len(set(tokens)) != len(tokens):
        raise DataValidationError(
            f"frame: column `{column}`: two ids share a token (64-bit collision); use another key"
        )
    lookup = pd.Series(tokens, index=distinct)
    out = pd.Series(pd.NA, index=frame.index, dtype="str")
    out[present] = lookup.reindex(text.to_numpy()).to_numpy()
    position = frame.columns.get_loc(column)
    result = frame.drop(columns=[column])
    result.insert(position, target, out)
    return result
