"""``reports/index.html``: every run with its date, status, duration, key metrics and links."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from aftersales import columns as C
from aftersales import metrics
from aftersales.locks import write_error

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } .ok { color: #1a7f37; } .failed { color: #cf222e; font-weight: bold; }
.interrupted { color: #9a6700; font-weight: bold; }
.skipped { color: #888; } pre { background: #fff5f5; padding: 0.5rem; white-space: pre-wrap; }
"""


def key_metrics(run: Path, *, limit: int = 8) -> pd.DataFrame:
    """Return the best model for each metric of a run (from ``tables/metrics.csv``).

    Parameters
    ----------
    run : Path
        A run folder.
    limit : int, default 8
        At most this many metrics.

    Returns
    -------
    pandas.DataFrame
        ``metric``, ``k`` (as text: the list length, empty for rating metrics), best
        ``model`` and its ``mean`` (empty when the run has no metrics).
    """
    path = run / "tables" / "metrics.csv"
    if not path.exists():
        return pd.DataFrame(columns=[C.METRIC, C.K, C.MODEL, C.MEAN])
    table = pd.read_csv(path).dropna(subset=[C.MEAN])
    rows = []
    for (metric, k), group in table.groupby([C.METRIC, C.K], sort=False, dropna=False):
        try:
            higher = metrics.metric_info(str(metric)).higher_is_better
        except KeyError:
            continue
        best = group.loc[group[C.MEAN].idxmax() if higher else group[C.MEAN].idxmin()]
        length = "" if pd.isna(k) else str(int(k))
        rows.append((metric, length, best[C.MODEL], round(float(best[C.MEAN]), 4)))
    return pd.DataFrame(rows[:limit], columns=[C.METRIC, C.K, C.MODEL, C.MEAN])


def _run_section(run: Path, manifest: dict) -> str:
    esc = html.escape
    status = manifest.get("status", "unknown")
    duration = manifest.get("duration_s")
    head = (
        f"<h2>{esc(manifest.get('run', run.name))} "
        f"<span class='{esc(status)}'>{esc(status)}</span></h2>"
        f"<p>started {esc(str(manifest.get('started', '?')))}; "
        f"duration {'?' if duration is None else f'{duration:.1f} s'}; "
        f"commit <code>{esc(str(manifest.get('git_commit', '?'))[:12])}</code>; "
        f"params <code>{esc(str(manifest.get('params_file', '')))}</code></p>"
    )
    rows = []
    failures = []
    for entry in manifest.get("notebooks", []):
        name = esc(entry["notebook"])
        link = (
            f"<a href='{esc(run.name)}/{esc(entry['html'])}'>{name}</a>"
            if entry.get("html")
            else name
        )
        took = entry.get("duration_s")
        rows.append(
            f"<tr><td>{link}</td><td class='{esc(entry['status'])}'>{esc(entry['status'])}</td>"
            f"<td>{'' if took is None else f'{took:.1f} s'}</td></tr>"
        )
        if entry["status"] in ("failed", "interrupted"):
            failures.append(
                f"<p class='{esc(entry['status'])}'>{name} {esc(entry['status'])} in cell "
                f"[{entry.get('failing_cell')}]: "
                f"{esc(str(entry.get('error')))}</p><pre>{esc(str(entry.get('failing_source')))}</pre>"
            )
    table = (
        "<table><tr><th>notebook</th><th>status</th><th>duration</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    best = key_metrics(run)
    metrics_html = (
        "<p>Key metrics (best model per metric):</p>" + best.to_html(index=False, border=0)
        if len(best)
        else ""
    )
    return head + table + "".join(failures) + metrics_html


def write_index(reports: Path) -> Path:
    """Write ``index.html`` linking every run under ``reports``.

    Parameters
    ----------
    reports : Path
        The report root.

    Returns
    -------
    Path
        The index file (self-contained, no scripts, reads offline).

    Raises
    ------
    WriteError
        If the index cannot be written (read-only folder, full disk); names the folder.
    """
    sections = []
    for manifest_path in sorted(reports.glob("*/manifest.json")):
        if manifest_path.parent.name.startswith("."):  # a run's scratch folder
            continue
        try:
            manifest = json.loads(manifest_path.read_text())
        except ValueError:
            continue
        sections.append(_run_section(manifest_path.parent, manifest))
    body = "".join(sections) or "<p>No report runs yet: run <code>make reports</code>.</p>"
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Retail After-Sales Workbench: reports</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>Retail After-Sales Workbench: reports</h1>"
        f"{body}</body></html>\n"
    )
    path = reports / "index.html"
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise write_error(exc, reports, "the index (index.html)") from exc
    return path
