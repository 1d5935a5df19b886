"""A small template with every answer type, and fieldwork sheet data for it (hostile text included)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.reports.fieldwork_workbook import (
    FieldworkSheetData,
    SheetCase,
    SheetCriterion,
    SheetField,
    write_fieldwork_workbook,
)
from workbench.templates import Template, load_template

TEMPLATE_TOML = '''
key = "fieldwork-test"
version = 3
name = "Fieldwork test"
description = "Every answer type."

[[fields]]
key = "ref"
label = "Reference"
type = "text"
reference = true

[[fields]]
key = "call_time"
label = "Call received"
type = "datetime"

[[fields]]
key = "district"
label = "District"
type = "text"

[[fields]]
key = "caller_name"
label = "Caller name"
type = "text"
personal = true

[[criteria]]
key = "plan_recorded"
question = "Was a plan recorded?"
answer = "yes_no_na"
critical = true

[[criteria]]
key = "grade"
question = "Auditor's grade"
answer = "choice"
choices = ["Standard", "Medium", "High"]

[[criteria]]
key = "minutes"
question = "Minutes to arrival"
answer = "number"

[[criteria]]
key = "reviewed_at"
question = "When was it reviewed?"
answer = "datetime"

[[criteria]]
key = "note"
question = "What was found?"
answer = "text"

[[criteria]]
key = "district_known"
question = "Is the district recorded?"
answer = "yes_no_na"
rule = { kind = "field_present", field = "district" }
'''

HOSTILE = ("=1+1", "+SUM(A1)", "-2", "@cmd", "=HYPERLINK(\"http://evil.example\",\"x\")")


def test_template() -> Template:
    return load_template(TEMPLATE_TOML)


test_template.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def sheet_data(template: Template | None = None, cases: int = 4, audit_id: int = 7,
               title: str = "Response =1+1 audit") -> FieldworkSheetData:
    template = template or test_template()
    fields = tuple(SheetField(f.key, f.label, f.type) for f in template.fields
                   if not f.personal and not f.reference)
    criteria = tuple(SheetCriterion(c.key, c.question, c.answer, c.choices, c.critical, c.rule is not None,
                                    c.guidance) for c in template.criteria)
    rows = []
    for i in range(cases):
        ref = HOSTILE[i] if i < len(HOSTILE) and i % 2 == 1 else f"INC-{i + 1:04d}"
        answers = {"district_known": "yes", "plan_recorded": "yes" if i == 0 else None,
                   "minutes": "12.5" if i == 0 else None, "reviewed_at": "2024-03-14T14:02:00" if i == 0 else None}
        rows.append(SheetCase(
            100 + i, ref, "North" if i % 2 else "South",
            {"call_time": "2024-03-01T09:15:00", "district": HOSTILE[i % len(HOSTILE)]},
            answers, {"district_known": f"district is recorded ({HOSTILE[i % len(HOSTILE)]})"},
            "@SUM(A1) comment" if i == 0 else "", {"r": {"plan_recorded": [1, "x", "y"]} if i == 0 else {}}))
    return FieldworkSheetData(
        audit_id, title, template.key, template.version, template.sha256, template.name,
        "OFFICIAL-SENSITIVE", "Norfolk & Suffolk", datetime(2025, 1, 2, 10, 30, tzinfo=UTC), "ann.officer",
        fields, criteria, tuple(rows))


def write(tmp_path: Path, data: FieldworkSheetData | None = None, name: str = "fieldwork.xlsx") -> Path:
    return write_fieldwork_workbook(data or sheet_data(), tmp_path / name)


def shown_style(ws: Any, ref: str) -> Any:
    """What Excel applies to a cell of an openpyxl sheet: its own format, or its column's when it
    has none (an empty answer cell)."""
    cell = ws[ref]
    if cell.has_style:
        return cell
    # a <col> entry may cover several columns; openpyxl files it under the first one's letter
    return next(dim for dim in ws.column_dimensions.values() if dim.min <= cell.column <= dim.max)
