"""Resolve a registered data set: cache, then raw download, then mirror, then upstream."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from aftersales import paths
from aftersales.datasets._registry import REGISTRY
from aftersales.datasets._source import Source, is_source, load_source, locate, read_source
from aftersales.datasets._source import source_spec as _source_spec
from aftersales.datasets._spec import DatasetSpec
from aftersales.download import download, sha256_of, verify_sha256
from aftersales.errors import DataUnavailableError, IntegrityError, UnknownNameError

log = logging.getLogger(__name__)


def source(dataset: str) -> Source | None:
    """Return the validated source file a ``dataset`` value names, or None for a registered set.

    Parameters
    ----------
    dataset : str
        A registered name or the path of a source YAML file.

    Returns
    -------
    Source or None
        The source (its data path resolved), or ``None`` when ``dataset`` is registered.

    Raises
    ------
    UnknownNameError
        If ``dataset`` is neither registered nor looks like a path; lists the valid names.
    DataValidationError, ParameterError
        If the source file is missing or invalid (see :func:`read_source`).
    """
    if dataset in REGISTRY:
        return None
    if not is_source(dataset):
        raise UnknownNameError(
            f"unknown data set {dataset!r}; valid names are {sorted(REGISTRY)}, or the path of "
            "a source file (sources/<name>.yaml)"
        )
    return read_source(locate(dataset))


def spec(name: str) -> DatasetSpec:
    """Return the registry entry for ``name`` (or a record made from a source file).

    Parameters
    ----------
    name : str
        A registered data set name, or the path of a source YAML file.

    Returns
    -------
    DatasetSpec
        Its record.

    Raises
    ------
    UnknownNameError
        If the name is not registered; the message lists the valid names.
    DataValidationError, ParameterError
        If a source file is missing or invalid.
    """
    found = source(name)
    if found is not None:
        return _source_spec(found)
    return REGISTRY[name]


def fingerprint(dataset: str) -> str:
    """Return what identifies a data set's content for caches keyed by it.

    Parameters
    ----------
    dataset : str
        A registered name or the path of a source file.

    Returns
    -------
    str
        Empty for a registered set (its content is checked against published counts);
        for a source, the sha256 of the source file and of its data file.

    Raises
    ------
    UnknownNameError, DataValidationError, ParameterError
        As :func:`source`.
    """
    found = source(dataset)
    return "" if found is None else found.fingerprint()


def cache_path(name: str) -> Path:
    """Return where the parsed copy of a data set is cached (``data/interim/<name>.parquet``).

    Parameters
    ----------
    name : str
        A registered data set name.

    Returns
    -------
    Path
        The Parquet file; a ``.json`` sidecar beside it records its checksum and source.
    """
    return paths.interim_dir() / f"{name}.parquet"


def check_content(frame: pd.DataFrame, entry: DatasetSpec, *, origin: str) -> pd.DataFrame:
    """Verify row and distinct counts against the publisher's figures.

    Parameters
    ----------
    frame : pandas.DataFrame
        The parsed data.
    entry : DatasetSpec
        The registry record holding the expected counts.
    origin : str
        Where the frame came from, for the message.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself.

    Raises
    ------
    IntegrityError
        Naming the failed check, the expected and actual values, and how to refresh.
    """
    for check, expected in entry.expected.items():
        actual = len(frame) if check == "rows" else int(frame[check].nunique(dropna=True))
        if actual != expected:
            what = "rows" if check == "rows" else f"distinct `{check}` values"
            raise IntegrityError(
                f"{entry.name} from {origin}: expected {expected:,} {what}, found {actual:,}. "
                f"The file is incomplete or altered; refresh it with "
                f"`python -m aftersales.datasets fetch {entry.name} --refresh`."
            )
    return frame


def _read_cache(entry: DatasetSpec) -> pd.DataFrame | None:
    path = cache_path(entry.name)
    sidecar = path.with_suffix(".json")
    if not path.exists():
        return None
    advice = (
        f"refresh it with `python -m aftersales.datasets fetch {entry.name} --refresh` "
        f"(or delete {path})"
    )
    try:
        meta = json.loads(sidecar.read_text())
    except (OSError, ValueError) as exc:
        raise IntegrityError(f"cached {path} has no readable checksum record; {advice}") from exc
    if meta.get("version") != entry.version:
        log.info("cache of %s was made by an older parser; rebuilding", entry.name)
        return None
    if sha256_of(path) != meta.get("sha256"):
        raise IntegrityError(
            f"cached {path} is truncated or corrupted (checksum differs); {advice}"
        )
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise IntegrityError(f"cached {path} cannot be read ({exc}); {advice}") from exc
    return check_content(frame, entry, origin=str(path))


def _write_cache(frame: pd.DataFrame, entry: DatasetSpec, *, origin: str) -> None:
    path = cache_path(entry.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    frame.to_parquet(part, index=False)
    meta = {"version": entry.version, "sha256": sha256_of(part), "source": origin}
    part.replace(path)
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")


def _from_mirror(entry: DatasetSpec) -> tuple[pd.DataFrame, str] | None:
    mirror = paths.mirror_dir()
    if mirror is None:
        return None
    files = {rel: mirror / rel for rel in entry.mirror_files}
    if not all(p.is_file() for p in files.values()):
        return None
    for rel, path in files.items():
        verify_sha256(path, entry.mirror_files[rel], what=f"mirror file {rel}")
    folder = next(iter(files.values())).parent
    return entry.parse_mirror(folder), f"mirror {folder}"


def _from_archive(entry: DatasetSpec, *, download_ok: bool) -> tuple[pd.DataFrame, str] | None:
    archive = paths.raw_dir() / entry.archive
    if not archive.exists():
        if not download_ok:
            return None
        download(entry.url, archive, sha256=entry.archive_sha256)
    elif entry.archive_sha256 is not None:
        verify_sha256(archive, entry.archive_sha256, what=f"raw file {archive.name}")
    return entry.parse_archive(archive), f"raw {archive}"


def fetch(name: str, *, refresh: bool = False, download_ok: bool = True) -> Path:
    """Make sure the parsed cache of a data set exists and is verified.

    Parameters
    ----------
    name : str
        A registered data set name.
    refresh : bool, default False
        Rebuild the cache even if a valid one exists (the raw archive is kept).
    download_ok : bool, default True
        Allow an upstream download when neither ``data/raw`` nor the mirror has the files.

    Returns
    -------
    Path
        The cached Parquet file.

    Raises
    ------
    UnknownNameError
        If the name is not registered.
    DataUnavailableError
        If no source has the data; the message says where to put the files.
    IntegrityError
        If a file fails its checksum or the parsed content fails its counts.
    """
    entry = spec(name)
    if refresh:
        cache_path(name).unlink(missing_ok=True)
    elif _read_cache(entry) is not None:
        return cache_path(name)
    found = _from_archive(entry, download_ok=False) or _from_mirror(entry)
    if found is None:
        try:
            found = _from_archive(entry, download_ok=download_ok)
        except DataUnavailableError as exc:
            raise DataUnavailableError(_unavailable(entry, reason=str(exc))) from exc
        if found is None:
            raise DataUnavailableError(_unavailable(entry, reason="downloads are switched off"))
    frame, origin = found
    check_content(frame, entry, origin=origin)
    _write_cache(frame, entry, origin=origin)
    return cache_path(name)


def _unavailable(entry: DatasetSpec, *, reason: str) -> str:
    mirror = paths.mirror_dir()
    files = list(entry.mirror_files)
    mirror_note = (
        "no mirror is configured" if mirror is None else f"the mirror {mirror} lacks {files}"
    )
    return (
        f"{entry.name} is not available: no cache in {paths.interim_dir()}, no {entry.archive} "
        f"in {paths.raw_dir()}, {mirror_note}, and the download failed ({reason}). Provide it by "
        f"downloading {entry.url} into {paths.raw_dir()}, or by setting {paths.MIRROR_ENV} to a "
        f"folder that holds {files}."
    )


def load(name: str, *, refresh: bool = False) -> pd.DataFrame:
    """Load a registered data set as a canonical frame.

    Looks in order at the parsed cache in ``data/interim``, the archive in ``data/raw``, the
    local mirror (``$AFTERSALES_DATA_MIRROR`` or ``../shared/datasets``) and finally the
    publisher's address. Whatever the source, the parsed content is checked against the
    published row and distinct counts before it is cached.

    Parameters
    ----------
    name : str
        ``"movielens-100k"`` (ratings), ``"online-retail"`` (transactions), ``"hillstrom"``
        (a campaign), or the path of
        a source YAML file (read with its declared options; the parsed copy is cached in
        ``data/interim/sources/`` under the content hash of the source and data files).
    refresh : bool, default False
        Rebuild the parsed cache from the raw files.

    Returns
    -------
    pandas.DataFrame
        Ratings (``user_id, item_id, rating, timestamp, title, genres``) or transactions
        (``invoice_id, item_id, description, quantity, unit_price, timestamp, customer_id,
        country``) or a campaign (``customer_id, treatment, outcome, visit, spend`` and the
        covariates), with names from :mod:`aftersales.columns`.

    Raises
    ------
    UnknownNameError
        If the name is not registered.
    DataUnavailableError
        If no source has the data.
    IntegrityError
        If a file is truncated, corrupted or fails a content check.
    DataValidationError, ParameterError
        If a source file is missing or invalid, or its data breaks the schema.
    """
    found = source(name)
    if found is not None:
        return _load_source(found, refresh=refresh)
    entry = spec(name)
    if not refresh:
        cached = _read_cache(entry)
        if cached is not None:
            return cached
    fetch(name, refresh=refresh)
    frame = _read_cache(entry)
    assert frame is not None  # fetch just wrote and verified it
    return frame


def _load_source(found: Source, *, refresh: bool) -> pd.DataFrame:
    """Read a source, through a parsed copy keyed by the content of both files."""
    folder = paths.interim_dir() / "sources"
    cached = folder / f"{found.name}-{found.fingerprint()[:16]}.parquet"
    if cached.exists() and not refresh:
        try:
            return pd.read_parquet(cached)
        except Exception:  # a damaged cache is rebuilt, never trusted
            log.info("cached %s unreadable; reading the source again", cached)
    frame = load_source(found)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{found.name}-*.parquet"):
        stale.unlink(missing_ok=True)
    scratch = cached.with_suffix(".part")
    frame.to_parquet(scratch)
    scratch.rename(cached)
    return frame
