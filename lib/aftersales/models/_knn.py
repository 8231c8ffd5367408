"""Vectorised ``estimate`` of Surprise's k-NN family, equal to the per-pair loop.

Notation as in Surprise: with ``user_based`` the neighbours ``x2`` are users and the
lists ``yr[y]`` are the raters of item ``y``; otherwise ``x2`` are items and ``yr[y]`` is
the list of items user ``y`` rated. For a pair, Surprise takes the ``k`` entries of
``yr[y]`` with the largest ``sim[x, x2]`` (``heapq.nlargest``: on equal similarity the
entry earlier in ``yr[y]`` wins), keeps those with ``sim > 0`` and aggregates

``sum_sim = sum(sim)``, ``sum_d = sum(sim * d)``, ``actual_k = count``,

where ``d`` is ``r`` (KNNBasic), ``r - mu_x2`` (KNNWithMeans), ``(r - mu_x2) / sigma_x2``
(KNNWithZScore) or ``r - b_x2y`` (KNNBaseline).

One deliberate difference: a ``KNNBasic`` built with ``min_k=0`` raises
``ZeroDivisionError`` from ``predict`` when no neighbour has a positive similarity;
here that pair gets the global mean (``make_model`` refuses ``min_k=0`` for KNNBasic).

Lists no longer than ``k`` need no selection: their sums are sparse matrix products.
Longer lists are gathered into padded blocks (grouped by length, bounded in size) and
the top ``k`` is found per row with ``np.partition``, resolving a tie at the k-th
value by list position exactly as ``heapq.nlargest`` does.
"""

from __future__ import annotations

import numpy as np
import surprise
from surprise import AlgoBase

from aftersales.models._scorers import Scorer, partial_baseline
from aftersales.models._trainset import Lists, item_lists, user_lists

_CHUNK_ELEMENTS = 1 << 18
"""Similarities gathered per block (about 26 bytes each at peak; small blocks stay in cache)."""

_PAD = -np.finfo(np.float64).max
"""Similarity of padding entries: below any real similarity, and finite (0 * _PAD = 0)."""

_TINY = np.nextafter(0.0, 1.0)
"""Smallest positive float: ``sims >= _TINY`` is ``sims > 0``."""

_PAD_GROWTH = 1.25
"""Lists of one block differ in length by at most this factor (bounds padding waste)."""


