"""examples/quickstart.ipynb runs from top to bottom, and is stored without outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "quickstart.ipynb"


def _read() -> object:
    return nbformat.read(NOTEBOOK, as_version=4)


def test_the_notebook_is_stored_without_outputs() -> None:
    nb = _read()
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "the notebook has no code"
    stale = [i for i, cell in enumerate(code) if cell.get("outputs") or cell.get("execution_count")]
    assert stale == [], (
        f"code cells {stale} keep outputs: clear them before committing "
        "(jupyter nbconvert --clear-output --inplace examples/quickstart.ipynb)"
    )


@pytest.mark.slow
def test_the_notebook_runs_and_shows_what_it_promises(tmp_path: Path) -> None:
    nb = _read()
    client = nbclient.NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first cell that fails
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert len(images) >= 4, (
        "the notebook draws a bar chart, a breakdown, a trend and a published table"
    )
    texts = "\n".join(str(out.get("data", {}).get("text/plain", "")) for out in outputs)
    assert "value_change" in texts  # the trend over two years
    assert "Attainment(" in texts  # the plan's attainment
    assert "suppressed" in texts  # the published table
    assert (tmp_path / "bao-cao-cong-bo-2024.xlsx").is_file()
