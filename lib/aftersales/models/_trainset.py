"""Array views of a Surprise trainset, built once per trainset and cached weakly.

Surprise keeps ratings as Python lists of ``(inner id, rating)`` tuples (``trainset.ur``
and ``trainset.ir``). The scorers need them as flat arrays *in list order*, because the
k-NN algorithms break ties between neighbours by their position in those lists.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from surprise import Trainset


@dataclass(frozen=True)
class Lists:
    """A ragged list of ``(index, value)`` pairs per row, stored CSR-style in list order.

    Row ``y`` holds ``index[indptr[y]:indptr[y + 1]]`` and the matching ``value``s, in
    the order Surprise keeps them in ``trainset.ur[y]`` (or ``trainset.ir[y]``).
    """

    indptr: np.ndarray
    index: np.ndarray
    value: np.ndarray
    n_cols: int

    @property
    def lengths(self) -> np.ndarray:
        """Number of entries of every row."""
        return np.diff(self.indptr)

    def matrix(self, data: np.ndarray | None = None) -> sp.csr_matrix:
        """Return the rows as a CSR matrix (duplicates are kept and add up in products).

        Parameters
        ----------
        data : numpy.ndarray, optional
            Values to store at the entries; the default stores 1.0 at every entry.

        Returns
        -------
        scipy.sparse.csr_matrix
            Shape ``(n_rows, n_cols)``.
        """
        values = np.ones(len(self.index)) if data is None else data
        shape = (len(self.indptr) - 1, self.n_cols)
        return sp.csr_matrix((values, self.index, self.indptr), shape=shape)


_CACHE: weakref.WeakKeyDictionary[Trainset, dict[str, Any]] = weakref.WeakKeyDictionary()


def _cached(trainset: Trainset) -> dict[str, Any]:
    return _CACHE.setdefault(trainset, {})


def _lists(rows: dict[int, list[tuple[int, float]]], n_rows: int, n_cols: int) -> Lists:
    lengths = np.fromiter((len(rows.get(y, ())) for y in range(n_rows)), np.int64, n_rows)
    indptr = np.zeros(n_rows + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    pairs = itertools.chain.from_iterable(rows.get(y, ()) for y in range(n_rows))
    flat = np.fromiter(itertools.chain.from_iterable(pairs), np.float64, 2 * int(indptr[-1]))
    index = flat[0::2].astype(np.int64)
    value = flat[1::2].copy()
    return Lists(indptr=indptr, index=index, value=value, n_cols=n_cols)


def user_lists(trainset: Trainset) -> Lists:
    """Return ``trainset.ur`` as :class:`Lists` (row = user, index = item).

    Parameters
    ----------
    trainset : surprise.Trainset
        The trainset of a fitted model.

    Returns
    -------
    Lists
        Items and ratings of every inner user, in Surprise's list order.
    """
    cache = _cached(trainset)
    if "ur" not in cache:
        cache["ur"] = _lists(trainset.ur, trainset.n_users, trainset.n_items)
    return cache["ur"]


def item_lists(trainset: Trainset) -> Lists:
    """Return ``trainset.ir`` as :class:`Lists` (row = item, index = user).

    Parameters
    ----------
    trainset : surprise.Trainset
        The trainset of a fitted model.

    Returns
    -------
    Lists
        Users and ratings of every inner item, in Surprise's list order.
    """
    cache = _cached(trainset)
    if "ir" not in cache:
        cache["ir"] = _lists(trainset.ir, trainset.n_items, trainset.n_users)
    return cache["ir"]


def item_counts(trainset: Trainset) -> np.ndarray:
    """Return the number of ratings of every inner item.

    Parameters
    ----------
    trainset : surprise.Trainset
        The trainset of a fitted model.

    Returns
    -------
    numpy.ndarray
        float64 counts, length ``n_items`` (duplicate ratings count twice, as in ``ir``).
    """
    ir = trainset.ir
    return np.fromiter((len(ir[i]) for i in range(trainset.n_items)), np.float64, trainset.n_items)


def raw_item_ids(trainset: Trainset) -> np.ndarray:
    """Return the raw item id of every inner item, in inner-id order.

    Parameters
    ----------
    trainset : surprise.Trainset
        The trainset of a fitted model.

    Returns
    -------
    numpy.ndarray
        Length ``n_items``; column ``j`` of a score matrix is item ``result[j]``.
    """
    cache = _cached(trainset)
    if "raw_items" not in cache:
        ids = [trainset.to_raw_iid(i) for i in range(trainset.n_items)]
        cache["raw_items"] = id_array(ids)
    return cache["raw_items"]


def raw_user_ids(trainset: Trainset) -> np.ndarray:
    """Return the raw user id of every inner user, in inner-id order.

    Parameters
    ----------
    trainset : surprise.Trainset
        The trainset of a fitted model.

    Returns
    -------
    numpy.ndarray
        Length ``n_users``.
    """
    cache = _cached(trainset)
    if "raw_users" not in cache:
        ids = [trainset.to_raw_uid(u) for u in range(trainset.n_users)]
        cache["raw_users"] = id_array(ids)
    return cache["raw_users"]


def id_array(ids: Sequence[Any]) -> np.ndarray:
    """Turn raw ids into an array, keeping ints as int64 and anything else as objects.

    Parameters
    ----------
    ids : sequence
        Raw user or item ids.

    Returns
    -------
    numpy.ndarray
        int64 when every id is an integer, else an object array (pandas turns all-str
        object arrays into its string dtype).
    """
    if ids and all(isinstance(x, int | np.integer) and not isinstance(x, bool) for x in ids):
        return np.asarray(ids, dtype=np.int64)
    out = np.empty(len(ids), dtype=object)
    out[:] = list(ids)
    return out


def inner_ids(mapping: dict[Any, int], raw: Sequence[Any]) -> np.ndarray:
    """Map raw ids to inner ids, ``-1`` for ids the trainset does not know.

    Parameters
    ----------
    mapping : dict
        Surprise's raw-to-inner dictionary (``trainset._raw2inner_id_users`` or items).
    raw : sequence
        Raw ids.

    Returns
    -------
    numpy.ndarray
        int64 inner ids, ``-1`` where unknown.
    """
    return np.fromiter((mapping.get(x, -1) for x in raw), np.int64, len(raw))


def user_mapping(trainset: Trainset) -> dict[Any, int]:
    """Return the raw-to-inner user mapping of ``trainset``.

    Parameters
    ----------
    trainset : surprise.Trainset
        The trainset of a fitted model.

    Returns
    -------
    dict
        Raw user id to inner user id.
    """
    return trainset._raw2inner_id_users


def item_mapping(trainset: Trainset) -> dict[Any, int]:
    """Return the raw-to-inner item mapping of ``trainset``.

    Parameters
    ----------
    trainset : surprise.Trainset
        The trainset of a fitted model.

    Returns
    -------
    dict
        Raw item id to inner item id.
    """
    return trainset._raw2inner_id_items
