"""User-based cosine collaborative filtering, vectorised with ``scipy.sparse``.

The source design (section 1.4) sketched user-based cosine CF as a pairwise Python loop;
:data:`SEED_DESIGN_FLAWS` lists what that sketch gets wrong and :class:`UserCosineCF` is
the same idea done right. With ``x_vi`` the value (rating or weight) of user ``v`` for item
``i`` (``r_vi - mean_v`` when ``center=True``), unrated items counting as 0:

* similarity ``s_uv = x_u . x_v / (|x_u| |x_v|)`` (0 when a norm is 0), multiplied by
  ``n_uv / (n_uv + shrinkage)`` where ``n_uv`` counts the items both rated;
* neighbours ``N(u)``: the ``k`` users ``v != u`` with the largest ``s_uv`` among those with
  ``s_uv > min_similarity``; equal similarities go to the smaller user id;
* score ``score(u, i) = base_u + sum_{v in N(u) rated i} s_uv x_vi /
  sum_{v in N(u) rated i} |s_uv|`` with ``base_u = mean_u`` if ``center`` else 0, rounded
  to 12 decimals; it is undefined (NaN, never recommended) when no neighbour rated ``i``.
  Being an average, it ranks an item rated 5 by a single neighbour as high as one rated 5
  by all of them.

Rankings order by descending score, equal scores by ascending item id.

:class:`UserCosineCFAlgo` runs it as a Surprise-style algorithm (``fit(trainset)``,
``test(testset)``), so ``aftersales.evaluate`` compares it with Surprise's models on the same
folds; :func:`seed_flaws` tabulates :data:`SEED_DESIGN_FLAWS`.
"""

from __future__ import annotations

from aftersales.topk import top_k
from aftersales.usercf._flaws import SEED_DESIGN_FLAWS, SeedFlaw, seed_flaws
from aftersales.usercf._model import UserCosineCF
from aftersales.usercf._surprise import UserCosineCFAlgo

__all__ = [
    "SEED_DESIGN_FLAWS",
    "SeedFlaw",
    "UserCosineCF",
    "UserCosineCFAlgo",
    "seed_flaws",
    "top_k",
]
