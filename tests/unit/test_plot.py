"""chitieu.report.plot: bars, lines, a plan's target, gaps for missing figures."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import chitieu  # noqa: E402
from chitieu.export import MissingDependencyError  # noqa: E402
from chitieu.indicators import get_indicator  # noqa: E402
from chitieu.indicators.examples import tiny_submission  # noqa: E402
from chitieu.plans import Plan, Target  # noqa: E402
from chitieu.report.plot import plot  # noqa: E402

IDS = ["special_circumstances", "injury_rate", "injury_events", "child_population"]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def year() -> chitieu.report.Report:
    return chitieu.report(tiny_submission(), period="2024", indicators=IDS)


@pytest.fixture(scope="module")
def halves() -> chitieu.report.Report:
    return chitieu.report(tiny_submission(), period=["2024-H1", "2024-H2"], indicators=IDS)


def _heights(ax: object) -> list[float]:
    return [float(p.get_height()) for p in ax.patches]  # type: ignore[attr-defined]


def _targets(ax: object) -> list[object]:
    return [line for line in ax.get_lines() if line.get_gid() == "target"]  # type: ignore[attr-defined]


def test_bars_by_unit_are_the_values_of_the_report(year: chitieu.report.Report) -> None:
    ax = plot(year, "injury_rate")
    expected = year.get("injury_rate", by="total")["value"].tolist()
    assert _heights(ax) == pytest.approx(expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Thị trấn Một", "Xã Hai"]
    meta = get_indicator("injury_rate")
    assert ax.get_title().splitlines() == [meta.name_vi, "2024"]
    assert ax.get_ylabel() == meta.unit_vi
    assert ax.get_xlabel().splitlines()[0] == "Xã, phường, thị trấn"


def test_bars_carry_their_value_in_vietnamese_numbers(year: chitieu.report.Report) -> None:
    ax = plot(year, "special_circumstances")
    labels = [t.get_text() for t in ax.texts]
    assert labels.count("33,3") == 2 and "33.3" not in labels
    english = plot(year, "special_circumstances", lang="en")
    assert [t.get_text() for t in english.texts].count("33.3") == 2


def test_bars_by_dimension_for_one_unit_in_english(year: chitieu.report.Report) -> None:
    ax = plot(year, "child_population", by="sex", units="00001", lang="en")
    rows = year.get("child_population", by="sex", unit_code="00001")
    assert _heights(ax) == rows["value"].tolist()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Male", "Female", "Unknown"]
    assert ax.get_title().splitlines()[0] == get_indicator("child_population").name_en
    assert ax.get_title().splitlines()[1] == "Thị trấn Một, 2024"
    assert ax.get_xlabel().splitlines()[0] == "Sex"


def test_a_breakdown_over_several_units_asks_for_one(year: chitieu.report.Report) -> None:
    with pytest.raises(ValueError, match="units=<code>, or level='national'"):
        plot(year, "child_population", by="sex")
    ax = plot(year, "child_population", by="sex", level="national")
    national = year.rollup("national").get("child_population", by="sex")
    assert _heights(ax) == national["value"].tolist()


def test_one_colour_per_period(halves: chitieu.report.Report) -> None:
    ax = plot(halves, "injury_events")
    assert len(ax.containers) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2024-H1", "2024-H2"]
    first, second = ([float(p.get_height()) for p in c] for c in ax.containers)
    table = halves.get("injury_events", by="total")
    assert first == table.loc[table["period"] == "2024-H1", "value"].tolist()
    assert second == table.loc[table["period"] == "2024-H2", "value"].tolist()


def test_a_number_target_is_a_horizontal_line(year: chitieu.report.Report) -> None:
    ax = plot(year, "special_circumstances", target=30.0)
    (line,) = _targets(ax)
    assert list(line.get_ydata()) == [30.0, 30.0]  # type: ignore[attr-defined]
    assert ax.get_ylim()[1] > 30.0


def test_a_plan_target_is_drawn_in_the_indicators_unit(year: chitieu.report.Report) -> None:
    plan = Plan(
        "Kế hoạch mẫu",
        "Example plan",
        "2024",
        (
            Target(
                "injury_rate",
                "<",
                550.0,
                "dưới 550/100.000",
                "under 550 per 100,000",
                unit="per_100000",
            ),
            Target("special_circumstances", "<", 2.0, "dưới 2%", "under 2%"),
        ),
        unit_code="00001",
        division_version="2008",
    )
    ax = plot(year, "injury_rate", target=plan)
    (line,) = _targets(ax)
    assert list(line.get_ydata()) == pytest.approx([5.5, 5.5])  # type: ignore[attr-defined]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Chỉ tiêu kế hoạch 2024: < 550/100.000 trẻ em" in legend
    english = plot(year, "injury_rate", target=plan.targets[0], lang="en")
    assert "Plan target: < 550 per 100,000 children" in [
        t.get_text() for t in english.get_legend().get_texts()
    ]
    with pytest.raises(ValueError, match="no target for 'child_population'"):
        plot(year, "child_population", target=plan)


def test_a_target_against_the_previous_period_is_a_note(halves: chitieu.report.Report) -> None:
    ax = plot(halves, "injury_events", kind="line", target=Target("injury_events", "decrease"))
    assert _targets(ax) == []
    assert "giảm so với kỳ trước" in ax.get_xlabel()


def test_suppressed_cells_are_gaps_with_a_note_not_zeros(year: chitieu.report.Report) -> None:
    published = year.suppress(k=3)
    rows = published.get("injury_events", by="total")
    hidden = rows["flags"].str.contains("suppressed").to_numpy(dtype=bool)
    assert hidden.any()
    ax = plot(published, "injury_events")
    heights = np.array(_heights(ax))
    assert np.isnan(heights[hidden]).all()
    assert not (heights[hidden] == 0).any()
    marks = [t for t in ax.texts if t.get_gid() == "missing-suppressed"]
    assert len(marks) == int(hidden.sum()) and {t.get_text() for t in marks} == {"x"}
    assert "x: số liệu bị che khi công bố" in ax.get_xlabel()


def test_a_period_without_data_breaks_the_line() -> None:
    rep = chitieu.report(tiny_submission(), period=["2023", "2024"], indicators=["injury_events"])
    ax = plot(rep, "injury_events", kind="line", lang="en")
    lines = [line for line in ax.get_lines() if line.get_gid() != "target"]
    assert len(lines) == 2  # one per commune
    for line in lines:
        ys = np.asarray(line.get_ydata(), dtype=float)
        assert np.isnan(ys[0]) and not np.isnan(ys[1])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2023", "2024"]
    marks = [t for t in ax.texts if t.get_gid() == "missing-no_data"]
    assert len(marks) == 2
    assert "–: no data (2023)" in ax.get_xlabel()
    assert ax.get_xlabel().splitlines()[0] == "Period"


def test_lines_follow_the_trend(halves: chitieu.report.Report) -> None:
    ax = plot(halves, "special_circumstances", kind="line", level="province")
    (line,) = ax.get_lines()
    expected = halves.trend("special_circumstances", level="province")["value"].tolist()
    assert list(line.get_ydata()) == pytest.approx(expected)


def test_a_multi_response_breakdown_says_so(year: chitieu.report.Report) -> None:
    ax = plot(year, "special_circumstances", by="group", units="00002")
    assert "các cột không cộng thành tổng" in ax.get_xlabel()


def test_report_plot_draws_on_a_given_axes(year: chitieu.report.Report) -> None:
    fig, axes = plt.subplots(1, 2)
    out = year.plot("injury_rate", ax=axes[1])
    assert out is axes[1] and len(axes[0].patches) == 0 and len(axes[1].patches) == 2
    assert fig is out.figure


def test_bad_arguments(year: chitieu.report.Report) -> None:
    with pytest.raises(ValueError, match="kind must be one of bar, line"):
        plot(year, "injury_rate", kind="pie")
    with pytest.raises(ValueError, match="lang must be"):
        plot(year, "injury_rate", lang="fr")
    with pytest.raises(ValueError, match="no period 2023"):
        plot(year, "injury_rate", period="2023")
    with pytest.raises(ValueError, match="no unit 99999"):
        plot(year, "injury_rate", units="99999")
    with pytest.raises(TypeError, match="target must be"):
        plot(year, "injury_rate", target="3")


def test_without_matplotlib_the_error_says_how_to_install(
    year: chitieu.report.Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingDependencyError) as caught:
        year.plot("injury_rate")
    assert caught.value.code == "missing-extra"
    assert "pip install 'chitieu[plot]'" in str(caught.value)
    assert isinstance(caught.value, chitieu.errors.ChitieuError)


def test_units_of_two_division_versions_are_told_apart() -> None:
    old = chitieu.synth.generate(600, seed=3, year=2024, division_version="2008")
    new = chitieu.synth.generate(600, seed=4, year=2024, division_version="2025")
    parts = [chitieu.report(sub, period="2024", indicators=["injury_rate"]) for sub in (old, new)]
    rep = chitieu.report.combine(parts)
    ax = plot(rep, "injury_rate", level="national", lang="en")
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert {label.rsplit("[", 1)[-1] for label in labels} == {"2008]", "2025]"}


def test_a_line_per_category_for_one_unit(halves: chitieu.report.Report) -> None:
    ax = plot(halves, "child_population", by="sex", kind="line", units="00002")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["Nam", "Nữ", "Không rõ"]
    trend = halves.trend("child_population", by="sex")
    mine = trend.loc[(trend["unit_code"] == "00002") & (trend["sex"] == "F"), "value"]
    assert list(lines[1].get_ydata()) == mine.tolist()
    assert ax.get_title().splitlines()[1] == "Xã Hai, 2024-H1, 2024-H2"
