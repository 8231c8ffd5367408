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
"""

from __future__ import annotations

import hashlib
import hmac
import os
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
"""Shortest key accepted, in bytes (UTF-8 for a text key)."""

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


def resolve_key(key: str | bytes | None = None) -> bytes:
    """Return the pseudonymisation key as bytes: ``key`` if given, else the environment's.

    Parameters
    ----------
    key : str or bytes, optional
        The key; text is UTF-8 encoded. When omitted, :data:`KEY_ENV_VAR` is read.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    ParameterError
        If no key is given and the variable is unset or empty, or the key is shorter than
        :data:`MIN_KEY_BYTES` bytes; the message says how to set one.
    """
    if key is None:
        key = os.environ.get(KEY_ENV_VAR) or None
        if key is None:
            raise ParameterError(f"no pseudonymisation key: {_HOW_TO_SET}")
        where = f"environment variable {KEY_ENV_VAR}"
    else:
        where = "`key`"
    if not isinstance(key, str | bytes):
        raise ParameterError(f"`key` must be str or bytes; got {type(key).__name__}")
    raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    if len(raw) < MIN_KEY_BYTES:
        raise ParameterError(
            f"{where} must be at least {MIN_KEY_BYTES} bytes; got {len(raw)}. {_HOW_TO_SET}"
        )
    return raw


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
