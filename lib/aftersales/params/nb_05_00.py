"""Parameters of ``05.00-scale-out``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aftersales.choices import ENGINES, MAX_FACTOR
from aftersales.errors import ParameterError
from aftersales.params import _datasets
from aftersales.params._core import NotebookParams, items, number, register

__all__ = ["ScaleParams"]

WHERE = "notebook 05.00"
_MEMORY = re.compile(r"^[1-9][0-9]*[kmgt]?$", re.IGNORECASE)


@register("05.00")
@dataclass(frozen=True)
class ScaleParams(NotebookParams):
    """Parameters of ``05.00-scale-out``.

    The committed defaults measure small fractions of online-retail (cheap enough for nbval);
    ``bench/scale.py`` runs the notebook with ``scales: [1, 10, 50]``.

    Raises
    ------
    ParameterError
        If the data set does not hold transactions, a scale repeats, or the driver memory is
        not a size such as ``2g``.
    """

    dataset: str = field(
        default="online-retail", metadata={"help": "registered transactions data set"}
    )
    scales: tuple[float, ...] = items(
        (0.05, 0.1), low=0.001, high=MAX_FACTOR, help="sizes measured, as multiples of the data set"
    )
    engines: tuple[str, ...] = items(ENGINES, choices=ENGINES, help="engines measured")
    memory_limit_mib: float = number(
        4096, low=256, high=1_048_576, help="memory of the process tree at which a run stops (MiB)"
    )
    # <= one day: a longer run is not a measurement one waits for
    timeout_s: float = number(3600, low=10, high=86_400, help="seconds after which a run stops")
    spark_driver_memory: str = field(default="2g", metadata={"help": "Spark driver memory"})
    seed: int = number(42, low=0, high=2**32 - 1, help="seed of the enlargement")

    def __post_init__(self) -> None:
        """Check the data set's kind, the sizes and the driver memory."""
        kind = _datasets.kind(self.dataset)
        if kind != "transactions":
            raise ParameterError(
                f"{WHERE}: parameter `dataset` is {self.dataset!r}, which holds {kind}; "
                "05.00 enlarges transaction lines, e.g. 'online-retail'"
            )
        if not self.scales or len(set(self.scales)) != len(self.scales):
            raise ParameterError(
                f"{WHERE}: parameter `scales` must list distinct sizes; got {list(self.scales)}"
            )
        if not self.engines:
            raise ParameterError(f"{WHERE}: parameter `engines` must name at least one engine")
        if not _MEMORY.match(str(self.spark_driver_memory)):
            raise ParameterError(
                f"{WHERE}: parameter `spark_driver_memory` must be a size such as '2g' or "
                f"'512m'; got {self.spark_driver_memory!r}"
            )
