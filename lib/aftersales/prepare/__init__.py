"""The shared upstream step: clean, convert, k-core and split a data set, cached by parameters.

Every notebook after 01.00 calls :func:`prepare` with the same preparation parameters; the
first call computes and caches to ``data/processed/<dataset>-<key>/``, later calls (any
notebook, any process) read the cache, so each notebook runs on its own.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd

from aftersales import clean, datasets, interactions, locks, paths, split
from aftersales import columns as C
from aftersales.choices import ENGINES
from aftersales.clean import CONTENT_COLUMNS, has_content, item_content
from aftersales.errors import DataValidationError, ParameterError
from aftersales.params import EngineOptions, PreparationOptions
from aftersales.prepare._tables import cleaning_rules as cleaning_rules  # re-exported
from aftersales.prepare._tables import export as export
from aftersales.prepare._tables import split_summary as split_summary

VERSION = 3
"""Bumped whenever preparation changes, so older caches are not reused."""


ENGINE_SETTINGS: tuple[str, ...] = tuple(
    f.name for f in fields(EngineOptions) if f.name not in PreparationOptions.__dataclass_fields__
)
"""Options that choose how the preparation runs, not what it computes."""

LOCK_WAIT_S = 1800.0
"""Seconds a process waits for another one preparing the same cache (then reads it)."""


@dataclass(frozen=True)
class Preparation(EngineOptions):
    """The options of the preparation step, with the identity that keys its cache.

    The fields are :class:`aftersales.params.EngineOptions`' (declared once there, where the
    notebooks' parameters take them from too); the cache key of a pandas preparation does
    not include the engine options.
    """

    def identity(self) -> dict[str, object]:
        """Return the options that decide the result (what the cache key and files hold).

        Returns
        -------
        dict
            Every option but the Spark connection settings; ``engine`` only when it is
            not ``"pandas"``, so pandas caches keep their keys.
        """
        content = asdict(self)
        for name in ENGINE_SETTINGS:
            content.pop(name)
        if self.engine != "pandas":
            content["engine"] = self.engine
        return content

    @property
    def key(self) -> str:
        """Twelve hex characters identifying these options (and the pipeline version).

        For a source file, the content hash of the source and its data file is part of the
        key, so editing either one recomputes.
        """
        content = {"version": VERSION, **self.identity()}
        fingerprint = datasets.fingerprint(self.dataset)
        if fingerprint:
            content["content"] = fingerprint
        text = json.dumps(content, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @classmethod
    def of(cls, options: EngineOptions) -> Preparation:
        """Return ``options`` as a :class:`Preparation` (itself when it is one already).

        Parameters
        ----------
        options : aftersales.params.EngineOptions
            Preparation options, e.g. a notebook's ``p.preparation()``.

        Returns
        -------
        Preparation
            The same options.
        """
        if type(options) is cls:
            return options
        return cls(**{name: getattr(options, name) for name in cls.names()})

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Return the option names.

        Returns
        -------
        tuple of str
            Field names, in declaration order.
        """
        return tuple(f.name for f in fields(cls))


@dataclass(frozen=True, eq=False)
class Prepared:
    """Analysis-ready data and the account of how it was made.

    Attributes
    ----------
    options : Preparation
        What produced it.
    cleaned : pandas.DataFrame
        The source rows kept by cleaning (transaction lines, or ratings).
    audit : pandas.DataFrame
        Cleaning audit over source rows (reconciles).
    kcore_audit : pandas.DataFrame
        k-core audit over (user, item) interactions (reconciles).
    interactions : pandas.DataFrame
        One row per (user, item): ``user_id, item_id, rating, timestamp`` and, for
        transactions, ``weight`` and the aggregates (purchase count, quantity, revenue...).
    split : aftersales.split.Split
        Train/test split of ``interactions``.
    names : pandas.Series
        Item id -> display name (film title, or the most frequent product description).
    content : pandas.DataFrame
        Item content for content-based models (``aftersales.content.item_content``):
        words, categories and price per item; empty without item ids or content columns.
    returns : pandas.DataFrame
        The returns table of :func:`aftersales.clean.net_returns`
        (:data:`aftersales.columns.RETURNS_COLUMNS`); empty for ratings and for
        ``returns="ignore"``.
    """

    options: Preparation
    cleaned: pd.DataFrame
    audit: pd.DataFrame
    kcore_audit: pd.DataFrame
    interactions: pd.DataFrame
    split: split.Split
    names: pd.Series = field(repr=False)
    content: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    returns: pd.DataFrame = field(default_factory=clean.empty_returns, repr=False)

    @property
    def scale(self) -> tuple[float, float]:
        """The rating scale (both data sets are rated 1-5)."""
        return interactions.RATING_SCALE

    def __repr__(self) -> str:
        return (
            f"Prepared({self.options.dataset!r}, key={self.options.key}, "
            f"interactions={len(self.interactions):,}, {self.split!r})"
        )


