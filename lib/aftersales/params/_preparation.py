"""Preparation parameters shared by every notebook that calls :func:`aftersales.prepare.prepare`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aftersales import datasets
from aftersales.clean import DUPLICATE_POLICIES, EXTREME_METHODS, RETURNS_MODES
from aftersales.errors import AftersalesError, ParameterError
from aftersales.interactions import RATING_SCHEMES, WEIGHTS
from aftersales.params._core import NotebookParams, choice, number
from aftersales.prepare import ENGINES, Preparation
from aftersales.split import SPLITTERS

DATASETS = ("movielens-100k", "online-retail")
"""Registered data sets a notebook can be pointed at (or the path of a source file)."""


def dataset_field(default: str, *, help: str) -> Any:
    """Declare a ``dataset`` parameter: a registered name or the path of a source file.

    Parameters
    ----------
    default : str
        The default data set.
    help : str
        What the parameter means.

    Returns
    -------
    dataclasses.Field
        A string field; :class:`PreparationParams` checks the value.
    """
    return field(default=default, metadata={"help": help, "dataset": True})


def check_dataset(value: str) -> str:
    """Return ``value`` when it is a registered name or a valid source file.

    Parameters
    ----------
    value : str
        The ``dataset`` parameter.

    Returns
    -------
    str
        ``value`` itself.

    Raises
    ------
    ParameterError
        If it is neither; the message lists the names, or says what is wrong with the
        source file.
    """
    if value in DATASETS:
        return value
    try:
        datasets.source(value)
    except AftersalesError as error:
        raise ParameterError(
            f"parameter `dataset` is {value!r}: {error}; choose one of {list(DATASETS)} "
            "or the path of a source file"
        ) from None
    return value


@dataclass(frozen=True)
class PreparationParams(NotebookParams):
    """The data set and how it is cleaned, converted, k-cored and split."""

    dataset: str = dataset_field("movielens-100k", help="registered data set or source file")
    duplicates: str = choice(*DUPLICATE_POLICIES, default="latest", help="repeated ratings")
    extreme_quantity_rule: str = choice(
        "none", *EXTREME_METHODS, default="none", help="drop bulk-order lines (retail)"
    )
    # <= 1e9: a multiplier, a quantile or a unit count; no order line holds a billion units
    extreme_quantity_threshold: float = number(
        3.0, low=0, open_low=True, high=1e9, help="the rule's value"
    )
    # <= 1e6: more than any customer's interactions; beyond it the k-core is empty
    min_user_interactions: int = number(
        5, low=1, high=1_000_000, help="k-core: minimum items per user"
    )
    # <= 1e6: more than any item's interactions; beyond it the k-core is empty
    min_item_interactions: int = number(
        5, low=1, high=1_000_000, help="k-core: minimum users per item"
    )
    rating_scheme: str = choice(*RATING_SCHEMES, default="frequency_quantile", help="retail")
    implicit_weight: str = choice(*WEIGHTS, default="count", help="retail implicit weight")
    split_method: str = choice(*SPLITTERS, default="user_stratified", help="train/test split")
    test_size: float = number(0.2, low=0, high=1, open_low=True, open_high=True, help="test share")
    # < 2**32: numpy's legacy RandomState (Surprise, k-means) takes 32-bit seeds
    seed: int = number(42, low=0, high=2**32 - 1, help="seed for every random step")
    returns: str = choice(
        *RETURNS_MODES, default="net", help="cancellations: net against purchases, or ignore"
    )

    def __post_init__(self) -> None:
        """Check that ``dataset`` is a registered name or a valid source file."""
        try:
            check_dataset(self.dataset)
        except ParameterError as error:
            raise ParameterError(f"notebook parameters: {error}") from None

    def preparation(self) -> Preparation:
        """Return the preparation options these parameters select.

        Returns
        -------
        Preparation
            Options for :func:`aftersales.prepare.prepare` (engine options at their
            defaults unless the notebook declares :class:`EngineParams`).
        """
        return Preparation(
            **{name: getattr(self, name) for name in Preparation.names() if hasattr(self, name)}
        )


@dataclass(frozen=True)
class EngineParams(PreparationParams):
    """The preparation parameters and the engine that runs them (pandas or Spark)."""

    engine: str = choice(*ENGINES, default="pandas", help="preparation engine")
    spark_master: str = field(
        default="local[*]", metadata={"help": "Spark master: local[*] or spark://host:port"}
    )
    spark_driver_memory: str = field(
        default="2g", metadata={"help": "Spark driver memory, e.g. 2g"}
    )

    def __post_init__(self) -> None:
        """Check the data set, the Spark master URL and the driver memory size."""
        super().__post_init__()
        from aftersales.spark import check_driver_memory, master_addresses

        try:
            master_addresses(self.spark_master)
            check_driver_memory(self.spark_driver_memory)
        except ParameterError as error:
            raise ParameterError(f"notebook parameters: {error}") from None
