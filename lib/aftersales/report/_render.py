"""Render an executed notebook to HTML that reads offline and hides the code.

Besides nbconvert's export, three touches make the page read as a report: its ``<title>``
is the notebook's own title, links to other notebooks point to their pages in the same run
(or become plain text when the run has no such page), and tables drop pandas' default
``0..n-1`` row labels, which say nothing to a reader.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from bs4.element import Tag
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_HEADING = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)
_NOTEBOOK_LINK = re.compile(
    r"<a href=\"(?:\./)?(?P<stem>\d{2}\.\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*)\.ipynb"
    r"(?P<fragment>#[^\"]*)?\"(?P<attributes>[^>]*)>(?P<text>.*?)</a>",
    re.DOTALL,
)


def notebook_title(notebook: nbformat.NotebookNode) -> str | None:
    """Return the text of a notebook's first level-one markdown heading.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        A notebook.

    Returns
    -------
    str or None
        ``"02.01 Matrix factorisation"`` for a cell starting ``# 02.01 Matrix
        factorisation``, without markdown emphasis or code marks; ``None`` without a heading.
    """
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        match = _HEADING.search(cell.source)
        if match:
            return re.sub(r"[*_`]", "", match["title"]).strip() or None
    return None


def relink(page: str, pages: Collection[str]) -> str:
    """Point links to ``NN.NN-slug.ipynb`` at ``NN.NN-slug.html`` when that page exists.

    Parameters
    ----------
    page : str
        Rendered HTML.
    pages : Collection[str]
        The notebook stems (``"02.00-collaborative-filtering"``) that have a page in the run.

    Returns
    -------
    str
        ``page`` with each such link retargeted, or replaced by its text when its notebook
        has no page in the run (a dead link would open nothing).
    """

    def replace(match: re.Match[str]) -> str:
        if match["stem"] not in pages:
            return match["text"]
        fragment = match["fragment"] or ""
        return f'<a href="{match["stem"]}.html{fragment}"{match["attributes"]}>{match["text"]}</a>'

    return _NOTEBOOK_LINK.sub(replace, page)


def _is_row_number(text: str, expected: int) -> bool:
    return text.isdigit() and int(text) == expected


def _range_index_cells(table: Tag) -> list[Tag] | None:
    """Return the row-label cells of a pandas table whose index is the default ``0..n-1``."""
    head, body = table.find("thead"), table.find("tbody")
    if head is None or body is None:
        return None
    cells = []
    for row in head.find_all("tr"):
        first = row.find(["th", "td"])
        if first is None or first.name != "th" or first.get_text(strip=True):
            return None  # a named index or columns axis: its labels carry meaning
        cells.append(first)
    expected = 0
    for row in body.find_all("tr"):
        labels = row.find_all("th")
        if len(labels) != 1 or labels[0] is not row.find(["th", "td"]):
            return None  # a MultiIndex, or labels not in the first column
        text = labels[0].get_text(strip=True)
        if text == "...":  # pandas' truncation row: the numbering resumes further on
            expected = None
        elif expected is None and text.isdigit():
            expected = int(text) + 1
        elif expected is not None and _is_row_number(text, expected):
            expected += 1
        else:
            return None
        cells.append(labels[0])
    return cells


def hide_range_index(fragment: str) -> str:
    """Drop the ``0..n-1`` row labels of the pandas tables in an HTML output.

    Parameters
    ----------
    fragment : str
        A ``text/html`` output.

    Returns
    -------
    str
        ``fragment`` unchanged unless it holds a ``table.dataframe`` whose index is pandas'
        default :class:`pandas.RangeIndex` (rows numbered from 0, unnamed); those tables lose
        their first column. Tables with meaningful row labels are kept as they are.
    """
    if 'class="dataframe"' not in fragment:
        return fragment
    soup = BeautifulSoup(fragment, "html.parser")
    changed = False
    for table in soup.find_all("table", class_="dataframe"):
        cells = _range_index_cells(table)
        if cells:
            for cell in cells:
                cell.decompose()
            changed = True
    return str(soup) if changed else fragment


def to_html(notebook: Path, target: Path, *, pages: Collection[str] | None = None) -> Path:
    """Write ``notebook`` as self-contained HTML without code cells.

    The ``offline`` template is JupyterLab's without require.js, MathJax and mermaid, which
    nbconvert would otherwise load from a CDN; figures are embedded as data URIs.

    Parameters
    ----------
    notebook : Path
        An executed ``.ipynb``.
    target : Path
        The ``.html`` file to write.
    pages : Collection[str], optional
        Stems of the notebooks that have a page beside ``target`` (default: the ``.ipynb``
        files beside ``notebook``); links to other notebooks are kept only to these.

    Returns
    -------
    Path
        ``target``.
    """
    node = nbformat.read(notebook, as_version=4)
    if pages is None:
        pages = {path.stem for path in notebook.parent.glob("*.ipynb")}
    for cell in node.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = hide_range_index(data["text/html"])
    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    title = notebook_title(node) or notebook.stem
    body, _ = exporter.from_notebook_node(node, resources={"metadata": {"name": title}})
    target.write_text(relink(body, pages), encoding="utf-8")
    return target
