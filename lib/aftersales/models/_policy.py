"""The one policy for users a recommender was not fitted on, shared by every model family."""

from __future__ import annotations

from typing import Literal

from aftersales.errors import ParameterError

UnknownUsers = Literal["error", "popular", "skip", "model"]
UNKNOWN_USER_POLICIES: tuple[str, ...] = ("error", "popular", "skip", "model")
"""What ``recommend`` does with users outside the fitted data.

``"error"`` raises :class:`~aftersales.errors.UnknownNameError`; ``"popular"`` ranks their
items by popularity in the fitted data; ``"skip"`` leaves them out of the result; ``"model"``
ranks by the model's own estimate for an unknown user (what a Surprise rating model's
``predict`` falls back to), so only rating models take it.
"""

RANKING_POLICIES: tuple[str, ...] = ("error", "popular", "skip")
"""The policies of models without a fallback estimate (top-N models, the seed design's CF)."""


def check_unknown_users(
    policy: object, *, supported: tuple[str, ...] = UNKNOWN_USER_POLICIES, who: str = "this model"
) -> str:
    """Return ``policy`` if it is a policy the model supports.

    Parameters
    ----------
    policy : object
        The ``unknown_users`` value given.
    supported : tuple of str, default UNKNOWN_USER_POLICIES
        The policies of the calling model family (a subset of :data:`UNKNOWN_USER_POLICIES`).
    who : str, default "this model"
        How to name the model in the message.

    Returns
    -------
    str
        ``policy``.

    Raises
    ------
    ParameterError
        If ``policy`` is not one of :data:`UNKNOWN_USER_POLICIES`, or one the model does not
        support.
    """
    if policy not in UNKNOWN_USER_POLICIES:
        raise ParameterError(
            f"`unknown_users` must be one of {', '.join(UNKNOWN_USER_POLICIES)}; got {policy!r}"
        )
    if policy not in supported:
        raise ParameterError(
            f"`unknown_users`={policy!r} needs a rating model's own estimate for unknown users; "
            f"{who} supports {', '.join(supported)}"
        )
    return str(policy)
