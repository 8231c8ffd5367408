"""One place that turns a seed into a random generator (SPEC 7 style)."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

from aftersales.errors import ParameterError

Seed: TypeAlias = int | np.random.Generator
"""A seed: a non-negative integer, or a generator to draw from."""


def rng(seed: Seed) -> np.random.Generator:
    """Return a numpy generator for ``seed``.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        A non-negative integer (a new PCG64 generator is seeded with it) or an existing
        generator, which is returned unchanged so callers can share one stream.

    Returns
    -------
    numpy.random.Generator
        The generator to draw from.

    Raises
    ------
    ParameterError
        If ``seed`` is neither a non-negative integer nor a generator (``None`` is refused:
        every random step in the workbench must be reproducible).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(
            f"`seed` must be a non-negative integer or a numpy Generator; got {seed!r}"
        )
    return np.random.default_rng(int(seed))


def int_seed(seed: Seed) -> int:
    """Return an integer seed for libraries that take ``random_state`` as an int.

    Parameters
    ----------
    seed : int or numpy.random.Generator
        An integer is returned as is; a generator yields a fresh integer drawn from it.

    Returns
    -------
    int
        A seed in ``[0, 2**31 - 1)``, suitable for Surprise and scikit-learn.

    Raises
    ------
    ParameterError
        If ``seed`` is not a valid seed (see :func:`rng`).
    """
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**31 - 1))
    rng(seed)  # validates
    return int(seed)
