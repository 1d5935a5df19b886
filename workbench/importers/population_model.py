"""Plain results and errors of the population import."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

#: How many row problems (and duplicate references) a scan keeps; the totals count them all.
MAX_PROBLEMS = 1000
BLANK_STRATUM = "(blank)"


class PopulationError(WorkbenchError, ValueError):
    """The population file cannot be used at all.  Carries where: path, row, column, field."""

    def __init__(
        self,
        message: str,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        field: str | None = None,
        hint: str = "",
    ) -> None:
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        self.field = field
        self.message = message
        where = []
        if self.path:
            where.append(self.path)
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message,
                         hint or "correct the file and try again, or export it afresh from the source system")


@dataclass(frozen=True)
class RowProblem:
    """One value that failed validation.  ``row`` is the spreadsheet row (header row counts)."""

    row: int | None
    column: str | None
    field: str | None
    value: str
    message: str


@dataclass(frozen=True)
class DuplicateReference:
    reference: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class PopulationScan:
    """Validation report and fingerprint of a population extract.

    ``rows`` counts data rows (wholly blank rows are skipped).  ``cases`` counts the distinct
    non-empty references, i.e. what ``iter_keys`` yields; ``strata`` splits ``cases`` by the
    stratification field.  The fingerprint does not depend on row order.
    """

    rows: int
    fingerprint: str
    strata: dict[str, int]
    problems: tuple[RowProblem, ...]
    problem_total: int
    duplicates: tuple[DuplicateReference, ...]
    ok: bool
    cases: int = 0
    duplicate_total: int = 0
    header_row: int = 1
    file_kind: str = "csv"
    warnings: tuple[str, ...] = ()
    mapping: dict[str, str] = field(default_factory=dict)
    fingerprint_v1: str = ""  # the earlier scheme (sum of row hashes), to verify audits drawn under it
    #: rows left out because they failed a check (``exclude_invalid``), by spreadsheet row number
    excluded_rows: tuple[int, ...] = ()
    #: problems that block a draw (with ``exclude_invalid``: only those no row exclusion cures)
    blocking: int = 0
    #: the first and last value (ISO 8601) of the extract's first date field, the period it covers
    date_field: str = ""
    date_span: tuple[str, str] | None = None
    #: with a draw's seed: the keyed cases and candidate rows the draw reuses (population_keys)
    keys: Any = field(default=None, compare=False, repr=False)
