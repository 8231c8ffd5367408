"""Canonical notebooks follow the house anatomy (STYLE.md): checked statically, no kernel."""

import ast
import dataclasses

import nbformat
import pytest

from aftersales import params, paths
from aftersales.report import NAME_PATTERN, canonical

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
CANONICAL = canonical()


def _code(cell) -> ast.Module:
    lines = [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def test_there_are_canonical_notebooks():
    assert "01.00" in CANONICAL


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_name_pattern(path):
    assert NAME_PATTERN.match(path.name), f"{path.name} does not match NN.NN-slug.ipynb"


@pytest.mark.parametrize("number", list(CANONICAL))
def test_anatomy(number):
    nb = nbformat.read(CANONICAL[number], as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {number} ")
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged `parameters`"
    names = []
    for node in _code(tagged[0]).body:
        assert isinstance(node, ast.AnnAssign), (
            "parameters are typed literals: `name: type = value`"
        )
        assert isinstance(node.value, ast.Constant | ast.List | ast.Dict | ast.UnaryOp), (
            f"parameter {ast.unparse(node.target)} must be a literal, not a derived value"
        )
        names.append(node.target.id)
    declared = {f.name for f in dataclasses.fields(params.REGISTRY[number])}
    assert set(names) == declared, "the parameters cell and aftersales.params must agree"
    following = nb.cells[nb.cells.index(tagged[0]) + 1]
    assert following.source.splitlines()[0] == f'p = params.check("{number}", globals())', (
        "the cell after the parameters takes them in one call that reads the declared names"
    )


@pytest.mark.parametrize("number", list(CANONICAL))
def test_no_logic_in_notebooks(number):
    nb = nbformat.read(CANONICAL[number], as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for node in ast.walk(_code(cell)):
            where = f"{CANONICAL[number].name} cell {index}"
            assert not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef), (
                f"{where}: no def/class in notebooks; put it in lib/aftersales"
            )
            assert not isinstance(node, ast.For | ast.While), f"{where}: no loops in notebooks"
            if isinstance(node, ast.ImportFrom):
                assert all(a.name != "*" for a in node.names), f"{where}: no import *"
            if isinstance(node, ast.Attribute) and node.attr == "path":
                assert ast.unparse(node) != "sys.path", f"{where}: no sys.path"


@pytest.mark.parametrize("number", list(CANONICAL))
def test_committed_with_outputs(number):
    nb = nbformat.read(CANONICAL[number], as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    missing = [i for i, c in enumerate(code) if c.execution_count is None]
    assert not missing, f"code cells {missing} were not executed: run `make notebooks`"


def _written_names(number: str) -> dict[str, set[str]]:
    """The literal keys of the `figures` and `tables` a notebook hands to outputs.write."""
    nb = nbformat.read(CANONICAL[number], as_version=4)
    found: dict[str, set[str]] = {"figures": set(), "tables": set()}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(_code(cell)):
            pairs = []
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                pairs = [(t.id, node.value) for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.keyword) and isinstance(node.value, ast.Dict):
                pairs = [(node.arg, node.value)]
            for kind, literal in pairs:
                if kind in found:
                    found[kind] |= {k.value for k in literal.keys if isinstance(k, ast.Constant)}
    return found


def test_no_two_notebooks_write_the_same_table_or_figure():
    # A run writes every notebook's outputs into one reports/<run>/{tables,figures}/ folder:
    # a name used twice would silently replace the earlier notebook's file.
    owners: dict[tuple[str, str], str] = {}
    for number in CANONICAL:
        for kind, names in _written_names(number).items():
            for name in names:
                other = owners.setdefault((kind, name), number)
                assert other == number, f"{kind}/{name} is written by both {other} and {number}"
    assert ("tables", "metrics") in owners and ("tables", "recommendations") in owners


@pytest.mark.parametrize("number", list(CANONICAL))
def test_papermill_reads_every_parameter(number):
    """Papermill parses each parameter line itself (a comment holding `=` defeats it)."""
    from papermill.translators import PythonTranslator

    nb = nbformat.read(CANONICAL[number], as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    declared = [node.target.id for node in _code(cell).body]
    read = [p.name for p in PythonTranslator.inspect(cell)]
    assert read == declared, f"papermill reads {sorted(set(declared) - set(read))} wrongly"
