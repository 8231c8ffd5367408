"""Render an executed notebook to HTML that reads offline and hides the code."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def to_html(notebook: Path, target: Path) -> Path:
    """Write ``notebook`` as self-contained HTML without code cells.

    The ``offline`` template is JupyterLab's without require.js, MathJax and mermaid, which
    nbconvert would otherwise load from a CDN; figures are embedded as data URIs.

    Parameters
    ----------
    notebook : Path
        An executed ``.ipynb``.
    target : Path
        The ``.html`` file to write.

    Returns
    -------
    Path
        ``target``.
    """
    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nbformat.read(notebook, as_version=4))
    target.write_text(body, encoding="utf-8")
    return target
