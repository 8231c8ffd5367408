"""Data sources: a small YAML file that says how to read an analyst's own export.

```yaml
kind: transactions            # or: ratings, campaign
path: exports/orders-2024.csv # relative paths resolve against this file's folder
columns: {customer_id: CustomerID, item_id: StockCode, timestamp: OrderDate}
dates: {format: "%d/%m/%Y %H:%M", timezone: Europe/London}
delimiter: ";"
returns: {by: prefix, prefix: R}  # or {by: flag, column: IsReturn}; default {by: negative_quantity}
```

A campaign (one row per customer of a randomised campaign; other columns become covariates):

```yaml
kind: campaign
path: mailing.csv
columns: {customer_id: id, treatment: arm, outcome: bought, spend: amount}  # spend optional
control: "No E-Mail"
design: {"No E-Mail": 1, "E-Mail": 1}  # optional planned shares; default equal
```

:func:`read_source` validates the file (unknown keys with a did-you-mean, unknown kind,
missing data file) and returns a :class:`Source`; :func:`load_source` reads the data
through :func:`load_transactions` or :func:`load_ratings` with the declared options.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from aftersales import columns as C
from aftersales.clean import MARKERS, ReturnMarker
from aftersales.datasets._campaign import CAMPAIGN_COLUMNS, load_campaign
from aftersales.datasets._own import load_ratings, load_transactions
from aftersales.datasets._read import MISSING_MARKERS
from aftersales.datasets._spec import DatasetSpec
from aftersales.errors import DataValidationError, ParameterError

KINDS = ("transactions", "ratings", "campaign")
"""What a source holds."""

KEYS = (
    "kind",
    "path",
    "columns",
    "dates",
    "rating_scale",
    "delimiter",
    "encoding",
    "sheet",
    "missing_markers",
    "name",
    "description",
    "returns",
    "control",
    "design",
)
"""Keys a source file may hold (``kind`` and ``path`` are required)."""

DATE_KEYS = ("format", "dayfirst", "timezone", "unit")
"""Keys of the ``dates`` mapping."""

CANONICAL: dict[str, tuple[str, ...]] = {
    "transactions": (
        C.CUSTOMER,
        C.INVOICE,
        C.ITEM,
        C.QUANTITY,
        C.UNIT_PRICE,
        C.REVENUE,
        C.TIMESTAMP,
        C.COUNTRY,
        C.DESCRIPTION,
    ),
    "ratings": (C.USER, C.ITEM, C.RATING, C.TIMESTAMP),
    "campaign": CAMPAIGN_COLUMNS,
}
"""Canonical names a source of each kind may map (``columns:`` keys)."""

SUFFIXES = (".yaml", ".yml")
"""File endings that mark a ``dataset`` value as a source file rather than a name."""


@dataclass(frozen=True)
class Source:
    """A validated source file.

    Attributes
    ----------
    file : Path
        The source file itself (absolute).
    name : str
        Display name: the ``name`` key, else the source file's stem.
    kind : str
        ``"transactions"`` or ``"ratings"``.
    path : Path
        The data file (absolute; relative paths resolved against ``file``'s folder).
    columns : Mapping[str, str]
        Canonical name -> the data file's column name.
    dates : Mapping[str, Any]
        ``format``, ``dayfirst``, ``timezone``, ``unit`` (each optional).
    rating_scale : tuple of float
        Ratings only: the declared scale.
    delimiter, encoding, sheet : str or None
        Reading options (CSV delimiter and encoding, Excel sheet).
    missing_markers : tuple of str
        Cell texts read as missing.
    description : str
        Free text shown in reports.
    returns : ReturnMarker
        Transactions only: how return lines are marked (default: a negative quantity).
    control : str
        Campaigns only: the control arm's label (required for a campaign).
    design : Mapping[str, float]
        Campaigns only: planned share of each arm (empty: equal shares).
    """

    file: Path
    name: str
    kind: str
    path: Path
    columns: Mapping[str, str] = field(default_factory=dict)
    dates: Mapping[str, Any] = field(default_factory=dict)
    rating_scale: tuple[float, float] = (1.0, 5.0)
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | int | None = None
    missing_markers: tuple[str, ...] = MISSING_MARKERS
    description: str = ""
    returns: ReturnMarker = ReturnMarker("negative_quantity")
    control: str = ""
    design: Mapping[str, float] = field(default_factory=dict)

    @property
    def mapped(self) -> frozenset[str]:
        """Canonical columns the data will hold: the mapped ones.

        For ratings, ``user_id``, ``item_id`` and ``rating`` are always there (unmapped
        ones are looked up under their own name by the loader).
        """
        found = set(self.columns)
        if self.kind == "ratings":
            found |= {C.USER, C.ITEM, C.RATING}
        return frozenset(found)

    def fingerprint(self) -> str:
        """Return the sha256 of the source file's and the data file's content.

        Returns
        -------
        str
            64 hex characters; changes when either file changes.

        Raises
        ------
        DataValidationError
            If the data file has disappeared since the source was read.
        """
        digest = hashlib.sha256()
        for path in (self.file, self.path):
            if not path.is_file():
                raise DataValidationError(f"{self.file.name}: data file {path} does not exist")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            digest.update(b"\0")
        return digest.hexdigest()


def is_source(dataset: str) -> bool:
    """Return whether a ``dataset`` value names a source file rather than a registered set.

    Parameters
    ----------
    dataset : str
        A ``dataset`` parameter value.

    Returns
    -------
    bool
        True when it ends in ``.yaml``/``.yml`` or contains a path separator.
    """
    return dataset.lower().endswith(SUFFIXES) or "/" in dataset or "\\" in dataset


def locate(dataset: str | Path, *, base: Path | None = None) -> Path:
    """Return the absolute path of a source file named in a params file or a notebook.

    A relative path is tried against ``base`` (default the working folder), then against
    the project root (notebooks run in ``notebooks/``, params name ``sources/...``).

    Parameters
    ----------
    dataset : str or Path
        The source file's path.
    base : Path, optional
        Folder tried first for a relative path.

    Returns
    -------
    Path
        The existing source file.

    Raises
    ------
    DataValidationError
        If no such file exists; the message names every place looked at.
    """
    from aftersales import paths

    given = Path(dataset).expanduser()
    if given.is_absolute():
        tried = [given]
    else:
        tried = [(base or Path.cwd()) / given, paths.PROJECT_ROOT / given]
    for candidate in tried:
        if candidate.is_file():
            return candidate.resolve()
    raise DataValidationError(
        f"source file {str(dataset)!r} does not exist (looked at "
        f"{', '.join(str(p) for p in dict.fromkeys(tried))}); `dataset` takes a registered "
        "name or the path of a source YAML file"
    )


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _unknown(where: str, found: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in found:
        if key not in allowed:
            raise ParameterError(
                f"{where}: unknown key {key!r}{_suggest(str(key), allowed)}; "
                f"the keys are {list(allowed)}"
            )


def _text(where: str, value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ParameterError(f"{where}: `{name}` must be text; got {type(value).__name__} {value!r}")


def _columns(where: str, kind: str, value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParameterError(
            f"{where}: `columns` must map canonical names to the file's column names, e.g. "
            f"{{customer_id: CustomerID}}; got {type(value).__name__}"
        )
    allowed = CANONICAL[kind]
    for canonical, column in value.items():
        if canonical not in allowed:
            raise ParameterError(
                f"{where}: `columns` names unknown canonical column {canonical!r}"
                f"{_suggest(str(canonical), allowed)}; {kind} map onto {list(allowed)}"
            )
        if not isinstance(column, str | int) or isinstance(column, bool):
            raise ParameterError(
                f"{where}: `columns.{canonical}` must be the file's column name; got {column!r}"
            )
    return {str(k): str(v) for k, v in value.items()}


def _dates(where: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ParameterError(
            f"{where}: `dates` must be a mapping such as {{format: '%d/%m/%Y', timezone: UTC}}"
        )
    _unknown(f"{where}: `dates`", value, DATE_KEYS)
    for name in ("format", "timezone", "unit"):
        _text(where, value.get(name), f"dates.{name}")
    if value.get("dayfirst") is not None and not isinstance(value["dayfirst"], bool):
        raise ParameterError(f"{where}: `dates.dayfirst` must be true or false")
    return dict(value)


def _scale(where: str, value: Any) -> tuple[float, float]:
    if value is None:
        return (1.0, 5.0)
    numbers = isinstance(value, list | tuple) and len(value) == 2
    if not numbers or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    ):
        raise ParameterError(f"{where}: `rating_scale` must be [low, high]; got {value!r}")
    low, high = float(value[0]), float(value[1])
    if not low < high:
        raise ParameterError(f"{where}: `rating_scale` needs low < high; got {value!r}")
    return (low, high)


def _markers(where: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return MISSING_MARKERS
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParameterError(
            f"{where}: `missing_markers` must be a list of texts such as ['NULL', '?']"
        )
    return tuple(value)


# --- returns: how an export marks return lines (issue #19) ---------------------------------

RETURN_KEYS = {"negative_quantity": ("by",), "prefix": ("by", "prefix"), "flag": ("by", "column")}
"""Keys of the ``returns`` mapping for each ``by``."""


def _returns(where: str, kind: str, value: Any) -> ReturnMarker:
    """Read ``returns: {by: negative_quantity | prefix | flag, prefix: C, column: IsReturn}``.

    A flag column is read under the canonical name :data:`aftersales.columns.IS_RETURN`.
    """
    if value is None:
        return ReturnMarker("negative_quantity")
    if kind != "transactions":
        raise ParameterError(f"{where}: `returns` applies to kind: transactions only")
    if not isinstance(value, Mapping) or "by" not in value:
        raise ParameterError(
            f"{where}: `returns` must be a mapping with `by`, e.g. {{by: prefix, prefix: C}}, "
            f"{{by: flag, column: IsReturn}} or {{by: negative_quantity}}; got {value!r}"
        )
    by = value["by"]
    if by not in RETURN_KEYS:
        raise ParameterError(
            f"{where}: `returns.by` is {by!r}{_suggest(str(by), MARKERS)}; choose one of "
            f"{list(MARKERS)}"
        )
    _unknown(f"{where}: `returns` (by: {by})", value, RETURN_KEYS[by])
    for key in RETURN_KEYS[by][1:]:
        text = value.get(key)
        if not isinstance(text, str | int) or isinstance(text, bool) or not str(text).strip():
            raise ParameterError(f"{where}: `returns.by: {by}` needs `{key}` (text); got {text!r}")
    if by == "prefix":
        return ReturnMarker("prefix", prefix=str(value["prefix"]))
    if by == "flag":
        return ReturnMarker("flag", column=str(value["column"]))
    return ReturnMarker("negative_quantity")


def _return_flag(source: Source) -> dict[str, str]:
    """Return the column mapping that reads a source's return flag column, if any."""
    if source.returns.by != "flag":
        return {}
    return {C.IS_RETURN: source.returns.column}


def _marker(source: Source) -> ReturnMarker:
    """Return the marker the cleaning applies (a flag column is read as ``is_return``)."""
    if source.returns.by == "flag":
        return ReturnMarker("flag", column=C.IS_RETURN)
    return source.returns


# --- end of the returns block ---------------------------------------------------------------


def _campaign(where: str, kind: str, content: Mapping[str, Any]) -> tuple[str, dict[str, float]]:
    """Read a campaign's ``control`` (required) and ``design`` (optional arm -> share)."""
    control, design = content.get("control"), content.get("design")
    if kind != "campaign":
        for key in ("control", "design"):
            if content.get(key) is not None:
                raise ParameterError(f"{where}: `{key}` applies to kind: campaign only")
        return "", {}
    if control is None or (isinstance(control, str) and not control.strip()):
        raise ParameterError(
            f"{where}: a campaign needs `control:`, the label of its control arm "
            '(e.g. control: "No E-Mail")'
        )
    if design is None:
        return str(control), {}
    valid = isinstance(design, Mapping) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in design.values()
    )
    if not valid or str(control) not in {str(k) for k in design}:
        raise ParameterError(
            f"{where}: `design` must map every arm, the control {str(control)!r} included, to a "
            f"positive share, e.g. {{{control!r}: 1, 'E-Mail': 1}}; got {design!r}"
        )
    return str(control), {str(k): float(v) for k, v in design.items()}


