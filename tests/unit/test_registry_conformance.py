"""One conformance test over the whole registry, plus the generated catalogue page."""

from __future__ import annotations

import inspect
from pathlib import Path

import pandas as pd
import pytest

from chitieu import synth
from chitieu.compute import OUTPUT_COLUMNS, Context, compute
from chitieu.errors import DataNotAvailableError, UnknownIndicatorError
from chitieu.indicators import REGISTRY, get_indicator, indicator, list_indicators
from chitieu.indicators.docs import indicators_markdown
from chitieu.indicators.examples import tiny_submission
from chitieu.indicators.external import EXTRA_COLUMNS
from chitieu.indicators.registry import DIMENSIONS, KINDS
from chitieu.indicators.spec import spec_entry, spec_ids
from chitieu.submission import Submission

ROOT = Path(__file__).resolve().parents[2]
IDS = sorted(REGISTRY)
RECORD_IDS = [i for i in IDS if REGISTRY[i].computable_from != "external"]
EXTERNAL_IDS = [i for i in IDS if REGISTRY[i].computable_from == "external"]


@pytest.fixture(scope="module")
def sub() -> Submission:
    return synth.generate(n_children=3000, seed=11, year=2024)


def test_every_catalogue_entry_has_an_indicator() -> None:
    mapped = {m.spec_id for m in REGISTRY.values()}
    assert set(spec_ids()) <= mapped
    assert mapped - {None} <= set(spec_ids())


def test_required_ids_exist() -> None:
    required = {
        "child_population",
        "special_circumstances",
        "special_circumstances_supported",
        "at_risk_children",
        "injury_rate",
        "injury_events",
        "injury_death_rate",
        "drowning",
        "drowning_deaths",
        "consulted_children",
        "abused_children",
        "abuse_cases",
        "abused_children_rate",
        "abused_children_percent",
        "abused_children_supported",
        "sanction_cases",
        "sanctioned_violators",
        "sanction_fines",
        "birth_registration",
        "sex_ratio_at_birth",
        "child_friendly_communes",
        "communes_with_playground",
        "villages_with_facilities",
        "crude_birth_rate",
        "neonatal_mortality_rate",
        "infant_mortality_rate",
        "under5_mortality_rate",
    }
    assert required <= set(REGISTRY)


@pytest.mark.parametrize("indicator_id", IDS)
def test_metadata_is_complete(indicator_id: str) -> None:
    m = get_indicator(indicator_id)
    assert m.id == indicator_id and m.id.isidentifier() and m.id == m.id.lower()
    assert m.name_vi and m.name_en and m.numerator_vi and m.numerator_en
    assert m.unit_vi and m.unit_en and m.family
    assert m.multiplier == KINDS[m.kind]
    if m.kind in ("count", "sum"):
        assert m.denominator_vi is None and m.denominator_en is None
    else:
        assert m.denominator_vi and m.denominator_en
    assert set(m.dimensions) <= set(DIMENSIONS) and set(m.multi_response) <= set(m.dimensions)
    assert m.period_convention in ("stock", "events") and m.requires
    assert m.confidence in ("high", "medium", "low", "n/a")
    if m.code is None:
        assert not m.code_confirmed
    if m.spec_id is not None:
        entry = spec_entry(m.spec_id)
        assert m.confidence == entry["confidence"]
        assert m.code_confirmed == bool(entry["code_confirmed"])
        assert m.code == entry["code"] and m.existence == entry["existence"]
    else:
        assert m.existence == "supplementary" and m.code is None
    assert set(m.to_dict()) >= {"id", "kind", "dimensions", "confidence"}
    assert "func" not in m.to_dict()


@pytest.mark.parametrize("indicator_id", IDS)
def test_function_signature_and_doctest(indicator_id: str) -> None:
    m = get_indicator(indicator_id)
    params = list(inspect.signature(m.func).parameters.values())
    assert params[0].name == "ctx" and params[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params[1:])
    assert "by" in [p.name for p in params]
    assert all(p.default is not inspect.Parameter.empty for p in params[1:])
    doc = inspect.getdoc(m.func) or ""
    assert "Examples" in doc and ">>>" in doc and indicator_id in doc


def _snapshot(sub: Submission) -> dict[str, pd.DataFrame]:
    return {name: frame.copy(deep=True) for name, frame in sub.tables()}


