"""What a report was computed from: the input hash."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from chitieu.schemas import TABLES, column_specs
from chitieu.submission import Submission


# -- input hash -----------------------------------------------------------------
def _hash_frame(digest: Any, name: str, frame: pd.DataFrame) -> None:
    columns = [str(c) for c in frame.columns]
    digest.update(f"{name}|{len(frame)}|{','.join(columns)}\n".encode())
    if len(frame) and len(columns):
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
        digest.update(np.sort(rows).tobytes())


def input_hash(data: Submission, extra: Mapping[str, pd.DataFrame] | None = None) -> str:
    """SHA-256 of the canonical content of a submission (and extra tables).

    Every table contributes its name, its schema columns (provenance columns
    ``_source_file`` and ``_source_row`` are left out) and the sorted hashes
    of its rows. So the hash does not depend on the order of the rows or on
    the files the data came from, and changes when any value changes.

    >>> from chitieu.indicators.examples import tiny_submission
    >>> sub = tiny_submission()
    >>> shuffled = sub.replace(children=sub.children.iloc[::-1])
    >>> input_hash(sub) == input_hash(shuffled)
    True
    >>> changed = sub.children.assign(sex="F")
    >>> input_hash(sub) == input_hash(sub.replace(children=changed))
    False
    """
    digest = hashlib.sha256(b"chitieu-input-v1\n")
    for name in TABLES:
        frame = data[name]
        columns = [c for c in column_specs(name) if c in frame.columns]
        _hash_frame(digest, name, frame.loc[:, columns])
    for name in sorted(extra or {}):
        frame = (extra or {})[name]
        _hash_frame(digest, f"extra:{name}", frame.loc[:, sorted(map(str, frame.columns))])
    return digest.hexdigest()


def _combined_hash(digests: tuple[str, ...]) -> str:
    digest = hashlib.sha256(b"chitieu-parts-v1\n")
    for part in sorted(digests):
        digest.update(part.encode() + b"\n")
    return digest.hexdigest()


