"""Tests of the counting kernel (chitieu.indicators.kernel) against plain pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chitieu.indicators.kernel import (
    UNKNOWN,
    Axis,
    Rows,
    broadcast,
    encode,
    tally,
    to_frame,
    unique_pairs,
)

SEX = Axis("sex", ("M", "F", "U"))
AGE = Axis("age_group", ("0-5", "6-15", UNKNOWN))
FORM = Axis("form", ("BL", "XHTD", UNKNOWN), multi=True)
SETTING = Axis("setting", ("HOME", "SCHOOL", UNKNOWN), multi=True)


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.booleans()), max_size=40))
def test_tally_matches_groupby(rows: list[tuple[int, int, bool]]) -> None:
    frame = pd.DataFrame(rows, columns=["sex", "age", "keep"]).astype(
        {"sex": "int64", "age": "int64", "keep": bool}
    )
    r = Rows(len(frame), {"sex": frame["sex"].to_numpy(), "age_group": frame["age"].to_numpy()})
    got = tally(r, [SEX, AGE], frame["keep"].to_numpy())
    expected = np.zeros((3, 3), dtype=np.int64)
    for (s, a), n in frame.loc[frame["keep"]].groupby(["sex", "age"]).size().items():
        expected[s, a] = n
    np.testing.assert_array_equal(got, expected)
    assert tally(r, []).tolist() == len(frame)


def test_two_multi_axes_cross_within_each_unit() -> None:
    # unit 0: forms BL+XHTD, setting HOME; unit 1: form XHTD, settings HOME+SCHOOL
    r = Rows(
        2,
        {"sex": np.array([0, 1])},
        multi={
            "form": (np.array([0, 0, 1]), np.array([0, 1, 1])),
            "setting": (np.array([0, 1, 1]), np.array([0, 0, 1])),
        },
    )
    got = tally(r, [FORM, SETTING])
    assert got.tolist() == [[1, 0, 0], [2, 1, 0], [0, 0, 0]]
    assert tally(r, [SEX, FORM]).tolist() == [[1, 1, 0], [0, 1, 0], [0, 0, 0]]
    assert tally(r, [FORM], np.array([False, True])).tolist() == [0, 1, 0]


def test_weights_are_summed() -> None:
    r = Rows(3, {"sex": np.array([0, 0, 1])}, weights=np.array([1.5, 2.0, 4.0]))
    assert tally(r, [SEX]).tolist() == [3.5, 4.0, 0.0]


def test_take_keeps_pairs_of_the_kept_units() -> None:
    r = Rows(
        3, {"sex": np.array([0, 1, 2])}, multi={"form": (np.array([0, 2, 2]), np.array([0, 0, 1]))}
    )
    sub = r.take(np.array([2]))
    assert sub.n == 1 and sub.codes["sex"].tolist() == [2]
    assert [a.tolist() for a in sub.multi["form"]] == [[0, 0], [0, 1]]


def test_broadcast_orders_axes() -> None:
    arr = np.arange(6).reshape(3, 2)  # sex x b
    b = Axis("b", ("x", "y"))
    out = broadcast(arr, [SEX, b], [b, FORM, SEX])
    assert out.shape == (2, 3, 3)
    assert out[1, 2, 0] == arr[0, 1] and out[0, 0, 2] == arr[2, 0]


def test_encode_arrow_and_object_agree() -> None:
    values = ["F", None, "X", "M", "U"]
    arrow = encode(pd.Series(values, dtype="str"), SEX.categories, "U")
    plain = encode(pd.Series(values, dtype=object), SEX.categories, "U")
    assert arrow.tolist() == plain.tolist() == [1, 2, 2, 0, 2]
    assert encode(pd.Series(["0-5", None]), AGE.categories).tolist() == [0, 2]


def test_unique_pairs() -> None:
    u, c = unique_pairs(np.array([1, 0, 1, 1]), np.array([2, 0, 2, 0]), 3)
    assert list(zip(u.tolist(), c.tolist(), strict=True)) == [(0, 0), (1, 0), (1, 2)]


def test_to_frame_drops_empty_unknown_only() -> None:
    num = np.array([[1, 0, 0], [0, 2, 0], [0, 0, 0]])
    out = to_frame([SEX, AGE], num)
    assert out["age_group"].unique().tolist() == ["0-5", "6-15"]
    assert out["sex"].unique().tolist() == ["M", "F", "U"]  # U is a code, kept
    assert out["numerator"].sum() == 3 and out["denominator"].isna().all()
    num[2, 2] = 1
    assert UNKNOWN in to_frame([SEX, AGE], num)["age_group"].tolist()


def test_to_frame_splits_commune_labels() -> None:
    commune = Axis("commune", ("00001|2008", "00002|2025", UNKNOWN))
    out = to_frame([commune], np.array([1, 2, 0]), np.array([4.0, 4.0, 0.0]))
    assert out[["unit_code", "division_version"]].values.tolist() == [
        ["00001", "2008"],
        ["00002", "2025"],
    ]
    assert out["unit_code"].dtype == "str"


def test_tally_rejects_unknown_dimension() -> None:
    with pytest.raises(KeyError, match="no codes for dimension"):
        tally(Rows(1, {"sex": np.array([0])}), [AGE])
