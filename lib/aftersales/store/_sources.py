"""Read what a run produced (tables, data, manifest) into the frames the store loads.

Each source is optional: a file the run did not write gives ``None`` and its table stays
empty. Customer ids become keyed pseudonyms here, at the boundary, so no raw id reaches
the store unless the run asked for raw ids (``export_raw_ids``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aftersales import columns as C
from aftersales import datasets, evaluate, params, paths, privacy
from aftersales.errors import DataValidationError, StoreMissingError

FILES: dict[str, str] = {
    "segments": "tables/segments.csv",
    "segment_actions": "tables/segment_actions.csv",
    "recommendations": "tables/recommendations.csv",
    "rules": "tables/rules.csv",
    "content_terms": "tables/content_terms.csv",
    "returns": "tables/returns.csv",
    "interactions": "data/interactions.parquet",
}
"""Source name -> file in a run folder."""


@dataclass
class Sources:
    """The frames a store is built from; ``None`` where the run produced nothing.

    Customer columns are named ``C.CUSTOMER_KEY`` and hold pseudonyms; ``segments`` may
    also hold raw ids in ``C.CUSTOMER`` when the run set ``export_raw_ids``.
    """

    manifest: dict[str, Any]
    lines: pd.DataFrame | None = None
    segments: pd.DataFrame | None = None
    segment_actions: pd.DataFrame | None = None
    recommendations: pd.DataFrame | None = None
    rules: pd.DataFrame | None = None
    content_terms: pd.DataFrame | None = None
    returns: pd.DataFrame | None = None
    interactions: pd.DataFrame | None = None
    files: dict[str, str] = field(default_factory=dict)  # source -> file it came from

    def present(self) -> list[str]:
        """Return the names of the sources that hold a frame."""
        return [f.name for f in fields(self) if isinstance(getattr(self, f.name), pd.DataFrame)]


def _parameter(manifest: dict[str, Any], name: str, number: str) -> Any:
    """Return a run parameter, else the default of notebook ``number``."""
    given = manifest.get("parameters", {})
    if name in given:
        return given[name]
    cls = params.REGISTRY.get(number)
    return {f.name: f.default for f in fields(cls)}.get(name) if cls else None


def keyed(frame: pd.DataFrame, column: str, *, key: bytes) -> pd.DataFrame:
    """Return ``frame`` with raw ids in ``column`` replaced by pseudonyms in ``C.CUSTOMER_KEY``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table with raw customer ids in ``column``.
    column : str
        The id column.
    key : bytes
        Pseudonymisation key.

    Returns
    -------
    pandas.DataFrame
        A new frame; ``column`` is dropped and ``C.CUSTOMER_KEY`` takes its place.
    """
    ids = frame[column]
    if not pd.api.types.is_string_dtype(ids.dtype):
        ids = ids.astype("str").where(ids.notna())
    codes, distinct = pd.factorize(ids)  # hash each customer once, not each line
    tokens = privacy.pseudonymise(
        pd.DataFrame({column: pd.array(distinct, dtype="str")}), column, key=key
    )[column].to_numpy(dtype=object)
    values = np.where(codes >= 0, tokens[np.maximum(codes, 0)] if len(tokens) else None, None)
    position = frame.columns.get_loc(column)
    out = frame.drop(columns=[column])
    out.insert(position, C.CUSTOMER_KEY, pd.array(values, dtype="str"))
    return out


def _tokens(frame: pd.DataFrame, *, key: bytes, raw: bool) -> pd.DataFrame:
    """Rename the customer column ``C.CUSTOMER_KEY``, pseudonymising raw ids."""
    for column in (C.CUSTOMER, C.USER):
        if column in frame and column != C.CUSTOMER_KEY:
            if raw or not frame[column].astype("str").str.startswith(privacy.PREFIX).all():
                return keyed(frame, column, key=key)
            return frame.rename(columns={column: C.CUSTOMER_KEY})
    return frame


def read_run(folder: Path, *, key: bytes) -> Sources:
    """Read a run folder's outputs.

    Parameters
    ----------
    folder : Path
        ``reports/<run>/`` (or the run's staging folder) with ``manifest.json``.
    key : bytes
        The key the run pseudonymised with (:func:`aftersales.outputs.pseudonym_key`).

    Returns
    -------
    Sources
        Every source found.

    Raises
    ------
    StoreMissingError
        If ``folder`` has no ``manifest.json`` (not a run folder).
    DataValidationError
        If a table's customer keys were made with another key than ``key``.
    """
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StoreMissingError(
            f"{paths.shown(folder)}: not a report run (no readable manifest.json); run "
            "`python -m aftersales.report params/<run>.yaml` first"
        ) from exc
    found = Sources(manifest=manifest)
    raw = bool(_parameter(manifest, "export_raw_ids", "03.00"))
    for name, relative in FILES.items():
        path = folder / relative
        if not path.exists():
            continue
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        if name == "segments" and C.CUSTOMER in frame:  # raw ids asked for: keep them beside
            frame = keyed(frame.assign(raw=frame[C.CUSTOMER]), C.CUSTOMER, key=key)
            frame = frame.rename(columns={"raw": C.CUSTOMER})
        elif name != "segments":
            frame = _tokens(frame, key=key, raw=raw and name == "recommendations")
        setattr(found, name, frame)
        found.files[name] = relative
    if found.recommendations is not None:
        found.recommendations = found.recommendations.assign(**{C.MODEL: _model(folder, manifest)})
    dataset = manifest.get("parameters", {}).get("dataset")  # none: no lines to load
    if isinstance(dataset, str) and _has_lines(dataset):
        found.lines = order_lines(dataset, key=key, kept=_kept(folder))
        found.files["lines"] = f"data set {datasets.spec(dataset).name}"
    _same_key(found)
    return found


def _model(folder: Path, manifest: dict[str, Any]) -> str | None:
    """Return the model 04.00 exported: its parameter, or the best in metrics.csv."""
    chosen = _parameter(manifest, "export_model", "04.00")
    if chosen != "best":
        return chosen
    path = folder / "tables" / "metrics.csv"
    if not path.exists():
        return None
    metric = _parameter(manifest, "choose_by", "04.00")
    k = _parameter(manifest, "k", "04.00")
    return evaluate.best_model(pd.read_csv(path), metric=metric, k=k)


def _has_lines(dataset: str) -> bool:
    """Transaction lines are stored when the data set has them and may be redistributed."""
    spec = datasets.spec(dataset)
    return spec.redistributable and spec.kind == "transactions"


def _kept(folder: Path) -> pd.Index | None:
    """Row numbers of the lines 01.00's cleaning kept (its cache), or None when unknown."""
    try:
        pointer = json.loads((folder / "data" / "processed.json").read_text(encoding="utf-8"))
        cache = paths.PROJECT_ROOT / pointer["cache"] / "cleaned.parquet"
        return pd.read_parquet(cache, columns=[C.ITEM]).index
    except (OSError, ValueError, KeyError):
        return None


def order_lines(dataset: str, *, key: bytes, kept: pd.Index | None = None) -> pd.DataFrame:
    """Return every transaction line of a data set, customer ids pseudonymised.

    Parameters
    ----------
    dataset : str
        A registered data set or source file with transactions.
    key : bytes
        Pseudonymisation key.
    kept : pandas.Index, optional
        Line numbers kept by cleaning; without it ``C.KEPT`` is missing (NULL in the store).

    Returns
    -------
    pandas.DataFrame
        ``C.LINE_NO`` and the canonical transaction columns, ``C.CUSTOMER_KEY`` instead of
        ``C.CUSTOMER``, ``C.REVENUE``, and ``C.KEPT`` when ``kept`` is given; times naive UTC.

    Raises
    ------
    DataValidationError
        If the data set has no transaction lines.
    """
    lines = datasets.load(dataset)
    if C.INVOICE not in lines:
        raise DataValidationError(f"{dataset}: no transaction lines (column `{C.INVOICE}`)")
    stamp = lines[C.TIMESTAMP]
    if getattr(stamp.dtype, "tz", None) is not None:
        stamp = stamp.dt.tz_convert("UTC").dt.tz_localize(None)
    out = lines.assign(
        **{
            C.LINE_NO: range(len(lines)),
            C.TIMESTAMP: stamp,
            C.REVENUE: lines[C.QUANTITY] * lines[C.UNIT_PRICE],
        }
    )
    if kept is not None:
        out[C.KEPT] = out.index.isin(kept)
    return keyed(out, C.CUSTOMER, key=key)


def _same_key(found: Sources) -> None:
    """Refuse tables whose customer keys order_lines does not know: another key made them."""
    if found.lines is None:
        return
    known = pd.Index(found.lines[C.CUSTOMER_KEY].dropna().unique())
    for name in ("segments", "recommendations"):
        frame = getattr(found, name)
        if frame is None or not len(frame):
            continue
        keys = pd.Index(frame[C.CUSTOMER_KEY].dropna().unique())
        if not keys.isin(known).any():
            raise DataValidationError(
                f"{found.files[name]}: none of its {len(keys):,} customer keys matches the "
                "data set's customers under this pseudonym key: the run used another key "
                f"(set {privacy.KEY_ENV_VAR} or `pseudonym_key` as the run did)"
            )
