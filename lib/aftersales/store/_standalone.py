"""A store made from a data set alone, for a notebook run outside a report (nbval, a lab).

A report's store holds what its notebooks produced; without a run, this one computes a
small version of the same from the package: the cleaned lines, RFM segments with their
actions (no lifetime value: that is 03.00's fit), popularity recommendations and pair rules.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from aftersales import basket, models, paths, prepare, segment
from aftersales import columns as C
from aftersales.store._build import Built, write
from aftersales.store._sources import Sources, keyed, order_lines


def standalone_path(dataset: str) -> Path:
    """Return where :func:`build_from_data` writes the store of ``dataset``.

    Parameters
    ----------
    dataset : str
        The data set's name or source file.

    Returns
    -------
    Path
        ``data/interim/stores/<name>.duckdb``.
    """
    return paths.interim_dir() / "stores" / f"{Path(dataset).stem}.duckdb"


def build_from_data(
    dataset: str,
    *,
    key: bytes,
    k: int = 3,
    n_customers: int = 300,
    min_support: float = 0.02,
    seed: int = 42,
) -> Built:
    """Build a store from a transactions data set with the package's default preparation.

    Parameters
    ----------
    dataset : str
        A transactions data set (name or source file).
    key : bytes
        Pseudonymisation key.
    k : int, default 3
        Popularity recommendations per customer.
    n_customers : int, default 300
        Customers recommended for (the first in the training data).
    min_support : float, default 0.02
        Minimum pair support of the rules (share of baskets).
    seed : int, default 42
        Seed of the preparation's split and the model.

    Returns
    -------
    Built
        The store at :func:`standalone_path`.

    Raises
    ------
    DataValidationError
        If the data set has no transaction lines.
    """
    began = time.perf_counter()
    prepared = prepare.prepare(dataset=dataset, seed=seed)
    lines = order_lines(dataset, key=key, kept=prepared.cleaned.index)
    segmented = segment.attach_actions(segment.segment_customers(prepared.cleaned))
    summary = segment.attach_actions(segment.segment_summary(segmented))
    train = prepared.split.train
    model = models.fit_model(models.make("popularity", seed=seed), train)
    recs = models.recommendation_table(
        model,
        train[C.USER].unique()[:n_customers],
        k=k,
        key=key,
        names=prepared.names,
        label="popularity",
    )
    baskets = basket.make_baskets(prepared.cleaned)
    rules = basket.pair_rules(baskets, min_support=min_support, min_confidence=0.3, min_lift=1.0)
    manifest = {"run": f"{Path(dataset).stem} (data only)", "parameters": {"dataset": dataset}}
    found = Sources(
        manifest=manifest,
        lines=lines,
        segments=keyed(segmented, C.CUSTOMER, key=key),
        segment_actions=summary,
        recommendations=recs.rename(columns={C.USER: C.CUSTOMER_KEY}).assign(
            **{C.MODEL: "popularity"}
        ),
        rules=basket.format_rules(rules).reset_index(drop=True) if len(rules) else pd.DataFrame(),
        files={
            "lines": f"data set {dataset}",
            "segments": "aftersales.segment (RFM only)",
            "segment_actions": "aftersales.segment",
            "recommendations": "popularity (aftersales.models)",
            "rules": "pair rules (aftersales.basket)",
        },
    )
    path = standalone_path(dataset)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write(found, path, began=began)
