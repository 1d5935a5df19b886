"""Leaving rows of an extract out of the population, each exclusion with a recorded reason.

Two ways, combinable:

- ``exclude_invalid``: every row that fails a check of the validation report (an unreadable
  date, an empty required value, an arrival before the call, a repeated reference, a row that
  cannot be read) is left out. This is a rule, not a list, so a redraw from the same extract in
  any row order leaves out the same rows.
- ``rows``: chosen spreadsheet row numbers of this file, each with its own reason (e.g. "test
  incident"), for rows that pass the checks but do not belong in the population.

A reason is required (the service refuses an exclusion without one). The draw records what was
left out and why in the audit's plan (``plan["exclusions"]``) and in the change log;
``methodology_text`` gives the sentence the methodology prints, and ``verify_draw`` applies the
same exclusions again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import InputError
from workbench.importers.population_model import PopulationScan

#: how many excluded row numbers the plan keeps in full (the count is always kept)
LISTED_ROWS = 5000


@dataclass(frozen=True)
class Exclusions:
    """What to leave out of an extract, and why."""

    reason: str = ""
    exclude_invalid: bool = False
    rows: Mapping[int, str] = field(default_factory=dict)  # row number -> reason (blank: ``reason``)

    @property
    def any(self) -> bool:
        return self.exclude_invalid or bool(self.rows)

    def checked(self) -> Exclusions:
        """The same exclusions, or an InputError naming what is missing (never applied without a reason)."""
        reason = (self.reason or "").strip()
        rows: dict[int, str] = {}
        for row, why in (self.rows or {}).items():
            if isinstance(row, bool) or not isinstance(row, int) or row < 2:
                raise InputError(f"row {row!r} cannot be excluded: give the spreadsheet row number of a data row "
                                 "(the header is row 1)")
            why = (why or "").strip() or reason
            if not why:
                raise InputError(f"row {row} is excluded without a reason",
                                 "say why each excluded row does not belong in the population")
            rows[row] = why
        if self.exclude_invalid and not reason:
            raise InputError("excluding the invalid rows needs a reason that is recorded with the audit",
                             'e.g. --reason "times not recorded by the control room system"')
        return Exclusions(reason, self.exclude_invalid, rows)

    def importer_args(self) -> dict[str, Any]:
        return {"exclude_invalid": self.exclude_invalid, "excluded_rows": tuple(sorted(self.rows))}


NONE = Exclusions()


def parse_exclusions_file(text: str, source: str = "the exclusions file") -> dict[int, str]:
    """Rows to exclude from a CSV of ``row,reason`` lines (a header line is allowed)."""
    import csv
    import io

    out: dict[int, str] = {}
    for number, line in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not line or not "".join(line).strip():
            continue
        first = line[0].strip()
        if number == 1 and not first.isdigit():
            continue  # a header such as "row,reason"
        if not first.isdigit():
            raise InputError(f"{source} line {number}: {first!r} is not a row number",
                             "each line is ROW,REASON, e.g. 14,test incident")
        reason = ",".join(line[1:]).strip()
        if not reason:
            raise InputError(f"{source} line {number}: row {first} has no reason",
                             "each line is ROW,REASON, e.g. 14,test incident")
        out[int(first)] = reason
    return out


def record(exclusions: Exclusions, scan: PopulationScan) -> dict[str, Any] | None:
    """What the plan keeps about the exclusions of a draw (None when nothing was excluded)."""
    if not exclusions.any:
        return None
    invalid = list(scan.excluded_rows)
    return {
        "reason": exclusions.reason,
        "exclude_invalid": exclusions.exclude_invalid,
        "invalid_rows": len(invalid),
        "invalid_listed": invalid[:LISTED_ROWS],
        "rows": {str(k): v for k, v in sorted(exclusions.rows.items())},
        "problems": scan.problem_total,
    }


def from_plan(plan: Mapping[str, Any] | None) -> Exclusions:
    """The exclusions a draw recorded, to apply them again (verify-draw)."""
    saved = (plan or {}).get("exclusions") or {}
    return Exclusions(saved.get("reason", ""), bool(saved.get("exclude_invalid")),
                      {int(k): v for k, v in (saved.get("rows") or {}).items()})


def methodology_text(plan: Mapping[str, Any] | None) -> str:
    """One sentence for the methodology: what was left out of the population and why ("" if nothing)."""
    saved = (plan or {}).get("exclusions") or {}
    parts = []
    if saved.get("exclude_invalid") and saved.get("invalid_rows"):
        n = saved["invalid_rows"]
        parts.append(f"{n:,} row{'s' if n != 1 else ''} that failed the validation checks "
                     f"({saved.get('reason') or 'no reason recorded'})")
    rows = saved.get("rows") or {}
    if rows:
        reasons: dict[str, list[str]] = {}
        for row, why in rows.items():
            reasons.setdefault(why, []).append(row)
        parts.append("; ".join(f"row{'s' if len(r) != 1 else ''} {', '.join(r[:10])}"
                               f"{' …' if len(r) > 10 else ''} ({why})" for why, r in reasons.items()))
    if not parts:
        return ""
    return "Left out of the population before the draw: " + "; ".join(parts) + "."
