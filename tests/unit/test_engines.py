"""Every engine gives the same report: in memory, part by part, from partition folders, on Dask."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import chitieu
from chitieu import synth
from chitieu.partitions import UNKNOWN_PART, split, write_partitioned
from chitieu.report import combine
from chitieu.submission import Submission

PROVINCES = ("24", "25", "26")


def _prefixed(sub: Submission, prefix: str) -> Submission:
    """A province's synthetic submission with ids that no other province uses."""
    frames = {}
    for name, frame in sub.tables():
        frame = frame.copy()
        for column in (
            "child_id",
            "injury_id",
            "case_id",
            "decision_id",
            "violator_id",
            "activity_id",
        ):
            if column in frame:
                dtype = frame[column].dtype
                ids = frame[column].astype("object")
                frame[column] = ids.where(ids.isna(), prefix + ids.astype("str")).astype(dtype)
        frames[name] = frame
    return sub.replace(**frames)


@pytest.fixture(scope="module")
def national() -> Submission:
    parts = [
        _prefixed(synth.generate(n_children=900, n_communes=2, seed=i, province_code=p), f"P{p}-")
        for i, p in enumerate(PROVINCES)
    ]
    frames = {
        name: pd.concat([part[name] for part in parts], ignore_index=True)
        for name, _ in parts[0].tables()
    }
    return Submission(**frames, tables_present=parts[0].tables_present)


@pytest.fixture(scope="module")
def whole(national: Submission) -> chitieu.report.Report:
    return chitieu.report(national, period="2024")


def test_split_puts_every_row_in_one_part(national: Submission) -> None:
    parts = split(national, by="province")
    assert sorted(parts) == sorted(PROVINCES)
    for name, frame in national.tables():
        assert sum(len(p[name]) for p in parts.values()) == len(frame), name
    for code, part in parts.items():
        assert set(part.children["child_id"].str[:4]) == {f"P{code}-"[:4]}
        assert set(part.injuries["child_id"].dropna().str[:4]) <= {f"P{code}-"[:4]}


def test_unknown_commune_goes_to_the_unknown_part(national: Submission) -> None:
    children = national.children.copy()
    children.loc[0, "commune_code"] = "99999"
    parts = split(national.replace(children=children), by="province")
    assert len(parts[UNKNOWN_PART].children) == 1


@pytest.mark.slow
@pytest.mark.parametrize("by", ["province", "district", "commune"])
def test_partitions_engine_equals_memory(
    national: Submission, whole: chitieu.report.Report, by: str
) -> None:
    rep = chitieu.report(national, period="2024", engine="partitions", partition_by=by)
    pd.testing.assert_frame_equal(rep.table, whole.table)
    assert rep.skipped.equals(whole.skipped)
    assert any("engine 'partitions'" in n for n in rep.notes)


@pytest.mark.slow
def test_rollups_of_combined_parts_equal_memory(
    national: Submission, whole: chitieu.report.Report
) -> None:
    parts = [chitieu.report(p, period="2024") for p in split(national).values()]
    combined = combine(parts)
    for level in ("district", "province", "national"):
        pd.testing.assert_frame_equal(combined.rollup(level).table, whole.rollup(level).table)


@pytest.mark.slow
def test_partition_folders_give_the_memory_report(
    national: Submission, whole: chitieu.report.Report, tmp_path: Path
) -> None:
    folders = write_partitioned(national, tmp_path / "vn", by="province", format="parquet")
    assert [f.name for f in folders] == [f"province={p}" for p in PROVINCES]
    national.write(tmp_path / "csv", "csv", partition_by="province")
    pd.testing.assert_frame_equal(chitieu.report(tmp_path / "csv", period="2024").table, whole.table)
    rep = chitieu.report(tmp_path / "vn", period="2024")
    pd.testing.assert_frame_equal(rep.table, whole.table)
    assert len(rep.input_hash) == 64


@pytest.mark.slow
def test_dask_engine_equals_memory(national: Submission, whole: chitieu.report.Report) -> None:
    pytest.importorskip("dask")
    rep = chitieu.report(national, period="2024", engine="dask")
    pd.testing.assert_frame_equal(rep.table, whole.table)


@pytest.mark.slow
def test_dask_local_cluster_equals_memory(
    national: Submission, whole: chitieu.report.Report, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    write_partitioned(national, tmp_path / "vn", by="province", format="parquet")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as cluster,
        distributed.Client(cluster),
    ):
        from_folders = chitieu.report(tmp_path / "vn", period="2024", engine="dask")
        in_memory = chitieu.report(national, period="2024", engine="dask", level="province")
    pd.testing.assert_frame_equal(from_folders.table, whole.table)
    pd.testing.assert_frame_equal(in_memory.table, whole.rollup("province").table)


def test_combine_refuses_mixed_inputs(whole: chitieu.report.Report) -> None:
    with pytest.raises(ValueError, match="commune-level"):
        combine([whole.rollup("province")])
    with pytest.raises(ValueError, match="suppressed"):
        combine([whole.suppress()])
    with pytest.raises(ValueError, match="engine must be one of"):
        chitieu.report(Submission(), period="2024", engine="spark")  # type: ignore[arg-type]
