"""Tables that explain a preparation run to the analyst, and its export to a report folder."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from aftersales import clean, datasets, outputs, paths
from aftersales import columns as C

if TYPE_CHECKING:
    from aftersales.prepare import Prepared


def cleaning_rules(prepared: Prepared) -> pd.DataFrame:
    """List the rules behind the cleaning steps of a preparation.

    Parameters
    ----------
    prepared : Prepared
        The preparation result.

    Returns
    -------
    pandas.DataFrame
        For transactions, the non-product stock codes with their meaning and how many raw
        lines carry each; for ratings, the declared scale and the duplicate policy.
    """
    if C.INVOICE in prepared.cleaned:
        return clean.non_product_codes(datasets.load(prepared.options.dataset))
    low, high = prepared.scale
    return pd.DataFrame(
        {
            C.RULE: ["rating scale", "duplicate (user, item) ratings"],
            "setting": [f"[{low:g}, {high:g}]", prepared.options.duplicates],
        }
    )


def split_summary(prepared: Prepared) -> pd.DataFrame:
    """Describe the train/test split: sizes, users, items and cold start.

    Parameters
    ----------
    prepared : Prepared
        The preparation result.

    Returns
    -------
    pandas.DataFrame
        One row per measure (``measure``, ``value``).
    """
    parts = prepared.split
    total = len(parts.train) + len(parts.test)
    rows = [
        ("method", parts.method),
        ("train interactions", f"{len(parts.train):,}"),
        ("test interactions", f"{len(parts.test):,}"),
        ("test share (%)", f"{100 * len(parts.test) / total:.2f}"),
        ("users in test", f"{parts.test[C.USER].nunique():,}"),
        ("items in test", f"{parts.test[C.ITEM].nunique():,}"),
        ("cold-start users (test only)", f"{len(parts.cold_users):,}"),
        ("cold-start items (test only)", f"{len(parts.cold_items):,}"),
        ("users kept whole in train (too small to split)", f"{parts.train_only_groups:,}"),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


def export(prepared: Prepared, output_dir: str | Path | None, *, key: bytes) -> list[Path]:
    """Write a preparation to a report folder.

    Audits and summaries go to ``tables/``. The interactions and the split go to ``data/`` as
    Parquet with pseudonymised user ids, unless the data set's licence forbids
    redistribution (MovieLens): then ``data/processed.json`` points at the local cache.

    Parameters
    ----------
    prepared : Prepared
        The preparation result.
    output_dir : str, Path or None
        The report folder; empty writes nothing.
    key : bytes
        Pseudonymisation key.

    Returns
    -------
    list of Path
        The files written.
    """
    from aftersales.prepare import cache_folder  # the package imports this module

    if not output_dir:
        return []
    tables = {"audit": prepared.audit, "kcore_audit": prepared.kcore_audit}
    if len(prepared.interactions):  # an order-level export has none (no item ids)
        tables["split"] = split_summary(prepared)
        tables["interactions_summary"] = datasets.describe(prepared.interactions)
    written = outputs.write(output_dir, tables=tables)
    folder = Path(output_dir) / "data"
    folder.mkdir(parents=True, exist_ok=True)
    pointer = {
        "options": asdict(prepared.options),
        "cache": paths.shown(cache_folder(prepared.options)),
        "rows": {"interactions": len(prepared.interactions), "train": len(prepared.split.train)}
        | {"test": len(prepared.split.test)},
    }
    if datasets.spec(prepared.options.dataset).redistributable:
        frames = {
            "interactions": prepared.interactions,
            "train": prepared.split.train,
            "test": prepared.split.test,
        }
        for name, frame in frames.items():
            path = folder / f"{name}.parquet"
            outputs.shareable(frame, key=key).to_parquet(path)
            written.append(path)
    else:
        pointer["note"] = "licence forbids redistribution: rebuild locally with prepare(options)"
    path = folder / "processed.json"
    path.write_text(json.dumps(pointer, indent=2) + "\n")
    return [*written, path]
