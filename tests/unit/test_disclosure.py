"""Unit tests of chitieu.disclosure on small hand-built tables with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chitieu import synth
from chitieu.cli import main
from chitieu.disclosure import summary, suppress, suppress_levels
from chitieu.indicators.examples import tiny_submission
from chitieu.io.write import write_submission
from chitieu.report import FLAGS, report

NAN = float("nan")


def table(
    rows: list[dict[str, object]], dims: tuple[str, ...] = ("sex", "age_group")
) -> pd.DataFrame:
    """A report table from short rows (defaults filled in, value recomputed)."""
    full = []
    for row in rows:
        item: dict[str, object] = {
            "indicator_id": "child_population",
            "period": "2024",
            "level": "commune",
            "unit_code": "00001",
            "division_version": "2008",
            "breakdown": "total",
            **{d: "total" for d in dims},
            "multi_response": False,
            "denominator": NAN,
            "flags": "",
        }
        item.update(row)
        den = float(item["denominator"])  # type: ignore[arg-type]
        num = float(item["numerator"])  # type: ignore[arg-type]
        item["value"] = num if np.isnan(den) else (num / den * 100 if den else NAN)
        full.append(item)
    frame = pd.DataFrame(full)
    columns = [
        "indicator_id", "period", "level", "unit_code", "division_version", "breakdown",
        *dims, "multi_response", "numerator", "denominator", "value", "flags",
    ]  # fmt: skip
    frame = frame.loc[:, columns]
    frame.insert(len(columns) - 1, "units_missing", pd.array([pd.NA] * len(frame), dtype="Int64"))
    return frame.astype(
        {
            c: "str"
            for c in columns
            if c not in ("multi_response", "numerator", "denominator", "value")
        }
    )


def counts(frame: pd.DataFrame, column: str = "numerator") -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in frame[column]]


def test_single_small_cell_gets_the_smallest_non_zero_complement() -> None:
    t = table(
        [
            {"numerator": 20},
            {"breakdown": "sex", "sex": "M", "numerator": 3},
            {"breakdown": "sex", "sex": "F", "numerator": 9},
            {"breakdown": "sex", "sex": "U", "numerator": 8},
            {"breakdown": "age_group", "age_group": "0-5", "numerator": 0},
            {"breakdown": "age_group", "age_group": "6-15", "numerator": 20},
        ]
    )
    out = suppress(t, k=5)
    assert counts(out) == [20, None, 9, None, 0, 20]  # 8 is smaller than 9
    # one flag for the small count and its complement: a reader cannot tell them apart
    assert out["flags"].tolist() == ["", "suppressed", "", "suppressed", "", ""]
    assert np.isnan(out["value"].iloc[3]) and out["value"].iloc[2] == 9


def test_threshold_is_configurable_and_zeros_are_shown() -> None:
    t = table(
        [
            {"numerator": 14},
            {"breakdown": "sex", "sex": "M", "numerator": 7},
            {"breakdown": "sex", "sex": "F", "numerator": 7},
            {"breakdown": "sex", "sex": "U", "numerator": 0},
        ]
    )
    assert counts(suppress(t, k=5)) == [14, 7, 7, 0]
    # k=8: both 7s are small; the zero stays.
    assert counts(suppress(t, k=8)) == [14, None, None, 0]
    with pytest.raises(ValueError, match="at least 2"):
        suppress(t, k=1)
    with pytest.raises(ValueError, match="at least 2"):
        suppress(t, k=True)


def test_small_total_hides_every_non_zero_category() -> None:
    t = table(
        [
            {"numerator": 4},
            {"breakdown": "sex", "sex": "M", "numerator": 4},
            {"breakdown": "sex", "sex": "F", "numerator": 0},
            {"breakdown": "age_group", "age_group": "0-5", "numerator": 1},
            {"breakdown": "age_group", "age_group": "6-15", "numerator": 3},
        ]
    )
    out = suppress(t)
    assert counts(out) == [None, None, 0, None, None]
    assert "complementary" not in ",".join(out["flags"])


def test_denominator_of_children_is_protected_with_its_own_groups() -> None:
    common = {"indicator_id": "special_circumstances"}
    t = table(
        [
            {**common, "numerator": 2, "denominator": 30},
            {**common, "breakdown": "sex", "sex": "M", "numerator": 2, "denominator": 12},
            {**common, "breakdown": "sex", "sex": "F", "numerator": 0, "denominator": 15},
            {**common, "breakdown": "sex", "sex": "U", "numerator": 0, "denominator": 3},
        ]
    )
    out = suppress(t)
    assert counts(out) == [None, None, 0, 0]
    assert counts(out, "denominator") == [30, None, 15, None]
    assert counts(out, "value") == [None, None, 0, None]
    assert out["flags"].tolist() == ["suppressed", "suppressed", "", "suppressed"]


def test_denominator_not_counting_children_is_shown() -> None:
    t = table([{"indicator_id": "child_friendly_communes", "numerator": 2, "denominator": 3}])
    out = suppress(t)
    assert counts(out) == [None]
    assert counts(out, "denominator") == [3]


def test_sums_of_money_are_not_treated_as_counts() -> None:
    t = table([{"indicator_id": "sanction_fines", "numerator": 3}])
    assert counts(suppress(t)) == [3]


def test_multi_response_rows_get_primary_suppression_only() -> None:
    common = {"indicator_id": "special_circumstances", "breakdown": "group", "multi_response": True}
    t = table(
        [
            {"indicator_id": "special_circumstances", "numerator": 12, "denominator": 50},
            {**common, "group": "A", "numerator": 3, "denominator": 50},
            {**common, "group": "B", "numerator": 10, "denominator": 50},
        ],
        dims=("group",),
    )
    out = suppress(t)
    assert counts(out) == [12, None, 10]
    assert out["flags"].tolist() == ["", "suppressed", ""]


def hierarchies() -> dict[str, pd.DataFrame]:
    return {
        "2008": pd.DataFrame(
            {
                "division_version": "2008",
                "commune": ["00001", "00002"],
                "district": ["001", "001"],
                "province": ["01", "01"],
                "national": "VN",
            }
        )
    }


def two_levels() -> pd.DataFrame:
    rows = []
    for unit, level, total, m, f in (
        ("00001", "commune", 3, 1, 2),
        ("00002", "commune", 10, 5, 5),
        ("01", "province", 13, 6, 7),
    ):
        base = {"unit_code": unit, "level": level}
        rows += [
            {**base, "numerator": total},
            {**base, "breakdown": "sex", "sex": "M", "numerator": m},
            {**base, "breakdown": "sex", "sex": "F", "numerator": f},
        ]
    return table(rows, dims=("sex",))


def test_units_under_a_parent_are_protected_and_the_rule_cascades() -> None:
    out = suppress(two_levels(), hierarchies=hierarchies())
    # 00001: all small (3, 1, 2). Each is alone in its group of communes under 01,
    # so the other commune's cells go too (00002: 10, 5, 5, not 01's 13, 6, 7): the 1
    # could then be 5 (00001: 7 = 5 + 2, 00002: 6 = 1 + 5), and the province is shown.
    assert counts(out) == [None, None, None, None, None, None, 13, 6, 7]
    flags = out["flags"].tolist()
    assert flags == ["suppressed"] * 6 + [""] * 3
    with pytest.raises(ValueError, match="several levels"):
        suppress(two_levels())


def test_input_is_not_changed_and_result_is_deterministic() -> None:
    t = two_levels()
    before = t.copy()
    first = suppress(t, hierarchies=hierarchies())
    pd.testing.assert_frame_equal(t, before)
    pd.testing.assert_frame_equal(first, suppress(t, hierarchies=hierarchies()))


def test_bad_input_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="not a report table"):
        suppress(pd.DataFrame({"a": [1]}))
    with pytest.raises(TypeError, match="Report or its table"):
        suppress([1, 2])  # type: ignore[call-overload]
    done = suppress(table([{"numerator": 2}]))
    with pytest.raises(ValueError, match="already suppressed"):
        suppress(done)


def test_report_suppress_adds_flags_and_a_note() -> None:
    rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    published = rep.suppress(3)
    assert "suppressed" in FLAGS and "complementary" not in FLAGS  # one flag: they look alike
    assert published.table["numerator"].isna().any()
    assert not rep.table["numerator"].isna().any()
    assert "counts from 1 to 2 are suppressed" in published.notes[-1]
    assert summary(published)["suppressed"] == int(published.table["numerator"].isna().sum())
    with pytest.raises(ValueError, match="cannot roll up a suppressed report"):
        published.rollup("province")


def test_suppress_levels_returns_one_protected_report_per_level() -> None:
    rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    out = suppress_levels(rep, ["province", "commune"], k=4)
    assert list(out) == ["commune", "province"]
    assert out["commune"].totals()["numerator"].isna().all()  # 3 and 3: both small
    # every count of the two communes is below 4, so no commune can balance another
    # by 4 or more: the province figures are hidden with them
    assert out["province"].totals()["numerator"].isna().all()
    larger = report(
        synth.generate(n_children=400, n_communes=2, seed=3),
        period="2024",
        indicators=["child_population"],
    )
    both = suppress_levels(larger, ["province", "commune"], k=4)
    assert both["province"].totals()["numerator"].tolist() == (
        larger.rollup("province").totals()["numerator"].tolist()
    )
    with pytest.raises(ValueError, match="unknown level"):
        suppress_levels(rep, ["village"])


def test_cli_publish_writes_a_suppressed_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = write_submission(
        synth.generate(n_children=200, seed=5, year=2024), tmp_path / "x", "csv"
    )
    target = tmp_path / "r.json"
    code = main(
        [
            "report",
            str(folder),
            "-p",
            "2024",
            "--out",
            str(target),
            "--publish",
            "--k",
            "3",
            "--lang",
            "en",
        ]
    )
    _, err = capsys.readouterr()
    assert code == 0
    assert "counts from 1 to 2 are suppressed" in err
    data = json.loads(target.read_text(encoding="utf-8"))
    nums = [r["numerator"] for r in data["table"] if r["indicator_id"] != "sanction_fines"]
    assert not any(n is not None and 1 <= n <= 2 for n in nums)
    assert any("suppressed" in n for n in data["metadata"]["notes"])
    assert main(["report", str(folder), "-p", "2024", "--publish"]) == 2
    assert main(["report", str(folder), "-p", "2024", "--out", str(target), "--k", "3"]) == 2


def test_is_suppressed_and_threshold_tell_publication_copies() -> None:
    from chitieu.disclosure import is_suppressed, threshold

    rep = report(tiny_submission(), period="2024", indicators=["child_population"])
    assert not is_suppressed(rep) and threshold(rep) is None
    published = rep.suppress(4)
    assert is_suppressed(published) and threshold(published) == 4
    assert is_suppressed(published.table)
    assert not is_suppressed(rep.table)
    # the note alone marks a copy with nothing hidden
    assert is_suppressed(rep.with_notes(published.notes[-1]))
    assert not is_suppressed(rep.with_notes("Số liệu không công bố"))


def test_hidden_cells_are_told_from_zero_denominators_and_counts() -> None:
    from chitieu.disclosure import hidden_cells

    common = {"indicator_id": "special_circumstances"}
    t = table(
        [
            {**common, "numerator": 2, "denominator": 30},
            {**common, "breakdown": "sex", "sex": "M", "numerator": 2, "denominator": 12},
            {**common, "breakdown": "sex", "sex": "F", "numerator": 0, "denominator": 18},
            {**common, "breakdown": "sex", "sex": "U", "numerator": 0, "denominator": 0},
            {"numerator": 3},
        ]
    )
    out = suppress(t)
    cells = hidden_cells(out)
    assert cells["numerator"].tolist() == [True, True, False, False, True]
    assert cells["denominator"].tolist() == [False, False, False, False, False]
    # U: zero denominator, value undefined, not hidden; the count's missing denominator is no cell
    assert cells["value"].tolist() == [True, True, False, False, True]
    assert np.isnan(out["value"].iloc[3])


def test_disclosure_metadata_counts_what_is_hidden() -> None:
    from chitieu.disclosure import SYMBOLS, disclosure_metadata, hidden_cells

    rep = report(tiny_submission(), period="2024", indicators=["special_circumstances"])
    published = rep.suppress(3)
    meta = disclosure_metadata(published)
    cells = hidden_cells(published.table)
    assert meta["suppressed"] is True and meta["k"] == 3
    assert meta["cells_hidden"] == int(cells["numerator"].sum() + cells["denominator"].sum()) > 0
    assert meta["rows_hidden"] == summary(published)["suppressed"]
    assert meta["symbols"] == {name: s for name, (s, _) in SYMBOLS.items()}
    assert len(set(meta["symbols"].values())) == len(SYMBOLS)  # distinct symbols
    assert disclosure_metadata(rep)["suppressed"] is False
    assert disclosure_metadata(rep)["cells_hidden"] == 0


def test_zeros_shown_do_not_pin_two_small_hidden_counts() -> None:
    # total 7 shown, Nam 1 and Nữ 1 small, Không rõ 5: hiding Nam and Nữ alone
    # gives Nam + Nữ = 2, both at least 1 (zeros are shown), so both 1.
    t = table(
        [
            {"numerator": 7},
            {"breakdown": "sex", "sex": "M", "numerator": 1},
            {"breakdown": "sex", "sex": "F", "numerator": 1},
            {"breakdown": "sex", "sex": "U", "numerator": 5},
        ],
        dims=("sex",),
    )
    out = suppress(t, k=5)
    assert counts(out) == [7, None, None, None]
    hidden_sum = 7 - sum(v for v in counts(out)[1:] if v is not None)
    n_hidden = sum(v is None for v in counts(out)[1:])
    assert hidden_sum - (n_hidden - 1) >= 5  # Nam could be 5 (Nữ 1, Không rõ 1)


def test_flags_do_not_tell_small_counts_from_complements() -> None:
    # k = 5, total 6, Nam 1, Nữ 5, Không rõ 0: with a flag "complementary" on Nữ a
    # reader would know Nữ >= 5 and Nam <= 4, so Nam = 1 and Nữ = 5.
    t = table(
        [
            {"numerator": 6},
            {"breakdown": "sex", "sex": "M", "numerator": 1},
            {"breakdown": "sex", "sex": "F", "numerator": 5},
            {"breakdown": "sex", "sex": "U", "numerator": 0},
        ],
        dims=("sex",),
    )
    out = suppress(t, k=5)
    assert counts(out) == [6, None, None, 0]
    assert out["flags"].tolist() == ["", "suppressed", "suppressed", ""]
    assert "complementary" not in ",".join(out["flags"])
    assert summary(out) == {"rows": 4, "suppressed": 2}
    # Nam + Nữ = 6, each at least 1: Nam anywhere in 1..5, so it could be 5
    shown = counts(out)
    hidden_sum = shown[0] - sum(v for v in shown[1:] if v is not None)  # type: ignore[operator]
    assert hidden_sum - (sum(v is None for v in shown[1:]) - 1) >= 5


def test_complement_must_be_large_enough_to_move_the_small_count() -> None:
    # Nam 1 needs a partner of at least k + 1 - 1 = 5 to be shifted up to 5: Không rõ 2
    # (small itself) is too small (Nam + Không rõ = 3 would give Nam <= 2), so Nữ 12
    # is hidden too.
    t = table(
        [
            {"numerator": 15},
            {"breakdown": "sex", "sex": "M", "numerator": 1},
            {"breakdown": "sex", "sex": "F", "numerator": 12},
            {"breakdown": "sex", "sex": "U", "numerator": 2},
        ],
        dims=("sex",),
    )
    out = suppress(t, k=5)
    assert counts(out) == [15, None, None, None]
    # the hidden parts sum to 15 - 0 = 15 over 3 cells: each could be up to 13


def test_every_small_count_gets_a_pattern_that_shifts_it_to_k() -> None:
    from chitieu.disclosure import _patterns

    t = two_levels()
    found = _patterns(t, k=5, hierarchies=hierarchies())
    x = t["numerator"].to_numpy()
    assert {row for _, row in found} == {0, 1, 2}  # 3, 1, 2 of commune 00001
    out = suppress(t, hierarchies=hierarchies())
    for (_, row), cells in found.items():
        shifted = x.copy()
        for cell, sign in cells:
            shifted[cell] += (5 - x[row]) * sign
        assert shifted[row] == 5 and (shifted[[c for c, _ in cells]] >= 1).all()
        # the shifted table agrees with everything published
        shown = ~out["numerator"].isna().to_numpy()
        assert (shifted[shown] == x[shown]).all()
        assert shifted[0] == shifted[1] + shifted[2] and shifted[3] == shifted[4] + shifted[5]
        assert shifted[6] == shifted[0] + shifted[3] and shifted[7] == shifted[1] + shifted[4]
        assert shifted[8] == shifted[2] + shifted[5]
