"""Realistic synthetic submissions, deterministic for a seed and valid by construction.

:func:`generate` makes a whole submission (children, special circumstances,
supports, consultations, injuries, abuse cases and victims, sanctions, units)
for one year, in the canonical frames :func:`chitieu.read_submission` returns.
No real child is in it: identifiers are pseudonyms (``C0000001``) and names of
communes are made up from common syllables.

The assumptions are the constants below, in orders of magnitude taken from
published figures (``record-forms-and-figures.md`` of the specification;
agencies disagree by up to 30%). A commune of 4,000-5,000 children then sees in
a year 45-90 children in special circumstances, a dozen or more recorded
injuries, under one injury death and zero or one abuse case, as real communes do.

How the pieces fit together, so that every check of :func:`chitieu.validate`
passes:

- every event of a registered child falls between the child's entry in the
  register (or birth, or 1 January) and the last day the child is a child of
  the commune (the day before the 16th birthday, the exit date, 31 December,
  or yesterday when *year* is the current year);
- a child who dies of an injury leaves the register that day (reason
  ``DIED``), and has no later event;
- a child with a severe disability is in group ``HCDB_D`` with the matching
  sub-group; a registered victim of sexual abuse is in group ``HCDB_L`` from
  the day the case was detected;
- a child from elsewhere (``registered_here`` false) carries a ``X...`` id,
  its sex and its birth date on the event row;
- commune codes and division versions agree across tables, and each
  administrative case has a sanction decision.

Everything is drawn with NumPy's ``default_rng(seed)`` over whole arrays; the
only Python loops run over communes, districts and the rare second victims of
an abuse case, never over children. Coded columns stay small integers until
Arrow turns them into strings, never Python strings, so the peak of memory is
about 1.5 times the frames returned (about 156 bytes a child): a million
children take about a second, 25 million about 35 seconds and 5.3 GiB at
peak (``benchmarks/README.md``).

Examples
--------
>>> from chitieu import synth
>>> sub = synth.generate(n_children=2000, seed=7, year=2024)
>>> len(sub.children), int(sub.units["level"].eq("COMMUNE").sum())
(2000, 1)
>>> sub.children["child_id"].iloc[0], str(sub.children["birth_date"].max().date())
('C0000001', '2024-12-30')
>>> sub.children.equals(synth.generate(n_children=2000, seed=7, year=2024).children)
True
>>> SPECIAL_CIRCUMSTANCES_PER_10K["HCDB_N"], INJURIES_PER_1000
(40.0, 3.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chitieu.codelists import codelist, codes
from chitieu.errors import ChitieuError
from chitieu.schemas import MULTI_SEPARATOR, TABLES, column_specs
from chitieu.submission import Submission

__all__ = [
    "ABUSE_CASES_PER_100K",
    "AT_RISK_SHARE",
    "CHILDREN_PER_COMMUNE",
    "CONSULTED_SHARE_7PLUS",
    "DISABILITY_SHARE",
    "ECD_SERVICE_SHARE",
    "EXITED_SHARE",
    "INJURIES_PER_1000",
    "OVER_16_SHARE",
    "SANCTIONS_PER_100K",
    "SPECIAL_CIRCUMSTANCES_PER_10K",
    "SUPPORTED_SHARE",
    "SynthError",
    "generate",
    "place_in_unit",
]

# -- the register ---------------------------------------------------------------
#: Children under 16 in a typical commune: one commune per this many children.
CHILDREN_PER_COMMUNE = 4_500
#: Communes per district (2008 division), drawn uniformly between the bounds.
COMMUNES_PER_DISTRICT = (10, 15)
#: The 15-year-olds are this much fewer than the under-ones (a gently declining pyramid).
AGE_DECLINE = 0.10
#: Boys per girl at birth (Viet Nam's sex ratio at birth is about 110-112).
SEX_RATIO_AT_BIRTH = 1.10
#: Children whose sex the register does not know.
SEX_UNKNOWN_SHARE = 0.002
#: Share of communes in the highlands, where most children belong to ethnic minorities.
HIGHLAND_COMMUNE_SHARE = 0.15
#: Beta parameters of the minority share of a lowland and of a highland commune.
MINORITY_SHARE_BETA = {"lowland": (0.4, 12.0), "highland": (5.0, 2.0)}
#: Minorities and their weights (national population, millions, 2019 census).
MINORITY_WEIGHTS = {
    "02": 1.85, "03": 1.82, "06": 1.45, "08": 1.39, "05": 1.32, "07": 1.08, "09": 0.89,
    "04": 0.75, "10": 0.51, "12": 0.40, "13": 0.29, "14": 0.21, "15": 0.20, "16": 0.20,
    "17": 0.18, "18": 0.18,
}  # fmt: skip
#: A minority child belongs to the commune's main minority with this probability.
MAIN_MINORITY_SHARE = 0.75
#: Children of foreign nationality (code 55) and of unknown ethnicity (code 99).
FOREIGN_SHARE = 0.0005
ETHNICITY_UNKNOWN_SHARE = 0.003
#: Children who left the register during the year (moved away, died, other).
EXITED_SHARE = 0.05
EXIT_REASON_WEIGHTS = {"MOVED": 90.0, "DIED": 2.0, "OTHER": 8.0}
#: Young people who turned 16 before the reference date but are still listed.
OVER_16_SHARE = 0.02
#: Days from birth to entry in the register, and children who moved in later.
ENTRY_LAG_DAYS = (7, 60)
MOVED_IN_SHARE = 0.08
BIRTH_REGISTERED_SHARE = 0.985
#: Children with a disability, and the levels of it (Law on Persons with Disabilities).
DISABILITY_SHARE = 0.012
DISABILITY_LEVEL_WEIGHTS = {"ESPECIALLY_SEVERE": 20.0, "SEVERE": 35.0, "MILD": 45.0}
#: Rows where the disability column is left empty.
DISABILITY_MISSING_SHARE = 0.005
#: Children at risk of falling into special circumstances (provinces report 1.3-9.4%).
AT_RISK_SHARE = 0.02
AT_RISK_ENDED_SHARE = 0.2

# -- special circumstances and supports ----------------------------------------------
#: Children in each group per 10,000 children, besides the disability group
#: (``HCDB_D``: every child with an especially severe or severe disability, and
#: some with a mild one) and sexual abuse (``HCDB_L``: also every registered
#: victim of a case of the year). Provinces report 1.0-1.3% of children in all.
SPECIAL_CIRCUMSTANCES_PER_10K = {
    "HCDB_A": 8.0, "HCDB_B": 1.5, "HCDB_C": 14.0, "HCDB_DD": 3.0, "HCDB_E": 3.0,
    "HCDB_G": 0.7, "HCDB_H": 3.0, "HCDB_I": 0.7, "HCDB_K": 0.4, "HCDB_L": 1.0,
    "HCDB_M": 0.3, "HCDB_N": 40.0, "HCDB_O": 1.0,
}  # fmt: skip
#: Children with a mild disability who are in group ``HCDB_D`` (sub-group D3).
MILD_DISABILITY_IN_GROUP_D = 0.10
#: Children in special circumstances who are in a second group as well.
SECOND_GROUP_SHARE = 0.10
#: Spells that have ended by the reference date, and rows without a sub-group.
SPELL_ENDED_SHARE = 0.06
SUBGROUP_MISSING_SHARE = 0.05
#: Children in special circumstances supported during the year, and how often.
SUPPORTED_SHARE = 0.95
SUPPORTS_PER_CHILD = (1, 4)
SUPPORT_TYPE_WEIGHTS = {
    "ALLOWANCE": 30.0, "HEALTH": 25.0, "EDUCATION": 15.0, "ALTERNATIVE_CARE": 2.0,
    "PSYCHOSOCIAL": 5.0, "LEGAL": 1.0, "GIFT": 20.0, "INTERVENTION_PLAN": 1.5, "OTHER": 0.5,
}  # fmt: skip

# -- participation -------------------------------------------------------------------
#: Children aged 7 or more consulted during the year; a quarter of them twice.
CONSULTED_SHARE_7PLUS = 0.20
CONSULTED_TWICE_SHARE = 0.25
CONSULTATION_FORM_WEIGHTS = {
    "FORUM": 30.0, "SURVEY": 25.0, "CONSULTATION": 20.0, "CLUB": 15.0, "MEDIA": 8.0, "OTHER": 2.0,
}  # fmt: skip

# -- what the commune does and child-level services ----------------------------------
#: What a child at risk is at risk of (``at_risk_reason``).
RISK_REASON_WEIGHTS = {
    "CHILD_LABOUR": 15.0, "ABUSE": 30.0, "DROPOUT": 25.0, "NO_CAREGIVER": 20.0, "OTHER": 10.0,
}  # fmt: skip
#: Children aged 0-8 reached in a year by an early-childhood development service.
ECD_SERVICE_SHARE = 0.78
#: Children with a disability given a community service, and integration skills, in a year.
DISABILITY_SERVICE_SHARE = 0.85
INTEGRATION_SKILLS_SHARE = 0.6
#: Children in or at risk of child labour supported or helped in a year.
CHILD_LABOUR_SUPPORT_SHARE = 0.9
#: Children living with HIV given care in a year.
HIV_CARE_SHARE = 0.9
#: Child-affairs officials of a commune (commune staff, residential-group and village officers).
OFFICIALS_PER_COMMUNE = (15, 35)
#: Children per family with children, and children 0-8 per caregiver counted.
CHILDREN_PER_FAMILY = 1.7
#: Activities a commune holds in a year for each target group: (type weights, topic, how many
#: (low, high), share of the group reached by one activity (low, high)).
ACTIVITY_PLAN = {
    "OFFICIALS": ({"TRAINING": 1.0}, "CHILD_PROTECTION", (1, 3), (0.8, 1.0)),
    "FAMILIES": (
        {"COMMUNICATION": 4.0, "CONFERENCE": 3.0, "HOME_VISIT": 1.0},
        "CHILD_PROTECTION", (2, 5), (0.55, 0.92),
    ),
    "CAREGIVERS_YOUNG": (
        {"COMMUNICATION": 3.0, "CONFERENCE": 2.0, "CLUB": 1.0}, "EARLY_CHILDHOOD", (1, 3),
        (0.5, 0.85),
    ),
    "PARENTS_DISABLED": (
        {"CONFERENCE": 2.0, "HOME_VISIT": 2.0, "TRAINING": 1.0}, "DISABILITY", (1, 2), (0.5, 0.95),
    ),
    "PARENTS": (
        {"COMMUNICATION": 3.0, "MOBILE_COMMUNICATION": 2.0, "CONFERENCE": 1.0}, "CHILD_LABOUR",
        (1, 3), (0.5, 0.85),
    ),
}  # fmt: skip
#: Extra topics of some trainings of officials (the plan's sections 4, 6, 7, 8, 10).
OFFICIALS_EXTRA_TOPICS = ("INJURY_PREVENTION", "HIV", "EARLY_CHILDHOOD", "DISABILITY",
                          "CHILD_LABOUR")  # fmt: skip
#: District policies on children consulted in a year, and consultations with children.
POLICIES_PER_DISTRICT = (1, 3)
POLICY_CHILDREN_CONSULTED_SHARE = 0.85
CHILDREN_FORUMS = (1, 2)

# -- injuries ------------------------------------------------------------------------
#: Injuries recorded per 1,000 children a year (MOLISA: about 6; many go unrecorded).
INJURIES_PER_1000 = 3.0
#: Injury types 01-11 of the MOLISA form: falls and traffic lead, drowning about 8%.
INJURY_TYPE_WEIGHTS = {
    "01": 30.0, "02": 8.0, "03": 22.0, "04": 4.0, "05": 9.0, "06": 3.0, "07": 8.0,
    "08": 8.0, "09": 0.3, "10": 1.5, "11": 6.2,
}  # fmt: skip
INJURY_PLACE_WEIGHTS = {"HOME": 45.0, "SCHOOL": 12.0, "COMMUNITY": 41.0, "UNKNOWN": 2.0}
#: Traffic accidents and drownings happen in the community with this probability.
OUTDOOR_SHARE = 0.9
#: Injuries that kill, by type: about 1 injury death per 20,000 children a year.
INJURY_DEATH_SHARE = {"08": 0.12, "03": 0.02, "other": 0.004}
INJURY_DISABLED_SHARE = 0.03
INJURY_OUTCOME_UNKNOWN_SHARE = 0.01
#: Injured or abused children who are not on the commune's register.
NOT_REGISTERED_SHARE = 0.03

# -- abuse ---------------------------------------------------------------------------
#: Abuse cases per 100,000 children a year (2,361 cases in 2024), at least one
#: case from this many children.
ABUSE_CASES_PER_100K = 10.0
MIN_CHILDREN_FOR_A_CASE = 2_000
#: Cases with a second victim, and victims who also suffered violence.
SECOND_VICTIM_SHARE = 0.10
EXTRA_VIOLENCE_SHARE = 0.10
#: The main form of a case: sexual abuse about 80%.
ABUSE_FORM_WEIGHTS = {
    "XHTD": 80.0, "BL": 12.0, "BLOT": 2.0, "MB": 1.0, "BR": 2.0, "BM": 2.0, "KHAC": 1.0,
}  # fmt: skip
#: Victims: girls and children of 10 or more are far more often victims.
VICTIM_SEX_WEIGHTS = {"F": 5.0, "M": 1.0, "U": 1.0}
VICTIM_AGE_WEIGHTS = ((0, 0.3), (6, 1.0), (10, 2.5))
ABUSE_SETTING_WEIGHTS = {
    "FAMILY": 30.0, "SCHOOL": 8.0, "COMMUNITY": 45.0, "ONLINE": 10.0, "FACILITY": 1.0,
    "OTHER": 4.0, "UNKNOWN": 2.0,
}  # fmt: skip
#: Perpetrators of child sexual abuse (2017-18): acquaintance 59%, family 21%,
#: school staff 6%, other 14% (split here between strangers, others and unknown).
PERPETRATOR_WEIGHTS = {
    "ACQUAINTANCE": 59.0, "FAMILY": 21.0, "SCHOOL_STAFF": 6.0, "STRANGER": 8.0,
    "OTHER": 4.0, "UNKNOWN": 2.0,
}  # fmt: skip
#: How cases are handled; few go the administrative way (70 cases in 2024).
CASE_HANDLING_WEIGHTS = {"CRIMINAL": 55.0, "ADMINISTRATIVE": 5.0, "OTHER": 15.0, "PENDING": 25.0}
VICTIM_SUPPORTED_SHARE = 0.90
VICTIM_SUPPORT_TYPES = ("PSYCHOSOCIAL", "INTERVENTION_PLAN", "HEALTH", "LEGAL")
VICTIM_SUPPORT_DELAY_DAYS = (0, 14)

# -- sanctions -----------------------------------------------------------------------
#: Sanction decisions per 100,000 children a year (170 people sanctioned in 2024),
#: and administrative cases with a second violator.
SANCTIONS_PER_100K = 1.0
SECOND_VIOLATOR_SHARE = 0.2
#: Days from the detection of a case to the decision.
DECISION_DELAY_DAYS = (7, 45)
#: Fines in thousands of VND (Decree 130/2021: violence 10-20 million).
FINE_THOUSAND_VND = {"BL": (10_000, 20_000), "other": (3_000, 25_000)}
WARNING_ONLY_SHARE = 0.05
REMEDIAL_SHARE = 0.3
ORGANISATION_SHARE = 0.08
UNLINKED_ACT_WEIGHTS = {"BL": 60.0, "XHTD": 10.0, "BM": 15.0, "BLOT": 10.0, "KHAC": 5.0}

# -- units ---------------------------------------------------------------------------
VILLAGES = (5, 20)
VILLAGES_WITH_FACILITIES_SHARE = 0.6
PLAYGROUND_SHARE = 0.45
CHILD_FRIENDLY_SHARE = 0.57
#: Population per child (children are 25.75% of the population, 2019 census).
POPULATION_PER_CHILD = (3.6, 4.2)
#: Live births a year per child under 16.
BIRTHS_PER_CHILD = 1 / 16
#: Deaths under 5 per live birth; under 1 among them; neonatal among those.
UNDER5_DEATHS_PER_BIRTH = 0.02
UNDER1_SHARE_OF_UNDER5 = 0.7
NEONATAL_SHARE_OF_UNDER1 = 0.6

_COMMUNE_TYPES = {
    "2008": {"Xã": 85.0, "Thị trấn": 10.0, "Phường": 5.0},
    "2025": {"Xã": 85.0, "Phường": 15.0},
}
_NAME_FIRST = (
    "An", "Bình", "Đông", "Tân", "Hòa", "Phú", "Thanh", "Xuân", "Hưng", "Quang", "Mỹ", "Trung",
    "Đại", "Ngọc", "Hoàng", "Minh", "Thái", "Vĩnh", "Kim", "Hợp", "Lương", "Đức", "Hồng", "Long",
)  # fmt: skip
_NAME_SECOND = (
    "Sơn", "Lâm", "Thịnh", "Phong", "Hà", "Hải", "Thành", "Lộc", "Tiến", "Yên", "Lạc", "Phúc",
    "Hưng", "Bình", "Thắng", "Khê", "Đình", "Vân", "Cẩm", "Định",
)  # fmt: skip
#: Provinces of the 2008 division (63) and of the 2025 division (34), by code.
_PROVINCES = {
    "2008": {
        "01": "Thành phố Hà Nội", "02": "Tỉnh Hà Giang", "04": "Tỉnh Cao Bằng",
        "06": "Tỉnh Bắc Kạn", "08": "Tỉnh Tuyên Quang", "10": "Tỉnh Lào Cai",
        "11": "Tỉnh Điện Biên", "12": "Tỉnh Lai Châu", "14": "Tỉnh Sơn La", "15": "Tỉnh Yên Bái",
        "17": "Tỉnh Hòa Bình", "19": "Tỉnh Thái Nguyên", "20": "Tỉnh Lạng Sơn",
        "22": "Tỉnh Quảng Ninh", "24": "Tỉnh Bắc Giang", "25": "Tỉnh Phú Thọ",
        "26": "Tỉnh Vĩnh Phúc", "27": "Tỉnh Bắc Ninh", "30": "Tỉnh Hải Dương",
        "31": "Thành phố Hải Phòng", "33": "Tỉnh Hưng Yên", "34": "Tỉnh Thái Bình",
        "35": "Tỉnh Hà Nam", "36": "Tỉnh Nam Định", "37": "Tỉnh Ninh Bình",
        "38": "Tỉnh Thanh Hóa", "40": "Tỉnh Nghệ An", "42": "Tỉnh Hà Tĩnh",
        "44": "Tỉnh Quảng Bình", "45": "Tỉnh Quảng Trị", "46": "Tỉnh Thừa Thiên Huế",
        "48": "Thành phố Đà Nẵng", "49": "Tỉnh Quảng Nam", "51": "Tỉnh Quảng Ngãi",
        "52": "Tỉnh Bình Định", "54": "Tỉnh Phú Yên", "56": "Tỉnh Khánh Hòa",
        "58": "Tỉnh Ninh Thuận", "60": "Tỉnh Bình Thuận", "62": "Tỉnh Kon Tum",
        "64": "Tỉnh Gia Lai", "66": "Tỉnh Đắk Lắk", "67": "Tỉnh Đắk Nông",
        "68": "Tỉnh Lâm Đồng", "70": "Tỉnh Bình Phước", "72": "Tỉnh Tây Ninh",
        "74": "Tỉnh Bình Dương", "75": "Tỉnh Đồng Nai", "77": "Tỉnh Bà Rịa - Vũng Tàu",
        "79": "Thành phố Hồ Chí Minh", "80": "Tỉnh Long An", "82": "Tỉnh Tiền Giang",
        "83": "Tỉnh Bến Tre", "84": "Tỉnh Trà Vinh", "86": "Tỉnh Vĩnh Long",
        "87": "Tỉnh Đồng Tháp", "89": "Tỉnh An Giang", "91": "Tỉnh Kiên Giang",
        "92": "Thành phố Cần Thơ", "93": "Tỉnh Hậu Giang", "94": "Tỉnh Sóc Trăng",
        "95": "Tỉnh Bạc Liêu", "96": "Tỉnh Cà Mau",
    },
    "2025": {
        "01": "Thành phố Hà Nội", "04": "Tỉnh Cao Bằng", "08": "Tỉnh Tuyên Quang",
        "11": "Tỉnh Điện Biên", "12": "Tỉnh Lai Châu", "14": "Tỉnh Sơn La", "15": "Tỉnh Lào Cai",
        "19": "Tỉnh Thái Nguyên", "20": "Tỉnh Lạng Sơn", "22": "Tỉnh Quảng Ninh",
        "24": "Tỉnh Bắc Ninh", "25": "Tỉnh Phú Thọ", "31": "Thành phố Hải Phòng",
        "33": "Tỉnh Hưng Yên", "37": "Tỉnh Ninh Bình", "38": "Tỉnh Thanh Hóa",
        "40": "Tỉnh Nghệ An", "42": "Tỉnh Hà Tĩnh", "44": "Tỉnh Quảng Trị",
        "46": "Thành phố Huế", "48": "Thành phố Đà Nẵng", "51": "Tỉnh Quảng Ngãi",
        "52": "Tỉnh Gia Lai", "56": "Tỉnh Khánh Hòa", "66": "Tỉnh Đắk Lắk",
        "68": "Tỉnh Lâm Đồng", "75": "Tỉnh Đồng Nai", "79": "Thành phố Hồ Chí Minh",
        "80": "Tỉnh Tây Ninh", "82": "Tỉnh Đồng Tháp", "86": "Tỉnh Vĩnh Long",
        "91": "Tỉnh An Giang", "92": "Thành phố Cần Thơ", "96": "Tỉnh Cà Mau",
    },
}  # fmt: skip
_MAX_COMMUNES = 99_999
#: The codes behind the register's small-integer columns (-1: missing).
_SEX_CODES = ("M", "F", "U")
_EXIT_REASONS = tuple(EXIT_REASON_WEIGHTS)
_DISABILITY_LEVELS = (*DISABILITY_LEVEL_WEIGHTS, "NONE")
_DAYS_PER_YEAR = 365.2425


class SynthError(ChitieuError, ValueError):
    """The arguments of :func:`generate` cannot make a submission."""


def _today() -> dt.date:
    """Today's date (a function, so that tests can move it)."""
    return dt.date.today()


