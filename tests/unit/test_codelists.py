"""Code lists: loading, labels, aliases and the candidate-list flag."""

from __future__ import annotations

import pytest

from chitieu.codelists import codelist, codelist_names, codes, get_codelist, normalize_text
from chitieu.schemas import TABLES, column_specs


def test_every_list_has_unique_codes_and_both_labels() -> None:
    for name in codelist_names():
        cl = get_codelist(name)
        assert len(cl.codes) == len(set(cl.codes)), name
        for code in cl.codes:
            assert cl.label_vi[code].strip(), (name, code)
            assert cl.label_en[code].strip(), (name, code)


def test_ethnicity_has_54_groups_plus_foreign_and_unknown() -> None:
    eth = codes("ethnicity")
    assert len(eth) == 56
    assert eth[0] == "01" and codelist("ethnicity").loc["01", "label_vi"] == "Kinh"
    assert {"55", "99"} <= set(eth)


def test_fourteen_special_circumstance_groups_and_consistent_subgroups() -> None:
    groups = codes("special_circumstance_group")
    assert len(groups) == 14
    sub = codelist("special_circumstance_subgroup")
    assert set(sub["group"]) <= set(groups)


def test_injury_types_are_the_eleven_form_codes() -> None:
    assert codes("injury_type") == tuple(f"{i:02d}" for i in range(1, 12))


@pytest.mark.parametrize(
    ("name", "typed", "expected"),
    [
        ("sex", "Nữ", "F"),
        ("sex", "nam", "M"),
        ("sex", "1", "M"),
        ("sex", "2", "F"),
        ("sex", "F", "F"),
        ("ethnicity", "Kinh", "01"),
        ("ethnicity", "H'Mông", "08"),
        ("injury_type", "Đuối nước", "08"),
        ("abuse_form", "xâm hại tình dục", "XHTD"),
        ("sex", "something else", None),
    ],
)
def test_parse_maps_what_people_type(name: str, typed: str, expected: str | None) -> None:
    assert get_codelist(name).parse(typed) == expected


def test_aliases_do_not_map_to_two_codes() -> None:
    # An alias that folds to the same text as another code's label would be
    # silently shadowed: catch it here.
    for name in codelist_names():
        cl = get_codelist(name)
        seen: dict[str, str] = {}
        for code in cl.codes:
            for text in (cl.label_vi[code], cl.label_en[code]):
                key = normalize_text(text)
                if key in seen and seen[key] != code:
                    pytest.fail(f"{name}: {text!r} names both {seen[key]} and {code}")
                seen[key] = code


def test_every_codelist_named_by_a_schema_exists() -> None:
    known = set(codelist_names())
    for table in TABLES:
        for spec in column_specs(table).values():
            if spec.codelist is not None:
                assert spec.codelist in known, (table, spec.name)


def test_normalize_text_folds_vietnamese() -> None:
    assert normalize_text("ĐUỐI  NƯỚC") == "duoi nuoc"
    assert normalize_text("Mã_trẻ-em") == "ma tre em"
