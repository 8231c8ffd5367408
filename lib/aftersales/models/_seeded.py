"""A seedable ``NormalPredictor`` whose draws do not depend on the order of requests.

Surprise's ``NormalPredictor`` draws every estimate from numpy's global generator, so
its predictions depend on everything else that touched that generator. Here the draw
for a pair is a fixed function of ``(key, user, item)``: ``key`` is drawn once per fit
from a generator seeded with ``random_state``, and the standard normal for the pair
comes from a counter-based hash (SplitMix64 finaliser, then Box-Muller). ``predict``
and the vectorised ``score_all`` therefore return the same value for the same pair, in
any order, batch or process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from surprise import NormalPredictor, Trainset

from aftersales.random import rng

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_ITEM_DOMAIN = np.uint64(0x5851F42D4C957F2D)
_UNKNOWN_BIT = 1 << 63
_UNKNOWN_PREFIX = "UKN__"  # what AlgoBase.predict passes for ids outside the trainset


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser, elementwise on uint64 (wraps modulo 2**64)."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def unknown_key(raw: Any) -> int:
    """Return the stream key of an id that is not in the trainset (stable across runs).

    Parameters
    ----------
    raw : object
        The raw id; its ``str`` is hashed with BLAKE2b, as ``predict`` only sees that.

    Returns
    -------
    int
        A key with the top bit set, so it never equals an inner id.
    """
    digest = hashlib.blake2b(str(raw).encode(), digest_size=8).digest()
    return _UNKNOWN_BIT | (int.from_bytes(digest, "little") & (_UNKNOWN_BIT - 1))


def standard_normals(key: int, user_keys: np.ndarray, item_keys: np.ndarray) -> np.ndarray:
    """Return one standard normal draw per (user, item) pair.

    Parameters
    ----------
    key : int
        The stream key of the fitted model.
    user_keys, item_keys : numpy.ndarray
        uint64 keys (inner ids, or :func:`unknown_key` values).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(user_keys), len(item_keys))``.
    """
    users = np.asarray(user_keys, dtype=np.uint64)
    items = np.asarray(item_keys, dtype=np.uint64)
    hu = _mix(np.asarray([key], dtype=np.uint64) ^ _mix(users))
    hi = _mix(items ^ _ITEM_DOMAIN)
    h1 = _mix(hu[:, None] ^ hi[None, :])
    h2 = _mix(h1)
    u1 = ((h1 >> np.uint64(11)) + np.uint64(1)).astype(np.float64) * 2.0**-53  # (0, 1]
    u2 = (h2 >> np.uint64(11)).astype(np.float64) * 2.0**-53  # [0, 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def keys_of(inner: np.ndarray, raw: Sequence[Any]) -> np.ndarray:
    """Return stream keys: the inner id when known, a hash of the raw id otherwise.

    Parameters
    ----------
    inner : numpy.ndarray
        Inner ids, ``-1`` for ids the trainset does not know.
    raw : sequence
        The matching raw ids.

    Returns
    -------
    numpy.ndarray
        uint64 keys.
    """
    keys = np.asarray(inner, dtype=np.int64).astype(np.uint64)
    for pos in np.flatnonzero(np.asarray(inner) < 0):
        keys[pos] = unknown_key(raw[pos])
    return keys


class SeededNormalPredictor(NormalPredictor):
    """Surprise's ``NormalPredictor`` with reproducible, order-independent draws.

    The estimate for ``(u, i)`` is ``mu + sigma * z(key, u, i)`` with ``mu`` and
    ``sigma`` fitted as in Surprise and ``z`` a standard normal that depends only on
    the pair and on ``key``, drawn at :meth:`fit` from a numpy Generator seeded with
    ``random_state``. Known ids are keyed by inner id, unknown ids by a hash of their
    string form, so unknown users and items get draws too (as in Surprise).

    Parameters
    ----------
    random_state : int or numpy.random.Generator, optional
        Seed of the generator that draws ``key``. ``None`` draws fresh entropy (not
        reproducible); :func:`aftersales.models.make` always passes a seed.
    """

    def __init__(self, random_state: int | np.random.Generator | None = None) -> None:
        NormalPredictor.__init__(self)
        self.random_state = random_state

    def fit(self, trainset: Trainset) -> SeededNormalPredictor:
        """Fit ``mu`` and ``sigma`` as Surprise does and draw the stream key.

        Parameters
        ----------
        trainset : surprise.Trainset
            The training ratings.

        Returns
        -------
        SeededNormalPredictor
            ``self``, fitted.
        """
        NormalPredictor.fit(self, trainset)
        seed = self.random_state
        generator = np.random.default_rng() if seed is None else rng(seed)
        self.key = int(generator.integers(0, 2**63 - 1))
        return self

    def estimate(self, u: int | str, i: int | str) -> float:
        """Return the draw for inner ids ``u``, ``i`` (``"UKN__<raw>"`` when unknown).

        Parameters
        ----------
        u, i : int or str
            Inner ids, or the ``"UKN__"``-prefixed raw id Surprise passes for unknown ids.

        Returns
        -------
        float
            ``mu + sigma * z``.
        """
        user = np.asarray([_key(u)], dtype=np.uint64)
        item = np.asarray([_key(i)], dtype=np.uint64)
        z = standard_normals(self.key, user, item)[0, 0]
        return float(self.trainset.global_mean + self.sigma * z)


def _key(inner: int | str) -> int:
    if isinstance(inner, str):
        return unknown_key(inner.removeprefix(_UNKNOWN_PREFIX))
    return int(inner)
