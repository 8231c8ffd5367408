"""What a parameter check asks the data layer: is a data set known, and what does it hold.

A ``dataset`` parameter is a registered name or the path of a source file, whose YAML
:mod:`aftersales.datasets` parses. :mod:`aftersales.datasets` is imported when a check runs,
not with :mod:`aftersales.params`, so importing the parameters loads no data layer (and
through it no loader or download code).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aftersales.errors import AftersalesError, ParameterError

if TYPE_CHECKING:
    from aftersales.datasets import DatasetSpec


def spec(dataset: str) -> DatasetSpec:
    """Return ``aftersales.datasets.spec(dataset)`` (documented there), imported on call."""
    from aftersales import datasets

    return datasets.spec(dataset)


def kind(dataset: str) -> str:
    """Return ``aftersales.datasets.spec(dataset).kind``: ratings, transactions or campaign."""
    return spec(dataset).kind


def check_dataset(value: str) -> str:
    """Return ``value`` when it is a registered data set or a valid source file.

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
    from aftersales import datasets

    try:
        datasets.source(value)
    except AftersalesError as error:
        raise ParameterError(
            f"parameter `dataset` is {value!r}: {error}; choose one of {list(datasets.NAMES)} "
            "or the path of a source file"
        ) from None
    return value