def item_names(frame: pd.DataFrame) -> pd.Series:
    """Return one display name per item.

    Parameters
    ----------
    frame : pandas.DataFrame
        Ratings with ``title``, or transactions with ``description``.

    Returns
    -------
    pandas.Series
        Indexed by item id, named ``title``: the title, or the most frequent non-empty
        description of the stock code (ties: alphabetically first), stripped; empty
        for an order-level export (no ``item_id``).

    Raises
    ------
    DataValidationError
        If the frame has neither a ``title`` nor a ``description`` column.
    """
    if C.ITEM not in frame:
        return pd.Series(dtype="str", name=C.TITLE, index=pd.Index([], name=C.ITEM))
    column = C.TITLE if C.TITLE in frame else C.DESCRIPTION if C.DESCRIPTION in frame else None
    if column is None:
        raise DataValidationError(
            f"item_names: expected a `{C.TITLE}` or `{C.DESCRIPTION}` column; got {list(frame)}"
        )
    text = frame[[C.ITEM, column]].dropna()
    text = text.assign(**{column: text[column].str.strip()})
    counts = text.groupby([C.ITEM, column]).size().rename("n").reset_index()
    counts = counts.sort_values([C.ITEM, "n", column], ascending=[True, False, True])
    return counts.drop_duplicates(C.ITEM).set_index(C.ITEM)[column].rename(C.TITLE)


def clean_source(
    options: Preparation,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.DataFrame]:
    """Load and clean the options' data set.

    Parameters
    ----------
    options : Preparation
        Which data set, and the cleaning options.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame, pandas.Series, pandas.DataFrame)
        Cleaned rows, the reconciled audit, item display names and the returns table
        (empty for ratings and ``returns="ignore"``).

    Raises
    ------
    ParameterError
        If ``options.returns`` is not one of :data:`aftersales.clean.RETURNS_MODES`.
    """
    if options.returns not in clean.RETURNS_MODES:
        raise ParameterError(
            f"prepare: `returns` must be one of {clean.RETURNS_MODES}; got {options.returns!r}"
        )
    raw = datasets.load(options.dataset)
    names = item_names(raw)
    returns = clean.empty_returns()
    spec = datasets.spec(options.dataset)
    if spec.kind == "transactions":
        rule = (
            None
            if options.extreme_quantity_rule == "none"
            else clean.ExtremeQuantity(
                options.extreme_quantity_rule, options.extreme_quantity_threshold
            )
        )
        if options.returns == "net":
            cleaned, audit, returns = clean.clean_transactions_net(
                raw, drop_extreme_quantity=rule, marker=spec.returns
            )
        else:
            cleaned, audit = clean.clean_transactions(raw, drop_extreme_quantity=rule)
    else:
        cleaned, audit = clean.clean_ratings(
            raw, scale=interactions.RATING_SCALE, duplicates=options.duplicates
        )
    return cleaned, clean.reconcile(audit), names, returns


