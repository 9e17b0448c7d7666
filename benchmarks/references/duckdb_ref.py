"""The eight indicators in DuckDB SQL, over the pandas frames registered as views.

Stock and event tables are materialised once as temporary tables; every
breakdown of a single-response dimension comes from one ``GROUPING SETS``
query, every multi-response dimension from a ``count(DISTINCT key)`` over its
pairs. See :mod:`references.common` for the rules.

Unlike the pandas and polars references, a repeated ``child_id`` or
``case_id`` is not reduced to its first row here (a pandas frame has no row
order DuckDB can rely on); validation reports such repeats, and synthetic
data has none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd

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

REF = f"TIMESTAMP '{REFERENCE.isoformat()}'"
FIRST = f"TIMESTAMP '{START.isoformat()}'"
CHILD = ("sex", "age_group", "ethnicity", "urban_rural", "disability")


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _age_group_sql(age: str) -> str:
    cases = " ".join(
        f"WHEN {age} >= {lo} AND {age} < {hi} THEN {_q(label)}"
        for lo, hi, label in zip(AGE_BANDS, (*AGE_BANDS[1:], ADULT_AGE), AGE_LABELS, strict=True)
    )
    return f"CASE {cases} ELSE {_q(UNKNOWN)} END"


def _setup(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP MACRO age_at(b, d) AS
            year(d) - year(b)
            - CASE WHEN month(d) < month(b) OR (month(d) = month(b) AND day(d) < day(b))
                   THEN 1 ELSE 0 END
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO unit_of(code, version) AS
            CASE WHEN code IS NULL OR trim(code) = '' THEN {_q(UNKNOWN)} ELSE code END
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO version_of(code, version) AS
            CASE WHEN code IS NULL OR trim(code) = '' THEN {_q(UNKNOWN)}
                 ELSE coalesce(version, '') END
        """
    )


def _grouped(indicator: str, relation: str, dims: Sequence[str], value: str) -> str:
    """All single-response breakdowns of *relation* (one row per unit) in one query."""
    sets = ", ".join(
        ["(unit_code, division_version)"] + [f"(unit_code, division_version, {d})" for d in dims]
    )
    which = " ".join(f"WHEN GROUPING({d}) = 0 THEN {_q(d)}" for d in dims)
    breakdown = f"CASE {which} ELSE {_q(TOTAL)} END" if dims else _q(TOTAL)
    category = f"coalesce({', '.join([*dims, _q(TOTAL)])})" if dims else _q(TOTAL)
    return f"""
        SELECT {_q(indicator)} AS indicator_id, {breakdown} AS breakdown,
               unit_code, division_version, {category} AS category,
               count(*)::DOUBLE AS {value}
        FROM {relation}
        GROUP BY GROUPING SETS ({sets})
    """


def _multi(indicator: str, units: str, pairs: str, dim: str, value: str) -> str:
    """One multi-response breakdown: distinct units per category of their pairs."""
    return f"""
        SELECT {_q(indicator)} AS indicator_id, {_q(dim)} AS breakdown,
               u.unit_code, u.division_version, p.{dim} AS category,
               count(DISTINCT u.key)::DOUBLE AS {value}
        FROM {pairs} p JOIN {units} u ON p.key = u.key
        GROUP BY u.unit_code, u.division_version, p.{dim}
    """


def _counts(
    indicator: str,
    units: str,
    dims: Sequence[str],
    value: str,
    multi: Mapping[str, str] | None = None,
) -> list[str]:
    multi = multi or {}
    single = [d for d in dims if d not in multi]
    return [_grouped(indicator, units, single, value)] + [
        _multi(indicator, units, multi[d], d, value) for d in dims if d in multi
    ]


def _stock_denominator(indicator: str, dims: Sequence[str]) -> list[str]:
    carried = [d for d in dims if d in CHILD]
    spread = [
        f"""SELECT {_q(indicator)} AS indicator_id, {_q(d)} AS breakdown, unit_code,
                   division_version, {_q(ANY)} AS category, count(*)::DOUBLE AS denominator
            FROM stock GROUP BY unit_code, division_version"""
        for d in dims
        if d not in carried
    ]
    return [_grouped(indicator, "stock", carried, "denominator"), *spread]


