"""The registered data sets."""

from __future__ import annotations

from aftersales import columns as C
from aftersales.datasets import _campaign, _movielens, _retail
from aftersales.datasets._spec import DatasetSpec

MOVIELENS_100K = DatasetSpec(
    name="movielens-100k",
    kind="ratings",
    url="https://files.grouplens.org/datasets/movielens/ml-100k.zip",
    archive="ml-100k.zip",
    archive_sha256="50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229",
    mirror_files={
        "ml-100k/u.data": "06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490",
        "ml-100k/u.item": "553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701",
    },
    parse_mirror=_movielens.parse_mirror,
    parse_archive=_movielens.parse_archive,
    expected={"rows": 100_000, C.USER: 943, C.ITEM: 1_682},
    citation=(
        'F. M. Harper and J. A. Konstan (2015). "The MovieLens Datasets: History and Context". '
        "ACM TiiS 5(4):19. doi:10.1145/2827872"
    ),
    licence="GroupLens research licence: research use only, no redistribution",
    redistributable=False,
)

ONLINE_RETAIL = DatasetSpec(
    name="online-retail",
    kind="transactions",
    url="https://archive.ics.uci.edu/static/public/352/online+retail.zip",
    archive="online+retail.zip",
    archive_sha256=None,  # UCI publishes no checksum; the parsed content is verified instead.
    mirror_files={
        "online_retail/online_retail.csv.gz": (
            "24bb5fccf34d11309a5b1462ea4b875ebf120ec76fb38b2df2ddc308656f0623"
        ),
    },
    parse_mirror=_retail.parse_mirror,
    parse_archive=_retail.parse_archive,
    expected={"rows": 541_909, C.CUSTOMER: 4_372, C.INVOICE: 25_900},
    citation=(
        "Chen, D. (2015). Online Retail [Dataset]. UCI Machine Learning Repository. "
        "https://doi.org/10.24432/C5BW33"
    ),
    licence="CC BY 4.0",
    redistributable=True,
)

HILLSTROM = DatasetSpec(
    name="hillstrom",
    kind="campaign",
    url=(
        "http://www.minethatdata.com/"
        "Kevin_Hillstrom_MineThatData_E-MailAnalytics_DataMiningChallenge_2008.03.20.csv"
    ),
    archive=_campaign.HILLSTROM_FILE,
    # The publisher gives no checksum; this is the verified mirror copy's (see the mirror README).
    archive_sha256="0e5893329d8b93cefecc571777672028290ab69865718020c78c7284f291aece",
    mirror_files={
        "hillstrom/hillstrom.csv": (
            "0e5893329d8b93cefecc571777672028290ab69865718020c78c7284f291aece"
        ),
    },
    parse_mirror=_campaign.parse_hillstrom,
    parse_archive=_campaign.parse_hillstrom,
    expected={"rows": 64_000, C.TREATMENT: 3},
    citation=(
        "K. Hillstrom (2008). The MineThatData E-Mail Analytics and Data Mining Challenge. "
        "MineThatData blog, http://minethatdata.com/blog/labels/MineThatData.html"
    ),
    licence="none stated by the publisher; released publicly for analysis (cite the challenge)",
    redistributable=False,
    control=_campaign.HILLSTROM_CONTROL,
    design={"Mens E-Mail": 1.0, "Womens E-Mail": 1.0, "No E-Mail": 1.0},
)

REGISTRY: dict[str, DatasetSpec] = {
    spec.name: spec for spec in (MOVIELENS_100K, ONLINE_RETAIL, HILLSTROM)
}
"""Every data set ``load`` knows, by name."""
