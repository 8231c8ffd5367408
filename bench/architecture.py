"""The package's shape, the measurements of the lib redesign (issue #15).

Run as ``.venv/bin/python bench/architecture.py [--no-duplicates] [--repeats 3]``. Prints, for
``lib/aftersales``:

- files (``.py``), lines, top-level entries (modules and packages directly in the package) and
  public names (each top-level entry's ``__all__``, or its public top-level names without one);
- repeated blocks: the pairs of places in ``lib/`` that share six or more lines, as the tool
  ``duplicates`` counts them (left out when the tool is not on the PATH);
- ``isinstance`` dispatches on model types (a class that defines ``fit``, ``recommend``,
  ``score_all`` or ``predict``, a subclass of one, Surprise's ``AlgoBase`` or a tuple of such
  classes), goal 0;
- import cycles (module level, then counting imports inside functions too) and private names
  (``_x``) imported across top-level entries;
- the import time of ``python -m aftersales.report --help`` (median wall time of fresh
  processes) against the bare interpreter (``python -c pass``) in the same run, and how many
  ``aftersales`` modules and third-party top-level packages it loads.

The import graph (:func:`import_graph`, :func:`cycles`, :func:`private_crossings`) is read from
the source with :mod:`ast`; nothing of the package is imported for it. The architecture test
(``tests/unit/test_architecture.py``) uses the same functions.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lib" / "aftersales"
MODEL_METHODS = frozenset({"fit", "recommend", "score_all", "predict"})
SURPRISE_BASES = frozenset({"AlgoBase"})


@dataclass(frozen=True)
class Import:
    """One imported module (and name) as written in a module of the package.

    Attributes
    ----------
    importer : str
        Dotted name of the importing module (``aftersales.clv._fit``).
    target : str
        Dotted name of the imported module.
    name : str or None
        The name taken from it (``from target import name``), or None for ``import target``.
    line : int
        Line of the statement.
    top_level : bool
        True when the statement runs at import time (not inside a function or a
        ``TYPE_CHECKING`` block).
    """

    importer: str
    target: str
    name: str | None
    line: int
    top_level: bool


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """Dotted module name of a file of the package (``__init__`` names its package)."""
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(path, package): path for path in sorted(package.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(body: list[ast.stmt], top_level: bool):
    """Yield (import statement, runs at import time) in a body, nested blocks included."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, top_level
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _statements(node.body, False)
        elif isinstance(node, ast.If) and _is_type_checking(node):
            yield from _statements(node.body, False)
            yield from _statements(node.orelse, top_level)
        else:
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    yield from _statements([n for n in inner if isinstance(n, ast.AST)], top_level)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(package: Path = PACKAGE) -> list[Import]:
    """Every import of a module of the package from the package, in every module."""
    known = modules(package)
    root = package.name
    found = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, top_level in _statements(tree.body, True):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == root:
                        found.append(Import(name, alias.name, None, node.lineno, top_level))
                continue
            target = _resolve(name, path.name == "__init__.py", node)
            if target.split(".")[0] != root:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in known:  # `from aftersales.x import y` where y is a module
                    found.append(Import(name, sub, None, node.lineno, top_level))
                else:
                    found.append(Import(name, target, alias.name, node.lineno, top_level))
    return found


