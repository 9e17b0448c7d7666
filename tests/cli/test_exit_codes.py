"""Exit codes, and one-line messages without a traceback for every input that cannot be used."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from chitieu.cli import ExitCode, main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_codes_are_documented_values() -> None:
    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 130]


def test_exit_0_for_valid_and_1_for_data_problems(
    capsys: pytest.CaptureFixture[str], valid_folder: Path, invalid_folder: str
) -> None:
    assert run(capsys, "validate", str(valid_folder))[0] == 0
    assert run(capsys, "validate", invalid_folder)[0] == 1
    assert run(capsys, "validate", str(valid_folder), invalid_folder)[0] == 1


# -- unreadable input: each gives exit 2 and one line --------------------------------
def _missing(tmp: Path) -> list[str]:
    return ["validate", str(tmp / "khong-co")]


def _corrupt_zip(tmp: Path) -> list[str]:
    path = tmp / "hong.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)
    return ["validate", str(path)]


def _truncated_zip(tmp: Path) -> list[str]:
    good = tmp / "good.zip"
    with zipfile.ZipFile(good, "w") as z:
        z.writestr("tre_em.csv", "child_id,birth_date\n" + "C1,2015-01-01\n" * 200)
    bad = tmp / "cut.zip"
    bad.write_bytes(good.read_bytes()[:60])
    return ["validate", str(bad)]


def _encrypted_workbook(tmp: Path) -> list[str]:
    path = tmp / "x.xlsx"
    # An encrypted .xlsx is an OLE2 container holding an "EncryptedPackage" stream.
    stream_name = "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 64 + stream_name + b"junk" * 100)
    return ["validate", str(path)]


def _empty_folder(tmp: Path) -> list[str]:
    folder = tmp / "trong"
    folder.mkdir()
    return ["validate", str(folder)]


def _old_excel(tmp: Path) -> list[str]:
    path = tmp / "cu.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"junk" * 100)
    return ["validate", str(path)]


def _bad_period(tmp: Path) -> list[str]:
    return ["report", str(tmp), "--period", "2024-Q5"]


def _unknown_indicator(tmp: Path) -> list[str]:
    return ["report", str(tmp), "--period", "2024", "--indicators", "injury_rat"]


def _bad_format(tmp: Path) -> list[str]:
    return ["validate", str(tmp), "--format", "xml"]


def _bad_out_suffix(tmp: Path) -> list[str]:
    return ["report", str(tmp), "--period", "2024", "--out", str(tmp / "bao-cao.docx")]


def _no_command(tmp: Path) -> list[str]:
    return ["frobnicate"]


def _bad_max_examples(tmp: Path) -> list[str]:
    return ["validate", str(tmp), "--max-examples", "0"]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "missing path": _missing,
    "corrupt zip": _corrupt_zip,
    "truncated zip": _truncated_zip,
    "encrypted workbook": _encrypted_workbook,
    "empty folder": _empty_folder,
    "old .xls named .xlsx": _old_excel,
    "one of two paths missing": _missing,
    "bad period": _bad_period,
    "unknown indicator": _unknown_indicator,
    "unknown format": _bad_format,
    "unknown output suffix": _bad_out_suffix,
    "unknown command": _no_command,
    "max-examples 0": _bad_max_examples,
}


@pytest.mark.parametrize("case", list(CASES))
def test_unusable_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, valid_folder: Path, case: str
) -> None:
    argv = CASES[case](tmp_path)
    if case == "one of two paths missing":
        argv.insert(1, str(valid_folder))
    if argv[0] == "report" and case != "unknown output suffix":
        argv[1] = str(valid_folder)
    code, out, err = run(capsys, *argv)
    assert code == 2, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("chitieu: error [")
    assert "Traceback" not in err


def test_messages_name_what_is_wrong(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, valid_folder: Path
) -> None:
    _, _, err = run(capsys, *_encrypted_workbook(tmp_path))
    assert "x.xlsx" in err and "encrypt" in err.lower()
    _, _, err = run(
        capsys, "report", str(valid_folder), "--period", "2024", "--indicators", "injury_rat"
    )
    assert "injury_rate" in err  # the closest id is named
    _, _, err = run(capsys, "report", str(valid_folder), "--period", "2024-Q5")
    assert "2024-Q5" in err


def test_two_unreadable_paths_give_one_line_each(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path / "a"), str(tmp_path / "b"))
    lines = err.strip().splitlines()
    assert code == 2
    assert len(lines) == 2 and all(line.startswith("chitieu: error [") for line in lines)


def test_unwritable_output_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, valid_folder: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run(capsys, "validate", str(valid_folder), "-o", str(blocker / "out.txt"))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_internal_error_exits_3_with_a_hint(
    capsys: pytest.CaptureFixture[str], valid_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chitieu.validation

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("Nguyễn Văn A 001234567890")  # text that may come from data

    monkeypatch.setattr(chitieu.validation, "validate", broken)
    code, out, err = run(capsys, "validate", str(valid_folder))
    assert code == 3
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "internal error" in err and "--debug" in err and "RuntimeError" in err
    assert "Nguyễn" not in err and "001234567890" not in err  # nothing from the data

    code, _, err = run(capsys, "validate", str(valid_folder), "--debug")
    assert code == 3
    assert "Traceback" in err and "RuntimeError" in err


def test_help_and_version_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    from chitieu import __version__

    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"chitieu {__version__}"
    code, out, _ = run(capsys, "validate", "--help")
    assert code == 0 and "--format" in out and "sarif" in out


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)
    assert code == 2
    assert out == ""
    assert "validate" in err and "report" in err and "demo" in err
