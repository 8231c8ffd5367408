"""Parameters of ``02.01-matrix-factorization``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aftersales.choices import CI_MODELS, MODEL_NAMES, PUBLISHED_MODELS, SEARCH_KINDS
from aftersales.errors import ParameterError
from aftersales.params._core import choice, items, number, register
from aftersales.params._preparation import PreparationParams

__all__ = ["MatrixFactorizationParams"]

WHERE = "notebook 02.01"

SWEEP_MODELS: tuple[str, ...] = ("SVD", "SVDpp", "NMF")
"""Models whose factor count and epochs are swept."""


@register("02.01")
@dataclass(frozen=True)
class MatrixFactorizationParams(PreparationParams):
    """Parameters of ``02.01-matrix-factorization``.

    The preparation options (ratings, or retail purchases turned into 1-5 ratings), the
    models compared, the factor-count and epoch sweeps, the parameter search (its model,
    grid, kind, folds and the two parameters of the heatmap) and whether Surprise's
    published 5-fold protocol is rerun.

    Raises
    ------
    ParameterError
        If a sweep lists no value or repeats one, the search grid does not fit the search
        model (unknown parameter, bad value: the message lists the valid names), the
        heatmap parameters are not two different grid parameters, ``search_n_iter``
        exceeds the grid's size for a random search, or the published protocol is asked
        for another data set than movielens-100k.
    """

    mf_models: tuple[str, ...] = items(
        ("NormalPredictor", "BaselineOnly", "SVD", "NMF"),
        choices=MODEL_NAMES,
        help="models compared (Surprise names)",
    )
    # <= 20: every fold fits every model again
    mf_folds: int = number(1, low=1, high=20, help="1: the prepared split; k >= 2: k-fold")
    sweep_model: str = choice(*SWEEP_MODELS, default="SVD", help="model of both sweeps")
    # each <= 1,000: (users + items) x 1,000 factors x 8 B stays under 1 GB up to 100,000 ids
    factor_values: tuple[int, ...] = items(
        (5, 20, 50, 100, 200), low=1, high=1_000, help="n_factors swept"
    )
    # each <= 1,000: SGD time grows linearly; errors settle long before
    epoch_values: tuple[int, ...] = items(
        (1, 5, 10, 20, 40), low=0, high=1_000, help="n_epochs swept"
    )
    # <= 20, and never more than the protocol holds: the first folds of mf_folds
    sweep_folds: int = number(
        1, low=1, high=20, help="the sweeps score on the first sweep_folds folds of the protocol"
    )
    search_model: str = choice(*MODEL_NAMES, default="SVD", help="model searched")
    search_kind: str = choice(*SEARCH_KINDS, default="grid", help="grid or random")
    search_grid: dict[str, Any] = field(
        default_factory=lambda: {"n_factors": [20, 100], "reg_all": [0.02, 0.1]},
        metadata={"help": "parameter -> list of values searched"},
    )
    # <= 1,000 fits x folds; never more than the grid holds (checked below)
    search_n_iter: int = number(
        4, low=1, high=1_000, help="combinations sampled by a random search"
    )
    # <= 20: every fold fits every combination again
    search_folds: int = number(2, low=2, high=20, help="cross-validation folds of the search")
    heatmap_rows: str = field(default="n_factors", metadata={"help": "grid parameter: rows"})
    heatmap_columns: str = field(default="reg_all", metadata={"help": "grid parameter: columns"})
    published_protocol: bool = False
    published_models: tuple[str, ...] = items(
        CI_MODELS, choices=PUBLISHED_MODELS, help="models of the protocol"
    )

    def __post_init__(self) -> None:
        """Check the sweeps, the grid against the search model, and the heatmap's axes."""
        super().__post_init__()
        from aftersales import evaluate  # the grid's values are checked by building the models

        for name in ("factor_values", "epoch_values", "mf_models"):
            values = getattr(self, name)
            if not values or len(set(values)) != len(values):
                raise ParameterError(
                    f"{WHERE}: parameter `{name}` must list distinct values; got {list(values)}"
                )
        try:
            grid = evaluate.check_grid(self.search_model, self.search_grid)
        except ParameterError as error:
            raise ParameterError(f"{WHERE}: parameter `search_grid`: {error}") from None
        size = len(evaluate.grid_combinations(grid))
        if self.search_kind == "random" and self.search_n_iter > size:
            raise ParameterError(
                f"{WHERE}: parameter `search_n_iter` is {self.search_n_iter} but `search_grid` "
                f"holds {size} combination(s)"
            )
        searched = [
            f"{name}.{key}" if isinstance(values, dict) else name
            for name, values in grid.items()
            for key in (values if isinstance(values, dict) else [None])
        ]
        for name in ("heatmap_rows", "heatmap_columns"):
            if getattr(self, name) not in searched:
                raise ParameterError(
                    f"{WHERE}: parameter `{name}` is {getattr(self, name)!r}; "
                    f"choose a parameter of `search_grid`: {searched}"
                )
        if self.heatmap_rows == self.heatmap_columns:
            raise ParameterError(
                f"{WHERE}: parameters `heatmap_rows` and `heatmap_columns` must differ; "
                f"both are {self.heatmap_rows!r}"
            )
        if self.published_protocol and self.dataset != "movielens-100k":
            raise ParameterError(
                f"{WHERE}: parameter `published_protocol` reruns Surprise's MovieLens 100K "
                f"benchmark; set it only with dataset 'movielens-100k' (got {self.dataset!r})"
            )
