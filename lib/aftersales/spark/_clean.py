r"""Transaction cleaning as Spark jobs: the rules of :mod:`aftersales.clean`, the same audit.

Each row rule is a Boolean "drop" column; a chain of row rules is counted in one job
(:func:`apply_rules`), so the audit costs one pass per chain, not one per rule. The audit
rows carry the very words of the pandas steps (their ``rule`` and ``reason`` texts are
taken from running the pandas step on an empty frame), so the two audits compare equal
row for row. Returns are netted by :mod:`aftersales.spark._netting`.

Differences that cannot arise on loaded data: pandas strips any Unicode white space
around stock codes and invoice ids, Spark here strips ``\\s`` (ASCII white space).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from aftersales import clean
from aftersales import columns as C
from aftersales.clean import DERIVED_INVOICE, AuditRow, ExtremeQuantity, ReturnMarker
from aftersales.errors import DataValidationError
from aftersales.spark._io import ROW

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

ORDER_COLUMNS = (C.INVOICE, C.TIMESTAMP, C.CUSTOMER)


def _words(step, *args: object, **kwargs: object) -> AuditRow:
    """Run the pandas step on an empty frame for its audit row (its rule and reason texts)."""
    return step(*args, **kwargs)[1]


def _empty(*columns: str) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})


@dataclass(frozen=True)
class Rule:
    """One row rule: drop the rows where ``drop`` is true; the audit words of its step."""

    step: str
    rule: str
    reason: str
    drop: Column


def strip(column: Column) -> Column:
    """Strip leading and trailing white space (pandas ``str.strip`` on ASCII text)."""
    from pyspark.sql import functions as F

    return F.regexp_replace(column, r"^\s+|\s+$", "")


def not_positive(column: Column) -> Column:
    """Flag numbers that are missing, NaN or <= 0 (Spark orders NaN above every number)."""
    from pyspark.sql import functions as F

    value = column.cast("double")
    return F.coalesce(~(value > 0) | F.isnan(value), F.lit(True))


def _rule(row: AuditRow, drop: Column) -> Rule:
    return Rule(row.step, row.rule, row.reason, drop)


def missing_customer() -> Rule:
    """Return the rule of :func:`aftersales.clean.drop_missing_customer`."""
    from pyspark.sql import functions as F

    return _rule(
        _words(clean.drop_missing_customer, _empty(C.CUSTOMER)), F.col(C.CUSTOMER).isNull()
    )


def cancellations() -> Rule:
    """Return the rule of :func:`aftersales.clean.drop_cancellations`."""
    from pyspark.sql import functions as F

    ids = strip(F.col(C.INVOICE))
    cancelled = F.upper(ids).startswith("C") & ~ids.rlike(DERIVED_INVOICE)
    return _rule(
        _words(clean.drop_cancellations, _empty(C.INVOICE).astype("string")),
        F.coalesce(cancelled, F.lit(False)),
    )


def nonpositive_quantity() -> Rule:
    """Return the rule of :func:`aftersales.clean.drop_nonpositive_quantity`."""
    from pyspark.sql import functions as F

    row = _words(clean.drop_nonpositive_quantity, _empty(C.QUANTITY))
    return _rule(row, not_positive(F.col(C.QUANTITY)))


def nonpositive_price() -> Rule:
    """Return the rule of :func:`aftersales.clean.drop_nonpositive_price`."""
    from pyspark.sql import functions as F

    row = _words(clean.drop_nonpositive_price, _empty(C.UNIT_PRICE))
    return _rule(row, not_positive(F.col(C.UNIT_PRICE)))


def non_products(codes: Iterable[str] = clean.NON_PRODUCT_CODES) -> Rule:
    """Return the rule of :func:`aftersales.clean.drop_non_products`."""
    from pyspark.sql import functions as F

    wanted = sorted({str(code).strip().upper() for code in codes})
    row = _words(clean.drop_non_products, _empty(C.ITEM).astype("string"), codes=wanted)
    found = F.upper(strip(F.col(C.ITEM))).isin(wanted)
    return _rule(row, F.coalesce(found, F.lit(False)))


def duplicate_lines(columns: Iterable[str]) -> Rule:
    """Return the rule of :func:`aftersales.clean.drop_duplicate_lines` (later copies)."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    window = Window.partitionBy(*columns).orderBy(ROW)
    return _rule(_words(clean.drop_duplicate_lines, _empty("x")), F.row_number().over(window) > 1)


def skipped(step: str, column: str) -> Rule:
    """Return a rule that keeps every row: the data lacks the step's column."""
    from pyspark.sql import functions as F

    return _rule(clean.skipped(_empty("x"), step, column)[1], F.lit(False))


def apply_rules(frame: DataFrame, rules: list[Rule]) -> tuple[DataFrame, list[AuditRow]]:
    """Apply row rules in order; count all of them in one job.

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        Lines.
    rules : list of Rule
        Applied in order: a row dropped by one rule is not seen by the next.

    Returns
    -------
    tuple of (pyspark.sql.DataFrame, list of AuditRow)
        The kept lines (lazy) and one audit row per rule.
    """
    from pyspark.sql import functions as F

    if not rules:
        return frame, []
    flagged = frame.select("*", *[rule.drop.alias(f"_drop{i}") for i, rule in enumerate(rules)])
    keep = F.lit(True)
    counts = [F.count(F.lit(1)).alias("n")]
    for i in range(len(rules)):
        keep = keep & ~F.col(f"_drop{i}")
        counts.append(F.sum(F.when(keep, 1).otherwise(0)).alias(f"out{i}"))
    totals = flagged.agg(*counts).first()
    rows = []
    rows_in = int(totals["n"])
    for i, rule in enumerate(rules):
        rows_out = int(totals[f"out{i}"] or 0)
        rows.append(
            AuditRow(rule.step, rule.rule, rows_in, rows_out, rows_in - rows_out, rule.reason)
        )
        rows_in = rows_out
    kept = flagged.where(keep).drop(*[f"_drop{i}" for i in range(len(rules))])
    return kept, rows