def _events_table(
    con: duckdb.DuckDBPyConnection, name: str, source: str, date: str, order: str
) -> None:
    """Event rows in the period resolved to children, with ``first`` on each child's first row."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        WITH e AS (
            SELECT s.*,
                   r.child_id IS NOT NULL AND coalesce(s.registered_here, TRUE) AS known,
                   r.birth_date AS reg_birth, r.sex AS reg_sex,
                   r.unit_code AS reg_unit, r.division_version AS reg_version
            FROM {source} s LEFT JOIN reg r ON s.child_id = r.child_id
            WHERE s.{date} BETWEEN {FIRST} AND {REF}
        ), f AS (
            SELECT *,
                   CASE WHEN known THEN 'R' ELSE 'O' END || child_id AS key,
                   CASE WHEN known THEN reg_unit
                        ELSE unit_of(commune_code, division_version) END AS unit_code,
                   CASE WHEN known THEN reg_version
                        ELSE version_of(commune_code, division_version) END AS unit_version,
                   CASE WHEN known THEN reg_sex
                        ELSE coalesce(sex, {_q(MISSING["sex"])}) END AS child_sex,
                   age_at(CASE WHEN known THEN reg_birth ELSE birth_date END, {date}) AS age
            FROM e
        )
        SELECT f.* EXCLUDE (division_version, sex),
               f.unit_version AS division_version, f.child_sex AS sex,
               {_age_group_sql("f.age")} AS age_group,
               coalesce(u.urban_rural, {_q(MISSING["urban_rural"])}) AS urban_rural,
               row_number() OVER (PARTITION BY f.key ORDER BY f.{date}, f.{order}) = 1 AS first
        FROM f
        LEFT JOIN ur u ON f.unit_code = u.unit_code AND f.unit_version = u.division_version
        WHERE f.age IS NULL OR (f.age >= 0 AND f.age < {ADULT_AGE})
        """
    )


