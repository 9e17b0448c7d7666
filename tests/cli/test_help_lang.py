"""The language of the help and of the messages: Vietnamese by default, English on request."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from chitieu.cli import build_parser, main
from chitieu.cli._common import scan_lang, speaking, translate_error

CLI_SOURCES = sorted((Path(__file__).resolve().parents[2] / "src" / "chitieu" / "cli").glob("*.py"))

#: Letters that only Vietnamese text carries here.
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")

COMMANDS: list[tuple[str, ...]] = [
    (),
    ("validate",),
    ("report",),
    ("demo",),
    ("indicators",),
    ("schema",),
    ("schema", "export"),
    ("plan",),
    ("plan", "check"),
    ("dhis2",),
    ("dhis2", "template"),
]


@pytest.fixture(autouse=True)
def _no_language_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHITIEU_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "2000")  # no wrapping: a sentence stays on one line


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(text: str) -> str:
    return " ".join(text.split())


def parser_of(parser: argparse.ArgumentParser, command: tuple[str, ...]) -> argparse.ArgumentParser:
    """The (sub)parser of *command*."""
    for name in command:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return parser


def texts_of(parser: argparse.ArgumentParser) -> list[str]:
    """The description and every option's help of one parser."""
    found = [parser.description] if parser.description else []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.extend(a.help for a in action._choices_actions if a.help)
        elif action.help and action.help != argparse.SUPPRESS:
            found.append(action.help)
    return found


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "chitieu")
def test_help_is_vietnamese_by_default_with_no_english_sentence_left(
    capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, *command, "-h")
    assert code == 0 and err == ""
    assert out.startswith("cách dùng: chitieu")
    assert "tùy chọn:" in out and "hiện trợ giúp này rồi thoát" in out
    assert "usage:" not in out and "show this help message" not in out
    english = parser_of(build_parser("en"), command)
    vietnamese = parser_of(build_parser("vi"), command)
    en_texts, vi_texts = texts_of(english), texts_of(vietnamese)
    assert len(en_texts) == len(vi_texts) >= 2
    shown = one_line(out)
    for en, vi in zip(en_texts, vi_texts, strict=True):
        assert en != vi
        assert VIETNAMESE.search(vi), vi
        assert one_line(en) not in shown, en
        assert one_line(vi) in shown, vi


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "chitieu")
def test_help_in_english_with_lang_en_or_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    code, by_option, _ = run(capsys, *command, "-h", "--lang", "en")
    assert code == 0
    _, by_equals, _ = run(capsys, *command, "-h", "--lang=en")
    monkeypatch.setenv("CHITIEU_LANG", "en")
    _, by_env, _ = run(capsys, *command, "-h")
    assert by_option == by_equals == by_env
    assert by_env.startswith("usage: chitieu") and "options:" in by_env
    assert "show this help message and exit" in by_env and "cách dùng" not in by_env
    for text in texts_of(parser_of(build_parser("en"), command)):
        assert one_line(text) in one_line(by_env)
    # --lang on the command line wins over the environment
    _, again_vi, _ = run(capsys, *command, "-h", "--lang", "vi")
    assert again_vi.startswith("cách dùng: chitieu")


def test_english_help_keeps_its_wording(capsys: pytest.CaptureFixture[str]) -> None:
    _, top, _ = run(capsys, "-h", "--lang", "en")
    assert "check submissions and list every problem with its file and row" in top
    assert "positional arguments:" in top and "show program's version number and exit" in top
    _, rep, _ = run(capsys, "report", "-h", "--lang", "en")
    assert "leave out the rows with errors instead of stopping (says how many)" in rep
    assert "with --publish: the smallest count shown (default 5)" in rep
    _, vi, _ = run(capsys, "report", "-h")
    assert "bỏ các dòng có lỗi thay vì dừng lại" in vi and "(says how many)" not in vi


def test_the_language_is_read_before_parsing() -> None:
    assert scan_lang(["report", "x", "-p", "2024"]) == "vi"
    assert scan_lang(["report", "x", "--lang", "en"]) == "en"
    assert scan_lang(["report", "x", "--lan", "en"]) == "en"  # argparse takes a unique prefix
    assert scan_lang(["report", "--lang", "en", "--lang", "vi"]) == "vi"  # the last one wins
    assert scan_lang(["report", "--", "--lang", "en"]) == "vi"  # after --, a path
    assert scan_lang(["report", "--lang", "fr"]) == "vi"
    assert scan_lang(["report", "--lang"]) == "vi"


def test_a_bad_period_is_said_in_vietnamese_then_in_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "report", str(tmp_path), "--period", "2024-Q5")
    assert code == 2 and out == ""
    assert err.startswith("chitieu: error [bad-period]: cần một kỳ như 2024, ")
    assert "nhưng gặp '2024-Q5'" in err and "expected" not in err
    code, _, err = run(capsys, "report", str(tmp_path), "--period", "2024-Q5", "--lang", "en")
    assert code == 2
    assert err.startswith("chitieu: error [bad-period]: expected a period like 2024, ")
    assert err.rstrip().endswith("found '2024-Q5'")


def test_a_missing_path_is_said_in_vietnamese_then_in_english(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "khong-co")
    for argv in (["validate", missing], ["report", missing, "-p", "2024"]):
        code, _, err = run(capsys, *argv)
        assert code == 2
        assert err == f"chitieu: error [no-such-path]: {missing}: không có tệp hay thư mục này\n"
        code, _, err = run(capsys, *argv, "--lang", "en")
        assert code == 2
        assert err == f"chitieu: error [no-such-path]: {missing}: no such file or folder\n"