def extreme_quantity(frame: DataFrame, rule: ExtremeQuantity) -> Rule:
    """Return the rule of :func:`aftersales.clean.drop_extreme_quantities` (cutoff by Spark).

    The quantiles are Spark's exact ``percentile`` (linear interpolation, as numpy's
    default); the cutoff is then computed by the pandas rule itself.
    """
    import numpy as np
    from pyspark.sql import functions as F

    quantity = F.col(C.QUANTITY).cast("double")
    if rule.method == "above":
        cutoff = float(rule.threshold)
    else:
        positive = frame.where((quantity > 0) & ~F.isnan(quantity))
        if rule.method == "quantile":
            value = positive.agg(F.percentile(quantity, rule.threshold)).first()[0]
            cutoff = float("inf") if value is None else float(value)
        else:
            logs = F.log10(quantity)
            q1, q3 = positive.agg(F.percentile(logs, 0.25), F.percentile(logs, 0.75)).first()
            cutoff = float("inf") if q1 is None else float(10 ** (q3 + rule.threshold * (q3 - q1)))
    probe = pd.DataFrame({C.QUANTITY: np.array([], dtype="float64")})
    words = clean.drop_extreme_quantities(probe, ExtremeQuantity("above", 1.0))[1]
    text = f"`{C.QUANTITY}` > {cutoff:,.6g} ({rule.describe()})"
    return Rule(words.step, text, words.reason, F.coalesce(quantity > cutoff, F.lit(False)))


def clean_lines(
    frame: DataFrame,
    *,
    extreme: ExtremeQuantity | None = None,
    marker: ReturnMarker | None = clean.ONLINE_RETAIL_MARKER,
    codes: Iterable[str] = clean.NON_PRODUCT_CODES,
) -> tuple[DataFrame, pd.DataFrame, DataFrame | None]:
    """Clean transaction lines in Spark with the rules and audit of the pandas pipeline.

    ``marker`` given: :func:`aftersales.clean.clean_transactions_net` (returns netted);
    ``None``: :func:`aftersales.clean.clean_transactions` (cancellations dropped).

    Parameters
    ----------
    frame : pyspark.sql.DataFrame
        Canonical transaction lines with :data:`aftersales.spark.ROW`.
    extreme : ExtremeQuantity, optional
        Rule for extreme quantities; ``None`` keeps every quantity.
    marker : ReturnMarker or None, default invoice ids starting with ``C``
        How return lines are marked; ``None`` drops cancellations instead of netting.
    codes : iterable of str, default NON_PRODUCT_CODES
        Non-product stock codes.

    Returns
    -------
    tuple of (pyspark.sql.DataFrame, pandas.DataFrame, pyspark.sql.DataFrame or None)
        Cleaned lines (persisted; the caller unpersists), the audit table (reconciled), and
        the returns table (``None`` without netting).

    Raises
    ------
    DataValidationError
        If a canonical column or :data:`ROW` is missing.
    """
    from pyspark import StorageLevel

    from aftersales.spark._netting import net_returns

    missing = [c for c in (*ORDER_COLUMNS, ROW) if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"spark clean_lines: columns {missing} are missing; got {frame.columns}"
        )
    data_columns = [c for c in frame.columns if c != ROW]
    audit: list[AuditRow | pd.DataFrame] = []
    returns = None
    netting = marker is not None and all(
        c in frame.columns for c in (C.ITEM, C.QUANTITY, C.UNIT_PRICE)
    )
    if netting:
        rules = [
            missing_customer(),
            duplicate_lines(data_columns),
            nonpositive_price(),
            non_products(codes),
        ]
        kept, rows = apply_rules(frame, rules)
        audit.extend(rows)
        kept = kept.persist(StorageLevel.MEMORY_AND_DISK)
        netted, returns, netting_audit = net_returns(kept, marker)
        audit.append(netting_audit)
        tail = [nonpositive_quantity()]
        if extreme is not None:
            tail.append(extreme_quantity(netted.where(~nonpositive_quantity().drop), extreme))
        final, rows = apply_rules(netted, tail)
        audit.extend(rows)
    else:
        present = frame.columns
        steps = [
            (missing_customer, C.CUSTOMER, "missing_customer"),
            (cancellations, C.INVOICE, "cancellations"),
            (nonpositive_quantity, C.QUANTITY, "nonpositive_quantity"),
            (nonpositive_price, C.UNIT_PRICE, "nonpositive_price"),
            (lambda: non_products(codes), C.ITEM, "non_products"),
        ]
        rules = [
            make() if column in present else skipped(name, column) for make, column, name in steps
        ]
        rules.append(duplicate_lines(data_columns))
        final, rows = apply_rules(frame, rules)
        audit.extend(rows)
        if extreme is not None:
            if C.QUANTITY in present:
                final, rows = apply_rules(final, [extreme_quantity(final, extreme)])
            else:
                final, rows = apply_rules(final, [skipped("extreme_quantity", C.QUANTITY)])
            audit.extend(rows)
    final = final.persist(StorageLevel.MEMORY_AND_DISK)
    return final, clean.reconcile(clean.audit_table(audit)), returns
