"""Tests of chitieu.privacy: masking, printable text and inert spreadsheet cells."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chitieu.privacy import (
    FORMULA_PREFIXES,
    MASK,
    inert,
    inert_frame,
    is_personal_column,
    looks_like_id_number,
    looks_like_person_name,
    mask_header,
    mask_id,
    mask_text,
    mask_value,
    printable,
    uninert,
    uninert_frame,
)

ID_RUN = re.compile(r"\d{9,}")
# What XML 1.0 refuses, and what UTF-8 cannot encode.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# -- masking -----------------------------------------------------------------------------
def test_a_citizen_identity_number_keeps_four_then_two() -> None:
    assert mask_id("001234567878") == "0012••••••78"
    assert mask_text("CCCD 001234567878, CMND 123456789") == "CCCD 0012••••••78, CMND 12•••••89"


@given(st.text(max_size=40))
def test_mask_id_shows_at_most_half_and_keeps_the_length(text: str) -> None:
    shown = mask_id(text)
    assert len(shown) == len(text)
    visible = sum(1 for a, b in zip(text, shown, strict=True) if a == b and b != MASK)
    assert visible <= len(text) // 2
    assert mask_id(shown) == shown  # masking twice changes nothing


@given(st.text(st.sampled_from("0123456789 -/a"), max_size=60))
def test_mask_text_leaves_no_run_of_nine_digits(text: str) -> None:
    shown = mask_text(text)
    assert ID_RUN.search(shown) is None
    assert len(shown) == len(text)
    assert looks_like_id_number(text) == (shown != text)


@pytest.mark.parametrize(
    "header",
    ["child_id", "violator_id", "Họ và tên", "ho_ten", "HO TEN", "Địa chỉ", "dia chi thuong tru",
     "Số CCCD", "so cmnd", "Số điện thoại", "Email", "Full name", "Căn cước công dân"],
)  # fmt: skip
def test_personal_columns(header: str) -> None:
    assert is_personal_column(header)
    assert mask_value("Nguyễn Văn An", column=header) != "Nguyễn Văn An"


@pytest.mark.parametrize(
    "header", ["sex", "birth_date", "Ngày sinh", "Giới tính", "commune_code", "Mã xã", "case_id"]
)
def test_other_columns_are_not_personal(header: str) -> None:
    assert not is_personal_column(header)
    assert mask_value("Nam", column=header) == "Nam"
    assert mask_value("id 001234567878", column=header) == "id 0012••••••78"


def test_the_name_of_a_unit_is_not_a_persons() -> None:
    assert is_personal_column("name") and not is_personal_column("name", table="units")
    assert mask_value("Thị trấn Thắng", column="name", table="units") == "Thị trấn Thắng"
    assert mask_value("Thị trấn Thắng", column="name", table="children") != "Thị trấn Thắng"


def test_missing_values_show_as_empty() -> None:
    assert mask_value(None, column="child_id") == ""
    assert mask_value(float("nan"), column="child_id") == ""
    assert mask_value(pd.NA) == ""


@pytest.mark.parametrize(
    ("text", "is_name"),
    [("Nguyễn Văn An", True), ("TRẦN THỊ BÌNH", True), ("Lê Thị Hồng Nhung", True),
     ("Nguyen Van An", True), ("Ngày sinh", False), ("Họ và tên", False), ("Nguyễn", False),
     ("Mã trẻ em", False), ("Nguyễn Văn 3", False), ("Phạm vi áp dụng", False)],
)  # fmt: skip
def test_person_names_are_recognised(text: str, is_name: bool) -> None:
    assert looks_like_person_name(text) is is_name


def test_headers_are_shown_unless_they_are_values() -> None:
    assert mask_header("Họ và tên") == "Họ và tên"  # says what the column holds
    assert mask_header("Ghi chú") == "Ghi chú"
    assert mask_header("001234567878") == "0012••••••78"
    assert mask_header("Trần Thị Bình") == MASK * len("Trần Thị Bình")
    assert mask_header(None) == ""


# -- printable text ------------------------------------------------------------------------
def test_printable_replaces_controls_and_lone_surrogates() -> None:
    assert printable("a\x00b\x1bc\rd") == "a\\x00b\\x1bc\\x0dd"
    assert printable("tab\tand\nnewline") == "tab\tand\nnewline"
    assert printable("xa\udc80.csv") == "xa\ufffd.csv"
    assert printable("Trẻ em \u2028 ✓") == "Trẻ em \u2028 ✓"


@given(st.text())
def test_printable_text_is_always_valid_xml_and_utf8(text: str) -> None:
    shown = printable(text)
    assert NOT_XML.search(shown) is None
    shown.encode("utf-8")  # raises if a lone surrogate is left
    element = ET.Element("failure", message=shown)
    element.text = shown
    back = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert (back.text or "") == shown and back.get("message") == shown


# -- inert cells ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["=1+1", "+84912345678", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_get_an_apostrophe(text: str) -> None:
    assert inert(text) == "'" + text
    assert uninert(inert(text)) == text


@pytest.mark.parametrize("text", ["Nam", "07774", "'abc", "'", "", "a=b", "2024-01-01"])
def test_other_text_is_left_alone(text: str) -> None:
    assert inert(text) == text
    assert uninert(text) == text


def test_non_text_values_are_left_alone() -> None:
    assert inert(-5) == -5 and uninert(-5) == -5
    assert inert(None) is None


@given(st.text(st.sampled_from("'=+-@\t\rab1 "), max_size=8) | st.text(max_size=8))
def test_inert_never_starts_a_formula_and_uninert_undoes_it(text: str) -> None:
    written = inert(text)
    assert not written.startswith(FORMULA_PREFIXES)
    assert uninert(written) == text


def test_inert_frame_keeps_dtypes_and_makes_headers_inert() -> None:
    frame = pd.DataFrame(
        {
            "=cmd": pd.Series(["-5", "Nam", None], dtype="str"),
            "n": pd.Series([-5, 1, None], dtype="Int64"),
            "o": pd.Series(["@x", 3, None], dtype=object),
        }
    )
    out = inert_frame(frame)
    assert list(out.columns) == ["'=cmd", "n", "o"]
    assert out["'=cmd"].tolist()[:2] == ["'-5", "Nam"] and pd.isna(out["'=cmd"].iloc[2])
    assert str(out["'=cmd"].dtype) == str(frame["=cmd"].dtype)
    assert out["n"].tolist()[:2] == [-5, 1]  # numbers are not text
    assert out["o"].tolist()[:2] == ["'@x", 3]
    assert frame["=cmd"].iloc[0] == "-5"  # the input is not changed
    pd.testing.assert_frame_equal(uninert_frame(out), frame)
