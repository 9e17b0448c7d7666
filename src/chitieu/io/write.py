"""Write a submission in the canonical layout (or with Vietnamese headers)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from chitieu.codelists import normalize_text
from chitieu.errors import ChitieuError
from chitieu.schemas import TABLES, column_specs

if TYPE_CHECKING:
    from chitieu.submission import Submission

__all__ = ["file_stem", "write_submission"]

_EXT = {"csv": ".csv", "parquet": ".parquet", "xlsx": ".xlsx"}
_ALWAYS = ("children", "units")


def file_stem(table: str, headers: Literal["canonical", "vi"] = "canonical") -> str:
    """The file name (without extension) a table is written to.

    >>> file_stem("injuries"), file_stem("injuries", "vi")
    ('injuries', 'tai_nan_thuong_tich')
    """
    if headers == "vi":
        return normalize_text(TABLES[table].vi).replace(" ", "_")
    return table


def _for_text(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    out = {}
    for name, spec in column_specs(table).items():
        col = frame[name]
        if spec.kind == "date":
            out[name] = col.dt.strftime("%Y-%m-%d")
        elif spec.kind == "boolean":
            out[name] = col.map({True: "true", False: "false"}, na_action="ignore").astype("str")
        else:
            out[name] = col
    return pd.DataFrame(out)


def write_submission(
    sub: Submission,
    path: str | os.PathLike[str],
    format: Literal["csv", "parquet", "xlsx"] = "csv",
    *,
    headers: Literal["canonical", "vi"] = "canonical",
) -> Path:
    """Write every non-empty table (``children`` and ``units`` always) to folder *path*.

    One file per table, ``<table>.<ext>`` with snake_case headers, or with
    ``headers="vi"`` Vietnamese file names and headers as people type them.
    Provenance columns are not written. Returns the folder.
    """
    if format not in _EXT:
        raise ChitieuError(f"unknown format {format!r}; choose csv, parquet or xlsx")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        frame = sub.canonical(table)
        if frame.empty and table not in _ALWAYS:
            continue
        specs = column_specs(table)
        target = folder / (file_stem(table, headers) + _EXT[format])
        names = {n: (s.vi if headers == "vi" else n) for n, s in specs.items()}
        if format == "csv":
            _for_text(frame, table).rename(columns=names).to_csv(
                target, index=False, encoding="utf-8", lineterminator="\n"
            )
        elif format == "parquet":
            frame.rename(columns=names).to_parquet(target, index=False, engine="pyarrow")
        else:
            out = frame.copy()
            for name, spec in specs.items():
                if spec.kind == "boolean" or spec.kind == "integer":
                    out[name] = out[name].astype(object).where(out[name].notna(), None)
            try:
                out.rename(columns=names).to_excel(target, index=False, engine="openpyxl")
            except ImportError as exc:
                raise ChitieuError("writing .xlsx needs: pip install 'chitieu[excel]'") from exc
    return folder
