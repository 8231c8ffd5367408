"""The preparation options, declared once.

:class:`aftersales.prepare.Preparation` and the parameters of every notebook that runs
:func:`aftersales.prepare.prepare` take their fields from :class:`PreparationOptions` and
:class:`EngineOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from aftersales.choices import (
    DUPLICATE_POLICIES,
    ENGINES,
    EXTREME_METHODS,
    RATING_SCHEMES,
    RETURNS_MODES,
    SPLITTERS,
    WEIGHTS,
)
from aftersales.errors import ParameterError
from aftersales.params._core import NotebookParams, choice, number
from aftersales.params._datasets import check_dataset


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


@dataclass(frozen=True)
class PreparationOptions:
    """The data set and how it is cleaned, converted, k-cored and split.

    Attributes
    ----------
    dataset : str
        Registered data set name, or the path of a source file.
    duplicates : str
        Ratings only: ``"latest"`` or ``"mean"`` for repeated (user, item) pairs.
    extreme_quantity_rule : str
        Transactions only: ``"none"`` (default) or one of
        :data:`aftersales.choices.EXTREME_METHODS`.
    extreme_quantity_threshold : float
        The rule's parameter.
    min_user_interactions, min_item_interactions : int
        k-core minimums (1 keeps everything).
    rating_scheme : str
        Transactions only: how (customer, item) pairs become 1-5 ratings.
    implicit_weight : str
        Transactions only: the implicit weight kept beside the rating.
    split_method : str
        One of :data:`aftersales.choices.SPLITTERS`.
    test_size : float
        Test fraction in (0, 1).
    seed : int
        Seed of the split.
    returns : str
        Transactions only: ``"net"`` (default) matches cancellations to the purchases they
        reverse and nets them; ``"ignore"`` drops cancellations and keeps those purchases.
    """

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


@dataclass(frozen=True)
class EngineOptions(PreparationOptions):
    """The preparation options and the engine that runs them (pandas or Spark).

    Attributes
    ----------
    engine : str
        ``"pandas"`` (default) or ``"spark"``: run cleaning, conversion, k-core and split as
        Spark jobs (:mod:`aftersales.spark`; transaction data, ``time`` or
        ``user_stratified`` split). Same results.
    spark_master : str
        The Spark master (``local[*]``, ``spark://host:port``...).
    spark_driver_memory : str
        The Spark driver's memory (``"2g"``).
    """

    engine: str = choice(*ENGINES, default="pandas", help="preparation engine")
    spark_master: str = field(
        default="local[*]", metadata={"help": "Spark master: local[*] or spark://host:port"}
    )
    spark_driver_memory: str = field(
        default="2g", metadata={"help": "Spark driver memory, e.g. 2g"}
    )


@dataclass(frozen=True)
class PreparationParams(PreparationOptions, NotebookParams):
    """The preparation options as a notebook's parameters (after ``output_dir``)."""

    def __post_init__(self) -> None:
        """Check that ``dataset`` is a registered name or a valid source file."""
        try:
            check_dataset(self.dataset)
        except ParameterError as error:
            raise ParameterError(f"notebook parameters: {error}") from None

    def preparation(self) -> EngineOptions:
        """Return the preparation options these parameters select.

        Returns
        -------
        EngineOptions
            Options for :func:`aftersales.prepare.prepare` (engine options at their
            defaults unless the notebook declares :class:`EngineParams`).
        """
        names = [f.name for f in fields(EngineOptions)]
        return EngineOptions(**{name: getattr(self, name) for name in names if hasattr(self, name)})


@dataclass(frozen=True)
class EngineParams(EngineOptions, PreparationParams):
    """The preparation parameters and the engine that runs them (pandas or Spark)."""

    def __post_init__(self) -> None:
        """Check the data set, the Spark master URL and the driver memory size."""
        super().__post_init__()
        from aftersales.spark import check_driver_memory, master_addresses

        try:
            master_addresses(self.spark_master)
            check_driver_memory(self.spark_driver_memory)
        except ParameterError as error:
            raise ParameterError(f"notebook parameters: {error}") from None
