"""Project folders, resolved once.

The project root is the folder holding ``pyproject.toml`` above this package (an editable
install); ``AFTERSALES_DATA_DIR`` and ``AFTERSALES_REPORTS_DIR`` override the data and
report folders, and ``AFTERSALES_DATA_MIRROR`` names a local mirror of the upstream files.
"""

from __future__ import annotations

import os
from pathlib import Path

MIRROR_ENV = "AFTERSALES_DATA_MIRROR"
DATA_DIR_ENV = "AFTERSALES_DATA_DIR"
REPORTS_DIR_ENV = "AFTERSALES_REPORTS_DIR"


def _find_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "lib" / "aftersales").is_dir():
            return parent
    return Path.cwd()


PROJECT_ROOT: Path = _find_root()
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
PARAMS_DIR: Path = PROJECT_ROOT / "params"


def data_dir() -> Path:
    """Return the data folder (``data/`` in the project, or ``$AFTERSALES_DATA_DIR``).

    Returns
    -------
    Path
        The folder holding ``raw/``, ``interim/`` and ``processed/``.
    """
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env).expanduser().resolve() if env else PROJECT_ROOT / "data"


def raw_dir() -> Path:
    """Return ``data/raw``: downloads, never edited.

    Returns
    -------
    Path
        The raw-data folder (not created).
    """
    return data_dir() / "raw"


def interim_dir() -> Path:
    """Return ``data/interim``: parsed caches, safe to delete.

    Returns
    -------
    Path
        The cache folder (not created).
    """
    return data_dir() / "interim"


def processed_dir() -> Path:
    """Return ``data/processed``: analysis-ready outputs keyed by their parameters.

    Returns
    -------
    Path
        The processed-data folder (not created).
    """
    return data_dir() / "processed"


def reports_dir() -> Path:
    """Return the report folder (``reports/`` or ``$AFTERSALES_REPORTS_DIR``).

    Returns
    -------
    Path
        The folder that holds one sub-folder per report run.
    """
    env = os.environ.get(REPORTS_DIR_ENV)
    return Path(env).expanduser().resolve() if env else PROJECT_ROOT / "reports"


def mirror_dir() -> Path | None:
    """Return the local mirror of upstream data files, if there is one.

    ``$AFTERSALES_DATA_MIRROR`` wins when set (an empty value disables the mirror);
    otherwise ``../shared/datasets`` beside the project is used when that folder exists.

    Returns
    -------
    Path or None
        The mirror folder, or ``None`` when no mirror is configured or present.
    """
    env = os.environ.get(MIRROR_ENV)
    if env is not None:
        return Path(env).expanduser().resolve() if env.strip() else None
    default = PROJECT_ROOT.parent / "shared" / "datasets"
    return default if default.is_dir() else None


def shown(path: Path) -> str:
    """Return ``path`` as a report may show it: relative to the project or working folder.

    Parameters
    ----------
    path : Path
        Any path.

    Returns
    -------
    str
        The path relative to the project (or else the working folder) when it lies inside
        it; otherwise only its name, so no output names a folder of this machine.
    """
    resolved = Path(path).resolve()
    for base in (PROJECT_ROOT.resolve(), Path.cwd().resolve()):
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return resolved.name