def compute(frames: Mapping[str, pd.DataFrame], *, threads: int | None = None) -> Result:
    """Numerators and denominators of the eight indicators for 2024."""
    con = duckdb.connect()
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    for name, frame in frames.items():
        con.register(name, frame)
    _setup(con)
    con.execute(
        """
        CREATE TEMP TABLE ur AS
        SELECT unit_code, division_version, first(urban_rural) AS urban_rural
        FROM units WHERE level = 'COMMUNE' GROUP BY unit_code, division_version
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE reg AS
        SELECT c.*, coalesce(u.urban_rural, {_q(MISSING["urban_rural"])}) AS urban_rural,
               {_age_group_sql("c.age")} AS age_group
        FROM (
            SELECT child_id, birth_date,
                   unit_of(commune_code, division_version) AS unit_code,
                   version_of(commune_code, division_version) AS division_version,
                   coalesce(sex, {_q(MISSING["sex"])}) AS sex,
                   coalesce(ethnicity, {_q(MISSING["ethnicity"])}) AS ethnicity,
                   coalesce(disability, {_q(MISSING["disability"])}) AS disability,
                   age_at(birth_date, {REF}) AS age,
                   entry_date, exit_date, exit_reason
            FROM children
        ) c
        LEFT JOIN ur u ON c.unit_code = u.unit_code AND c.division_version = u.division_version
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE stock AS
        SELECT child_id AS key, * FROM reg
        WHERE (entry_date IS NULL OR entry_date <= {REF})
          AND (exit_date IS NULL OR exit_date > {REF})
          AND NOT (exit_reason IS NOT NULL AND exit_date IS NULL)
          AND (age IS NULL OR (age >= 0 AND age < {ADULT_AGE}))
        """
    )
    nums: list[str] = []
    dens: list[str] = []
    nums += _counts("child_population", "stock", EIGHT["child_population"], "numerator")

    con.execute(
        f"""
        CREATE TEMP TABLE spells AS
        SELECT DISTINCT c.child_id AS key, coalesce(c."group", {_q(MISSING["group"])}) AS "group"
        FROM circumstances c SEMI JOIN stock s ON c.child_id = s.key
        WHERE c.start_date <= {REF} AND (c.end_date IS NULL OR c.end_date >= {REF})
        """
    )
    con.execute("CREATE TEMP TABLE in_sc AS SELECT * FROM stock SEMI JOIN spells USING (key)")
    con.execute(
        f"""
        CREATE TEMP TABLE supported AS SELECT * FROM in_sc s
        WHERE EXISTS (SELECT 1 FROM supports p WHERE p.child_id = s.key
                      AND p.support_date BETWEEN {FIRST} AND {REF})
        """
    )
    dims = EIGHT["special_circumstances"]
    nums += _counts("special_circumstances", "in_sc", dims, "numerator", {"group": "spells"})
    dens += _stock_denominator("special_circumstances", dims)
    name = "special_circumstances_supported"
    nums += _counts(name, "supported", dims, "numerator", {"group": "spells"})
    dens += _counts(name, "in_sc", dims, "denominator", {"group": "spells"})

    con.execute(
        f"""
        CREATE TEMP VIEW injuries_coded AS
        SELECT * REPLACE (
            coalesce(injury_type, {_q(MISSING["injury_type"])}) AS injury_type,
            coalesce(place, {_q(MISSING["place"])}) AS place,
            coalesce(outcome, {_q(MISSING["outcome"])}) AS outcome)
        FROM injuries
        """
    )
    _events_table(con, "inj", "injuries_coded", "injury_date", "injury_id")
    for name, condition in (
        ("injury_rate", "TRUE"),
        ("injury_death_rate", f"outcome = {_q(DIED)}"),
        ("drowning_deaths", f"injury_type = {_q(DROWNING)} AND outcome = {_q(DIED)}"),
    ):
        rows = f"inj_{name}"
        con.execute(
            f"""
            CREATE TEMP TABLE {rows} AS
            SELECT * EXCLUDE (first),
                   row_number() OVER (PARTITION BY key ORDER BY injury_date, injury_id) = 1
                       AS first
            FROM inj WHERE {condition}
            """
        )
        con.execute(f"CREATE TEMP VIEW {rows}_children AS SELECT * FROM {rows} WHERE first")
        multi = {d: rows for d in ("injury_type", "place", "outcome")}
        nums += _counts(name, f"{rows}_children", EIGHT[name], "numerator", multi)
        if name != "drowning_deaths":
            dens += _stock_denominator(name, EIGHT[name])

    con.execute(
        f"""
        CREATE TEMP TABLE eligible AS SELECT * FROM stock WHERE age >= {CONSULTATION_MIN_AGE}
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE consulted AS SELECT * FROM eligible e
        WHERE EXISTS (SELECT 1 FROM consultations c WHERE c.child_id = e.key
                      AND c.consultation_date BETWEEN {FIRST} AND {REF})
        """
    )
    child_dims = EIGHT["consulted_children"]
    nums += _counts("consulted_children", "consulted", child_dims, "numerator")
    dens += _counts("consulted_children", "eligible", child_dims, "denominator")

    con.execute(
        f"""
        CREATE TEMP VIEW victims_joined AS
        SELECT v.case_id, v.child_id, v.registered_here, v.forms, v.sex, v.birth_date,
               c.detected_date, c.commune_code, c.division_version,
               coalesce(c.setting, {_q(MISSING["setting"])}) AS setting,
               v.case_id || '|' || v.child_id AS victim_key
        FROM abuse_victims v LEFT JOIN abuse_cases c ON v.case_id = c.case_id
        """
    )
    _events_table(con, "vic", "victims_joined", "detected_date", "victim_key")
    con.execute(
        f"""
        CREATE TEMP TABLE vic_forms AS
        WITH parts AS (
            SELECT key, list_filter(
                list_transform(
                    string_split(regexp_replace(coalesce(forms, ''), '[,|]', ';', 'g'), ';'),
                    lambda x: trim(x)),
                lambda x: x <> '') AS codes
            FROM vic
        )
        SELECT DISTINCT key, unnest(CASE WHEN len(codes) = 0 THEN [{_q(MISSING["form"])}]
                                         ELSE codes END) AS form
        FROM parts
        """
    )
    con.execute("CREATE TEMP VIEW vic_children AS SELECT * FROM vic WHERE first")
    name = "abused_children_rate"
    multi = {"form": "vic_forms", "setting": "vic"}
    nums += _counts(name, "vic_children", EIGHT[name], "numerator", multi)
    dens += _stock_denominator(name, EIGHT[name])

    numerators = con.sql(" UNION ALL ".join(nums)).df()
    denominators = con.sql(" UNION ALL ".join(dens)).df()
    con.close()
    return Result(numerators, denominators)