# -- small helpers ---------------------------------------------------------------------
def _p(weights: Mapping[str, float]) -> np.ndarray:
    arr = np.fromiter(weights.values(), dtype=float, count=len(weights))
    out: np.ndarray = arr / arr.sum()
    return out


def _map(mapping: Mapping[str, float], keys: np.ndarray, default: float = 0.0) -> np.ndarray:
    """The value of each of *keys* in *mapping* (a loop over the mapping, not the keys)."""
    out = np.full(len(keys), default, dtype=float)
    for key, value in mapping.items():
        out[keys == key] = value
    return out


def _draw_index(rng: np.random.Generator, weights: Mapping[str, float], size: int) -> np.ndarray:
    """Positions in *weights* of *size* codes drawn with *weights* (``int8``).

    The same draws as :func:`_draw`, kept as small integers: a column of codes
    then costs one byte a row until it is turned into strings by :func:`_labels`.
    """
    if not size:
        return np.zeros(0, dtype=np.int8)
    return rng.choice(len(weights), size=size, p=_p(weights)).astype(np.int8)


def _draw(rng: np.random.Generator, weights: Mapping[str, float], size: int) -> np.ndarray:
    """*size* codes drawn with *weights* (as an array of str)."""
    keys = np.array(list(weights), dtype=str)
    return keys[_draw_index(rng, weights, size)] if size else keys[:0]


