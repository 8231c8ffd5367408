"""MovieLens 100K: parse ``u.data`` and ``u.item`` from the mirror folder or the upstream zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales.errors import IntegrityError

GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
"""The 19 genre flags of ``u.item``, in file order (``u.genre``)."""


def _ratings(raw: bytes) -> pd.DataFrame:
    frame = pd.read_csv(
        io.BytesIO(raw),
        sep="\t",
        header=None,
        names=[C.USER, C.ITEM, C.RATING, C.TIMESTAMP],
        dtype={C.USER: "int64", C.ITEM: "int64", C.RATING: "float64", C.TIMESTAMP: "int64"},
    )
    frame[C.TIMESTAMP] = pd.to_datetime(frame[C.TIMESTAMP], unit="s", utc=True).astype(
        "datetime64[ns, UTC]"
    )
    return frame


def _items(raw: bytes) -> pd.DataFrame:
    names = [C.ITEM, C.TITLE, "release", "video_release", "imdb", *GENRES]
    items = pd.read_csv(
        io.BytesIO(raw), sep="|", header=None, names=names, encoding="latin-1", dtype=str
    )
    flags = items[list(GENRES)].astype("int64").to_numpy(dtype=bool)
    labels = np.array(GENRES, dtype=object)
    genres = ["|".join(labels[row]) for row in flags]  # 1,682 rows: one join per item
    return pd.DataFrame(
        {
            C.ITEM: items[C.ITEM].astype("int64"),
            C.TITLE: items[C.TITLE].astype("str"),
            C.GENRES: pd.Series(genres, dtype="str"),
        }
    )


def _combine(ratings: bytes, items: bytes) -> pd.DataFrame:
    frame = _ratings(ratings).merge(_items(items), on=C.ITEM, how="left", validate="many_to_one")
    return frame[[*C.RATINGS_COLUMNS, C.TITLE, C.GENRES]]


def parse_mirror(folder: Path) -> pd.DataFrame:
    """Parse the mirror's ``ml-100k/`` folder.

    Parameters
    ----------
    folder : Path
        The mirror's ``ml-100k`` folder, holding ``u.data`` and ``u.item``.

    Returns
    -------
    pandas.DataFrame
        Canonical ratings with ``title`` and ``genres``.
    """
    return _combine((folder / "u.data").read_bytes(), (folder / "u.item").read_bytes())


def parse_archive(path: Path) -> pd.DataFrame:
    """Parse the upstream ``ml-100k.zip``.

    Parameters
    ----------
    path : Path
        The downloaded zip.

    Returns
    -------
    pandas.DataFrame
        Canonical ratings with ``title`` and ``genres``.

    Raises
    ------
    IntegrityError
        If the zip is unreadable or lacks ``u.data``/``u.item``.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            return _combine(archive.read("ml-100k/u.data"), archive.read("ml-100k/u.item"))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise IntegrityError(
            f"{path}: not a complete MovieLens 100K archive ({exc}); delete it and fetch again"
        ) from exc