class KNNScorer(Scorer):
    """Scorer of ``KNNBasic``, ``KNNWithMeans``, ``KNNWithZScore`` and ``KNNBaseline``.

    Parameters
    ----------
    model : surprise.AlgoBase
        A fitted ``KNNBasic``, ``KNNWithMeans``, ``KNNWithZScore`` or ``KNNBaseline``.
    """

    def __init__(self, model: AlgoBase) -> None:
        super().__init__(model)
        self.variant = type(model)
        self.user_based = bool(model.sim_options["user_based"])
        self.k = int(model.k)
        self.min_k = int(model.min_k)
        self.sim = np.asarray(model.sim, dtype=np.float64)
        ts = self.trainset
        self.lists = item_lists(ts) if self.user_based else user_lists(ts)
        self.n_x = ts.n_users if self.user_based else ts.n_items
        self.d = self._entry_values()
        self.heavy = self.lists.lengths > self.k
        light = ~np.repeat(self.heavy, self.lists.lengths)
        rows = self.lists.matrix(np.where(light, 1.0, 0.0))
        deltas = self.lists.matrix(np.where(light, self.d, 0.0))
        if self.user_based:  # (x2, y): columns are the output items
            self.light_ones, self.light_d = rows.T.tocsr(), deltas.T.tocsr()
        else:  # (y, x2): rows are the output users, products with sim.T
            self.light_ones, self.light_d = rows, deltas
            self.positive_t = np.ascontiguousarray(np.maximum(self.sim, 0.0).T)
            self.is_positive_t = np.ascontiguousarray((self.sim > 0).T, dtype=np.float32)
            self.table = _padded_rows(self.sim.T)  # row x2 = sim[:, x2]

    def _entry_values(self) -> np.ndarray:
        """Return the per-entry value ``d`` each variant averages (see the module docstring)."""
        m, lists = self.model, self.lists
        x2, r = lists.index, lists.value
        if self.variant is surprise.KNNBaseline:
            y = np.repeat(np.arange(len(lists.indptr) - 1), lists.lengths)
            return r - (self.global_mean + m.bx[x2] + m.by[y])
        if self.variant is surprise.KNNWithZScore:
            return (r - m.means[x2]) / m.sigmas[x2]
        if self.variant is surprise.KNNWithMeans:
            return r - m.means[x2]
        return r.copy()

    def known(self, users):
        uniq, inverse = np.unique(users, return_inverse=True)
        if uniq.size < users.size:  # heavy rows below are placed by user id
            return self.known(uniq)[inverse]
        n_b = len(users)
        if self.user_based:
            sims = self.sim[users]
            positive = np.maximum(sims, 0.0)
            sum_sim = np.asarray(positive @ self.light_ones)
            sum_d = np.asarray(positive @ self.light_d)
            count = np.asarray((sims > 0).astype(np.float64) @ self.light_ones)
            table = _padded_rows(sims.T)  # row x2 = sim[users, x2]
            heavy_y = np.flatnonzero(self.heavy)
            for ys, s, d, c in _heavy_blocks(table, heavy_y, self.lists, self.d, self.k):
                sum_sim[:, ys], sum_d[:, ys], count[:, ys] = s.T, d.T, c.T
        else:
            ones, deltas = self.light_ones[users], self.light_d[users]
            sum_sim = np.asarray(ones @ self.positive_t)
            sum_d = np.asarray(deltas @ self.positive_t)
            count = np.asarray(ones.astype(np.float32) @ self.is_positive_t, dtype=np.float64)
            rows_of = np.full(self.lists.indptr.size, -1)
            rows_of[users] = np.arange(n_b)
            heavy_y = users[self.heavy[users]]
            for ys, s, d, c in _heavy_blocks(self.table, heavy_y, self.lists, self.d, self.k):
                rows = rows_of[ys]
                sum_sim[rows], sum_d[rows], count[rows] = s, d, c
        return self._combine(users, sum_sim, sum_d, count)

    def pairs(self, users: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Return the estimates of known (user, item) pairs, inner ids, one per pair.

        Only the asked-for pairs are computed: per pair the list ``yr[y]`` is gathered with
        ``sim[x, x2]`` and reduced as in :func:`_top_k_sums`, so the work is the total
        length of the pairs' lists, not every user x every item as in :meth:`known`
        (which wins when most cells of a user block are wanted, as in ranking).
        """
        x, y = (users, items) if self.user_based else (items, users)
        sum_sim, sum_d = np.empty(x.size), np.empty(x.size)
        count = np.empty(x.size, dtype=np.int64)
        for block, width in _pair_blocks(self.lists.lengths[y], self.k):
            offsets = np.arange(width)
            lengths = self.lists.lengths[y[block]]
            valid = offsets[None, :] < lengths[:, None]
            flat = np.minimum(self.lists.indptr[y[block]][:, None] + offsets, self.d.size - 1)
            sims = np.where(valid, self.sim[x[block][:, None], self.lists.index[flat]], _PAD)
            values = np.where(valid, self.d[flat], 0.0)
            s, d, c = _top_k_sums(sims[:, :, None], values, self.k)
            sum_sim[block], sum_d[block], count[block] = s[:, 0], d[:, 0], c[:, 0]
        m = self.model
        enough = (count >= self.min_k) & (count > 0)
        ratio = np.divide(sum_d, sum_sim, out=np.zeros_like(sum_d), where=enough)
        if self.variant is surprise.KNNBasic:
            return np.where(enough, ratio, self.global_mean)
        if self.variant is surprise.KNNBaseline:
            return self.global_mean + m.bu[users] + m.bi[items] + ratio
        if self.variant is surprise.KNNWithZScore:
            return m.means[x] + ratio * m.sigmas[x]
        return m.means[x] + ratio

    def _combine(self, users, sum_sim, sum_d, count) -> np.ndarray:
        """Turn the neighbour sums into estimates, with Surprise's fallbacks."""
        m = self.model
        enough = (count >= self.min_k) & (count > 0)
        ratio = np.divide(sum_d, sum_sim, out=np.zeros_like(sum_d), where=enough)
        if self.variant is surprise.KNNBasic:  # not enough neighbours -> global mean
            return np.where(enough, ratio, self.global_mean)
        if self.variant is surprise.KNNBaseline:
            base = self.global_mean + m.bu[users][:, None] + m.bi[None, :]
            return base + ratio
        # KNNWithMeans / KNNWithZScore: x is the user (user-based) or the item
        pick = (lambda a: a[users][:, None]) if self.user_based else (lambda a: a[None, :])
        if self.variant is surprise.KNNWithZScore:
            return pick(m.means) + ratio * pick(m.sigmas)
        return pick(m.means) + ratio

    def unknown(self, users, items, raw_users, raw_items):
        if self.variant is not surprise.KNNBaseline:
            return super().unknown(users, items, raw_users, raw_items)
        # KNNBaseline returns the (partial) baseline instead of raising
        return partial_baseline(self.global_mean, self.model.bu, self.model.bi, users, items)


def _padded_rows(columns: np.ndarray) -> np.ndarray:
    """Copy ``columns`` C-contiguously with an extra last row of ``_PAD``.

    Gathering whole rows of this table is much faster than gathering scattered columns;
    the index ``n_x`` (the extra row) marks padding in gathered blocks.
    """
    out = np.empty((columns.shape[0] + 1, columns.shape[1]))
    out[:-1] = columns
    out[-1] = _PAD
    return out


def _heavy_blocks(table: np.ndarray, ys: np.ndarray, lists: Lists, d: np.ndarray, k: int):
    """Yield ``(ys, sum_sim, sum_d, count)`` over blocks of lists longer than ``k``.

    ``table`` row ``x2`` holds ``sim[x, x2]`` for every output row ``x`` (gathering whole
    rows is fast); each yielded array has shape ``(len(ys), n_rows)``.
    """
    if ys.size == 0:
        return
    lengths = lists.lengths[ys]
    order = np.argsort(lengths, kind="stable")
    ys, lengths = ys[order], lengths[order]
    n_rows, pad = table.shape[1], table.shape[0] - 1
    start = 0
    while start < ys.size:
        stop = start + 1
        while stop < ys.size:
            width = int(lengths[stop])
            size = n_rows * width * (stop + 1 - start)
            if width > _PAD_GROWTH * lengths[start] or size > _CHUNK_ELEMENTS:
                break
            stop += 1
        block = ys[start:stop]
        width = int(lengths[stop - 1])
        offsets = np.arange(width)
        valid = offsets[None, :] < lengths[start:stop, None]
        flat = np.minimum(lists.indptr[block][:, None] + offsets[None, :], d.size - 1)
        index = np.where(valid, lists.index[flat], pad)
        values = np.where(valid, d[flat], 0.0)
        yield (block, *_top_k_sums(table[index], values, k))
        start = stop


def _pair_blocks(lengths: np.ndarray, k: int):
    """Yield ``(pairs, width)``: pairs grouped by similar list length, blocks bounded in size.

    ``width`` is the longest list of the block, and at least ``k`` so the top-``k``
    selection has ``k`` entries to choose from (padding never counts: it is ``_PAD``).
    """
    order = np.argsort(lengths, kind="stable")
    ordered = lengths[order]
    start = 0
    while start < order.size:
        low = max(int(ordered[start]), 1)
        stop = start + 1
        while (
            stop < order.size
            and ordered[stop] <= _PAD_GROWTH * low
            and (stop + 1 - start) * max(int(ordered[stop]), k) <= _CHUNK_ELEMENTS
        ):
            stop += 1
        yield order[start:stop], max(int(ordered[stop - 1]), k)
        start = stop


def _top_k_sums(gathered: np.ndarray, values: np.ndarray, k: int):
    """Sum over the top ``k`` of every list, counting positive similarities only.

    ``gathered`` has shape ``(m, width, rows)`` (``_PAD`` padding), ``values``
    ``(m, width)``. Only positive entries count, so the kept set is the top ``k`` of the
    positive ones: everything at or above ``max(kth largest, smallest positive float)``.
    When ties at a positive k-th value overflow ``k``, the first ones in list order are
    kept (``heapq.nlargest``'s tie order). Returns three ``(m, rows)`` arrays.
    """
    sims = np.ascontiguousarray(gathered.transpose(0, 2, 1))  # lists along the last axis
    width = sims.shape[2]
    kth = np.partition(sims, width - k, axis=2)[:, :, width - k]
    keep = sims >= np.maximum(kth, _TINY)[:, :, None]
    count = np.count_nonzero(keep, axis=2)
    clash = count > k  # only possible with ties at a positive k-th value
    if clash.any():
        rows, level = sims[clash], kth[clash][:, None]
        tied = rows == level
        above = rows > level
        room = k - np.count_nonzero(above, axis=1)[:, None]
        keep[clash] = above | (tied & (np.cumsum(tied, axis=1) <= room))
        count[clash] = k
    weights = sims * keep  # padding is finite, so padding * False is 0
    both = np.matmul(weights, np.stack([np.ones_like(values), values], axis=2))
    return both[:, :, 0], both[:, :, 1], count
