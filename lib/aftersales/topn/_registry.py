"""The top-N models' part of the one registry (``aftersales.models.make`` builds them)."""

from __future__ import annotations

from aftersales.errors import UnknownNameError
from aftersales.models import REGISTRY, model_class

TOPN_MODELS: tuple[str, ...] = tuple(
    name for name, target in REGISTRY.items() if target.startswith("aftersales.topn:")
)
"""The top-N models of ``aftersales.models.REGISTRY``, by name."""


def _lookup(name: str) -> type:
    if not isinstance(name, str) or name not in TOPN_MODELS:
        raise UnknownNameError(
            f"unknown top-N model {name!r}; valid models: {', '.join(TOPN_MODELS)}"
        )
    return model_class(name)
