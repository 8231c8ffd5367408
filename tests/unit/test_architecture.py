"""The import graph of lib/aftersales: no module-level cycle, no private name across entries.

The graph is read from the source by bench/architecture.py (also the #15 measurements); the
first tests show on a tiny package of hand-written modules that the checks can fail.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "architecture.py"


@pytest.fixture(scope="module")
def arch():
    spec = importlib.util.spec_from_file_location("architecture", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["architecture"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules["architecture"]


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def test_a_module_level_cycle_is_found_and_lazy_or_typing_ones_only_when_asked(arch, tmp_path):
    package = write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import x\n",
            "pkg/b.py": "from pkg import a\nx = 1\n",
            "pkg/c.py": "def f():\n    from pkg.d import y\n",
            "pkg/d.py": "from pkg.c import f\ny = 2\n",
            "pkg/e.py": "import typing\nif typing.TYPE_CHECKING:\n    from pkg.f import z\n",
            "pkg/f.py": "import pkg.e\nz = 3\n",
        },
    )
    assert arch.cycles(arch.import_graph(package)) == [["pkg.a", "pkg.b"]]
    assert arch.cycles(arch.import_graph(package, lazy=True)) == [
        ["pkg.a", "pkg.b"],
        ["pkg.c", "pkg.d"],
        ["pkg.e", "pkg.f"],
    ]


def test_private_names_are_found_only_across_entries(arch, tmp_path):
    package = write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/one/__init__.py": "from pkg.one._impl import thing\n",
            "pkg/one/_impl.py": "thing = 1\n_hidden = 2\n",
            "pkg/two.py": (
                "from pkg.one import thing\n"  # public: fine
                "from pkg.one._impl import thing as t\n"  # a private module
                "from .one import _impl\n"  # the same, relative
                "def f():\n    from pkg.three import _check\n"  # a private name, lazily
            ),
            "pkg/three.py": "def _check():\n    pass\n",
        },
    )
    found = {(i.importer, i.target, i.name) for i in arch.private_crossings(package)}
    assert found == {
        ("pkg.two", "pkg.one._impl", "thing"),
        ("pkg.two", "pkg.one._impl", None),
        ("pkg.two", "pkg.three", "_check"),
    }


def test_the_package_has_no_module_level_import_cycle(arch):
    assert arch.cycles(arch.import_graph()) == []


def test_no_private_name_is_imported_across_the_packages_entries(arch):
    shown = [
        f"{i.importer}:{i.line} imports {i.target}{'.' + i.name if i.name else ''}"
        for i in arch.private_crossings()
    ]
    assert shown == []


def test_a_dispatch_on_a_model_type_is_found(arch, tmp_path):
    package = write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/m.py": (
                "class Base:\n    def fit(self, data):\n        return self\n"
                "class Child(Base):\n    pass\n"
                "KINDS: tuple = (Child,)\n"
                "def pick(model):\n"
                "    if isinstance(model, Child):\n        return 1\n"  # a subclass
                "    if isinstance(model, KINDS):\n        return 2\n"  # an annotated tuple
                "    return isinstance(model, int)\n"  # not a model type
            ),
        },
    )
    assert arch.model_dispatches(package) == [("pkg.m", 8), ("pkg.m", 10)]


def test_no_code_branches_on_a_models_type(arch):
    # every model answers the contract's calls (aftersales.models.Recommender) instead
    assert arch.model_dispatches() == []
