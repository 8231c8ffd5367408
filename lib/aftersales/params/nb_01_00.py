"""Parameters of ``01.00-preprocessing``."""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.params._core import NotebookParams, choice, number, register

DATASETS = ("movielens-100k", "online-retail")
"""Data sets a notebook can be pointed at."""


@register("01.00")
@dataclass(frozen=True)
class PreprocessingParams(NotebookParams):
    """Parameters of ``01.00-preprocessing``."""

    dataset: str = choice(*DATASETS, default="movielens-100k", help="registered data set")
    seed: int = number(42, low=0, help="seed for every random step")
