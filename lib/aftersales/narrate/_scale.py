"""Findings of 05.00 (scale-out), worded from the run's measurement table."""

from __future__ import annotations

import pandas as pd
from IPython.display import Markdown

from aftersales import columns as C
from aftersales.narrate._format import num, paragraph, require


def scale_agreement(table: pd.DataFrame) -> Markdown:
    """Say whether the engines kept the same lines, pairs and customers at every size.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`aftersales.scale.measure_scales`.

    Returns
    -------
    IPython.display.Markdown
        One sentence per size measured by more than one engine, or a sentence saying none was.

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    counts = (C.KEPT, C.N_PAIRS, C.N_CUSTOMERS)
    require(table, (C.SCALE, C.ENGINE, C.N_LINES, C.STATUS, *counts), what="scale table")
    done = table[table[C.STATUS] == "ok"]
    sentences = []
    for _, rows in done.groupby(C.SCALE, sort=True):
        if rows[C.ENGINE].nunique() < 2:
            continue
        same = all(rows[c].nunique() == 1 for c in counts)
        first = rows.iloc[0]
        sentences.append(
            f"At {int(first[C.N_LINES]):,} lines both engines keep "
            f"{int(first[C.KEPT]):,} lines, {int(first[C.N_PAIRS]):,} customer x item pairs "
            f"and {int(first[C.N_CUSTOMERS]):,} customers."
            if same
            else f"At {int(first[C.N_LINES]):,} lines the engines DISAGREE: "
            + "; ".join(
                f"{r[C.ENGINE]} keeps {int(r[C.KEPT]):,} lines and {int(r[C.N_CUSTOMERS]):,} "
                "customers"
                for _, r in rows.iterrows()
            )
            + "."
        )
    return paragraph(*(sentences or ["No size was finished by both engines."]))


def _shorten(text: str, limit: int = 300) -> str:
    """Return the first ``limit`` characters of an error text, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def scale_findings(table: pd.DataFrame, *, memory_limit_mib: float) -> Markdown:
    """Where each engine stopped, and the time and memory ratios where both finished.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`aftersales.scale.measure_scales`.
    memory_limit_mib : float
        The limit the runs were held to.

    Returns
    -------
    IPython.display.Markdown
        A sentence per engine and one for the largest size both finished; times to 0.1 s,
        memory to whole MiB (timings vary from run to run: show it in an output nbval ignores).

    Raises
    ------
    aftersales.errors.DataValidationError
        When a column is missing or the table is empty.
    """
    require(table, (C.ENGINE, C.N_LINES, C.STATUS, C.SECONDS, C.PEAK_MIB), what="scale table")
    sentences = []
    for engine, rows in table.groupby(C.ENGINE, sort=False):
        done = rows[rows[C.STATUS] == "ok"]
        failed = rows[rows[C.STATUS] != "ok"]
        reach = (
            f"{engine} finished up to {int(done[C.N_LINES].max()):,} lines"
            if len(done)
            else f"{engine} finished no size"
        )
        if len(failed):
            first = failed.sort_values(C.N_LINES).iloc[0]
            detail = str(first.get(C.REASON, "") or "").strip()
            why = (
                f"passed the memory limit of {num(memory_limit_mib, 0)} MiB"
                if first[C.STATUS] == "memory"
                else f"ended with status {first[C.STATUS]}"
                + (f" ({_shorten(detail)})" if detail else "")
            )
            reach += f" and {why} at {int(first[C.N_LINES]):,} lines"
        sentences.append(reach + ".")
    wide = table[table[C.STATUS] == "ok"].pivot_table(
        index=C.N_LINES, columns=C.ENGINE, values=[C.SECONDS, C.PEAK_MIB]
    )
    both = wide.dropna()
    if {"pandas", "spark"} <= set(table[C.ENGINE]) and len(both):
        top = both.iloc[-1]
        sentences.append(
            f"At {int(both.index[-1]):,} lines, the largest size both finished, Spark took "
            f"{num(top[(C.SECONDS, 'spark')], 1)} s against pandas' "
            f"{num(top[(C.SECONDS, 'pandas')], 1)} s "
            f"({num(top[(C.SECONDS, 'spark')] / top[(C.SECONDS, 'pandas')], 2)} times) and "
            f"{num(top[(C.PEAK_MIB, 'spark')], 0)} MiB against "
            f"{num(top[(C.PEAK_MIB, 'pandas')], 0)} MiB."
        )
    return paragraph(*sentences)
