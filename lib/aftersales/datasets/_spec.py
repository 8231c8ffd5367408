"""The registry's record type: where a data set comes from and what it must contain."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from aftersales.clean import ONLINE_RETAIL_MARKER, ReturnMarker

Parser = Callable[[Path], pd.DataFrame]
"""Reads one source file (mirror file or upstream archive) into a canonical frame."""


@dataclass(frozen=True)
class DatasetSpec:
    """One registered data set.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"movielens-100k"``.
    kind : str
        ``"ratings"``, ``"transactions"`` or ``"campaign"``: which canonical schema ``load``
        returns.
    url : str
        Upstream download address of the archive.
    archive : str
        File name of the downloaded archive in ``data/raw``.
    archive_sha256 : str or None
        Published checksum of the archive, when the publisher gives one.
    mirror_files : Mapping[str, str]
        Files read from the local mirror (path relative to the mirror) and their sha256.
    parse_mirror, parse_archive : Parser
        Turn the mirror's main file, or the archive, into the canonical frame.
    expected : Mapping[str, int]
        Content checks: ``rows`` and distinct counts by column name.
    citation, licence : str
        What the README and reports cite.
    redistributable : bool
        Whether the licence allows copies of (derived) data to leave this machine; reports
        of a data set that does not get a pointer to the local cache instead of the data.
    version : int
        Bumped when parsing changes, so caches made by an older parser are rebuilt.
    distinct : Mapping[str, str]
        Distinct-count checks by column.
    returns : ReturnMarker
        Transactions only: how return (cancellation) lines are marked; Online Retail's
        invoice prefix ``C`` unless a source file declares otherwise.
    control : str
        Campaigns only: the label of the control arm.
    design : Mapping[str, float]
        Campaigns only: the planned share of each arm (empty: equal shares).
    """

    name: str
    kind: str
    url: str
    archive: str
    archive_sha256: str | None
    mirror_files: Mapping[str, str]
    parse_mirror: Parser
    parse_archive: Parser
    expected: Mapping[str, int]
    citation: str
    licence: str
    redistributable: bool
    version: int = 2
    distinct: Mapping[str, str] = field(default_factory=dict)
    returns: ReturnMarker = ONLINE_RETAIL_MARKER
    control: str = ""
    design: Mapping[str, float] = field(default_factory=dict)
