"""The eight indicators in polars: lazy frames, semi joins, ``group_by``, one ``collect_all``.

The pandas frames are converted with :func:`polars.from_pandas` (Arrow
strings and datetimes convert without copying most buffers); the conversion
is part of the time measured. See :mod:`references.common` for the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import polars as pl

from references.common import (
    ADULT_AGE,
    AGE_BANDS,
    AGE_LABELS,
    ANY,
    CONSULTATION_MIN_AGE,
    DIED,
    DROWNING,
    EIGHT,
    MISSING,
    REFERENCE,
    START,
    TOTAL,
    UNKNOWN,
    Result,
)

COMMUNE = ["unit_code", "division_version"]


def _age(birth: pl.Expr, on: pl.Expr) -> pl.Expr:
    before = (on.dt.month() < birth.dt.month()) | (
        (on.dt.month() == birth.dt.month()) & (on.dt.day() < birth.dt.day())
    )
    return on.dt.year().cast(pl.Int32) - birth.dt.year().cast(pl.Int32) - before.cast(pl.Int32)


def _age_group(age: pl.Expr) -> pl.Expr:
    expr = pl.when(age.is_null()).then(pl.lit(UNKNOWN))
    for lo, hi, label in zip(AGE_BANDS, (*AGE_BANDS[1:], ADULT_AGE), AGE_LABELS, strict=True):
        expr = expr.when((age >= lo) & (age < hi)).then(pl.lit(label))
    return expr.otherwise(pl.lit(UNKNOWN))


def _commune(code: str, version: str) -> list[pl.Expr]:
    missing = pl.col(code).is_null() | (pl.col(code).str.strip_chars() == "")
    return [
        pl.when(missing).then(pl.lit(UNKNOWN)).otherwise(pl.col(code)).alias("unit_code"),
        pl.when(missing)
        .then(pl.lit(UNKNOWN))
        .otherwise(pl.col(version).fill_null(""))
        .alias("division_version"),
    ]


def _in_period(column: str) -> pl.Expr:
    return pl.col(column).is_between(pl.lit(START), pl.lit(REFERENCE)).fill_null(False)


def _counts(
    units: pl.LazyFrame,
    dims: Sequence[str],
    indicator: str,
    value: str,
    multi: Mapping[str, pl.LazyFrame] | None = None,
) -> list[pl.LazyFrame]:
    """Distinct units by commune and by commune x each dimension (lazy, one per breakdown)."""
    out = [
        units.group_by(COMMUNE)
        .agg(pl.len().alias(value))
        .with_columns(breakdown=pl.lit(TOTAL), category=pl.lit(TOTAL))
    ]
    for dim in dims:
        if multi and dim in multi:
            source = multi[dim].unique().join(units.select("key", *COMMUNE), on="key")
        else:
            source = units
        out.append(
            source.group_by([*COMMUNE, dim])
            .agg(pl.len().alias(value))
            .rename({dim: "category"})
            .with_columns(breakdown=pl.lit(dim))
        )
    shape = ["breakdown", *COMMUNE, "category", value]
    return [
        f.select(pl.lit(indicator).alias("indicator_id"), *[pl.col(c) for c in shape]).with_columns(
            pl.col("category").cast(pl.String), pl.col(value).cast(pl.Float64)
        )
        for f in out
    ]


def compute(frames: Mapping[str, pd.DataFrame]) -> Result:
    """Numerators and denominators of the eight indicators for 2024."""
    t = {name: pl.from_pandas(frame).lazy() for name, frame in frames.items()}
    ref = pl.lit(REFERENCE)
    ur = (
        t["units"]
        .filter(pl.col("level") == "COMMUNE")
        .unique(COMMUNE, keep="first", maintain_order=True)
        .select(*COMMUNE, "urban_rural")
    )

    def with_ur(frame: pl.LazyFrame) -> pl.LazyFrame:
        return frame.join(ur, on=COMMUNE, how="left").with_columns(
            pl.col("urban_rural").fill_null(MISSING["urban_rural"])
        )

    reg = with_ur(
        t["children"]
        .unique("child_id", keep="first", maintain_order=True)
        .with_columns(
            *_commune("commune_code", "division_version"),
            *[pl.col(d).fill_null(MISSING[d]) for d in ("sex", "ethnicity", "disability")],
            age=_age(pl.col("birth_date").cast(pl.Date), ref),
        )
        .select(
            "child_id",
            "birth_date",
            *COMMUNE,
            "sex",
            "ethnicity",
            "disability",
            "age",
            "entry_date",
            "exit_date",
            "exit_reason",
        )
    ).with_columns(age_group=_age_group(pl.col("age")))
    stock = (
        reg.filter(
            (pl.col("entry_date").is_null() | (pl.col("entry_date").cast(pl.Date) <= ref))
            & (pl.col("exit_date").is_null() | (pl.col("exit_date").cast(pl.Date) > ref))
            & ~(pl.col("exit_reason").is_not_null() & pl.col("exit_date").is_null())
            & (pl.col("age").is_null() | ((pl.col("age") >= 0) & (pl.col("age") < ADULT_AGE)))
        )
        .rename({"child_id": "key"})
        .cache()
    )
    nums: list[pl.LazyFrame] = []
    dens: list[pl.LazyFrame] = []

    def stock_denominator(indicator: str, dims: Sequence[str]) -> None:
        carried = [
            d for d in dims if d in ("sex", "age_group", "ethnicity", "urban_rural", "disability")
        ]
        parts = _counts(stock, carried, indicator, "denominator")
        dens.extend(parts)
        total = parts[0]
        dens.extend(
            total.with_columns(breakdown=pl.lit(d), category=pl.lit(ANY))
            for d in dims
            if d not in carried
        )

    nums += _counts(stock, EIGHT["child_population"], "child_population", "numerator")

    spells = (
        t["circumstances"]
        .filter(
            (pl.col("start_date").cast(pl.Date) <= ref)
            & (pl.col("end_date").is_null() | (pl.col("end_date").cast(pl.Date) >= ref))
        )
        .select(pl.col("child_id").alias("key"), pl.col("group").fill_null(MISSING["group"]))
        .join(stock.select("key"), on="key", how="semi")
        .cache()
    )
    in_sc = stock.join(spells.select("key"), on="key", how="semi").cache()
    dims = EIGHT["special_circumstances"]
    nums += _counts(in_sc, dims, "special_circumstances", "numerator", {"group": spells})
    stock_denominator("special_circumstances", dims)
    supported = in_sc.join(
        t["supports"].filter(_in_period("support_date")).select(pl.col("child_id").alias("key")),
        on="key",
        how="semi",
    )
    name = "special_circumstances_supported"
    nums += _counts(supported, dims, name, "numerator", {"group": spells})
    dens += _counts(in_sc, dims, name, "denominator", {"group": spells})

    def children_of_events(events: pl.LazyFrame, date: str, order: str) -> pl.LazyFrame:
        known = reg.select(
            "child_id",
            pl.col("birth_date").alias("reg_birth"),
            pl.col("sex").alias("reg_sex"),
            pl.col("unit_code").alias("reg_unit"),
            pl.col("division_version").alias("reg_version"),
            pl.lit(True).alias("on_register"),
        )
        is_known = pl.col("on_register").fill_null(False) & (
            pl.col("registered_here").fill_null(True)
        )
        ev = (
            events.filter(_in_period(date))
            .join(known, on="child_id", how="left")
            .with_columns(*_commune("commune_code", "division_version"), known=is_known)
            .with_columns(
                pl.when("known").then("reg_unit").otherwise("unit_code").alias("unit_code"),
                pl.when("known")
                .then("reg_version")
                .otherwise("division_version")
                .alias("division_version"),
                pl.when("known")
                .then("reg_sex")
                .otherwise(pl.col("sex").fill_null(MISSING["sex"]))
                .alias("sex"),
                pl.when("known").then("reg_birth").otherwise("birth_date").alias("birth"),
                (
                    pl.when("known").then(pl.lit("R")).otherwise(pl.lit("O")) + pl.col("child_id")
                ).alias("key"),
            )
            .with_columns(age=_age(pl.col("birth").cast(pl.Date), pl.col(date).cast(pl.Date)))
            .filter(pl.col("age").is_null() | ((pl.col("age") >= 0) & (pl.col("age") < ADULT_AGE)))
            .with_columns(age_group=_age_group(pl.col("age")))
            .sort([date, order], maintain_order=True)
        )
        return with_ur(ev).cache()

    injuries = t["injuries"].with_columns(
        *[pl.col(d).fill_null(MISSING[d]) for d in ("injury_type", "place", "outcome")]
    )
    ev = children_of_events(injuries, "injury_date", "injury_id")
    for name, condition in (
        ("injury_rate", pl.lit(True)),
        ("injury_death_rate", pl.col("outcome") == DIED),
        ("drowning_deaths", (pl.col("injury_type") == DROWNING) & (pl.col("outcome") == DIED)),
    ):
        rows = ev.filter(condition).cache()
        children = rows.unique("key", keep="first", maintain_order=True)
        multi = {d: rows.select("key", d) for d in ("injury_type", "place", "outcome")}
        nums += _counts(children, EIGHT[name], name, "numerator", multi)
        if name != "drowning_deaths":
            stock_denominator(name, EIGHT[name])

    eligible = stock.filter(pl.col("age") >= CONSULTATION_MIN_AGE)
    consulted = eligible.join(
        t["consultations"]
        .filter(_in_period("consultation_date"))
        .select(pl.col("child_id").alias("key")),
        on="key",
        how="semi",
    )
    child_dims = EIGHT["consulted_children"]
    nums += _counts(consulted, child_dims, "consulted_children", "numerator")
    dens += _counts(eligible, child_dims, "consulted_children", "denominator")

    cases = (
        t["abuse_cases"]
        .unique("case_id", keep="first", maintain_order=True)
        .select("case_id", "detected_date", "commune_code", "division_version", "setting")
    )
    victims = (
        t["abuse_victims"]
        .select("case_id", "child_id", "registered_here", "forms", "sex", "birth_date")
        .join(cases, on="case_id", how="left")
        .with_columns(
            pl.col("setting").fill_null(MISSING["setting"]),
            victim_key=pl.col("case_id") + "|" + pl.col("child_id"),
        )
    )
    vev = children_of_events(victims, "detected_date", "victim_key").with_row_index("row")
    abused = vev.unique("key", keep="first", maintain_order=True)
    split = (
        vev.select(
            "row",
            "key",
            form=pl.col("forms").fill_null("").str.replace_all(r"[,|]", ";").str.split(";"),
        )
        .explode("form")
        .with_columns(pl.col("form").str.strip_chars())
        .filter(pl.col("form") != "")
    )
    no_form = vev.join(split, on="row", how="anti").select("key", form=pl.lit(MISSING["form"]))
    forms = pl.concat([split.select("key", "form"), no_form])
    name = "abused_children_rate"
    multi = {"form": forms, "setting": vev.select("key", "setting")}
    nums += _counts(abused, EIGHT[name], name, "numerator", multi)
    stock_denominator(name, EIGHT[name])

    collected = pl.collect_all([*nums, *dens])
    return Result(
        pl.concat(collected[: len(nums)]).to_pandas(),
        pl.concat(collected[len(nums) :]).to_pandas(),
    )
