"""Write a notebook's figures and tables into its report folder (and nowhere else).

Notebooks call :func:`write` in their last cell; it does nothing when the parameters carry
no ``output_dir`` (interactive use, nbval), so the checkout is never written to.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from aftersales import columns as C
from aftersales import locks, paths, privacy
from aftersales.errors import ParameterError

RAW_ID_COLUMNS = (C.CUSTOMER,)
"""Columns that hold raw customer identifiers; refused in exports unless explicitly allowed."""

ID_COLUMNS = (C.CUSTOMER, C.USER)
"""Columns :func:`shareable` pseudonymises."""

LOCAL_KEY_FILE = "pseudonym.key"
"""Machine-local key in ``data/interim/`` (git-ignored), used when no key is configured."""


def pseudonym_key(explicit: str = "") -> bytes:
    """Return the key for pseudonymising customer ids.

    In order: ``explicit`` (a notebook parameter), the environment variable
    ``AFTERSALES_PSEUDONYM_KEY``, or a random key kept in ``data/interim/pseudonym.key``
    (created on first use, readable by its owner only, never in git), so reports made on
    one machine use stable tokens without a key ever entering the repository. Prefer the
    variable or the file to the parameter: a parameter is easily copied into a YAML file.

    The file is created atomically: the key is written to a private temporary file that is
    then hard-linked to the final name, which fails if another process got there first; the
    loser reads the winner's key, so processes started together all get the same key and
    nobody ever reads a half-written file.

    Parameters
    ----------
    explicit : str, optional
        A key given as a parameter (a generated hex or base64 key, see
        :func:`aftersales.privacy.resolve_key`).

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    ParameterError
        If a given key, or the key file's content, is weak or malformed; the message names
        where the key came from and how to make one.
    """
    if explicit:
        return privacy.resolve_key(explicit, source="parameter `pseudonym_key`")
    if os.environ.get(privacy.KEY_ENV_VAR):
        return privacy.resolve_key(None)
    path = paths.interim_dir() / LOCAL_KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return privacy.resolve_key(path.read_text().strip(), source=f"key file {path}")


def _create_key_file(path: Path) -> None:
    """Create ``path`` holding a fresh hex key, unless another process creates it first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0o600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # atomic, and fails if the name exists (O_EXCL semantics)
        except FileExistsError:
            pass  # another process won; its complete key is read by the caller
    finally:
        os.unlink(temporary)


def shareable(frame: pd.DataFrame, *, key: bytes | str) -> pd.DataFrame:
    """Return a copy fit to show or export: customer and user ids replaced by keyed tokens.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table that may hold ``customer_id`` or ``user_id`` columns; not modified.
    key : bytes or str
        The pseudonymisation key (see :func:`pseudonym_key`).

    Returns
    -------
    pandas.DataFrame
        The same table with tokens (``c_`` + 16 hex characters) in those columns.
    """
    out = frame
    for column in ID_COLUMNS:
        if column in out:
            ids = out[column]
            if not pd.api.types.is_string_dtype(ids.dtype):
                out = out.assign(**{column: ids.astype("str").where(ids.notna())})
            out = privacy.pseudonymise(out, column, key=key)
    return out


def write(
    output_dir: str | Path | None,
    *,
    figures: Mapping[str, Figure] | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    allow_raw_ids: bool = False,
) -> list[Path]:
    """Save figures as PNG under ``figures/`` and tables as CSV under ``tables/``.

    Parameters
    ----------
    output_dir : str, Path or None
        The run's report folder; empty or ``None`` writes nothing.
    figures : Mapping[str, Figure], optional
        File stem -> figure.
    tables : Mapping[str, pandas.DataFrame], optional
        File stem -> table (the index is written only when it is named).
    allow_raw_ids : bool, default False
        Permit a table with a raw ``customer_id`` column. Exports should carry
        pseudonymised ids (:mod:`aftersales.privacy`) instead.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ParameterError
        If a table holds raw customer ids and ``allow_raw_ids`` is false.
    WriteError
        If a file cannot be written (read-only folder, full disk); names folder and file.
    """
    if not output_dir:
        return []
    root = Path(output_dir)
    written: list[Path] = []
    for stem, table in (tables or {}).items():
        columns = [*table.columns, *(n for n in table.index.names if n)]
        raw = [c for c in RAW_ID_COLUMNS if c in columns]
        if raw and not allow_raw_ids:
            raise ParameterError(
                f"table {stem!r} holds raw customer ids in column(s) {raw}; pseudonymise them "
                "with aftersales.privacy, or pass allow_raw_ids=True explicitly"
            )
    for stem, figure in (figures or {}).items():
        path = root / "figures" / f"{stem}.png"
        with _writing(path, f"figure `{stem}`"):
            path.parent.mkdir(parents=True, exist_ok=True)
            figure.savefig(path, dpi=110, bbox_inches="tight")
        written.append(path)
    for stem, table in (tables or {}).items():
        path = root / "tables" / f"{stem}.csv"
        with _writing(path, f"table `{stem}`"):
            path.parent.mkdir(parents=True, exist_ok=True)
            table.to_csv(path, index=any(n is not None for n in table.index.names))
        written.append(path)
    return written


@contextmanager
def _writing(path: Path, what: str) -> Iterator[None]:
    """Turn an ``OSError`` (read-only folder, full disk) into a :class:`WriteError` naming it."""
    try:
        yield
    except OSError as exc:
        raise locks.write_error(exc, path.parent, f"{what} ({path.name})") from exc