def _without_items() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Empty interactions, a k-core audit that says why, and an empty split (no item ids)."""
    table = pd.DataFrame({name: pd.Series(dtype="object") for name in C.RATINGS_COLUMNS})
    note = pd.DataFrame(
        [
            {
                C.STEP: "no_items",
                C.RULE: f"skipped: the data has no `{C.ITEM}` column (an order-level export)",
                C.ROWS_IN: 0,
                C.ROWS_OUT: 0,
                C.DROPPED: 0,
                C.REASON: "interactions, the k-core and the train/test split need item ids; "
                "segmentation and lifetime value (03.00) read the cleaned orders",
            }
        ],
        columns=list(C.AUDIT_COLUMNS),
    )
    return table, note


def content_table(cleaned: pd.DataFrame) -> pd.DataFrame:
    """Return the item content table, or an empty one when the rows have none.

    Parameters
    ----------
    cleaned : pandas.DataFrame
        Cleaned transaction lines.

    Returns
    -------
    pandas.DataFrame
        :func:`aftersales.clean.item_content` of the lines, or an empty frame with
        :data:`aftersales.clean.CONTENT_COLUMNS` when they carry no content.
    """
    if not has_content(cleaned):
        return pd.DataFrame({name: pd.Series(dtype="object") for name in CONTENT_COLUMNS})
    return item_content(cleaned)


def _build(options: Preparation) -> Prepared:
    if options.engine not in ENGINES:
        raise ParameterError(f"prepare: `engine` must be one of {ENGINES}; got {options.engine!r}")
    if options.engine == "spark":
        from aftersales.spark import build

        return build(options)
    cleaned, audit, names, returns = clean_source(options)
    if C.INVOICE in cleaned and C.ITEM not in cleaned:
        table, note = _without_items()
        parts = split.Split(
            train=table,
            test=table,
            cold_users=pd.Index([]),
            cold_items=pd.Index([]),
            method=options.split_method,
        )
        return Prepared(
            options, cleaned, audit, note, table, parts, names, content_table(cleaned), returns
        )
    if C.INVOICE in cleaned:
        pairs = interactions.aggregate(cleaned)
        rated = interactions.to_ratings(pairs, options.rating_scheme)
        weights = interactions.to_implicit(pairs, weight=options.implicit_weight)[C.WEIGHT]
        table = rated.assign(**{C.WEIGHT: weights.to_numpy()})
    else:
        table = cleaned[list(C.RATINGS_COLUMNS)].reset_index(drop=True)
    kept, kcore_audit = clean.kcore(
        table,
        min_user=options.min_user_interactions,
        min_item=options.min_item_interactions,
    )
    kept = kept.reset_index(drop=True)
    parts = split.split(kept, options.split_method, test_size=options.test_size, seed=options.seed)
    return Prepared(
        options,
        cleaned,
        audit,
        clean.reconcile(kcore_audit),
        kept,
        parts,
        names,
        content_table(cleaned),
        returns,
    )


FRAMES = (
    "cleaned",
    "audit",
    "kcore_audit",
    "interactions",
    "train",
    "test",
    "names",
    "content",
    "returns",
)


def _write(prepared: Prepared, folder: Path) -> None:
    """Write the cache beside ``folder`` and swap it in (the caller holds its lock)."""
    what = f"the prepared cache of {folder.name}"
    scratch = locks.fresh_folder(folder.with_name(folder.name + ".part"), what=what)
    try:
        _write_files(prepared, scratch)
    except OSError as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise locks.write_error(exc, folder.parent, f"{what} (folder {scratch.name})") from exc
    locks.swap_in(scratch, folder, what=what)


def _write_files(prepared: Prepared, scratch: Path) -> None:
    frames = {
        "cleaned": prepared.cleaned,
        "audit": prepared.audit,
        "kcore_audit": prepared.kcore_audit,
        "interactions": prepared.interactions,
        "train": prepared.split.train,
        "test": prepared.split.test,
        "names": prepared.names.to_frame(),
        "content": prepared.content,
        "returns": prepared.returns,
    }
    for name, frame in frames.items():
        frame.to_parquet(scratch / f"{name}.parquet")
    meta = {
        "options": prepared.options.identity(),
        "version": VERSION,
        "split": {
            "method": prepared.split.method,
            "train_only_groups": prepared.split.train_only_groups,
            "cold_users": prepared.split.cold_users.tolist(),
            "cold_items": prepared.split.cold_items.tolist(),
        },
    }
    (scratch / "meta.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")


def _read(options: Preparation, folder: Path) -> Prepared | None:
    try:
        meta = json.loads((folder / "meta.json").read_text())
        frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in FRAMES}
    except (OSError, ValueError):
        return None
    if meta.get("options") != options.identity() or meta.get("version") != VERSION:
        return None
    info = meta["split"]
    parts = split.Split(
        train=frames["train"],
        test=frames["test"],
        cold_users=pd.Index(info["cold_users"]),
        cold_items=pd.Index(info["cold_items"]),
        method=info["method"],
        train_only_groups=info["train_only_groups"],
    )
    return Prepared(
        options,
        frames["cleaned"],
        frames["audit"],
        frames["kcore_audit"],
        frames["interactions"],
        parts,
        frames["names"][C.TITLE],
        frames["content"],
        frames["returns"],
    )


def cache_folder(options: Preparation) -> Path:
    """Return where :func:`prepare` caches the result for ``options``.

    Parameters
    ----------
    options : Preparation
        The preparation options.

    Returns
    -------
    Path
        ``data/processed/<dataset>-<key>/`` (a source's name: its ``name`` or file stem).
    """
    return paths.processed_dir() / f"{datasets.spec(options.dataset).name}-{options.key}"


def prepare(
    options: EngineOptions | None = None, *, cache: bool = True, **values: object
) -> Prepared:
    """Clean, convert, k-core and split a data set; cached under its options.

    Parameters
    ----------
    options : Preparation or aftersales.params.EngineOptions, optional
        The options (a notebook's ``p.preparation()``); alternatively give them as keywords
        (``dataset="online-retail"``).
    cache : bool, default True
        Read and write ``data/processed/<dataset>-<key>/``.
    **values
        Fields of :class:`Preparation` when ``options`` is not given.

    Returns
    -------
    Prepared
        Cleaned rows, audits, interactions, split and item names.

    Raises
    ------
    TypeError
        If a keyword is not a preparation option.
    DataValidationError
        If a step finds the data unusable (for example a k-core that empties it).
    LockedError
        If another process prepares the same cache for longer than :data:`LOCK_WAIT_S`.
    WriteError
        If the cache cannot be written (read-only ``data/``, full disk); names the folder.
    """
    options = Preparation.of(options) if options is not None else Preparation(**values)  # type: ignore[arg-type]
    folder = cache_folder(options)
    if not cache:
        return _build(options)
    if (found := _read(options, folder)) is not None:
        return found
    lock = folder.with_name(f".{folder.name}.lock")
    with locks.hold(lock, purpose=f"preparing {folder.name}", timeout=LOCK_WAIT_S):
        if (found := _read(options, folder)) is not None:  # another process made it meanwhile
            return found
        prepared = _build(options)
        _write(prepared, folder)
    return prepared


def segment_customers(prepared: Prepared, *, reference_date: object = None) -> pd.DataFrame:
    """RFM, scores and named segment per customer, on the engine the preparation ran on.

    Parameters
    ----------
    prepared : Prepared
        A transaction data set's preparation.
    reference_date : date-like, optional
        The RFM "today"; default the day after the last transaction.

    Returns
    -------
    pandas.DataFrame
        As :func:`aftersales.segment.segment_customers` (the Spark engine computes the same
        table with :func:`aftersales.spark.segment_customers` and collects it).

    Raises
    ------
    DataValidationError
        As :func:`aftersales.segment.segment_customers`.
    """
    from aftersales import segment

    if prepared.options.engine != "spark":
        return segment.segment_customers(prepared.cleaned, reference_date=reference_date)
    from aftersales import spark

    session = spark.session(prepared.options.spark_master, prepared.options.spark_driver_memory)
    with spark.memory_guard(prepared.options.spark_driver_memory):
        lines = session.createDataFrame(prepared.cleaned.reset_index(drop=True))
        table = spark.segment_customers(lines, reference_date=reference_date)
        return spark.segments_to_pandas(table)