def read_source(file: str | Path) -> Source:
    """Read and validate a source file.

    Parameters
    ----------
    file : str or Path
        The source YAML file.

    Returns
    -------
    Source
        The validated source, its data path resolved against the file's folder.

    Raises
    ------
    DataValidationError
        If the source file or its data file does not exist.
    ParameterError
        If the YAML is invalid or not a mapping, a key is unknown (with a did-you-mean),
        ``kind`` or ``path`` is missing, ``kind`` is unknown, ``columns`` names an unknown
        canonical column, or a value has the wrong type.
    """
    file = Path(file).expanduser()
    if not file.is_file():
        raise DataValidationError(f"source file {file} does not exist")
    where = f"source {file.name}"
    try:
        content = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ParameterError(
            f"{where}: not valid YAML{at}: {getattr(exc, 'problem', exc)}"
        ) from exc
    if not isinstance(content, dict):
        raise ParameterError(
            f"{where}: expected a mapping with at least `kind` and `path`; "
            f"got {type(content).__name__}"
        )
    _unknown(where, content, KEYS)
    for required in ("kind", "path"):
        if content.get(required) in (None, ""):
            raise ParameterError(f"{where}: `{required}` is required")
    kind = content["kind"]
    if kind not in KINDS:
        raise ParameterError(
            f"{where}: unknown kind {kind!r}{_suggest(str(kind), KINDS)}; choose one of "
            f"{list(KINDS)}"
        )
    if "rating_scale" in content and kind != "ratings":
        raise ParameterError(f"{where}: `rating_scale` applies to kind: ratings only")
    control, design = _campaign(where, kind, content)
    folder = file.resolve().parent
    data = Path(str(_text(where, content["path"], "path"))).expanduser()
    data = data if data.is_absolute() else folder / data
    if not data.is_file():
        raise DataValidationError(
            f"{where}: data file {data} does not exist (`path: {content['path']}`, relative "
            f"paths resolve against {folder})"
        )
    sheet = content.get("sheet")
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
        raise ParameterError(f"{where}: `sheet` must be a sheet name or number; got {sheet!r}")
    return Source(
        file=file.resolve(),
        name=_text(where, content.get("name"), "name") or file.stem,
        kind=kind,
        path=data.resolve(),
        columns=_columns(where, kind, content.get("columns")),
        dates=_dates(where, content.get("dates")),
        rating_scale=_scale(where, content.get("rating_scale")),
        delimiter=_text(where, content.get("delimiter"), "delimiter"),
        encoding=_text(where, content.get("encoding"), "encoding"),
        sheet=sheet,
        missing_markers=_markers(where, content.get("missing_markers")),
        description=_text(where, content.get("description"), "description") or "",
        returns=_returns(where, kind, content.get("returns")),
        control=control,
        design=design,
    )


