"""Parameters of ``01.00-preprocessing``."""

from __future__ import annotations

from dataclasses import dataclass, field

from aftersales.params._core import register
from aftersales.params._preparation import EngineParams

__all__ = ["PreprocessingParams"]


@register("01.00")
@dataclass(frozen=True)
class PreprocessingParams(EngineParams):
    """Parameters of ``01.00-preprocessing``: the preparation options and a pseudonym key."""

    # Empty: $AFTERSALES_PSEUDONYM_KEY, else the machine-local key file; never shown.
    pseudonym_key: str = field(default="", repr=False)