@pytest.mark.parametrize("indicator_id", RECORD_IDS)
def test_records_indicator_contract(indicator_id: str, sub: Submission) -> None:
    m = get_indicator(indicator_id)
    before = _snapshot(sub)
    for by in [(), *[(d,) for d in m.dimensions]]:
        a = compute(indicator_id, sub, period="2024", by=by)
        b = compute(indicator_id, sub, period="2024", by=by)
        pd.testing.assert_frame_equal(a, b)  # deterministic
        by_columns = [c for d in by for c in DIMENSIONS[d].columns]
        extra = [c for c in a.columns if c not in (*by_columns, *OUTPUT_COLUMNS)]
        assert list(a.columns[: len(by_columns) + 3]) == [*by_columns, *OUTPUT_COLUMNS]
        assert extra in ([], ["units_missing"])
        assert a["denominator"].dtype == "float64" and a["value"].dtype == "float64"
        assert a["numerator"].dtype in ("int64", "float64")
        for c in by_columns:
            assert a[c].notna().all()
        if m.kind in ("count", "sum"):
            assert a["denominator"].isna().all() and (a["value"] == a["numerator"]).all()
        assert (a["numerator"] >= 0).all()
    after = _snapshot(sub)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[name])  # input not mutated


@pytest.mark.parametrize("indicator_id", EXTERNAL_IDS)
def test_external_indicator_contract(indicator_id: str) -> None:
    m = get_indicator(indicator_id)
    table = m.requires[0]
    sub = tiny_submission()
    with pytest.raises(DataNotAvailableError, match=table):
        compute(indicator_id, sub, period="2024")
    frame = pd.DataFrame(
        {
            "unit_code": ["00001"],
            "division_version": ["2008"],
            "period": ["2024"],
            "numerator": [3],
            "denominator": [4],
        }
    )
    assert tuple(frame.columns) == EXTRA_COLUMNS
    ctx = Context(sub, "2024", extra={table: frame})
    out = ctx.compute(indicator_id, by=("commune",)).set_index("unit_code")
    assert out.loc["00001", "numerator"] == 3
    assert out.loc["00002", "numerator"] == 0 and out.loc["00002", "units_missing"] == 0


def test_registering_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="registered twice"):

        @indicator(
            "child_population",
            kind="count",
            period_convention="stock",
            requires=("children",),
            name_vi="x",
            name_en="x",
            numerator_vi="x",
            numerator_en="x",
        )
        def again(ctx: object, *, by: tuple[str, ...] = ()) -> pd.DataFrame:
            raise AssertionError  # pragma: no cover


def test_unknown_dimension_in_decorator_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown dimensions"):
        indicator(
            "brand_new",
            kind="count",
            dimensions=("colour",),
            period_convention="stock",
            requires=("children",),
        )


def test_unknown_id_names_closest() -> None:
    with pytest.raises(UnknownIndicatorError) as info:
        get_indicator("abused_childrn")
    assert "abused_children" in str(info.value)
    assert isinstance(info.value, KeyError)


def test_list_indicators_shows_flags() -> None:
    table = list_indicators()
    assert len(table) == len(REGISTRY) and table["id"].is_unique
    for col in (
        "confidence",
        "code_confirmed",
        "existence",
        "code_guess",
        "kind",
        "dimensions",
        "multi_response",
        "computable_from",
        "requires",
    ):
        assert col in table.columns
    row = table.set_index("id").loc["special_circumstances"]
    assert row["multi_response"] == "group" and row["code"] == "0301"
    assert not row["code_confirmed"]


def test_docs_page_is_up_to_date() -> None:
    page = ROOT / "docs" / "indicators.md"
    assert page.read_text(encoding="utf-8") == indicators_markdown(), (
        "docs/indicators.md is stale: run python -m chitieu.indicators.docs docs/indicators.md"
    )


def test_docs_page_marks_multi_response_and_confidence() -> None:
    text = indicators_markdown()
    section = text.split("## special_circumstances\n", 1)[1].split("\n## ", 1)[0]
    assert "`group` Nhóm hoàn cảnh đặc biệt / Special-circumstance group (multi-response" in section
    assert "Confidence: **medium**" in section and "not confirmed" in section


def test_every_indicator_is_callable_on_a_submission(sub: Submission) -> None:
    import chitieu.indicators as package

    ctx = Context(sub, "2024")
    for iid, meta in REGISTRY.items():
        public = getattr(package, iid)
        assert iid in package.__all__
        if meta.computable_from == "external":
            with pytest.raises(DataNotAvailableError):
                public(sub, period="2024")
            continue
        by = tuple(d for d in meta.dimensions[:1])
        expected = compute(iid, sub, period="2024", by=by)
        pd.testing.assert_frame_equal(public(sub, period="2024", by=by), expected)
        pd.testing.assert_frame_equal(public(ctx, by=by), expected)
    with pytest.raises(TypeError, match="needs period="):
        package.injury_rate(sub)
