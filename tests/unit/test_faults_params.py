"""Issue #14, parameters: every numeric parameter of every notebook has an upper bound, and a
value past it (or not finite) is refused naming the parameter and the bound."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from aftersales import params
from aftersales.errors import ParameterError


def _numeric_fields():
    for number, cls in sorted(params.REGISTRY.items()):
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            hint = hints[field.name]
            if hint in (int, float):
                yield number, field.name, field.metadata.get("high")
            elif typing.get_origin(hint) is tuple and typing.get_args(hint)[0] in (int, float):
                yield number, f"{field.name}[]", field.metadata.get("item_rule", {}).get("high")


def test_every_numeric_parameter_has_an_upper_bound() -> None:
    fields = list(_numeric_fields())
    assert len(fields) >= 40  # every notebook declares several
    unbounded = [f"{number}:{name}" for number, name, high in fields if high is None]
    assert unbounded == []


@pytest.mark.parametrize(
    ("notebook", "values", "pattern"),
    [
        (
            "02.00",
            {"n_resamples": 10**9},
            r"`n_resamples` must lie in \[1, 20000\]; got 1000000000",
        ),
        ("04.00", {"n_resamples": 10**9}, r"`n_resamples` must lie in \[10, 20000\]"),
        ("02.02", {"n_resamples": 10**9}, r"`n_resamples` must lie in \[10, 20000\]"),
        ("02.00", {"sweep_k": [10, 10**9]}, r"`sweep_k\[1\]` must lie in \[1, 10000\]"),
        ("02.01", {"factor_values": [5, 10**6]}, r"`factor_values\[1\]` must lie in \[1, 1000\]"),
        ("04.00", {"ks": [5, 10**9], "k": 5}, r"`ks\[1\]` must lie in \[-inf, 1000\]"),
        ("01.00", {"seed": 2**32}, r"`seed` must lie in \[0, 4.29497e\+09\]; got 4294967296"),
        ("01.00", {"test_size": float("nan")}, r"`test_size` must be a finite number; got nan"),
        ("02.00", {"usercf_shrinkage": float("inf")}, r"`usercf_shrinkage` must be a finite"),
        ("03.00", {"k_max": 10**6}, r"`k_max` must lie in \[2, 100\]"),
    ],
)
def test_values_past_the_bound_name_parameter_and_bound(notebook, values, pattern) -> None:
    with pytest.raises(ParameterError, match=pattern):
        params.check(notebook, **values)


def test_the_bounds_themselves_are_accepted() -> None:
    p = params.check("02.00", n_resamples=20_000, sweep_k=[10_000], knn_k=10_000)
    assert p.n_resamples == 20_000 and p.sweep_k == (10_000,)
    assert params.check("01.00", seed=2**32 - 1).seed == 4_294_967_295


# Numbers inside the dict parameters (search grids, model_params, top-N grids) reach the
# model registries, which bound them too (issue #14: every numeric parameter has a bound).
@pytest.mark.parametrize(
    ("name", "values", "pattern"),
    [
        ("SVD", {"n_factors": 10**9}, r"`n_factors` must be at most 1,000"),
        ("SVDpp", {"n_epochs": 10**7}, r"`n_epochs` must be at most 10,000"),
        ("KNNBasic", {"k": 10**9}, r"`k` must be at most 100,000"),
        ("CoClustering", {"n_cltr_u": 5_000}, r"`n_cltr_u` must be at most 1,000"),
    ],
)
def test_surprise_model_sizes_are_bounded(name, values, pattern):
    from aftersales.models import make

    with pytest.raises(ParameterError, match=pattern):
        make(name, values, seed=0)
    limit = int(pattern.split("at most ")[1].replace(",", ""))
    make(name, {next(iter(values)): limit}, seed=0)  # the bound itself is accepted


@pytest.mark.parametrize(
    ("name", "values", "pattern"),
    [
        ("als", {"factors": 10**9}, r"`factors` must be at most 1,000"),
        ("bpr", {"iterations": 10**6}, r"`iterations` must be at most 10,000"),
        ("itemknn", {"neighbors": 10**7}, r"`neighbors` must be at most 100,000"),
    ],
)
def test_topn_model_sizes_are_bounded(name, values, pattern):
    from aftersales.models import make

    with pytest.raises(ParameterError, match=pattern):
        make(name, values, seed=0)


def test_a_search_grid_value_is_bounded():
    from aftersales.evaluate import check_grid

    with pytest.raises(ParameterError, match=r"`n_factors` must be at most 1,000"):
        check_grid("SVD", {"n_factors": [20, 10**9]})
