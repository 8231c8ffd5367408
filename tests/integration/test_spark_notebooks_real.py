"""01.00 and 03.00 through papermill on online-retail with engine spark equal the pandas run.

Both engines run both notebooks as report runs; the tables the notebooks write (audit, split
summary, segments, segment summary...) must agree. Lifetime value and clustering read the
same prepared lines on both engines, so their tables agree as well.
"""

from __future__ import annotations

import pandas as pd
import pytest

from aftersales import report

pytestmark = [pytest.mark.slow, pytest.mark.mirror, pytest.mark.spark]

PARAMS = (
    "dataset: online-retail\nnotebooks: ['01.00', '03.00']\nsplit_method: time\nk_max: 3\n"
    "seed: 42\n"
)


def _run(tmp_path, name: str, extra: str) -> dict[str, pd.DataFrame]:
    params = tmp_path / f"{name}.yaml"
    params.write_text(PARAMS + extra)
    manifest = report.run(params, reports=tmp_path / "reports", progress=False)
    assert manifest.status == "ok", manifest.notebooks
    tables = tmp_path / "reports" / name / "tables"
    return {path.stem: pd.read_csv(path) for path in sorted(tables.glob("*.csv"))}


def test_spark_engine_reports_equal_pandas(real_source, tmp_path):
    pytest.importorskip("pyspark")
    pandas = _run(tmp_path, "pandas", "")
    spark = _run(tmp_path, "spark", "engine: spark\nspark_master: 'local[2]'\n")
    assert set(spark) == set(pandas)
    assert {"segments", "segment_summary"} <= set(pandas)
    for name, frame in pandas.items():
        pd.testing.assert_frame_equal(spark[name], frame, rtol=1e-9, obj=name)