def _labels(
    keys: Sequence[str] | np.ndarray, codes: np.ndarray, present: np.ndarray | None = None
) -> pa.Array:
    """``keys[codes]`` as an Arrow string array, null where *present* is false or a code is -1.

    Built by Arrow from the integer codes, never through Python strings, so
    that a column of millions of rows costs its final size only.

    Examples
    --------
    >>> _labels(["M", "F"], np.array([1, 0, -1])).to_pylist()
    ['F', 'M', None]
    """
    codes = np.asarray(codes)
    missing = codes < 0
    if present is not None:
        missing |= ~np.asarray(present, dtype=bool)
    dictionary = pa.array(np.asarray(keys, dtype=str), type=pa.large_string())
    return _dense(pc.take(dictionary, pa.array(codes, mask=missing if missing.any() else None)))


def _uniform_day(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A day drawn uniformly between *lo* and *hi* (day numbers, both included)."""
    lo = np.asarray(lo, dtype=np.int64)
    span = np.asarray(hi, dtype=np.int64) - lo + 1
    out: np.ndarray = lo + (rng.random(lo.shape) * span).astype(np.int64)
    return out


def _day_number(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _anniversary(days: np.ndarray, years: int) -> np.ndarray:
    """The day number of the *years*-th birthday; 29 February falls on 1 March.

    Integer arithmetic on the civil calendar (the ``days_from_civil`` and
    ``civil_from_days`` of H. Hinnant's date algorithms), counted in years
    that begin on 1 March: a birthday keeps its day of such a year, and the
    day after 28 February of a year without a 29th is 1 March. NumPy's
    conversions between days, months and years cost several times more.

    Examples
    --------
    >>> days = np.array(["2008-02-29", "2010-01-15", "2015-12-31"], dtype="datetime64[D]")
    >>> _anniversary(days.astype(np.int64), 1).astype("datetime64[D]").astype(str).tolist()
    ['2009-03-01', '2011-01-15', '2016-12-31']
    >>> _anniversary(days.astype(np.int64), 16).astype("datetime64[D]").astype(str).tolist()
    ['2024-02-29', '2026-01-15', '2031-12-31']
    """
    shifted = np.asarray(days, dtype=np.int64) + 719_468  # days since 1 March of year 0
    era = shifted // 146_097  # 400-year cycles
    day = shifted - era * 146_097
    del shifted
    year = (day - day // 1_460 + day // 36_524 - day // 146_096) // 365
    day -= 365 * year + year // 4 - year // 100  # the day of the year from 1 March
    year += era * 400 + years
    era = year // 400
    year -= era * 400
    out: np.ndarray = era * 146_097 + 365 * year + year // 4 - year // 100 + day - 719_468
    return out


def _dates(days: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Day numbers as ``datetime64[us]``; NaT where *present* is false.

    >>> _dates(np.array([0, 19_723]), np.array([True, False])).astype(str).tolist()
    ['1970-01-01T00:00:00.000000', 'NaT']
    """
    # microseconds of the day's midnight: one multiplication, not two conversions of units
    out = (np.asarray(days, dtype=np.int64) * 86_400_000_000).view("datetime64[us]")
    if present is not None:
        out[~np.asarray(present, dtype=bool)] = np.datetime64("NaT")
    return out


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Identifiers ``prefix`` + zero-padded *numbers*, as an Arrow string array.

    Numbers of at most *width* digits are written straight into one buffer of
    fixed-width rows (the usual case: ids of millions of children cost their
    final size and one column of digits at a time); wider ones go through
    Arrow's string functions.

    Examples
    --------
    >>> _ids("C", np.array([1, 42]), 3).to_pylist()
    ['C001', 'C042']
    >>> _ids("X", np.array([7, 12345]), 3).to_pylist()
    ['X007', 'X12345']
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.size and (int(numbers.min()) < 0 or int(numbers.max()) >= 10**width):
        digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width, "0")
        joined: pa.Array = pc.binary_join_element_wise(prefix, digits, "")
        return joined.cast(pa.large_string())
    head = prefix.encode("utf-8")
    row = len(head) + width
    data = np.empty((numbers.size, row), dtype=np.uint8)
    data[:, : len(head)] = np.frombuffer(head, dtype=np.uint8)
    rest = numbers.copy()
    digit = np.empty_like(rest)
    for column in range(row - 1, len(head) - 1, -1):  # a loop over the digits
        np.remainder(rest, 10, out=digit)
        digit += ord("0")
        data[:, column] = digit
        rest //= 10
    del rest, digit
    offsets = np.arange(0, (numbers.size + 1) * row, row, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        numbers.size, pa.py_buffer(offsets), pa.py_buffer(data.reshape(-1))
    )


def _dense(values: pa.Array) -> pa.Array:
    """*values* without a validity bitmap when nothing is null (``take`` always makes one)."""
    if values.null_count or values.buffers()[0] is None:
        return values
    return pa.Array.from_buffers(
        values.type, len(values), [None, *values.buffers()[1:]], null_count=0, offset=values.offset
    )


def _take(values: pa.Array, idx: np.ndarray, present: np.ndarray | None = None) -> pa.Array:
    """``values[idx]``, null where *present* is false."""
    mask = None if present is None else ~np.asarray(present, dtype=bool)
    return _dense(pc.take(values, pa.array(np.asarray(idx, dtype=np.int64), mask=mask)))


def _where(present: np.ndarray, values: np.ndarray) -> np.ndarray:
    """*values* as an object array, ``None`` where *present* is false."""
    out = np.asarray(values).astype(object)
    out[~np.asarray(present, dtype=bool)] = None
    return out


def _frame(table: str, data: dict[str, object], n: int) -> pd.DataFrame:
    """A canonical frame of *table*: every schema column, at its dtype, in order.

    The frame takes the arrays of *data* without copying them (the callers
    make them for it and change none afterwards) and empties *data*, so that
    each array given in another dtype is freed once it is converted.
    """
    columns: dict[str, pd.Series] = {}
    for name, spec in column_specs(table).items():
        value = data.pop(name, None)
        text = spec.dtype == "str"
        if text and isinstance(value, str):  # one value on every row, built by Arrow
            value = pa.repeat(pa.scalar(value, pa.large_string()), n)
        elif text and value is None:  # a column filled in later, or left empty
            value = pa.nulls(n, pa.large_string())
        elif text and isinstance(value, np.ndarray) and value.dtype.kind == "U":
            value = pa.array(value, type=pa.large_string())  # not through Python strings
        if isinstance(value, pa.Array | pa.ChunkedArray):
            series = pd.Series(pd.array(value, dtype=spec.dtype), copy=False)
        elif value is None or np.isscalar(value):
            series = pd.Series([value] * n, dtype=spec.dtype)
        else:
            series = pd.Series(np.asarray(value), dtype=spec.dtype, copy=False)
        del value
        if len(series) != n:  # pragma: no cover - a bug in this module
            raise AssertionError(f"{table}.{name}: {len(series)} values for {n} rows")
        columns[name] = series
    # no copy: the columns are made for this frame only
    return pd.DataFrame(columns, index=pd.RangeIndex(n), copy=False)


def _sorted(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    return frame.sort_values(list(by), kind="stable", ignore_index=True)


def _ranks(keys: Sequence[str]) -> np.ndarray:
    """The place of each of *keys* in their sorted order (to sort codes as their strings)."""
    out: np.ndarray = np.argsort(np.argsort(np.array(keys, dtype=str), kind="stable"))
    return out


def _child_events(
    table: str,
    reg: _Register,
    rows: np.ndarray,
    days: np.ndarray,
    keys: Sequence[str],
    codes: np.ndarray,
    *,
    unique: bool,
) -> pd.DataFrame:
    """A table of registered children's events: child id, date, a coded column.

    The rows are sorted by date, child id and code, the order
    ``_sorted(frame, [date, "child_id", code])`` gives (ids of the register
    sort as its rows), with *unique* repeated rows dropped first as
    ``drop_duplicates`` would. The sort is of integer keys, and every column is
    built once, in its final order.
    """
    date, column = (name for name in column_specs(table) if name != "child_id")
    order = np.lexsort((_ranks(keys)[codes], rows, days))
    rows, days, codes = rows[order], days[order], codes[order]
    del order
    if unique and rows.size:
        new = np.ones(rows.size, dtype=bool)
        new[1:] = (rows[1:] != rows[:-1]) | (days[1:] != days[:-1]) | (codes[1:] != codes[:-1])
        rows, days, codes = rows[new], days[new], codes[new]
    return _frame(
        table,
        {"child_id": _take(reg.ids, rows), date: _dates(days), column: _labels(keys, codes)},
        rows.size,
    )


# -- the calendar and the units ----------------------------------------------------------
@dataclass(frozen=True)
class _Calendar:
    year: int
    start: int  # 1 January, as a day number
    end: int  # the reference date: 31 December, or yesterday in the current year

    @property
    def days(self) -> int:
        return self.end - self.start + 1


def _calendar(year: int, years: int = 1) -> _Calendar:
    """The days of *years* years ending with *year* (to yesterday in the current year)."""
    yesterday = _today() - dt.timedelta(days=1)
    if dt.date(year, 1, 1) > yesterday:
        raise SynthError(
            f"year {year} has no past day yet (today is {_today().isoformat()}); "
            "choose an earlier year"
        )
    first = dt.date(year - years + 1, 1, 1)
    last = min(dt.date(year, 12, 31), yesterday)
    return _Calendar(year, _day_number(first), _day_number(last))


def _span(cal: _Calendar) -> int:
    """How many calendar years *cal* covers."""
    first = int(np.datetime64(cal.start, "D").astype("datetime64[Y]").astype(np.int64)) + 1970
    return cal.year - first + 1


def _years(cal: _Calendar) -> list[_Calendar]:
    """The calendar of each year of *cal*, in order."""
    first = cal.year - _span(cal) + 1
    return [_calendar(y) for y in range(first, cal.year + 1)]


@dataclass(frozen=True)
class _Communes:
    codes: np.ndarray  # str, one per commune
    sizes: np.ndarray  # children per commune
    bounds: np.ndarray  # children of commune c are rows bounds[c] to bounds[c + 1] - 1
    highland: np.ndarray  # bool

    @property
    def k(self) -> int:
        return len(self.codes)

    def weights(self) -> np.ndarray:
        total = self.sizes.sum()
        return self.sizes / total if total else np.full(self.k, 1 / self.k)


def _unit_codes(base: int, step: int, count: int, width: int) -> np.ndarray:
    top = 10**width - 1
    if base + step * count > top:
        base, step = 1, 1
    return np.array([f"{base + step * i:0{width}d}" for i in range(count)], dtype=str)


def _names(rng: np.random.Generator, count: int) -> np.ndarray:
    """Place names from two common syllables, no repeat until all are used."""
    pairs = np.array([f"{a} {b}" for a in _NAME_FIRST for b in _NAME_SECOND if a != b], dtype=str)
    order = rng.permutation(len(pairs))
    return pairs[order[np.arange(count) % len(pairs)]]


def _units(
    rng: np.random.Generator, n: int, k: int, version: str, province: str
) -> tuple[pd.DataFrame, _Communes]:
    weights = rng.gamma(8.0, 1.0, size=k)
    sizes = rng.multinomial(n, weights / weights.sum())
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    codes_ = _unit_codes(int(province) * 300, 3, k, 5)
    kinds = _draw(rng, _COMMUNE_TYPES[version], k)
    names = np.char.add(np.char.add(kinds, " "), _names(rng, k))
    urban = kinds != "Xã"
    highland = rng.random(k) < HIGHLAND_COMMUNE_SHARE
    villages = rng.integers(VILLAGES[0], VILLAGES[1] + 1, size=k)
    births = rng.poisson(sizes * BIRTHS_PER_CHILD)
    under5 = rng.binomial(births, UNDER5_DEATHS_PER_BIRTH)
    under1 = rng.binomial(under5, UNDER1_SHARE_OF_UNDER5)
    neonatal = rng.binomial(under1, NEONATAL_SHARE_OF_UNDER1)
    population = np.round(sizes * rng.uniform(*POPULATION_PER_CHILD, size=k)).astype(np.int64)
    with_districts = version == "2008"
    district_codes: np.ndarray | None = None
    if with_districts:
        lo, hi = COMMUNES_PER_DISTRICT
        per_district = rng.integers(lo, hi + 1, size=k // lo + 1)
        district_of = np.searchsorted(np.cumsum(per_district), np.arange(k), side="right")
        n_districts = int(district_of.max()) + 1
        all_districts = _unit_codes(int(province) * 9, 1, n_districts, 3)
        district_codes = all_districts[district_of]
    communes = {
        "unit_code": codes_,
        "division_version": version,
        "name": names,
        "level": "COMMUNE",
        "district_code": district_codes,
        "province_code": province,
        "urban_rural": np.where(urban, "URBAN", "RURAL"),
        "villages": villages,
        "villages_with_facilities": rng.binomial(villages, VILLAGES_WITH_FACILITIES_SHARE),
        "has_playground": rng.random(k) < PLAYGROUND_SHARE,
        "child_friendly": rng.random(k) < CHILD_FRIENDLY_SHARE,
        "population_total": population,
        "live_births": births,
        "deaths_neonatal": neonatal,
        "deaths_under1": under1,
        "deaths_under5": under5,
    }
    province_name = _PROVINCES[version].get(province, f"Tỉnh {province}")
    parents: dict[str, list[object]] = {
        "unit_code": [province],
        "name": [province_name],
        "level": ["PROVINCE"],
        "province_code": [None],
    }
    if district_codes is not None:
        districts = all_districts
        parents["unit_code"] += districts.tolist()
        parents["name"] += [f"Huyện {name}" for name in _names(rng, len(districts))]
        parents["level"] += ["DISTRICT"] * len(districts)
        parents["province_code"] += [province] * len(districts)
    parent_frame = _frame(
        "units", {**parents, "division_version": version}, len(parents["unit_code"])
    )
    units = pd.concat([parent_frame, _frame("units", communes, k)], ignore_index=True)
    return units, _Communes(codes_, sizes, bounds, highland)


# -- the register ----------------------------------------------------------------------
@dataclass
class _Register:
    """The children as arrays (day numbers for dates), sorted by commune.

    Coded columns are small integers into the tuples above (-1 where missing)
    and become strings only in the children's frame: at tens of millions of
    children, a column of Python strings would cost more than the whole
    register.
    """

    ids: pa.Array
    commune: np.ndarray  # int32, position in _Communes
    birth: np.ndarray  # int32 day numbers, as entry, exit and sixteenth
    sex: np.ndarray  # int8 into _SEX_CODES
    entry: np.ndarray
    exit: np.ndarray  # day number, meaningful where `exited`
    exited: np.ndarray
    exit_reason: np.ndarray  # int8 into _EXIT_REASONS, -1 where not exited
    disability: np.ndarray  # int8 into _DISABILITY_LEVELS, -1 where missing
    sixteenth: np.ndarray
    age: np.ndarray  # int8, completed years at the reference date (approximate)

    @property
    def n(self) -> int:
        return len(self.birth)

    def disabled(self) -> np.ndarray:
        """Children with a disability of any level."""
        out: np.ndarray = (self.disability >= 0) & (
            self.disability < _DISABILITY_LEVELS.index("NONE")
        )
        return out

    def first_day(self, cal: _Calendar) -> np.ndarray:
        """The first day of the year the child can have an event here."""
        out: np.ndarray = np.maximum(np.maximum(self.birth, self.entry), cal.start)
        return out

    def last_day(self, cal: _Calendar) -> np.ndarray:
        """The last day of the year the child is a child of the commune."""
        last = np.minimum(self.sixteenth - 1, cal.end)
        out: np.ndarray = np.where(self.exited, np.minimum(last, self.exit), last)
        return out

    def window(self, cal: _Calendar) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        first, last = self.first_day(cal), self.last_day(cal)
        return first, last, first <= last


def _register(rng: np.random.Generator, communes: _Communes, cal: _Calendar) -> _Register:
    n = int(communes.sizes.sum())
    commune = np.repeat(np.arange(communes.k, dtype=np.int32), communes.sizes)
    # ages: 0-15 with a gentle decline, and a few who are 16 already
    # over several years, the children of the first year who are 16 by the last are listed too
    ages = 16 + _span(cal) - 1
    age_weights = 1.0 - AGE_DECLINE * np.arange(ages) / 15
    age = rng.choice(ages, size=n, p=age_weights / age_weights.sum())
    over = rng.random(n) < OVER_16_SHARE
    age[over] = ages
    age_days = ((age + rng.random(n)) * _DAYS_PER_YEAR).astype(np.int64)
    birth = cal.end - age_days
    sixteenth = _anniversary(birth, 16)
    age = np.where(over | (age >= 16), 16, age)
    p_male = (1 - SEX_UNKNOWN_SHARE) * SEX_RATIO_AT_BIRTH / (1 + SEX_RATIO_AT_BIRTH)
    p_sex = {"M": p_male, "F": 1 - SEX_UNKNOWN_SHARE - p_male, "U": SEX_UNKNOWN_SHARE}
    sex = _draw_index(rng, p_sex, n)
    # entry: a few weeks after birth, later for children who moved in
    entry = birth + rng.integers(ENTRY_LAG_DAYS[0], ENTRY_LAG_DAYS[1] + 1, size=n)
    moved_in = rng.random(n) < MOVED_IN_SHARE
    entry = np.where(moved_in, _uniform_day(rng, birth, np.full(n, cal.end)), entry)
    entry = np.minimum(entry, np.minimum(cal.end, sixteenth - 1))  # a child when entered
    # exits during the year (never for those already 16: registers are not cleaned)
    exit_share = EXITED_SHARE if _span(cal) == 1 else 1 - (1 - EXITED_SHARE) ** _span(cal)
    exited = (rng.random(n) < exit_share) & ~over
    exit_day = _uniform_day(rng, np.maximum(entry, cal.start), np.full(n, cal.end))
    exit_day = np.minimum(exit_day, sixteenth - 1)
    exited &= exit_day >= entry
    exit_reason = np.where(exited, _draw_index(rng, EXIT_REASON_WEIGHTS, n), -1).astype(np.int8)
    disabled = rng.random(n) < DISABILITY_SHARE
    disability = np.where(
        disabled,
        _draw_index(rng, DISABILITY_LEVEL_WEIGHTS, n),
        _DISABILITY_LEVELS.index("NONE"),
    ).astype(np.int8)
    del disabled
    disability[rng.random(n) < DISABILITY_MISSING_SHARE] = -1
    # kept for the whole generation: day numbers fit in int32, ages in int8
    return _Register(
        ids=_ids("C", np.arange(1, n + 1), max(7, len(str(n)))),
        commune=commune,
        birth=birth.astype(np.int32),
        sex=sex,
        entry=entry.astype(np.int32),
        exit=exit_day.astype(np.int32),
        exited=exited,
        exit_reason=exit_reason,
        disability=disability,
        sixteenth=sixteenth.astype(np.int32),
        age=age.astype(np.int8),
    )


#: The codes of :func:`_ethnicity`: the minorities, then Kinh, foreign and unknown.
_ETHNICITY_CODES = (*MINORITY_WEIGHTS, "01", "55", "99")


def _ethnicity(rng: np.random.Generator, reg: _Register, communes: _Communes) -> pa.Array:
    k, n = communes.k, reg.n
    lowland, highland = MINORITY_SHARE_BETA["lowland"], MINORITY_SHARE_BETA["highland"]
    share = np.where(communes.highland, rng.beta(*highland, size=k), rng.beta(*lowland, size=k))
    main = _draw_index(rng, MINORITY_WEIGHTS, k)
    minority = rng.random(n) < share[reg.commune]
    own = np.where(
        rng.random(n) < MAIN_MINORITY_SHARE,
        main[reg.commune],
        _draw_index(rng, MINORITY_WEIGHTS, n),
    )
    out = np.where(minority, own, np.int8(_ETHNICITY_CODES.index("01")))
    del minority, own
    u = rng.random(n)
    out[u < FOREIGN_SHARE] = _ETHNICITY_CODES.index("55")
    out[(u >= FOREIGN_SHARE) & (u < FOREIGN_SHARE + ETHNICITY_UNKNOWN_SHARE)] = (
        _ETHNICITY_CODES.index("99")
    )
    return _labels(_ETHNICITY_CODES, out)


def _children_frame(
    rng: np.random.Generator, reg: _Register, communes: _Communes, cal: _Calendar, version: str
) -> pd.DataFrame:
    n = reg.n
    ethnicity = _ethnicity(rng, reg, communes)
    registered = rng.random(n) < BIRTH_REGISTERED_SHARE
    at_risk = rng.random(n) < AT_RISK_SHARE
    risk_from = _uniform_day(
        rng, np.maximum(reg.birth, cal.end - 3 * 365), np.minimum(reg.sixteenth - 1, cal.end)
    )
    risk_from = np.maximum(risk_from, reg.birth)
    risk_ended = at_risk & (rng.random(n) < AT_RISK_ENDED_SHARE)
    risk_to = _uniform_day(rng, risk_from, np.full(n, cal.end))
    return _frame(
        "children",
        {
            "child_id": reg.ids,
            "commune_code": _labels(communes.codes, reg.commune),
            "division_version": version,
            "birth_date": _dates(reg.birth),
            "sex": _labels(_SEX_CODES, reg.sex),
            "ethnicity": ethnicity,
            "entry_date": _dates(reg.entry),
            "exit_date": _dates(reg.exit, reg.exited),
            "exit_reason": _labels(_EXIT_REASONS, reg.exit_reason),
            "disability": _labels(_DISABILITY_LEVELS, reg.disability),
            "birth_registered": registered,
            "at_risk_from": _dates(risk_from, at_risk),
            "at_risk_to": _dates(risk_to, risk_ended),
        },
        n,
    )


# -- children from elsewhere -------------------------------------------------------------
def _outsiders(
    rng: np.random.Generator, days: np.ndarray, min_age: float, female_share: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Sex and birth day of children from elsewhere, aged *min_age*-15 on *days*."""
    size = len(days)
    age_days = (rng.uniform(min_age, 16.0, size=size) * _DAYS_PER_YEAR).astype(np.int64)
    birth = days - age_days
    birth = np.maximum(birth, _anniversary(days, -16) + 1)  # under 16 on the day
    if female_share is None:
        p_male = SEX_RATIO_AT_BIRTH / (1 + SEX_RATIO_AT_BIRTH)
        sex = np.where(rng.random(size) < p_male, "M", "F")
    else:
        sex = np.where(rng.random(size) < female_share, "F", "M")
    return sex, birth


# -- injuries --------------------------------------------------------------------------------
def _injuries(
    rng: np.random.Generator, reg: _Register, communes: _Communes, cal: _Calendar, version: str
) -> pd.DataFrame:
    """Injuries of the year; children who die of one leave the register that day."""
    first, last, active = reg.window(cal)
    exposure = np.where(active, last - first + 1, 0).astype(float)
    expected = INJURIES_PER_1000 / 1000 * exposure.sum() / 365  # per child-year
    total = int(rng.poisson(expected))
    n_out = int(rng.binomial(total, NOT_REGISTERED_SHARE))
    n_reg = total - n_out if exposure.sum() > 0 else 0
    child = (
        rng.choice(reg.n, size=n_reg, p=exposure / exposure.sum())
        if n_reg
        else np.zeros(0, np.int64)
    )
    day = _uniform_day(rng, first[child], last[child])
    out_day = _uniform_day(rng, np.full(n_out, cal.start), np.full(n_out, cal.end))
    out_sex, out_birth = _outsiders(rng, out_day, 0.0, None)
    out_commune = rng.choice(communes.k, size=n_out, p=communes.weights())
    size = n_reg + n_out
    registered = np.arange(size) < n_reg
    injury_type = _draw(rng, INJURY_TYPE_WEIGHTS, size)
    place = _draw(rng, INJURY_PLACE_WEIGHTS, size)
    outdoor = np.isin(injury_type, ["03", "08"]) & (rng.random(size) < OUTDOOR_SHARE)
    place = np.where(outdoor, "COMMUNITY", place)
    death_share = _map(INJURY_DEATH_SHARE, injury_type, INJURY_DEATH_SHARE["other"])
    u = rng.random(size)
    outcome = np.select(
        [
            u < death_share,
            u < death_share + INJURY_DISABLED_SHARE,
            u < death_share + INJURY_DISABLED_SHARE + INJURY_OUTCOME_UNKNOWN_SHARE,
        ],
        ["DIED", "DISABLED", "UNKNOWN"],
        "INJURED",
    )
    days = np.concatenate([day, out_day])
    child_all = np.concatenate([child, np.zeros(n_out, np.int64)])
    # a registered child dies at most once, has no injury after it, and leaves the register
    death_day = np.full(reg.n, np.iinfo(np.int64).max)
    died = registered & (outcome == "DIED")
    np.minimum.at(death_day, child_all[died], days[died])
    child_death = death_day[child_all]
    later = registered & ((days > child_death) | ((days == child_death) & (outcome == "DIED")))
    first_death = np.zeros(size, dtype=bool)
    if died.any():
        rows = np.flatnonzero(died & (days == child_death))
        _, first_row = np.unique(child_all[rows], return_index=True)
        first_death[rows[first_row]] = True
    keep = ~later | first_death
    dead = np.flatnonzero(death_day < np.iinfo(np.int64).max)
    reg.exited[dead] = True
    reg.exit[dead] = death_day[dead]
    reg.exit_reason[dead] = _EXIT_REASONS.index("DIED")
    n_out_ids = np.arange(1, n_out + 1)
    child_ids = np.concatenate(
        [
            np.asarray(_take(reg.ids, child).to_pylist(), dtype=object),
            np.asarray(_ids("X", n_out_ids, 7).to_pylist(), dtype=object),
        ]
    )
    commune = np.concatenate([reg.commune[child], out_commune])
    frame = _frame(
        "injuries",
        {
            "child_id": child_ids,
            "registered_here": registered,
            "injury_date": _dates(days),
            "commune_code": communes.codes[commune],
            "division_version": version,
            "injury_type": injury_type,
            "place": place,
            "outcome": outcome,
            "sex": _where(~registered, np.concatenate([np.full(n_reg, ""), out_sex])),
            "birth_date": _dates(
                np.concatenate([np.zeros(n_reg, np.int64), out_birth]), ~registered
            ),
        },
        size,
    )
    frame = _sorted(frame.loc[keep], ["injury_date", "child_id"])
    frame["injury_id"] = pd.array(
        _ids(f"I{cal.year}", np.arange(1, len(frame) + 1), 5), dtype="str"
    )
    return frame


# -- abuse -------------------------------------------------------------------------------------
def _weighted_sample(
    rng: np.random.Generator, pool: np.ndarray, weights: np.ndarray, size: int
) -> np.ndarray:
    """*size* distinct items of *pool* drawn with *weights*, without replacement."""
    if size <= 0:
        return np.zeros(0, dtype=np.int64)
    keys = rng.exponential(size=pool.size) / weights
    chosen = np.argpartition(keys, size - 1)[:size] if size < pool.size else np.arange(pool.size)
    chosen = chosen[np.argsort(keys[chosen], kind="stable")]
    return pool[chosen]


@dataclass
class _Abuse:
    cases: pd.DataFrame
    victims: pd.DataFrame
    sexual_abuse_spells: tuple[np.ndarray, np.ndarray]  # register rows, start days
    main_form: np.ndarray  # per case, in the order of `cases`


def _abuse(
    rng: np.random.Generator, reg: _Register, communes: _Communes, cal: _Calendar, version: str
) -> _Abuse:
    first, last, active = reg.window(cal)
    n_cases = int(rng.poisson(ABUSE_CASES_PER_100K * reg.n / 100_000))
    if reg.n >= MIN_CHILDREN_FOR_A_CASE:
        n_cases = max(n_cases, 1)
    pool = np.flatnonzero(active)
    n_out = int(rng.binomial(n_cases, NOT_REGISTERED_SHARE))
    n_reg = min(n_cases - n_out, pool.size)
    n_out = n_cases - n_reg
    sex_w = np.array([VICTIM_SEX_WEIGHTS.get(code, 0.0) for code in _SEX_CODES])[reg.sex[pool]]
    age_w = np.zeros(pool.size)
    for lowest, weight in VICTIM_AGE_WEIGHTS:
        age_w = np.where(reg.age[pool] >= lowest, weight, age_w)
    victim = _weighted_sample(rng, pool, sex_w * age_w, n_reg)
    day = _uniform_day(rng, first[victim], last[victim])
    out_day = _uniform_day(rng, np.full(n_out, cal.start), np.full(n_out, cal.end))
    out_sex, out_birth = _outsiders(rng, out_day, 6.0, 0.8)
    out_commune = rng.choice(communes.k, size=n_out, p=communes.weights())
    case_day = np.concatenate([day, out_day])
    case_commune = np.concatenate([reg.commune[victim], out_commune])
    main_form = _draw(rng, ABUSE_FORM_WEIGHTS, n_cases)
    handling = _draw(rng, CASE_HANDLING_WEIGHTS, n_cases)
    # order cases by date: case ids follow it
    order = np.lexsort((np.arange(n_cases), case_day))
    rank = np.empty(n_cases, dtype=np.int64)
    rank[order] = np.arange(n_cases)
    case_ids = np.asarray(_ids(f"A{cal.year}", rank + 1, 4).to_pylist(), dtype=object)
    # victims: the first one of each case, then a second one in some cases
    v_case = list(range(n_cases))
    v_child: list[object] = [
        *_take(reg.ids, victim).to_pylist(),
        *_ids("X", np.arange(1, n_out + 1), 7).to_pylist(),
    ]
    v_row = [*victim.tolist(), *([-1] * n_out)]
    taken = set(victim.tolist())
    for c in np.flatnonzero(rng.random(n_reg) < SECOND_VICTIM_SHARE):  # loop over cases
        lo, hi = (
            communes.bounds[reg.commune[victim[c]]],
            communes.bounds[reg.commune[victim[c]] + 1],
        )
        rows = np.arange(lo, hi)
        ok = (first[lo:hi] <= day[c]) & (last[lo:hi] >= day[c])
        candidates = [r for r in rows[ok].tolist() if r not in taken]
        if candidates:
            pick = int(candidates[int(rng.integers(len(candidates)))])
            taken.add(pick)
            v_case.append(int(c))
            v_child.append(_take(reg.ids, np.array([pick])).to_pylist()[0])
            v_row.append(pick)
    v_case_arr = np.asarray(v_case, dtype=np.int64)
    v_row_arr = np.asarray(v_row, dtype=np.int64)
    n_victims = len(v_case)
    here = v_row_arr >= 0
    forms = main_form[v_case_arr]
    violence = (rng.random(n_victims) < EXTRA_VIOLENCE_SHARE) & (forms != "BL")
    forms = np.where(violence, np.char.add("BL" + MULTI_SEPARATOR, forms.astype(str)), forms)
    helped = rng.random(n_victims) < VICTIM_SUPPORTED_SHARE
    help_day = case_day[v_case_arr] + rng.integers(
        VICTIM_SUPPORT_DELAY_DAYS[0], VICTIM_SUPPORT_DELAY_DAYS[1] + 1, size=n_victims
    )
    limit = np.where(here, last[np.maximum(v_row_arr, 0)], cal.end)
    help_day = np.minimum(help_day, limit)
    sex = np.full(n_victims, "", dtype=object)
    birth = np.zeros(n_victims, dtype=np.int64)
    sex[~here] = out_sex
    birth[~here] = out_birth
    victims = _frame(
        "abuse_victims",
        {
            "case_id": case_ids[v_case_arr] if n_victims else np.zeros(0, object),
            "child_id": np.asarray(v_child, dtype=object),
            "registered_here": here,
            "forms": forms,
            "support_date": _dates(help_day, helped),
            "support_type": _where(
                helped, rng.choice(np.array(VICTIM_SUPPORT_TYPES), size=n_victims)
            ),
            "sex": _where(~here, sex),
            "birth_date": _dates(birth, ~here),
        },
        n_victims,
    )
    cases = _frame(
        "abuse_cases",
        {
            "case_id": case_ids,
            "detected_date": _dates(case_day),
            "commune_code": communes.codes[case_commune],
            "division_version": version,
            "setting": _draw(rng, ABUSE_SETTING_WEIGHTS, n_cases),
            "perpetrator_relationship": _draw(rng, PERPETRATOR_WEIGHTS, n_cases),
            "handling": handling,
        },
        n_cases,
    )
    sexual = here & (np.char.find(forms.astype(str), "XHTD") >= 0)
    spells = (v_row_arr[sexual], case_day[v_case_arr[sexual]])
    cases = cases.iloc[order].reset_index(drop=True)
    victims = _sorted(victims, ["case_id"])
    return _Abuse(cases, victims, spells, main_form[order])


# -- special circumstances, supports, consultations ----------------------------------------------
def _subgroups(rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
    """A sub-group of each row's group (``None`` for groups without sub-groups)."""
    table = codelist("special_circumstance_subgroup")
    out = np.full(len(groups), None, dtype=object)
    for group in np.unique(groups):  # loop over the 14 groups
        options = table.index[table["group"] == group].to_numpy(dtype=object)
        rows = np.flatnonzero(groups == group)
        if options.size:
            out[rows] = options[rng.integers(options.size, size=rows.size)]
    return out


def _circumstances(
    rng: np.random.Generator, reg: _Register, cal: _Calendar, abuse: _Abuse
) -> tuple[pd.DataFrame, np.ndarray]:
    """Spells of special circumstances, and the register row of each spell."""
    n = reg.n
    # disability: every especially severe or severe, some mild
    level = reg.disability
    especially = _DISABILITY_LEVELS.index("ESPECIALLY_SEVERE")
    severe_only = _DISABILITY_LEVELS.index("SEVERE")
    severe = (level == especially) | (level == severe_only)
    mild = (level == _DISABILITY_LEVELS.index("MILD")) & (
        rng.random(n) < MILD_DISABILITY_IN_GROUP_D
    )
    d_rows = np.flatnonzero(severe | mild)
    d_sub = np.select(
        [level[d_rows] == especially, level[d_rows] == severe_only],
        ["HCDB_D1", "HCDB_D2"],
        "HCDB_D3",
    ).astype(object)
    # other groups at their rates
    rates = SPECIAL_CIRCUMSTANCES_PER_10K
    o_rows = np.flatnonzero(rng.random(n) < sum(rates.values()) / 10_000)
    o_group = _draw(rng, rates, o_rows.size)
    # a second group for some
    both = np.unique(np.concatenate([d_rows, o_rows]))
    s_rows = both[rng.random(both.size) < SECOND_GROUP_SHARE]
    s_group = _draw(rng, rates, s_rows.size)
    # registered victims of sexual abuse
    l_rows, l_start = abuse.sexual_abuse_spells
    l_group = np.full(l_rows.size, "HCDB_L")
    rows = np.concatenate([d_rows, o_rows, s_rows, l_rows])
    group = np.concatenate([np.full(d_rows.size, "HCDB_D"), o_group, s_group, l_group])
    subgroup = np.concatenate([d_sub, _subgroups(rng, np.concatenate([o_group, s_group, l_group]))])
    missing_sub = rng.random(rows.size) < SUBGROUP_MISSING_SHARE
    missing_sub[: d_rows.size] = False
    subgroup[missing_sub] = None
    # spells start between birth and the last day the child is a child here
    top = np.minimum(reg.sixteenth - 1, cal.end)
    top = np.where(reg.exited, np.minimum(top, reg.exit), top)
    start = _uniform_day(rng, reg.birth[rows], np.maximum(top[rows], reg.birth[rows]))
    start[rows.size - l_rows.size :] = l_start
    ended = rng.random(rows.size) < SPELL_ENDED_SHARE
    end = np.minimum(start + rng.integers(30, 1000, size=rows.size), cal.end)
    frame = pd.DataFrame({"row": rows, "group": group})
    keep = ~frame.duplicated(["row", "group"], keep="last").to_numpy()  # abuse spells win
    out = _frame(
        "circumstances",
        {
            "child_id": _take(reg.ids, rows[keep]),
            "group": group[keep],
            "subgroup": subgroup[keep],
            "start_date": _dates(start[keep]),
            "end_date": _dates(end[keep], ended[keep]),
        },
        int(keep.sum()),
    )
    out["_row"] = rows[keep]
    out = _sorted(out, ["child_id", "start_date", "group"])
    return out.drop(columns="_row"), out["_row"].to_numpy()


def _supports(
    rng: np.random.Generator,
    reg: _Register,
    cal: _Calendar,
    circumstances: pd.DataFrame,
    positions: np.ndarray,
) -> pd.DataFrame:
    first, last, _ = reg.window(cal)
    start = circumstances["start_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end_col = circumstances["end_date"]
    end = np.where(
        end_col.isna().to_numpy(),
        cal.end,
        end_col.fillna(pd.Timestamp(0)).to_numpy().astype("datetime64[D]").astype(np.int64),
    )
    lo = np.maximum(first[positions], start)
    hi = np.minimum(last[positions], end)
    chosen = (lo <= hi) & (rng.random(len(positions)) < SUPPORTED_SHARE)
    times = rng.integers(SUPPORTS_PER_CHILD[0], SUPPORTS_PER_CHILD[1] + 1, size=len(positions))
    spell = np.repeat(np.flatnonzero(chosen), times[chosen])
    days = _uniform_day(rng, lo[spell], hi[spell])
    kind = _draw_index(rng, SUPPORT_TYPE_WEIGHTS, spell.size)
    return _child_events(
        "supports", reg, positions[spell], days, tuple(SUPPORT_TYPE_WEIGHTS), kind, unique=True
    )


def _consultations(rng: np.random.Generator, reg: _Register, cal: _Calendar) -> pd.DataFrame:
    first, last, _ = reg.window(cal)
    first = np.maximum(first, _anniversary(reg.birth, 7))
    eligible = np.flatnonzero(first <= last)
    chosen = eligible[rng.random(eligible.size) < CONSULTED_SHARE_7PLUS]
    times = np.where(rng.random(chosen.size) < CONSULTED_TWICE_SHARE, 2, 1)
    child = np.repeat(chosen, times)
    days = _uniform_day(rng, first[child], last[child])
    form = _draw_index(rng, CONSULTATION_FORM_WEIGHTS, child.size)
    return _child_events(
        "consultations", reg, child, days, tuple(CONSULTATION_FORM_WEIGHTS), form, unique=True
    )


# -- sanctions -----------------------------------------------------------------------------------
def _sanctions(
    rng: np.random.Generator,
    n: int,
    communes: _Communes,
    cal: _Calendar,
    version: str,
    abuse: _Abuse,
) -> pd.DataFrame:
    cases = abuse.cases
    admin = np.flatnonzero(cases["handling"].to_numpy(dtype=object) == "ADMINISTRATIVE")
    per_case = 1 + (rng.random(admin.size) < SECOND_VIOLATOR_SHARE)
    linked = np.repeat(admin, per_case)
    target = int(rng.poisson(SANCTIONS_PER_100K * n / 100_000))
    n_free = max(0, target - linked.size)
    size = linked.size + n_free
    detected = cases["detected_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    delay = rng.integers(DECISION_DELAY_DAYS[0], DECISION_DELAY_DAYS[1] + 1, size=linked.size)
    day = np.concatenate(
        [
            np.minimum(detected[linked] + delay, cal.end),
            _uniform_day(rng, np.full(n_free, cal.start), np.full(n_free, cal.end)),
        ]
    )
    case_communes = cases["commune_code"].to_numpy(dtype=object)
    free_communes = communes.codes[rng.choice(communes.k, size=n_free, p=communes.weights())]
    commune = np.concatenate([case_communes[linked], free_communes.astype(object)])
    act = np.concatenate([abuse.main_form[linked], _draw(rng, UNLINKED_ACT_WEIGHTS, n_free)])
    warning = rng.random(size) < WARNING_ONLY_SHARE
    remedial = rng.random(size) < REMEDIAL_SHARE
    measures = np.where(warning, "WARNING", np.where(remedial, "FINE;REMEDIAL", "FINE"))
    lo = np.where(act == "BL", FINE_THOUSAND_VND["BL"][0], FINE_THOUSAND_VND["other"][0])
    hi = np.where(act == "BL", FINE_THOUSAND_VND["BL"][1], FINE_THOUSAND_VND["other"][1])
    fine = _uniform_day(rng, lo, hi) * 1000
    case_id = np.concatenate(
        [cases["case_id"].to_numpy(dtype=object)[linked], np.full(n_free, None, dtype=object)]
    )
    organisation = rng.random(size) < ORGANISATION_SHARE
    frame = _frame(
        "sanctions",
        {
            "decision_date": _dates(day),
            "commune_code": commune,
            "division_version": version,
            "case_id": case_id,
            "violator_type": np.where(organisation, "ORGANISATION", "INDIVIDUAL"),
            "act": act,
            "fine_vnd": _where(~warning, fine),
            "measures": measures,
        },
        size,
    )
    frame = _sorted(frame, ["decision_date", "commune_code"])
    numbers = np.arange(1, size + 1)
    frame["decision_id"] = pd.array(
        pc.binary_join_element_wise(
            _ids("", numbers, 4),
            pa.scalar(f"/{cal.year}/QĐ-XPVPHC", pa.large_string()),
            pa.scalar("", pa.large_string()),
        ),
        dtype="str",
    )
    frame["violator_id"] = pd.array(_ids(f"VP{cal.year}", numbers, 4), dtype="str")
    return frame


# -- child-level services and the commune's activities ---------------------------------------------
def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Frames of the years, one after the other (one frame as it is)."""
    if len(frames) == 1:
        return frames[0]
    return pd.concat(list(frames), ignore_index=True)


def _services(
    rng: np.random.Generator,
    reg: _Register,
    cal: _Calendar,
    children: pd.DataFrame,
    circumstances: pd.DataFrame,
    positions: np.ndarray,
) -> pd.DataFrame:
    """Services of the year: early childhood, disability, child labour, HIV care."""
    first, last, active = reg.window(cal)
    under_9 = np.floor((cal.end - reg.birth) / _DAYS_PER_YEAR) <= 8  # at the end of the year
    ecd = active & under_9 & (rng.random(reg.n) < ECD_SERVICE_SHARE)
    del under_9
    disabled = reg.disabled()
    community = active & disabled & (rng.random(reg.n) < DISABILITY_SERVICE_SHARE)
    skills = active & disabled & (reg.age >= 3) & (rng.random(reg.n) < INTEGRATION_SKILLS_SHARE)
    labour = np.zeros(reg.n, dtype=bool)
    risk = children["at_risk_reason"].eq("CHILD_LABOUR").fillna(False).to_numpy(dtype=bool)
    labour[risk] = True
    groups = circumstances["group"].to_numpy(dtype=object)
    subgroups = circumstances["subgroup"].to_numpy(dtype=object)
    labour[positions[(groups == "HCDB_H") | (subgroups == "BLOT_LAO_DONG")]] = True
    labour &= active & (rng.random(reg.n) < CHILD_LABOUR_SUPPORT_SHARE)
    hiv = np.zeros(reg.n, dtype=bool)
    hiv[positions[groups == "HCDB_DD"]] = True
    hiv &= active & (rng.random(reg.n) < HIV_CARE_SHARE)
    chosen = [
        ("ECD", ecd), ("DISABILITY_COMMUNITY", community), ("INTEGRATION_SKILLS", skills),
        ("CHILD_LABOUR_INTERVENTION", labour), ("HIV_CARE", hiv),
    ]  # fmt: skip
    rows = np.concatenate([np.flatnonzero(mask) for _, mask in chosen])
    service = np.concatenate(
        [np.full(int(mask.sum()), i, dtype=np.int8) for i, (_, mask) in enumerate(chosen)]
    )
    names = tuple(code for code, _ in chosen)
    del chosen, ecd, community, skills, labour, hiv
    days = _uniform_day(rng, first[rows], last[rows])
    return _child_events("services", reg, rows, days, names, service, unique=False)


def _activities(
    rng: np.random.Generator, reg: _Register, communes: _Communes, cal: _Calendar, version: str
) -> pd.DataFrame:
    """The activities each commune held in the year, for the groups of its plan.

    Group sizes come from the commune's register (families with children,
    caregivers of children 0-8, children with a disability); one activity
    reaches a share of its group, never more than the group.
    """
    _, _, active = reg.window(cal)
    under_9 = np.floor((cal.end - reg.birth) / _DAYS_PER_YEAR) <= 8  # at the end of the year
    disabled = reg.disabled()
    k = communes.k
    kids = np.bincount(reg.commune[active], minlength=k)
    young = np.bincount(reg.commune[active & under_9], minlength=k)
    with_disability = np.bincount(reg.commune[active & disabled], minlength=k)
    families = np.maximum(1, np.round(kids / CHILDREN_PER_FAMILY)).astype(np.int64)
    seed_officials = np.random.default_rng(int(communes.sizes.sum()) + k)  # same every year
    officials = seed_officials.integers(OFFICIALS_PER_COMMUNE[0], OFFICIALS_PER_COMMUNE[1] + 1, k)
    sizes = {
        "OFFICIALS": officials,
        "FAMILIES": families,
        "CAREGIVERS_YOUNG": np.maximum(1, np.round(young / CHILDREN_PER_FAMILY)).astype(np.int64),
        "PARENTS_DISABLED": with_disability,
        "PARENTS": families,
    }
    rows: dict[str, list[object]] = {
        name: [] for name in ("commune", "type", "group", "topic", "participants", "size",
                              "policy", "consulted")
    }  # fmt: skip

    def add(
        c: int,
        kind: str,
        group: str,
        topic: str,
        people: int,
        size: int | None,
        policy: str | None = None,
        consulted: bool | None = None,
    ) -> None:
        values = (c, kind, group, topic, people, size, policy, consulted)
        for name, value in zip(rows, values, strict=True):
            rows[name].append(value)

    for group, (types, topic, (lo, hi), (reach_lo, reach_hi)) in ACTIVITY_PLAN.items():
        count = rng.integers(lo, hi + 1, size=k)
        for c in np.flatnonzero(sizes[group] > 0):  # a loop over communes
            size = int(sizes[group][c])
            kinds = _draw(rng, types, int(count[c]))
            reach = rng.binomial(size, rng.uniform(reach_lo, reach_hi, size=int(count[c])))
            for kind, people in zip(kinds.tolist(), reach.tolist(), strict=True):
                extra = ""
                if group == "OFFICIALS" and rng.random() < 0.4:
                    extra = MULTI_SEPARATOR + str(rng.choice(np.array(OFFICIALS_EXTRA_TOPICS)))
                add(int(c), kind, group, topic + extra, int(people), size)
    # district policies, consulted in each commune of the district; children's forums
    district = np.arange(k) // COMMUNES_PER_DISTRICT[0]
    n_policies = rng.integers(POLICIES_PER_DISTRICT[0], POLICIES_PER_DISTRICT[1] + 1,
                              size=int(district.max()) + 1)  # fmt: skip
    for unit in range(k):  # a loop over communes
        for p in range(int(n_policies[district[unit]])):
            consulted = bool(rng.random() < POLICY_CHILDREN_CONSULTED_SHARE)
            people = int(rng.integers(10, 41)) if consulted else 0
            add(unit, "POLICY_CONSULTATION", "POLICIES", "PARTICIPATION", people, None,
                f"KH-{district[unit] + 1:02d}{p + 1:02d}/{cal.year}", consulted)  # fmt: skip
        for _ in range(int(rng.integers(CHILDREN_FORUMS[0], CHILDREN_FORUMS[1] + 1))):
            forum = int(rng.integers(30, 81))
            add(unit, "CHILDREN_FORUM", "CHILDREN", "PARTICIPATION", forum, None)
    n = len(rows["commune"])
    commune = np.asarray(rows["commune"], dtype=np.int64)
    days = _uniform_day(rng, np.full(n, cal.start), np.full(n, cal.end))
    frame = _frame(
        "activities",
        {
            "commune_code": communes.codes[commune] if n else np.zeros(0, dtype=str),
            "division_version": version,
            "activity_date": _dates(days),
            "activity_type": np.asarray(rows["type"], dtype=object),
            "target_group": np.asarray(rows["group"], dtype=object),
            "topic": np.asarray(rows["topic"], dtype=object),
            "participants": np.asarray(rows["participants"], dtype=np.int64),
            "group_size": pd.Series(rows["size"], dtype="Int64"),
            "policy_id": np.asarray(rows["policy"], dtype=object),
            "children_consulted": pd.Series(rows["consulted"], dtype="boolean"),
        },
        n,
    )
    frame = _sorted(frame, ["commune_code", "activity_date", "activity_type"])
    numbers = np.arange(1, n + 1)
    frame["activity_id"] = pd.array(_ids(f"HD{cal.year}-", numbers, 4), dtype="str")
    return frame


# -- the whole submission -------------------------------------------------------------------------
def _check(
    n_children: object,
    seed: object,
    year: object,
    n_communes: object,
    version: object,
    province: object,
) -> None:
    def whole(value: object) -> bool:
        return isinstance(value, int | np.integer) and not isinstance(value, bool)

    if not whole(n_children) or int(n_children) < 1:  # type: ignore[call-overload]
        raise SynthError(f"n_children must be a whole number of at least 1, got {n_children!r}")
    if not whole(seed) or int(seed) < 0:  # type: ignore[call-overload]
        raise SynthError(f"seed must be a whole number of at least 0, got {seed!r}")
    if not whole(year) or not 1990 <= int(year) <= _today().year:  # type: ignore[call-overload]
        raise SynthError(f"year must be between 1990 and {_today().year}, got {year!r}")
    if n_communes is not None and (
        not whole(n_communes) or not 1 <= int(n_communes) <= _MAX_COMMUNES  # type: ignore[call-overload]
    ):
        raise SynthError(f"n_communes must be between 1 and {_MAX_COMMUNES:,}, got {n_communes!r}")
    if version not in codes("division_version"):
        known = ", ".join(repr(c) for c in codes("division_version"))
        raise SynthError(f"division_version must be one of {known}, got {version!r}")
    if not (isinstance(province, str) and len(province) == 2 and province.isdigit()):
        raise SynthError(f"province_code must be two digits such as '24', got {province!r}")


def generate(
    n_children: int = 5000,
    *,
    seed: int = 0,
    year: int = 2024,
    n_communes: int | None = None,
    division_version: str = "2008",
    province_code: str = "24",
    years: int = 1,
) -> Submission:
    """A realistic synthetic submission of one year or more, valid by construction.

    Parameters
    ----------
    n_children
        Children on the register, including those who left during the year and
        a few who turned 16 but are still listed.
    seed
        Seed of NumPy's ``default_rng``: the same arguments give identical frames.
    year
        The year the events fall in (1 January to 31 December, or to yesterday
        when *year* is the current year).
    n_communes
        Communes to spread the children over; by default one per
        :data:`CHILDREN_PER_COMMUNE` children (at least one).
    division_version
        ``"2008"`` (communes in districts, as until 30 June 2025) or ``"2025"``
        (no district level).
    province_code
        The province's two-digit code in that division.
    years
        How many years the records cover, ending with *year* (1 to 10). The
        register then lists the children of every year (a child who turned 16
        stays listed), events, supports, consultations, services and the
        commune's activities are drawn year by year at the yearly rates, and
        the units declare the whole range.

    Returns
    -------
    Submission
        Every table at its canonical dtypes; ``units`` holds the province, its
        districts (2008) and the communes with their facts.

    Raises
    ------
    SynthError
        For arguments that cannot make a submission (no children, a year in
        the future, an unknown division version, ...).

    Examples
    --------
    >>> sub = generate(n_children=9000, seed=1, year=2024)
    >>> sub.units.groupby("level").size().to_dict()
    {'COMMUNE': 2, 'DISTRICT': 1, 'PROVINCE': 1}
    >>> bool(sub.injuries["injury_date"].between("2024-01-01", "2024-12-31").all())
    True
    >>> two = generate(n_children=3000, seed=1, year=2024, years=2)
    >>> sorted(two.activities["activity_date"].dt.year.unique().tolist())
    [2023, 2024]
    >>> generate(0)
    Traceback (most recent call last):
    ...
    chitieu.synth.SynthError: n_children must be a whole number of at least 1, got 0
    """
    _check(n_children, seed, year, n_communes, division_version, province_code)
    if isinstance(years, bool) or not isinstance(years, int | np.integer) or not 1 <= years <= 10:
        raise SynthError(f"years must be a whole number from 1 to 10, got {years!r}")
    if int(year) - int(years) + 1 < 1990:
        raise SynthError(f"the records would begin before 1990 (year {year}, years {years})")
    n, version = int(n_children), str(division_version)
    k = int(n_communes) if n_communes is not None else max(1, round(n / CHILDREN_PER_COMMUNE))
    cal = _calendar(int(year), int(years))
    rng = np.random.default_rng(int(seed))
    units, communes = _units(rng, n, k, version, province_code)
    # Every synthetic commune declares the dates its records cover: the year asked for.
    commune_rows = units["level"].eq("COMMUNE").to_numpy(dtype=bool)
    units.loc[commune_rows, "records_from"] = pd.Timestamp(np.datetime64(cal.start, "D"))
    units.loc[commune_rows, "records_to"] = pd.Timestamp(np.datetime64(cal.end, "D"))
    reg = _register(rng, communes, cal)
    each_year = _years(cal)
    injuries = _concat([_injuries(rng, reg, communes, c, version) for c in each_year])
    abuse_by_year = [_abuse(rng, reg, communes, c, version) for c in each_year]
    abuse = _Abuse(
        _concat([a.cases for a in abuse_by_year]),
        _concat([a.victims for a in abuse_by_year]),
        (
            np.concatenate([a.sexual_abuse_spells[0] for a in abuse_by_year]),
            np.concatenate([a.sexual_abuse_spells[1] for a in abuse_by_year]),
        ),
        np.concatenate([a.main_form for a in abuse_by_year]),
    )
    circumstances, spell_rows = _circumstances(rng, reg, cal, abuse)
    supports = _concat([_supports(rng, reg, c, circumstances, spell_rows) for c in each_year])
    consultations = _concat([_consultations(rng, reg, c) for c in each_year])
    sanctions = _concat(
        [
            _sanctions(rng, n, communes, c, version, a)
            for c, a in zip(each_year, abuse_by_year, strict=True)
        ]
    )
    children = _children_frame(rng, reg, communes, cal, version)
    # drawn last, so that the tables above do not depend on them
    reasons = _labels(
        tuple(RISK_REASON_WEIGHTS),
        _draw_index(rng, RISK_REASON_WEIGHTS, len(children)),
        children["at_risk_from"].notna().to_numpy(),
    )
    children["at_risk_reason"] = pd.Series(
        pd.array(reasons, dtype="str"), index=children.index, copy=False
    )
    del reasons
    services = _concat(
        [_services(rng, reg, c, children, circumstances, spell_rows) for c in each_year]
    )
    activities = _concat([_activities(rng, reg, communes, c, version) for c in each_year])
    frames = {
        "children": children,
        "circumstances": circumstances,
        "supports": supports,
        "consultations": consultations,
        "services": services,
        "injuries": injuries,
        "abuse_cases": abuse.cases,
        "abuse_victims": abuse.victims,
        "sanctions": sanctions,
        "activities": activities,
        "units": units,
    }
    frames = {t: f.loc[:, list(column_specs(t))] for t, f in frames.items()}
    source = (
        f"chitieu.synth.generate(n_children={n}, seed={int(seed)}, year={int(year)}, "
        f"n_communes={k}, division_version={version!r}, province_code={province_code!r}"
        + (f", years={int(years)})" if int(years) != 1 else ")")
    )
    return Submission(**frames, source=source, tables_present=tuple(TABLES))  # type: ignore[arg-type]


def place_in_unit(
    sub: Submission,
    unit_code: str,
    *,
    division_version: str,
    name: str = "",
    district_code: str = "",
) -> Submission:
    """The one-commune synthetic *sub* given the code (and name) of a real unit.

    The records stay synthetic: only the commune's code (in the records and
    the units table), its name and its district's code change, so that
    example data can stand for a unit a plan was set for. A name that does
    not start with "Xã" makes the commune urban, as the generator does.

    Raises
    ------
    SynthError
        When *sub* holds more than one commune, or was generated in another
        division version.

    Examples
    --------
    >>> sub = place_in_unit(generate(600, seed=2), "07840", division_version="2008",
    ...                     name="Thị trấn Thắng", district_code="222")
    >>> sorted(set(sub.children["commune_code"]))
    ['07840']
    >>> sub.units[["unit_code", "level"]].values.tolist()
    [['24', 'PROVINCE'], ['222', 'DISTRICT'], ['07840', 'COMMUNE']]
    """
    units = sub.units
    commune = (units["level"] == "COMMUNE").fillna(False).to_numpy(dtype=bool)
    if int(commune.sum()) != 1:
        raise SynthError(
            f"place_in_unit needs a submission of one commune, found {int(commune.sum()):,}"
        )
    old_code = str(units.loc[commune, "unit_code"].item())
    version = str(units.loc[commune, "division_version"].item())
    if version != division_version:
        raise SynthError(
            f"the submission was generated in the {version} division, not {division_version}; "
            f"generate it with division_version={division_version!r}"
        )
    units = units.copy()
    units.loc[commune, "unit_code"] = unit_code
    if name:
        units.loc[commune, "name"] = name
        units.loc[commune, "urban_rural"] = "RURAL" if name.startswith("Xã") else "URBAN"
    if district_code and version == "2008":
        old_district = units.loc[commune, "district_code"].item()
        district = (units["level"] == "DISTRICT").fillna(False).to_numpy(dtype=bool)
        same = (units["unit_code"] == old_district).to_numpy(dtype=bool)
        units.loc[district & same, "unit_code"] = district_code
        units.loc[commune, "district_code"] = district_code
    frames: dict[str, pd.DataFrame] = {"units": units}
    for table in ("children", "injuries", "abuse_cases", "sanctions", "activities"):
        frame = sub[table].copy()
        frame["commune_code"] = frame["commune_code"].replace(old_code, unit_code)
        frames[table] = frame
    return sub.replace(**frames)
