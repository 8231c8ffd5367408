import dataclasses
import subprocess
import sys
from dataclasses import dataclass

import pytest

from aftersales import params, prepare
from aftersales.errors import ParameterError


@dataclass(frozen=True)
class Example(params.NotebookParams):
    model: str = params.choice("SVD", "KNNBasic", default="SVD")
    test_size: float = params.number(0.25, low=0, high=1, open_low=True, open_high=True)
    k: int = params.number(10, low=1)
    models: tuple[str, ...] = params.items(("SVD",), choices=("SVD", "NMF"))
    options: dict = params.mapping()
    verbose: bool = False


def build(**values):
    return params.build(Example, values, where="test")


def test_defaults_and_conversion():
    p = build(test_size=1 / 2, models=["SVD", "NMF"], options={"SVD": {"n_factors": 5}})
    assert p.test_size == 0.5 and p.models == ("SVD", "NMF") and p.k == 10
    assert p.options == {"SVD": {"n_factors": 5}} and p.output_path is None
    assert build(output_dir="/tmp/r").output_path.name == "r"


def test_unknown_parameter_lists_the_known_ones():
    with pytest.raises(
        ParameterError, match=r"unknown parameter\(s\) \['modle'\];.* the parameters"
    ):
        build(modle="SVD")


def test_unknown_parameter_suggests_the_closest_name():
    # difflib ratio of 'modle' and 'model' is 0.8 (four of five letters match in order);
    # 'models' is 0.73, so `model` wins
    with pytest.raises(ParameterError) as caught:
        build(modle="SVD")
    assert str(caught.value) == (
        "test: unknown parameter(s) ['modle']; did you mean `model`? the parameters are "
        "['k', 'model', 'models', 'options', 'output_dir', 'test_size', 'verbose']"
    )
    with pytest.raises(ParameterError, match=r"\['n_cluster'\]; did you mean `n_clusters`\?"):
        params.check("03.00", n_cluster=4)


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"k": "10"}, r"parameter `k` must be int; got '10'"),
        ({"k": 2.5}, r"parameter `k` must be int"),
        ({"k": True}, r"parameter `k` must be int"),
        ({"verbose": "yes"}, r"`verbose` must be true or false"),
        ({"models": "SVD"}, r"`models` must be a list"),
        ({"options": [1]}, r"`options` must be a mapping"),
    ],
)
def test_wrong_types(values, pattern):
    with pytest.raises(ParameterError, match=pattern):
        build(**values)


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ({"test_size": 1.0}, r"`test_size` must lie in \(0, 1\); got 1.0"),
        ({"test_size": 0}, r"`test_size` must lie in \(0, 1\)"),
        ({"k": 0}, r"`k` must lie in \[1, inf\]; got 0"),
        ({"model": "SVDD"}, r"`model` is 'SVDD'; choose one of \['SVD', 'KNNBasic'\]"),
        ({"models": ["SVD", "X"]}, r"\['X'\] not allowed; choose from \['SVD', 'NMF'\]"),
    ],
)
def test_out_of_range(values, pattern):
    with pytest.raises(ParameterError, match=pattern):
        build(**values)


def test_check_by_notebook_number():
    assert params.check("01.00", dataset="online-retail").dataset == "online-retail"
    with pytest.raises(ParameterError, match=r"no parameters are declared for notebook '09.99'"):
        params.check("09.99")


def test_check_reads_only_the_declared_names_of_a_namespace(monkeypatch):
    monkeypatch.setitem(params.REGISTRY, "99.01", Example)
    namespace = {
        "model": "KNNBasic",
        "k": 5,
        "models": ["NMF"],
        "pd": pytest,  # a module imported by the notebook: not a parameter, ignored
        "In": ["", "k = 5"],  # IPython's own names: ignored
        "_": None,
        "key": b"secret",
    }
    p = params.check("99.01", namespace)
    # read: model, k, models; missing test_size, options, verbose, output_dir: the defaults
    assert (p.model, p.k, p.models) == ("KNNBasic", 5, ("NMF",))
    assert (p.test_size, p.options, p.verbose, p.output_dir) == (0.25, {}, False, "")
    assert params.check("99.01", namespace, k=7).k == 7  # a keyword overrides the namespace


def test_check_of_a_namespace_still_names_a_wrong_value(monkeypatch):
    monkeypatch.setitem(params.REGISTRY, "99.01", Example)
    with pytest.raises(
        ParameterError, match=r"notebook 99.01: parameter `k` must be int; got '10'"
    ):
        params.check("99.01", {"k": "10", "unrelated": object()})
    with pytest.raises(ParameterError, match=r"`model` is 'SVDD'; choose one of"):
        params.check("99.01", {"model": "SVDD"})
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) \['modle'\]"):
        params.check("99.01", {}, modle="SVD")  # keywords stay strict
    with pytest.raises(ParameterError, match=r"read from a mapping such as globals\(\); got list"):
        params.check("99.01", [("k", 5)])


def test_a_notebook_namespace_gives_the_same_parameters_as_keywords():
    namespace = {"dataset": "online-retail", "n_clusters": 4, "seed": 7, "C": object()}
    by_namespace = params.check("03.00", namespace)
    assert by_namespace == params.check("03.00", dataset="online-retail", n_clusters=4, seed=7)
    assert by_namespace.k_min == 2  # not in the namespace: the default


def test_import_loads_no_model_library_and_nothing_above_params():
    # A fresh interpreter: what `from aftersales import params` loads, as every kernel does.
    code = (
        "import sys\n"
        "from aftersales import params\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'surprise', 'duckdb', 'sklearn', 'mlxtend', 'implicit', 'cornac', 'pyspark'})))\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('aftersales.'))))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, ours = run.stdout.splitlines()
    assert heavy == ""
    low_level = {
        "aftersales.choices",
        "aftersales.columns",
        "aftersales.errors",
        "aftersales.periods",
        "aftersales.validate",  # scalar checks and did_you_mean; imports only errors
    }
    above = [
        m for m in ours.split() if not m.startswith("aftersales.params") and m not in low_level
    ]
    assert above == []


def test_the_preparation_options_are_declared_once():
    # prepare.Preparation takes its fields from params.EngineOptions; a notebook's parameters
    # hand the same options over (engine options at their defaults when not declared)
    names = [f.name for f in dataclasses.fields(params.EngineOptions)]
    assert list(prepare.Preparation.names()) == names
    p = params.check("02.00", dataset="online-retail", seed=7, returns="ignore")
    options = prepare.Preparation.of(p.preparation())
    assert options == prepare.Preparation(dataset="online-retail", seed=7, returns="ignore")
    assert options.key == prepare.Preparation(dataset="online-retail", seed=7, returns="ignore").key
    assert prepare.ENGINE_SETTINGS == ("engine", "spark_master", "spark_driver_memory")
