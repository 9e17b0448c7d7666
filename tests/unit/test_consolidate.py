"""chitieu.concat and counting a child who moved between communes.

Child M moved from commune A (07774) to commune B (07777) on 1 July 2024: A's
register has the spell [2015-03-02, 2024-07-01), B's [2024-07-01, open). So M
is in A's stock on 30 June and in B's on 31 December; an injury in March
belongs to A, one in October to B; M is one child injured in 2024.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chitieu
from chitieu.consolidate import part_names
from chitieu.schemas import SOURCE_FILE, SOURCE_ROW, empty_frame
from chitieu.submission import Submission

A, B = "07774", "07777"


def _frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    """A canonical frame of *table* with *rows*, provenance as a reader gives it."""
    base = empty_frame(table)
    data = pd.DataFrame(rows)
    out = pd.DataFrame({c: data.get(c, pd.NA) for c in base.columns}, index=data.index)
    for column in base.columns:
        dtype = base[column].dtype
        out[column] = (
            pd.to_datetime(out[column]) if "datetime" in str(dtype) else out[column].astype(dtype)
        )
    out[SOURCE_FILE] = pd.Series([f"{table}.csv"] * len(out), index=out.index, dtype="str")
    out[SOURCE_ROW] = pd.array(range(2, len(out) + 2), dtype="Int64")
    return out


def _child(
    cid: str, commune: str, entry: str | None, exit_: str | None, **more: object
) -> dict[str, object]:
    return {
        "child_id": cid,
        "commune_code": commune,
        "division_version": "2008",
        "birth_date": "2015-03-02",
        "sex": "F",
        "ethnicity": "01",
        "entry_date": entry,
        "exit_date": exit_,
        **more,
    }


def _injury(iid: str, cid: str, commune: str, day: str) -> dict[str, object]:
    return {
        "injury_id": iid,
        "child_id": cid,
        "commune_code": commune,
        "division_version": "2008",
        "injury_date": day,
        "injury_type": "01",
        "place": "HOME",
        "outcome": "INJURED",
    }


def _unit(code: str, name: str) -> dict[str, object]:
    return {"unit_code": code, "division_version": "2008", "name": name, "level": "COMMUNE"}


def _communes() -> tuple[Submission, Submission]:
    """Commune A and commune B, each with one child of its own, and M who moved."""
    a = Submission(
        children=_frame(
            "children",
            [
                _child("M", A, "2015-03-02", "2024-07-01", exit_reason="MOVED"),
                _child("A1", A, "2015-03-02", None),
            ],
        ),
        injuries=_frame("injuries", [_injury("IA", "M", A, "2024-03-10")]),
        units=_frame("units", [_unit(A, "Xã A")]),
        source="data/xa-07774",
        tables_present=("children", "injuries", "units"),
    )
    b = Submission(
        children=_frame(
            "children",
            [_child("B1", B, "2016-01-01", None), _child("M", B, "2024-07-01", None)],
        ),
        injuries=_frame("injuries", [_injury("IB", "M", B, "2024-10-05")]),
        units=_frame("units", [_unit(B, "Xã B")]),
        source="data/xa-07777",
        tables_present=("children", "injuries", "units"),
    )
    return a, b


def _by_commune(indicator: str, sub: Submission, period: str) -> dict[str, float]:
    r = chitieu.compute(indicator, sub, period=period, by=("commune",), validation="skip")
    return dict(zip(r["unit_code"], r["numerator"], strict=True))


def _total(indicator: str, sub: Submission, period: str) -> float:
    r = chitieu.compute(indicator, sub, period=period, validation="skip")
    return float(r["numerator"].iloc[0])


# -- concat -------------------------------------------------------------------------


def test_concat_keeps_every_row_with_the_part_in_the_file_name() -> None:
    a, b = _communes()
    sub = chitieu.concat([a, b])
    assert len(sub.children) == 4
    assert sub.children[SOURCE_FILE].tolist() == [
        "xa-07774/children.csv",
        "xa-07774/children.csv",
        "xa-07777/children.csv",
        "xa-07777/children.csv",
    ]
    assert sub.children[SOURCE_ROW].tolist() == [2, 3, 2, 3]
    assert sub.source == "data"
    assert sub.tables_present == ("children", "injuries", "units")
    assert sub.validation_summary is None


def test_concat_keeps_canonical_dtypes() -> None:
    a, b = _communes()
    sub = chitieu.concat([a, b])
    for name, frame in sub.tables():
        for column, dtype in a[name].dtypes.items():
            assert frame[column].dtype == dtype, (name, column)
        assert frame[SOURCE_FILE].dtype == "str" and frame[SOURCE_ROW].dtype == "Int64"


def test_concat_names_override_and_must_match() -> None:
    a, b = _communes()
    sub = chitieu.concat([a, b], names=["x", "y"])
    assert sub.injuries[SOURCE_FILE].tolist() == ["x/injuries.csv", "y/injuries.csv"]
    assert sub.source is None
    with pytest.raises(ValueError, match="one name per submission"):
        chitieu.concat([a, b], names=["x"])


def test_concat_refuses_nothing_and_non_submissions() -> None:
    with pytest.raises(ValueError, match="at least one"):
        chitieu.concat([])
    with pytest.raises(TypeError, match="Submissions"):
        chitieu.concat([pd.DataFrame()])  # type: ignore[list-item]


def test_part_names_in_memory_and_same_folder() -> None:
    assert part_names([Submission(), Submission(source="data/x")]) == (None, ["phan-1", "phan-2"])
    common, names = part_names([Submission(source="d/x"), Submission(source="e/x")])
    assert common == "."
    assert names == ["d/x", "e/x"]
    assert len(set(part_names([Submission(source="d/x"), Submission(source="d/x")])[1])) == 2


def test_concat_frames_without_provenance_get_the_part_name() -> None:
    a = chitieu.synth.generate(n_children=300, seed=1)
    b = chitieu.synth.generate(n_children=300, seed=2)
    sub = chitieu.concat([a, b], names=["p", "q"])
    assert len(sub.children) == len(a.children) + len(b.children)
    assert set(sub.children[SOURCE_FILE]) == {"p", "q"}
    assert sub.children[SOURCE_ROW].isna().all()


def test_concat_units_drop_exact_repeats_and_keep_conflicts() -> None:
    a, b = _communes()
    same = a.replace(units=_frame("units", [_unit(A, "Xã A"), _unit(B, "Xã B")]))
    conflicting = b.replace(units=_frame("units", [_unit(B, "Xã Bê"), _unit(A, "Xã A")]))
    units = chitieu.concat([same, conflicting]).units
    assert sorted(zip(units["unit_code"], units["name"], strict=True)) == [
        (A, "Xã A"),
        (B, "Xã B"),
        (B, "Xã Bê"),
    ]
    # the row kept names the file it was first read from
    assert units.loc[units["name"] == "Xã A", SOURCE_FILE].tolist() == ["xa-07774/units.csv"]


def test_concat_read_issues_name_the_part() -> None:
    a, b = _communes()
    issue = pd.DataFrame(
        {
            "code": ["unknown-header"],
            "table": ["children"],
            "file": ["children.csv"],
            "row": pd.array([1], dtype="Int64"),
            "column": ["x"],
            "value": [""],
            "detail": [""],
        }
    ).astype(
        {
            "code": "str",
            "table": "str",
            "file": "str",
            "column": "str",
            "value": "str",
            "detail": "str",
        }
    )
    sub = chitieu.concat([a, b.replace(read_issues=issue)])
    assert sub.read_issues["file"].tolist() == ["xa-07777/children.csv"]


def test_read_submission_of_several_folders(tmp_path: Path) -> None:
    a, b = _communes()
    a.write(tmp_path / "xa-07774")
    b.write(tmp_path / "xa-07777")
    sub = chitieu.read_submission([tmp_path / "xa-07774", tmp_path / "xa-07777"])
    assert len(sub.children) == 4
    files = set(sub.children[SOURCE_FILE])
    assert {f.split("/")[0] for f in files} == {"xa-07774", "xa-07777"}
    assert Path(sub.source or "").resolve() == tmp_path.resolve()
    # every file named is a file on disk, relative to the consolidated source
    for f in files:
        assert (Path(sub.source or "") / f).is_file(), f
    report = chitieu.validate(sub)
    for f in report.errors["file"].dropna():
        assert str(f).split("/")[0] in {"xa-07774", "xa-07777"}


# -- one child, one place at a time ---------------------------------------------------


def test_moved_child_is_in_the_stock_of_the_commune_of_the_reference_date() -> None:
    sub = chitieu.concat(list(_communes()))
    assert _by_commune("child_population", sub, "2024-H1") == {A: 2, B: 1}
    assert _by_commune("child_population", sub, "2024") == {A: 1, B: 2}
    assert _total("child_population", sub, "2024") == 3


def test_moved_child_on_the_day_of_the_move_is_in_the_new_commune() -> None:
    sub = chitieu.concat(list(_communes()))
    assert _by_commune("child_population", sub, "2024-07-01..2024-07-01") == {A: 1, B: 2}


def test_child_in_no_spell_at_the_reference_date_is_not_in_the_stock() -> None:
    a, b = _communes()
    # M arrives in B only in 2025: on 31 December 2024 no spell covers M
    later = b.replace(
        children=_frame(
            "children",
            [_child("B1", B, "2016-01-01", None), _child("M", B, "2025-02-01", None)],
        )
    )
    sub = chitieu.concat([a, later])
    assert _total("child_population", sub, "2024") == 2
    assert _by_commune("child_population", sub, "2024") == {A: 1, B: 1}


def test_injuries_belong_to_the_commune_of_their_date() -> None:
    sub = chitieu.concat(list(_communes()))
    assert _by_commune("injury_events", sub, "2024") == {A: 1, B: 1}
    assert _total("injury_events", sub, "2024") == 2
    # one child injured twice is one child injured
    assert _total("injury_rate", sub, "2024") == 1
    assert _by_commune("injury_events", sub, "2024-H1") == {A: 1, B: 0}


def test_commune_level_injured_children_add_up_to_the_total() -> None:
    sub = chitieu.concat(list(_communes()))
    by = _by_commune("injury_rate", sub, "2024")
    assert sum(by.values()) == _total("injury_rate", sub, "2024") == 1
    # the child's first injury of the period says where the child is counted
    assert by == {A: 1, B: 0}


def test_consultation_and_support_go_to_the_row_of_their_date() -> None:
    a, b = _communes()
    a = a.replace(
        consultations=_frame(
            "consultations", [{"child_id": "M", "consultation_date": "2024-03-01", "form": "01"}]
        ),
        tables_present=(*a.tables_present, "consultations"),
    )
    b = b.replace(
        consultations=_frame(
            "consultations", [{"child_id": "M", "consultation_date": "2024-11-01", "form": "01"}]
        ),
        tables_present=(*b.tables_present, "consultations"),
    )
    only_a = chitieu.concat([a, b.replace(consultations=empty_frame("consultations"))])
    both = chitieu.concat([a, b])
    # at 31 December M is in B's stock: A's consultation in March is A's, so not counted
    assert _by_commune("consulted_children", only_a, "2024") == {A: 0, B: 0}
    assert _by_commune("consulted_children", both, "2024") == {A: 0, B: 1}
    # at 30 June M is in A's stock and A's consultation counts there
    assert _by_commune("consulted_children", both, "2024-H1") == {A: 1, B: 0}


def test_special_circumstances_count_where_the_child_lives_at_the_reference_date() -> None:
    a, b = _communes()
    b = b.replace(
        circumstances=_frame(
            "circumstances", [{"child_id": "M", "group": "HCDB_A", "start_date": "2020-05-01"}]
        ),
        tables_present=(*b.tables_present, "circumstances"),
    )
    sub = chitieu.concat([a, b])
    # a spell that began before the move, recorded by B, counts in B at 31 December
    assert _by_commune("special_circumstances", sub, "2024") == {A: 0, B: 1}
    # and in A at 30 June, where M then lived
    assert _by_commune("special_circumstances", sub, "2024-H1") == {A: 1, B: 0}


def test_register_lookup_uses_the_row_of_the_date() -> None:
    from chitieu.indicators.context import Context
    from chitieu.periods import parse_period

    sub = chitieu.concat(list(_communes()))
    ctx = Context(sub, parse_period("2024"), validation="skip")
    reg = ctx.register
    ids = pd.Series(["M", "M", "M", "A1", "X", "M"], dtype="str")
    dates = pd.to_datetime(
        ["2024-03-10", "2024-07-01", "2024-10-05", "2024-10-05", "2024-10-05", None]
    )
    pos = reg.lookup(ids, dates)
    codes = sub.children["commune_code"].to_numpy()
    assert [codes[p] if p >= 0 else None for p in pos] == [A, B, B, A, None, A]
    # without dates, the first row
    assert reg.lookup(ids).tolist()[:3] == [0, 0, 0]
    assert reg.child is not None and reg.child.tolist() == [0, 1, 2, 0]
    assert reg.in_stock.tolist() == [False, True, True, True]


def test_unique_ids_keep_the_fast_path() -> None:
    from chitieu.indicators.context import Context
    from chitieu.periods import parse_period

    sub = chitieu.synth.generate(n_children=500, seed=3)
    reg = Context(sub, parse_period("2024"), validation="skip").register
    assert reg.child is None
    ids = sub.children["child_id"].iloc[[5, 9]]
    assert reg.lookup(ids, pd.to_datetime(["2024-01-01", "2024-06-01"])).tolist() == [5, 9]


def test_overlapping_spells_count_the_child_once() -> None:
    a, b = _communes()
    # B entered M on 1 June, a month before A's exit: both spells cover June
    b = b.replace(
        children=_frame(
            "children",
            [_child("B1", B, "2016-01-01", None), _child("M", B, "2024-06-01", None)],
        )
    )
    sub = chitieu.concat([a, b])
    assert _total("child_population", sub, "2024-06") == 3
    # the first row wins when several spells cover the date
    assert _by_commune("child_population", sub, "2024-06") == {A: 2, B: 1}
    assert np.isfinite(_total("child_population", sub, "2024"))


# -- the province's view of validation ---------------------------------------------


def test_validate_parts_counts_the_rows_that_reach_each_level() -> None:
    from chitieu.consolidate import validate_parts

    a, b = _communes()
    checked = validate_parts([a, b])
    assert checked.names == ("xa-07774", "xa-07777")
    children = checked.levels.loc[checked.levels["table"].eq("children")].set_index("part")
    # each commune sends 2 rows of 2 children; the province has 4 rows of 3 children
    assert children.loc["xa-07774", ["rows_read", "rows_used", "children"]].tolist() == [2, 2, 2]
    assert children.loc["province", ["rows_read", "rows_used", "children"]].tolist() == [4, 4, 3]
    assert checked.moved_children == 1
    assert checked.valid, checked.whole.summary()
    assert checked.across.counts.empty


def test_validate_parts_finds_overlapping_spells_only_across_communes() -> None:
    from chitieu.consolidate import validate_parts

    a, b = _communes()
    # B enters M on 1 June, while M is still on A's register until 1 July
    b_children = b.children.copy()
    b_children.loc[b_children["child_id"].eq("M"), "entry_date"] = pd.Timestamp("2024-06-01")
    b = Submission(
        children=b_children,
        injuries=b.injuries,
        units=b.units,
        source=b.source,
        tables_present=b.tables_present,
    )
    checked = validate_parts([a, b])
    assert all(p.valid for p in checked.parts)  # each commune alone is fine
    assert not checked.valid
    across = checked.across
    assert across.counts["code"].tolist() == ["overlapping-spells"]
    assert int(across.counts["count"].sum()) == 1
    # the message names the file of the commune that sent the row, and no child id
    files = set(across.errors["file"])
    assert files <= {"xa-07774/children.csv", "xa-07777/children.csv"}
    assert not any("'M'" in m for m in across.errors["message"])
    province = checked.levels.set_index(["level", "table"]).loc[("province", "children")]
    assert province["rows_with_errors"] == 1 and province["rows_used"] == 3
    data = checked.to_dict()
    assert data["valid"] is False and len(data["parts"]) == 2
    assert data["across"]["n_errors"] == 1
    text = checked.summary("en")
    assert "overlapping-spells" in text and "province" in text


def test_validate_parts_cli_shows_each_commune_and_the_province(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chitieu.cli import main

    a, b = _communes()
    a.write(tmp_path / "xa-07774")
    b.write(tmp_path / "xa-07777")
    monkeypatch.chdir(tmp_path)
    code = main(["validate", "xa-07774", "xa-07777", "--consolidate", "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Submission: xa-07774" in out and "Submission: xa-07777" in out
    assert "The province's view (2 commune submissions consolidated)" in out
    assert "1 child is on the register of more than one commune" in out
    code = main(["validate", "xa-07774", "xa-07777", "--consolidate", "-f", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    levels = {(r["level"], r["part"], r["table"]): r for r in data["levels"]}
    assert levels[("province", "province", "children")]["children"] == 3
    assert levels[("commune", "xa-07777", "children")]["rows_used"] == 2


def test_problems_across_zipped_communes_point_at_the_zip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    from chitieu.cli import main

    a, b = _communes()
    b_children = b.children.copy()
    b_children.loc[b_children["child_id"].eq("M"), "entry_date"] = pd.Timestamp("2024-06-01")
    b = Submission(children=b_children, injuries=b.injuries, units=b.units)
    for name, part in (("xa-07774", a), ("xa-07777", b)):
        part.write(tmp_path / name)
        with zipfile.ZipFile(tmp_path / f"{name}.zip", "w") as z:
            for f in sorted((tmp_path / name).iterdir()):
                z.write(f, f.name)
    monkeypatch.chdir(tmp_path)
    code = main(["validate", "xa-07774.zip", "xa-07777.zip", "--consolidate", "-f", "github"])
    out = capsys.readouterr().out
    assert code == 1
    lines = [line for line in out.splitlines() if "overlapping-spells" in line]
    assert len(lines) == 1
    # the annotation points at the zip the commune sent, the member is named in the text
    assert re.match(r"::error file=xa-0777[47]\.zip,line=\d+,", lines[0]), lines[0]