def load_source(source: Source) -> pd.DataFrame:
    """Read a source's data file with its declared options.

    Parameters
    ----------
    source : Source
        A validated source.

    Returns
    -------
    pandas.DataFrame
        Canonical transactions, ratings or a campaign frame.

    Raises
    ------
    DataValidationError
        As :func:`load_transactions` / :func:`load_ratings` / :func:`load_campaign`.
    ParameterError
        For a bad reading option (unit, timezone, markers).
    """
    declared: dict[str, Any] = {
        "timestamp_unit": source.dates.get("unit"),
        "date_format": source.dates.get("format"),
        "dayfirst": source.dates.get("dayfirst"),
        "timezone": source.dates.get("timezone"),
        "delimiter": source.delimiter,
        "encoding": source.encoding,
        "sheet": source.sheet,
    }
    options = {name: value for name, value in declared.items() if value is not None}
    if source.kind == "campaign":
        reading = {k: v for k, v in options.items() if k in ("delimiter", "encoding", "sheet")}
        return load_campaign(
            source.path,
            columns=source.columns,
            control=source.control,
            design=source.design,
            **reading,
        )
    columns = dict(source.columns) | _return_flag(source)
    options |= {"columns": columns, "missing_markers": source.missing_markers}
    if source.kind == "ratings":
        return load_ratings(source.path, scale=source.rating_scale, **options)
    return load_transactions(source.path, **options)


def source_spec(source: Source) -> DatasetSpec:
    """Return a registry-like record for a source, so code that asks ``spec()`` works.

    Parameters
    ----------
    source : Source
        A validated source.

    Returns
    -------
    DatasetSpec
        Named after the source, of its kind; nothing to download, no published counts,
        not redistributable (an analyst's data stays on the machine).
    """

    def parse(_: Path) -> pd.DataFrame:
        return load_source(source)

    return DatasetSpec(
        name=source.name,
        kind=source.kind,
        url="",
        archive=source.path.name,
        archive_sha256=None,
        mirror_files={},
        parse_mirror=parse,
        parse_archive=parse,
        expected={},
        citation=source.description or f"own data: {source.path.name} (source {source.file.name})",
        licence="own data: stays on this machine",
        redistributable=False,
        returns=_marker(source),
        control=source.control,
        design=source.design,
    )
