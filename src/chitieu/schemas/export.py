"""Export the record schemas as Frictionless Table Schema files and a Data Package.

Other tools (frictionless-py, the Open Data Editor, CKAN, R's ``frictionless``)
can check a submission in the canonical layout (``<table>.csv``, snake_case
headers, dates ``YYYY-MM-DD``) against these files without chitieu. The files
in the repository's ``schemas/`` folder are generated, never edited by hand::

    python -m chitieu.schemas.export schemas

Everything comes from :data:`chitieu.schemas.TABLES` and the code lists; what
Table Schema cannot say (Vietnamese aliases, code lists by name, links that hold
only for registered children) goes under the ``x-chitieu`` key.

Examples
--------
>>> schema = to_table_schema("children")
>>> schema["primaryKey"], schema["fields"][3]["name"], schema["fields"][3]["type"]
(['child_id'], 'birth_date', 'date')
>>> sex = next(f for f in schema["fields"] if f["name"] == "sex")
>>> sex["title"], sex["constraints"]
('Giới tính', {'required': True, 'enum': ['M', 'F', 'U']})
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from chitieu.codelists import codes, get_codelist
from chitieu.schemas import MULTI_SEPARATOR, TABLES, ColumnSpec, column_specs

__all__ = [
    "CONDITIONAL_FOREIGN_KEYS",
    "DATAPACKAGE",
    "FOREIGN_KEYS",
    "export_schemas",
    "render_schemas",
    "to_datapackage",
    "to_table_schema",
]

#: The file name of the Data Package descriptor.
DATAPACKAGE = "datapackage.json"

#: Links between tables that always hold: table -> [(fields, resource, its fields)].
FOREIGN_KEYS: dict[str, list[tuple[tuple[str, ...], str, tuple[str, ...]]]] = {
    "children": [
        (("commune_code", "division_version"), "units", ("unit_code", "division_version"))
    ],
    "circumstances": [(("child_id",), "children", ("child_id",))],
    "supports": [(("child_id",), "children", ("child_id",))],
    "consultations": [(("child_id",), "children", ("child_id",))],
    "services": [(("child_id",), "children", ("child_id",))],
    "injuries": [
        (("commune_code", "division_version"), "units", ("unit_code", "division_version"))
    ],
    "abuse_cases": [
        (("commune_code", "division_version"), "units", ("unit_code", "division_version"))
    ],
    "abuse_victims": [(("case_id",), "abuse_cases", ("case_id",))],
    "sanctions": [
        (("case_id",), "abuse_cases", ("case_id",)),
        (("commune_code", "division_version"), "units", ("unit_code", "division_version")),
    ],
    "activities": [
        (("commune_code", "division_version"), "units", ("unit_code", "division_version"))
    ],
}

#: Links that hold only for children on the register (``registered_here`` not false).
CONDITIONAL_FOREIGN_KEYS: dict[str, list[tuple[tuple[str, ...], str, tuple[str, ...]]]] = {
    "injuries": [(("child_id",), "children", ("child_id",))],
    "abuse_victims": [(("child_id",), "children", ("child_id",))],
}

_DATE_FORMATS_ACCEPTED = ("YYYY-MM-DD", "DD/MM/YYYY", "DD-MM-YYYY", "DD.MM.YYYY", "YYYY/MM/DD")


def _minimum(table: str, column: str) -> float | None:
    schema_column = TABLES[table].model.to_schema().columns[column]
    for check in schema_column.checks:
        if check.name == "greater_than_or_equal_to":
            value = check.statistics.get("min_value")
            return None if value is None else float(value)
    return None


def _multi_pattern(codelist_name: str) -> str:
    """An XML Schema regular expression for ``;``-separated codes of a list."""
    alternatives = "|".join(re.escape(code) for code in codes(codelist_name))
    sep = re.escape(MULTI_SEPARATOR)
    return f"({alternatives})({sep}({alternatives}))*"


def _field(spec: ColumnSpec) -> dict[str, Any]:
    field: dict[str, Any] = {
        "name": spec.name,
        "title": spec.vi,
        "description": spec.en,
        "type": spec.kind,
    }
    if spec.kind == "date":
        field["format"] = "default"
    constraints: dict[str, Any] = {}
    if not spec.nullable:
        constraints["required"] = True
    if spec.unique:
        constraints["unique"] = True
    if spec.codelist is not None:
        if spec.multi:
            constraints["pattern"] = _multi_pattern(spec.codelist)
        else:
            constraints["enum"] = list(codes(spec.codelist))
    minimum = _minimum(spec.table, spec.name)
    if minimum is not None:
        constraints["minimum"] = int(minimum) if float(minimum).is_integer() else minimum
    if constraints:
        field["constraints"] = constraints
    if spec.example is not None:
        field["example"] = spec.example
    extra: dict[str, Any] = {
        "aliases": list(spec.aliases),
        "column_required": spec.required,
    }
    if spec.codelist is not None:
        codelist = get_codelist(spec.codelist)
        extra["codelist"] = spec.codelist
        extra["codelist_confirmed"] = codelist.confirmed
        extra["multi"] = spec.multi
    if spec.kind == "date":
        extra["formats_read"] = list(_DATE_FORMATS_ACCEPTED)
    field["x-chitieu"] = extra
    return field


def _keys(links: list[tuple[tuple[str, ...], str, tuple[str, ...]]]) -> list[dict[str, Any]]:
    return [
        {"fields": list(fields), "reference": {"resource": resource, "fields": list(target)}}
        for fields, resource, target in links
    ]


def to_table_schema(table: str) -> dict[str, Any]:
    """The Frictionless Table Schema (v1) of *table*, as a dict ready for JSON.

    Parameters
    ----------
    table
        A table of :data:`chitieu.schemas.TABLES`.

    Returns
    -------
    dict
        ``name``, ``title``, ``description``, ``fields`` (with Vietnamese titles,
        English descriptions, types and constraints), ``primaryKey``,
        ``foreignKeys``, ``missingValues`` and chitieu's extras under ``x-chitieu``.

    Raises
    ------
    KeyError
        For an unknown table (the message lists the tables).

    Examples
    --------
    >>> s = to_table_schema("abuse_victims")
    >>> s["foreignKeys"]
    [{'fields': ['case_id'], 'reference': {'resource': 'abuse_cases', 'fields': ['case_id']}}]
    >>> forms = next(f for f in s["fields"] if f["name"] == "forms")
    >>> forms["constraints"]["pattern"].startswith("(BL|BLOT|")
    True
    """
    if table not in TABLES:
        raise KeyError(f"no table {table!r}; tables: {', '.join(TABLES)}")
    spec = TABLES[table]
    doc = " ".join((spec.model.__doc__ or "").split())
    schema: dict[str, Any] = {
        "name": table,
        "title": f"{spec.vi} / {spec.en}",
        "description": doc,
        "fields": [_field(c) for c in column_specs(table).values()],
        "primaryKey": list(spec.key),
        "missingValues": [""],
    }
    if table in FOREIGN_KEYS:
        schema["foreignKeys"] = _keys(FOREIGN_KEYS[table])
    extra: dict[str, Any] = {
        "title_vi": spec.vi,
        "title_en": spec.en,
        "file_aliases": list(spec.file_aliases),
        "table_required": spec.required,
        "multi_separator": MULTI_SEPARATOR,
    }
    if table in CONDITIONAL_FOREIGN_KEYS:
        extra["conditionalForeignKeys"] = [
            {**key, "unless": {"field": "registered_here", "equals": False}}
            for key in _keys(CONDITIONAL_FOREIGN_KEYS[table])
        ]
    schema["x-chitieu"] = extra
    return schema


def to_datapackage() -> dict[str, Any]:
    """The Data Package descriptor tying one resource per table to its schema file.

    >>> pkg = to_datapackage()
    >>> pkg["resources"][0]["path"], pkg["resources"][0]["schema"]
    ('children.csv', 'children.schema.json')
    """
    resources = [
        {
            "name": table,
            "title": f"{spec.vi} / {spec.en}",
            "path": f"{table}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": f"{table}.schema.json",
        }
        for table, spec in TABLES.items()
    ]
    return {
        "profile": "tabular-data-package",
        "name": "chitieu-submission",
        "title": "Số liệu trẻ em của xã / A commune's records on children (chitieu)",
        "description": (
            "The canonical layout of a chitieu submission: one CSV file per table, "
            "snake_case headers, dates YYYY-MM-DD, booleans true/false, empty cells "
            "for missing values. Generated from chitieu's record schemas."
        ),
        "resources": resources,
    }


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def render_schemas() -> dict[str, str]:
    """File name -> JSON text of every file :func:`export_schemas` writes.

    >>> files = render_schemas()
    >>> sorted(files)[:2], files["datapackage.json"].endswith("\\n")
    (['abuse_cases.schema.json', 'abuse_victims.schema.json'], True)
    """
    out = {f"{table}.schema.json": _dump(to_table_schema(table)) for table in TABLES}
    out[DATAPACKAGE] = _dump(to_datapackage())
    return out


def export_schemas(out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``<table>.schema.json`` for every table and ``datapackage.json`` to *out_dir*.

    The folder is created if needed; files of the same names are replaced.
    JSON is indented, with sorted keys and a final newline, so that the
    files change only when the schemas do.

    Returns
    -------
    list of Path
        The files written, schemas first (in table order), then the package.

    Examples
    --------
    >>> import tempfile
    >>> paths = export_schemas(tempfile.mkdtemp())
    >>> len(paths), paths[-1].name
    (12, 'datapackage.json')
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, text in render_schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m chitieu.schemas.export [FOLDER]``: write the files (default ``schemas``)."""
    args = sys.argv[1:] if argv is None else argv
    folder = args[0] if args else "schemas"
    for path in export_schemas(folder):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