@pytest.mark.parametrize(
    ("extra", "vi", "en"),
    [
        (["--k", "3"], "--k là ngưỡng của --publish", "--k is the threshold of --publish"),
        (["--publish"], "--publish cần --out", "--publish needs --out"),
        (["--format", "adx"], "--format adx cần --out FILE", "--format adx needs --out FILE"),
        (["--out", "x.docx"], "không biết định dạng", "cannot tell the format"),
        (["--indicators", ","], "không nêu chỉ tiêu nào", "names no indicator"),
        (["--indicators", "injury_rat"], "gần nhất: injury_rate", "closest: injury_rate"),
        (["--plan", "thang"], "không có kế hoạch nào tên 'thang'", "no plan is called 'thang'"),
    ],
)
def test_report_usage_errors_in_both_languages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], vi: str, en: str
) -> None:
    argv = ["report", str(tmp_path), "-p", "2024", *extra]
    code, out, err_vi = run(capsys, *argv)
    assert code == 2 and out == ""
    code_en, _, err_en = run(capsys, *argv, "--lang", "en")
    assert code_en == 2
    prefix = re.match(r"chitieu: error \[[a-z-]+\]: ", err_vi)
    assert prefix is not None and err_en.startswith(prefix.group(0))  # same code, same prefix
    assert vi in err_vi and en not in err_vi
    assert en in err_en and vi not in err_en
    assert len(err_vi.splitlines()) == len(err_en.splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "vi", "en"),
    [
        (["report"], "thiếu các đối số bắt buộc: PATH", "the following arguments are required"),
        (["validate", "x", "-f", "xml"], "lựa chọn không hợp lệ: 'xml'", "invalid choice"),
        (["validate", "x", "--max-examples", "0"], "cần từ 1 trở lên", "expected 1 or more"),
        (["demo", "--children", "x"], "cần một số nguyên", "expected a whole number"),
        (["validate", "x", "--bogus"], "đối số không nhận ra: --bogus", "unrecognized"),
        (["schema"], "hãy nói cần làm gì", "say what to do with the schemas"),
    ],
)
def test_argument_errors_in_both_languages(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    vi: str,
    en: str,
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("chitieu: error [usage]: ")
    assert vi in err and en not in err
    if argv == ["schema"]:  # no --lang there: the environment says it
        monkeypatch.setenv("CHITIEU_LANG", "en")
        code, _, err = run(capsys, *argv)
    else:
        code, _, err = run(capsys, *argv, "--lang", "en")
    assert code == 2 and err.startswith("chitieu: error [usage]: ")
    assert en in err and vi not in err


def test_an_internal_error_keeps_its_prefix_in_vietnamese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chitieu.io.read

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(chitieu.io.read, "read_submission", broken)
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 3
    assert err.startswith("chitieu: internal error (RuntimeError); ")
    assert "chạy lại với --debug" in err and "boom" not in err
    code, _, err = run(capsys, "validate", str(tmp_path), "--lang", "en")
    assert code == 3 and "rerun with --debug" in err


def test_a_message_without_a_vietnamese_form_stays_english() -> None:
    text = "x.xlsx: the workbook is encrypted (password-protected)"
    assert translate_error("xlsx-encrypted", text, "vi") == text
    assert translate_error("no-such-path", "something else", "vi") == "something else"
    assert translate_error("no-such-path", "a: no such file or folder", "en") == (
        "a: no such file or folder"
    )


def test_the_language_of_a_block_does_not_leak() -> None:
    with speaking("en"):
        assert "check submissions" in build_parser().format_help()
    assert "kiểm tra dữ liệu gửi lên" in build_parser().format_help()


def _calls(name: str) -> list[tuple[str, ast.Call]]:
    found = []
    for path in CLI_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.append((path.name, node))
    return found


def test_every_usage_error_written_in_the_commands_has_a_vietnamese_form() -> None:
    raised = _calls("CliUsageError")
    assert len(raised) >= 10
    for name, call in raised:
        first = call.args[0] if call.args else None
        written_here = isinstance(first, ast.Constant | ast.JoinedStr)
        if written_here:
            assert "vi" in {k.arg for k in call.keywords}, f"{name}:{call.lineno}"


def test_every_help_and_description_goes_through_tr() -> None:
    checked = 0
    for method in ("add_argument", "add_parser"):
        for name, call in _calls(method):
            for keyword in call.keywords:
                if keyword.arg in ("help", "description"):
                    value = keyword.value
                    is_tr = (
                        isinstance(value, ast.Call)
                        and isinstance(value.func, ast.Name)
                        and value.func.id == "tr"
                    )
                    suppressed = isinstance(value, ast.Attribute) and value.attr == "SUPPRESS"
                    assert is_tr or suppressed, f"{name}:{call.lineno} {keyword.arg}="
                    checked += 1
    assert checked >= 40


def test_dhis2_template_and_schema_export_take_lang(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "m.yaml"
    argv = ["dhis2", "template", "--indicators", "injury_rate", "-o", str(target)]
    code, _, err = run(capsys, *argv)
    assert code == 0 and err == f"đã ghi {target}\n"
    code, _, err = run(capsys, *argv, "--lang", "en")
    assert code == 0 and err == f"wrote {target}\n"
    code, out, _ = run(capsys, "schema", "export", "--out", str(tmp_path / "s"), "--lang", "en")
    assert code == 0 and "children.schema.json" in out
