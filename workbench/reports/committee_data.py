"""The quarterly committee report and the force action plan as plain data (no session inside)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ChangeRow:
    on: date
    finding: str  # "VAWG thematic / Recommendation 3"
    line: str
    from_status: str
    to_status: str
    comment: str


@dataclass(frozen=True)
class DueRow:
    due: date
    what: str
    detail: str
    overdue: bool


@dataclass(frozen=True)
class ClosureRow:
    finding: str
    proposed_on: date
    proposed_by: str
    period: str
    evidence: int
    rationale: str


@dataclass(frozen=True)
class ActionPlanRow:
    finding: str
    action: str
    owner: str
    deadline: date | None
    status: str
    percent_complete: int
    on_track: bool


@dataclass(frozen=True)
class CommitteeReport:
    force: str
    marking: str
    period_start: date | None  # the previous report's date: changes are counted after it
    period_end: date
    prepared_by: str
    by_source: tuple[tuple[str, int, int], ...]  # (source type, findings, still open)
    by_status: tuple[tuple[str, int], ...]  # the force's status line
    by_inspectorate: tuple[tuple[str, int], ...]
    by_rag: tuple[tuple[str, int], ...]
    changes: tuple[ChangeRow, ...]
    overdue_actions: tuple[DueRow, ...]
    audits: tuple[DueRow, ...]
    closures: tuple[ClosureRow, ...]
    pcc_responses: tuple[DueRow, ...]
    action_plan: tuple[ActionPlanRow, ...]

    @property
    def title(self) -> str:
        return f"HMICFRS progress report to the committee, quarter to {self.period_end:%d %B %Y}"
