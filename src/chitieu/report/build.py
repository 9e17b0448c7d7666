"""Building a report: every indicator for every commune, in memory or part by part."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from chitieu.counts import cell_keys
from chitieu.errors import DataNotAvailableError
from chitieu.inbound import Validation
from chitieu.periods import PeriodLike, parse_periods
from chitieu.report.model import Report
from chitieu.report.provenance import _combined_hash, input_hash
from chitieu.report.table import (
    _BASE,
    SMALL_COUNT,
    TOTAL,
    _breakdown_rank,
    _dimension_order,
    _finish_table,
    _order,
    _unit_rank,
)
from chitieu.submission import Submission
from chitieu.units import (
    UNKNOWN_UNIT,
    DivisionVersionError,
    check_level,
    hierarchy,
    unit_names,
)


# -- periods and indicators ---------------------------------------------------
def _select(indicators: Sequence[str] | None) -> list[str]:
    from chitieu.indicators import get_indicator, list_indicators

    if indicators is None:
        return list_indicators()["id"].tolist()
    if isinstance(indicators, str):
        indicators = [indicators]
    ids = [get_indicator(i).id for i in indicators]
    if len(set(ids)) != len(ids):
        raise ValueError("an indicator is repeated in indicators=")
    return ids


# -- assembling the commune table ---------------------------------------------
def _text(values: Any) -> pa.Array:
    """*values* (a ``str`` Series, or anything pyarrow reads) as a ``large_string`` array."""
    arr = pa.array(values, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):  # pragma: no cover - pandas gives one chunk
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _const(value: str, n: int) -> pa.Array:
    """*n* times *value*, without *n* Python strings."""
    indices = pa.array(np.zeros(n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(
        indices, pa.array([value], pa.large_string())
    ).dictionary_decode()


Piece = dict[str, Any]


def _commune_pieces(ctx: Any, meta: Any, label: str, age_bands: Sequence[int] | None) -> list[Piece]:
    """The rows of one indicator: the total and each breakdown, by commune, as columns.

    Text columns are Arrow arrays, counts numpy arrays: :func:`_assemble` joins
    them without building a Python string per cell.
    """
    if "commune" not in meta.dimensions:
        raise DataNotAvailableError(
            f"indicator {meta.id!r} cannot be attributed to communes, so it has no place "
            "in a report by unit"
        )
    options: dict[str, Any] = {}
    if age_bands is not None and "age_bands" in meta.options:
        options["age_bands"] = age_bands
    breakdowns: list[str | None] = [None, *(d for d in meta.dimensions if d != "commune")]
    pieces: list[Piece] = []
    for rank, dim in enumerate(breakdowns):
        by = ("commune",) if dim is None else ("commune", dim)
        part = ctx.compute(meta.id, by=by, **options)
        n = len(part)
        columns: Piece = {
            "_n": n,
            "indicator_id": meta.id,
            "period": label,
            "unit_code": _text(part["unit_code"]),
            "division_version": _text(part["division_version"]),
            "breakdown": TOTAL if dim is None else dim,
            "_rank": np.full(n, rank, dtype=np.int64),
            "multi_response": np.full(n, dim in meta.multi_response, dtype=bool),
            "numerator": part["numerator"].to_numpy(dtype=np.float64),
            "denominator": part["denominator"].to_numpy(dtype=np.float64),
            "units_missing": (
                part["units_missing"].to_numpy(dtype=np.float64)
                if "units_missing" in part
                else np.full(n, np.nan)
            ),
        }
        if dim is not None:
            columns[dim] = _text(part[dim])
        pieces.append(columns)
    return pieces


def _assemble(
    pieces: list[Piece],
    dims: Sequence[str],
    indicator_ids: Sequence[str],
    period_labels: Sequence[str],
) -> pd.DataFrame:
    """One frame from the pieces, in the report's order, and the pieces emptied.

    Text columns become ``str`` (Arrow); a dimension a piece is not broken
    down by is ``total``. The order (indicator, period, unit, breakdown) is
    found first, from the pieces' own ranks and the unit columns, and every
    column is joined and put in that order one at a time, its pieces let go
    as soon as it is built: the peak is the finished frame plus one column,
    not two copies of the table.
    """
    sizes = np.array([piece["_n"] for piece in pieces], dtype=np.int64)
    ind_pos = {i: k for k, i in enumerate(indicator_ids)}
    per_pos = {p: k for k, p in enumerate(period_labels)}
    ind_rank = np.repeat(
        np.array([ind_pos.get(piece["indicator_id"], len(ind_pos)) for piece in pieces]), sizes
    )
    per_rank = np.repeat(
        np.array([per_pos.get(piece["period"], len(per_pos)) for piece in pieces]), sizes
    )

    def joined(column: str) -> pa.Array:
        arrays = []
        for piece in pieces:
            value = piece.get(column, TOTAL)
            arrays.append(_const(value, piece["_n"]) if isinstance(value, str) else value)
            if not isinstance(value, str):
                piece[column] = TOTAL  # let the piece's array go once joined
        return pa.concat_arrays(arrays) if arrays else pa.array([], pa.large_string())

    def text(arr: pa.Array) -> pd.Series:
        return pd.Series(pd.arrays.ArrowStringArray(arr), dtype="str")

    units = text(joined("unit_code"))
    version = text(joined("division_version"))
    # the unknown unit keeps the division version of its records (semantics:
    # "a record keeps its own division version"); only a missing one is unknown
    unknown = (version.isna() | version.eq("")).to_numpy(dtype=bool)
    if unknown.any():
        version = version.mask(unknown, UNKNOWN_UNIT)
    rank = np.concatenate([piece.pop("_rank") for piece in pieces])
    order = np.lexsort(
        (np.arange(len(rank)), rank, _unit_rank(units, version), per_rank, ind_rank)
    )
    del rank, ind_rank, per_rank
    take = pa.array(order)
    out: dict[str, Any] = {}
    text_columns = ("indicator_id", "period", "unit_code", "division_version", "breakdown", *dims)
    ready = {"unit_code": units, "division_version": version}
    del units, version
    for column in text_columns:
        arr = pa.array(ready.pop(column).array) if column in ready else joined(column)
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        out[column] = text(arr.take(take).cast(pa.large_string()))
        del arr
    for column in ("multi_response", "numerator", "denominator", "units_missing"):
        values = np.concatenate([piece.pop(column) for piece in pieces])
        out[column] = values[order]
        del values
    pieces.clear()
    return pd.DataFrame(out, copy=False)


def report(
    data: Submission | str | Path,
    *,
    period: PeriodLike | Sequence[PeriodLike],
    level: str = "commune",
    indicators: Sequence[str] | None = None,
    age_bands: Sequence[int] | None = None,
    extra: Mapping[str, pd.DataFrame] | None = None,
    small_count: int = SMALL_COUNT,
    validation: Validation = "drop",
    engine: Engine = "memory",
    partition_by: str = "province",
) -> Report:
    """Compute indicators for every commune, then roll up to *level*.

    Parameters
    ----------
    data
        The submission (one or many communes).
    period
        A period (``"2024"``, ``"2024-H1"``, a :class:`~chitieu.periods.Period`,
        ...) or a list of periods.
    level
        ``commune`` (default), ``district``, ``province`` or ``national``.
    indicators
        Indicator ids; ``None`` for every indicator of the registry.
        Indicators that need data the input lacks (an extra table, or a table
        the submission does not have) are listed in :attr:`Report.skipped`
        with the reason, never shown as zeros.
    age_bands
        Lower bounds of the age groups (default
        :data:`chitieu.indicators.stock.DEFAULT_AGE_BANDS`).
    extra
        Extra tables for the externally sourced indicators (see
        :mod:`chitieu.indicators.external`).
    small_count
        Numerators from 1 to ``small_count - 1`` are flagged ``small_count``.
    validation
        ``"drop"`` (default): validate on the way in (once, cached on the
        submission), leave out the rows with errors with an
        :class:`~chitieu.errors.InvalidDataWarning`; ``"refuse"``: raise
        :class:`~chitieu.errors.InvalidDataError` on data with errors;
        ``"skip"``: use the data as given. What was found and left out is in
        :attr:`Report.notes` and :meth:`Report.metadata` (``basis``).
    engine
        Where the indicators are computed; every engine gives the same table.
        ``"memory"`` (default): the whole submission at once.
        ``"partitions"``: part by part (:func:`chitieu.partitions.split` by
        *partition_by*, or the partition folders of *data* when it is a path
        written by :func:`chitieu.partitions.write_partitioned`), one at a
        time, then :func:`combine`; memory is bounded by the largest part.
        ``"dask"``: the same parts as Dask tasks (``pip install
        'chitieu[dask]'``), on the active ``dask.distributed`` client if there
        is one, else Dask's local scheduler; from a path, each task reads its
        own partition.
    partition_by
        ``province`` (default), ``district`` or ``commune``: the parts of the
        ``partitions`` and ``dask`` engines for an in-memory submission.

    Returns
    -------
    Report

    Examples
    --------
    >>> from chitieu.indicators.examples import tiny_submission
    >>> rep = report(tiny_submission(), period="2024", level="province")
    >>> rep.get("child_population", by="total")[["unit_code", "value"]]
      unit_code  value
    0        01    6.0
    >>> "full_immunisation_under1" in set(rep.skipped["indicator_id"])
    True
    """
    from chitieu import __version__
    from chitieu.compute import Context
    from chitieu.coverage import basis, basis_notes
    from chitieu.inbound import prepare
    from chitieu.indicators import get_indicator, list_indicators

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, found {engine!r}")
    if isinstance(data, str | Path):
        from chitieu.partitions import is_partitioned

        if not is_partitioned(data):
            from chitieu.io.read import read_submission

            data = read_submission(data)
        elif engine == "memory":
            engine = "partitions"
    if not isinstance(data, Submission | str | Path):
        raise TypeError(
            f"data must be a chitieu Submission or a path, found {type(data).__name__}"
        )
    if engine != "memory" or not isinstance(data, Submission):
        return _report_by_parts(
            data,
            engine=engine,
            partition_by=partition_by,
            level=level,
            options={
                "period": period,
                "indicators": indicators,
                "age_bands": age_bands,
                "extra": extra,
                "small_count": small_count,
                "validation": validation,
            },
        )
    check_level(level)
    if isinstance(small_count, bool) or not isinstance(small_count, int) or small_count < 1:
        raise ValueError(f"small_count must be a whole number of at least 1, found {small_count!r}")

    periods = parse_periods(period)
    ids = _select(indicators)
    prepared = prepare(data, validation, stacklevel=2)
    data = prepared.data
    bands = None
    if age_bands is not None:
        from chitieu.indicators.stock import normalise_bands

        bands = normalise_bands(age_bands)
    pieces: list[Piece] = []
    skipped: list[dict[str, str]] = []
    computed: list[str] = []
    for p in periods:
        ctx = Context(data, p, extra=extra, validation="skip")
        for indicator_id in ids:
            meta = get_indicator(indicator_id)
            try:
                pieces.extend(_commune_pieces(ctx, meta, p.label, bands))
            except DataNotAvailableError as error:
                skipped.append(
                    {"indicator_id": indicator_id, "period": p.label, "reason": error.reason}
                )
                continue
            if indicator_id not in computed:
                computed.append(indicator_id)
        # the period's register and shared arrays go before the next period's, and
        # before the table is built: only the counts are kept
        del ctx
    computed = [i for i in ids if i in computed]
    metas = {i: get_indicator(i) for i in computed}
    dims = [d for d in _dimension_order() if any(d in m.dimensions for m in metas.values())]
    if pieces:
        frame = _assemble(pieces, dims, computed, [p.label for p in periods])
    else:
        frame = pd.DataFrame(
            {c: pd.Series([], dtype=object) for c in (*_BASE, "breakdown", *dims)}
            | {"multi_response": pd.Series([], dtype=bool)}
            | {c: pd.Series([], dtype=np.float64) for c in ("numerator", "denominator")}
        )
    versions = sorted(set(frame["division_version"].astype(str).unique()) - {UNKNOWN_UNIT})
    table = _finish_table(frame, "commune", dims, metas, small_count, mixed=False)
    catalogue = list_indicators().set_index("id")
    meta_frame = catalogue.loc[computed].reset_index()
    skipped_frame = pd.DataFrame(skipped, columns=["indicator_id", "period", "reason"]).astype(
        "str"
    )
    all_versions = sorted(set(versions) | set(data.units["division_version"].dropna().astype(str)))
    hierarchies = {}
    for v in all_versions:
        try:
            hierarchies[v] = hierarchy(data.units, v)
        except DivisionVersionError:
            continue
    rep = Report(
        table=table,
        periods=periods,
        level="commune",
        indicators=meta_frame,
        skipped=skipped_frame,
        _input_hash=None,
        _hash_of=functools.partial(input_hash, data, dict(extra) if extra else None),
        chitieu_version=__version__,
        generated_at=_dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        units=unit_names(data.units, versions or None),
        hierarchies=hierarchies,
        small_count=small_count,
        age_bands=bands,
        notes=(*prepared.notes, *basis_notes(data, periods, skipped)),
        basis=basis(data, periods),
    )
    return rep if level == "commune" else rep.rollup(level)


Engine = Literal["memory", "partitions", "dask"]
#: The engines of :func:`report`.
ENGINES: tuple[str, ...] = ("memory", "partitions", "dask")


def _part_report(source: Submission | str | Path, options: Mapping[str, Any]) -> Report:
    """The commune-level report of one part, light enough to send back from a worker."""
    if not isinstance(source, Submission):
        from chitieu.io.read import read_submission

        source = read_submission(source)
    rep = report(source, level="commune", engine="memory", **options)
    digest = input_hash(source, options.get("extra"))
    return replace(rep, _input_hash=digest, _hash_of=None)


def _report_by_parts(
    data: Submission | str | Path,
    *,
    engine: str,
    partition_by: str,
    level: str,
    options: Mapping[str, Any],
) -> Report:
    check_level(level)
    sources: list[Submission | str | Path]
    if isinstance(data, Submission):
        from chitieu.partitions import split

        sources = list(split(data, by=partition_by).values())  # type: ignore[arg-type]
    else:
        from chitieu.partitions import partition_folders

        sources = list(partition_folders(data))
    if engine == "dask":
        try:
            import dask
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError("engine='dask' needs Dask: pip install 'chitieu[dask]'") from None
        delayed = dask.delayed  # type: ignore[attr-defined]
        tasks = [delayed(_part_report)(src, dict(options)) for src in sources]
        parts = list(dask.compute(*tasks))  # type: ignore[attr-defined,no-untyped-call]
    else:
        parts = [_part_report(src, options) for src in sources]
    combined = combine(parts)
    combined = combined.with_notes(
        f"computed in {len(parts):,} part{'s' if len(parts) != 1 else ''} "
        f"(engine {engine!r}) and combined by summing counts"
    )
    return combined if level == "commune" else combined.rollup(level)


def merged_units(reports: Sequence[Report]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The units of several reports, each once, and their hierarchies by division version."""
    units = pd.concat([rep.units for rep in reports], ignore_index=True).drop_duplicates(
        subset=["level", "unit_code", "division_version"]
    )
    hierarchies: dict[str, pd.DataFrame] = {}
    for rep in reports:
        for version, frame in rep.hierarchies.items():
            hierarchies[version] = (
                pd.concat([hierarchies[version], frame], ignore_index=True).drop_duplicates()
                if version in hierarchies
                else frame
            )
    return units, hierarchies


