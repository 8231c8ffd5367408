"""Re-execute committed notebooks in place so their stored outputs match the code (nbval)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
import papermill

from aftersales.report._kernel import kernel_manager_class

VOLATILE_CELL_KEYS = ("papermill", "execution")


def refresh(path: Path, *, progress: bool = True) -> Path:
    """Execute a notebook with its default parameters and store the outputs in it.

    Timing metadata that papermill adds is removed, so a re-run changes the file only where
    an output changed.

    Parameters
    ----------
    path : Path
        A canonical notebook.
    progress : bool, default True
        Show papermill's progress bar, labelled with the notebook's name.

    Returns
    -------
    Path
        ``path``, rewritten.
    """
    with tempfile.TemporaryDirectory() as scratch:
        executed = Path(scratch) / path.name
        papermill.execute_notebook(
            str(path),
            str(executed),
            kernel_name="python3",
            cwd=str(path.parent),
            progress_bar={"desc": path.stem} if progress else False,
            kernel_manager_class=kernel_manager_class(),
        )
        notebook = nbformat.read(executed, as_version=4)
    notebook.metadata.pop("papermill", None)
    for cell in notebook.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
    nbformat.write(notebook, path)
    return path