def import_graph(package: Path = PACKAGE, *, lazy: bool = False) -> dict[str, set[str]]:
    """Import edges between the package's modules: module level, or with ``lazy`` all imports."""
    known = modules(package)
    graph: dict[str, set[str]] = {name: set() for name in known}
    for imp in imports(package):
        if (imp.top_level or lazy) and imp.target in known and imp.target != imp.importer:
            graph[imp.importer].add(imp.target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more modules (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def entry(module: str) -> str:
    """Return the top-level entry of a module (``aftersales.clv._fit`` -> ``aftersales.clv``)."""
    return ".".join(module.split(".")[:2])


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def private_crossings(package: Path = PACKAGE) -> list[Import]:
    """Return the imports that reach a private module or name of another top-level entry."""
    crossing = []
    for imp in imports(package):
        if entry(imp.importer) == entry(imp.target):
            continue
        parts = [*imp.target.split(".")[1:], *([imp.name] if imp.name else [])]
        if any(_private(part) for part in parts):
            crossing.append(imp)
    return crossing


def _public_names(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                return [ast.literal_eval(elt) for elt in node.value.elts]  # type: ignore[union-attr]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
    return [name for name in names if not name.startswith("_")]


def public_names(package: Path = PACKAGE) -> dict[str, list[str]]:
    """Public names of every top-level entry (its ``__all__``, else its public top-level names)."""
    found = {}
    for path in sorted(package.iterdir()):
        if path.name.startswith("_") or path.name == "__pycache__":
            continue
        source = path / "__init__.py" if path.is_dir() else path
        if source.suffix == ".py" and source.exists():
            found[path.stem] = _public_names(source)
    return found


def top_level_entries(package: Path = PACKAGE) -> list[str]:
    """Modules and packages directly in the package (``__init__`` and data folders left out)."""
    return sorted(
        path.stem
        for path in package.iterdir()
        if not path.name.startswith("_")
        and ((path.suffix == ".py") or (path.is_dir() and (path / "__init__.py").exists()))
    )


def _model_types(trees: dict[str, ast.Module]) -> set[str]:
    types = set(SURPRISE_BASES)
    classes = [
        node for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
    ]
    for node in classes:
        methods = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        if methods & MODEL_METHODS:
            types.add(node.name)
    grown = True
    while grown:  # a subclass of a model type is one too (ItemKNN(TopNModel))
        before = len(types)
        types |= {c.name for c in classes if {_last(base) for base in c.bases} & types}
        grown = len(types) > before
    for tree in trees.values():  # KNN_ALGORITHMS = (KNNBasic, ...): a tuple of model classes
        for node in tree.body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if isinstance(value, ast.Tuple):
                members = {_last(elt) for elt in value.elts}
                if members and members <= types | {
                    "KNNBasic",
                    "KNNWithMeans",
                    "KNNWithZScore",
                    "KNNBaseline",
                }:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    types |= {t.id for t in targets if isinstance(t, ast.Name)}
    return types


def _last(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _type_names(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Tuple):
        return [name for elt in node.elts for name in _type_names(elt)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _type_names(node.left) + _type_names(node.right)
    return [_last(node)]


def model_dispatches(package: Path = PACKAGE) -> list[tuple[str, int]]:
    """``isinstance(x, T)`` calls whose ``T`` names a model type: (module, line) each."""
    trees = {
        name: ast.parse(path.read_text(encoding="utf-8")) for name, path in modules(package).items()
    }
    types = _model_types(trees)
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "isinstance"
                and len(node.args) == 2
                and set(_type_names(node.args[1])) & types
            ):
                found.append((name, node.lineno))
    return sorted(found)


def duplicate_pairs(root: Path = ROOT / "lib") -> int | None:
    """Pairs of places sharing six or more lines, as ``duplicates`` counts them (None: no tool)."""
    tool = shutil.which("duplicates")
    if tool is None:
        return None
    out = subprocess.run(
        [tool, "--repo", str(root), "--most", "1", "--seconds", "120"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    first = out.splitlines()[0] if out else ""
    if first.startswith("no duplicates"):
        return 0
    match = re.match(r"(\d+) pairs", first)
    return int(match.group(1)) if match else None


def _env(lib: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(lib)}


def _wall(args: list[str], repeats: int, lib: Path) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True, cwd=ROOT, env=_env(lib))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report_imports(lib: Path) -> tuple[int, list[str]]:
    """Aftersales modules and third-party top-level packages loaded by the runner's ``--help``."""
    code = (
        "import sys, runpy\n"
        "sys.argv = ['aftersales.report', '--help']\n"
        "try:\n    runpy.run_module('aftersales.report', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('@@', ' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    err = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=_env(lib),
    ).stderr
    loaded = err.rsplit("@@", 1)[1].split()
    ours = [m for m in loaded if m.split(".")[0] == "aftersales"]
    heavy = ("surprise", "mlxtend", "sklearn", "scipy", "matplotlib", "pandas", "numpy", "pyspark")
    third = sorted({m.split(".")[0] for m in loaded} & set(heavy))
    return len(ours), third


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="processes timed (median)")
    parser.add_argument("--no-duplicates", action="store_true", help="skip the duplicates tool")
    parser.add_argument(
        "--lib", type=Path, default=ROOT / "lib", help="source root to measure (e.g. an export)"
    )
    args = parser.parse_args()
    lib = args.lib.resolve()
    package = lib / "aftersales"

    files = sorted(package.rglob("*.py"))
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in files)
    names = public_names(package)
    print(f"files (.py)                       {len(files):8d}")
    print(f"lines                             {lines:8d}")
    print(f"top-level entries                 {len(top_level_entries(package)):8d}")
    print(f"public names (top-level entries)  {sum(len(v) for v in names.values()):8d}")
    if not args.no_duplicates:
        pairs = duplicate_pairs(lib)
        shown = "n/a (no `duplicates` on PATH)" if pairs is None else f"{pairs:8d}"
        print(f"repeated blocks (>= 6 lines)      {shown}")
    dispatches = model_dispatches(package)
    print(f"isinstance dispatches on models   {len(dispatches):8d}")
    for module, line in dispatches:
        print(f"    {module}:{line}")
    found = cycles(import_graph(package))
    print(f"module import cycles              {len(found):8d}")
    for group in found:
        print("    " + " <-> ".join(group))
    lazy = cycles(import_graph(package, lazy=True))
    print(f"  counting imports in functions   {len(lazy):8d}")
    for group in lazy:
        print(f"    {len(group)} modules: " + " <-> ".join(group))
    crossing = private_crossings(package)
    print(f"private names across entries      {len(crossing):8d}")
    for imp in crossing:
        what = f"{imp.target}.{imp.name}" if imp.name else imp.target
        print(f"    {imp.importer}:{imp.line} imports {what}")
    python = _wall([sys.executable, "-c", "pass"], args.repeats, lib)
    helped = _wall([sys.executable, "-m", "aftersales.report", "--help"], args.repeats, lib)
    ours, third = report_imports(lib)
    print(f"report --help wall time           {helped:8.2f} s (bare python {python:.2f} s)")
    print(f"  aftersales modules loaded       {ours:8d}")
    print(f"  heavy packages loaded           {', '.join(third) or 'none'}")


if __name__ == "__main__":
    main()