def combine(reports: Sequence[Report]) -> Report:
    """One commune-level report from the reports of parts of a submission.

    The counts of every cell (numerator, denominator, ``units_missing``) are
    summed over the parts, and the values computed anew, so when every child
    sits in one part (:func:`chitieu.partitions.split`) the result equals the
    report of the whole submission. An indicator with no data in some parts
    is computed from the others and a note says in how many parts it had
    none; it stays in :attr:`Report.skipped` only when no part has data for it.

    Examples
    --------
    >>> import chitieu
    >>> from chitieu.partitions import split
    >>> sub = chitieu.synth.generate(n_children=900, n_communes=3, seed=4)
    >>> whole = chitieu.report(sub, period="2024")
    >>> parts = [chitieu.report(p, period="2024") for p in split(sub, by="commune").values()]
    >>> combine(parts).table.equals(whole.table)
    True
    """
    if not reports:
        raise ValueError("combine needs at least one report")
    first = reports[0]
    for rep in reports:
        if rep.level != "commune":
            raise ValueError(f"combine takes commune-level reports, found a {rep.level} report")
        if [p.label for p in rep.periods] != [p.label for p in first.periods]:
            raise ValueError("the reports to combine cover different periods")
        if rep.small_count != first.small_count or rep.age_bands != first.age_bands:
            raise ValueError("the reports to combine were computed with different options")
        if rep.table["flags"].str.contains("suppressed", regex=False).any():
            raise ValueError("cannot combine suppressed reports: combine, then suppress")
    from chitieu.indicators import get_indicator, list_indicators

    computed = {i for rep in reports for i in rep.indicators["id"]}
    order = [i for i in list_indicators()["id"] if i in computed]
    metas = {i: get_indicator(i) for i in order}
    dims = [d for d in _dimension_order() if any(d in m.dimensions for m in metas.values())]
    tables = [rep.table for rep in reports if len(rep.table)]
    labels = [p.label for p in first.periods]
    if tables:
        table = pd.concat(tables, ignore_index=True)
        for dim in dims:
            if dim not in table:
                table[dim] = TOTAL
        keys = cell_keys(dims)
        work = table[keys].copy()
        work["numerator"] = table["numerator"]
        work["denominator"] = table["denominator"]
        work["units_missing"] = (
            table["units_missing"].astype("Float64").to_numpy(dtype=np.float64, na_value=np.nan)
        )
        summed = (
            work.groupby(keys, sort=False, dropna=False)[
                ["numerator", "denominator", "units_missing"]
            ]
            .sum(min_count=1)
            .reset_index()
        )
        summed["_rank"] = _breakdown_rank(summed, metas)
        summed = summed.iloc[_order(summed, order, labels)].reset_index(drop=True)
    else:
        summed = pd.DataFrame(
            {c: pd.Series([], dtype=object) for c in (*_BASE, "breakdown", *dims)}
            | {"multi_response": pd.Series([], dtype=bool)}
            | {c: pd.Series([], dtype=np.float64) for c in ("numerator", "denominator")}
        )
    finished = _finish_table(summed, "commune", dims, metas, first.small_count, mixed=False)
    done = set(zip(finished["indicator_id"], finished["period"], strict=True))
    skipped_rows: list[dict[str, str]] = []
    seen_skipped: set[tuple[str, str]] = set()
    partial: dict[tuple[str, str], int] = {}
    for rep in reports:
        for row in rep.skipped.to_dict("records"):
            key = (str(row["indicator_id"]), str(row["period"]))
            if key in done:
                partial[key] = partial.get(key, 0) + 1
            elif key not in seen_skipped:
                seen_skipped.add(key)
                skipped_rows.append({str(k): str(v) for k, v in row.items()})
    notes: list[str] = []
    for rep in reports:
        for note in rep.notes:
            if note not in notes:
                notes.append(note)
    for (iid, label), n in partial.items():
        notes.append(f"{iid} ({label}) has no data in {n:,} of {len(reports):,} parts")
    catalogue = list_indicators().set_index("id")
    units, hierarchies = merged_units(reports)
    digests = tuple(rep.input_hash for rep in reports)
    return Report(
        table=finished,
        periods=first.periods,
        level="commune",
        indicators=catalogue.loc[order].reset_index(),
        skipped=pd.DataFrame(skipped_rows, columns=["indicator_id", "period", "reason"]).astype(
            "str"
        ),
        _input_hash=None,
        _hash_of=functools.partial(_combined_hash, digests),
        chitieu_version=first.chitieu_version,
        generated_at=_dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        units=units.reset_index(drop=True),
        hierarchies=hierarchies,
        small_count=first.small_count,
        age_bands=first.age_bands,
        notes=tuple(notes),
        basis={"parts": [rep.basis for rep in reports]},
    )
