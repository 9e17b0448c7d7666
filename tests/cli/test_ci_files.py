"""``action.yml`` and ``.pre-commit-hooks.yaml``: well formed, and their commands exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from chitieu.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def test_action_is_a_composite_action_with_the_documented_inputs() -> None:
    action = _load("action.yml")
    assert action["runs"]["using"] == "composite"
    assert {"paths", "python-version", "chitieu-version"} <= set(action["inputs"])
    assert action["inputs"]["paths"]["required"] is True
    for step in action["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # inputs reach the script through the environment, never pasted into it
            assert "${{" not in step["run"]


# values the action's environment gives its script, and "$@" (the paths)
SAMPLE_ENV = {"$CHITIEU_LANG": "vi", "$MAX_EXAMPLES": "20", "$SARIF_FILE": "out.sarif"}


def test_action_runs_chitieu_validate_with_options_that_exist() -> None:
    action = _load("action.yml")
    script = "\n".join(s.get("run", "") for s in action["runs"]["steps"]).replace("\\\n", " ")
    formats = set()
    for line in script.splitlines():
        command = line.strip().split("||")[0]
        if not command.startswith("chitieu validate"):
            continue
        words = [SAMPLE_ENV.get(w, w) for w in shlex.split(command)]
        argv = [w for w in words[1:] if w != "$@"] + ["submissions/xa-01/"]
        assert not [w for w in argv if w.startswith("$")], argv
        args = build_parser().parse_args(argv)
        formats.add(args.format)
    assert formats == {"github", "sarif", "text"}


def test_pre_commit_hook_runs_validate_by_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = _load(".pre-commit-hooks.yaml")
    hook = next(h for h in hooks if h["id"] == "chitieu-validate")
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    assert re.search(hook["files"], "xa-01/tre_em.csv")
    assert re.search(hook["files"], "xa-02/bo_du_lieu.xlsx")
    assert not re.search(hook["files"], "README.md")
    words = shlex.split(hook["entry"])
    assert words[0] == "chitieu"
    # what pre-commit runs: the entry followed by the changed files
    monkeypatch.chdir(ROOT)
    changed = [
        "tests/data/invalid-vi-headers/submission/tre_em.csv",
        "tests/data/invalid-vi-headers/submission/tai_nan_thuong_tich.csv",
    ]
    code = main([*words[1:], "--format", "json", *changed])
    out = capsys.readouterr().out
    import json

    data = json.loads(out)
    assert code == 1
    assert data["source"] == "tests/data/invalid-vi-headers/submission"  # one folder, once
    assert data["n_errors"] == 8  # cross-table checks see the whole folder
