"""The demo's action plan: actions against each seed AFI, with an owner role, a due date
relative to 'today' and a status.  Some are done, some in progress, some overdue (in progress
or not started with the due date passed), one blocked, so readiness has reasons to give.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from workbench.demo.errors import DemoError

STATUSES = ("not started", "in progress", "done", "blocked")


@dataclass(frozen=True)
class PlannedAction:
    afi: str  # key in afis.AFI_PHRASES
    title: str
    owner: str
    due_date: date
    status: str
    progress_note: str
    completed_on: date | None
    overdue: bool


_CCR = "Supt, Contact and Control Room"
_SAFEGUARDING = "Det Supt, Safeguarding"
_JUSTICE = "Det Supt, Investigations"
# (afi, title, owner, due in days from today, status, progress note)
_PLAN = (
    ("attendance", "Daily management meeting reviews every emergency and priority incident over target",
     _CCR, -150, "done", "Running since the spring; minutes kept as evidence."),
    ("attendance", "Revise the grading and deployment policy (THRIVE+, downgrade approval)",
     _CCR, -90, "done", "Version 2 approved by the chief officer group."),
    ("attendance", "Re-audit attendance times with the same method as the inspection (82 cases)",
     "Head of Assurance", 30, "in progress", "Round 2 fieldwork under way."),
    ("abandonment", "Recruit and train twelve switchboard staff for the 101 line",
     _CCR, -60, "done", "Eleven in post; one vacancy re-advertised."),
    ("abandonment", "Introduce call-back and online reporting options on the 101 menu",
     "Head of Digital Contact", -21, "in progress", "Supplier delay on the telephony change."),
    ("demand", "Analyse failure demand from update-chasing calls and fix the top three causes",
     "Head of Demand and Performance", 75, "in progress", "Analysis done; first change in testing."),
    ("da_governance", "Introduce a monthly dip sample of standard-risk DA cases",
     _SAFEGUARDING, -120, "done", "First two audits reported to the DA board."),
    ("da_governance", "Add a repeat-incident prompt to raise standard risk to medium",
     _SAFEGUARDING, -30, "not started", "Awaiting a change slot on the records system."),
    ("mash", "Business case for eight additional MASH researchers",
     "Ch Supt, Local Policing", -45, "done", "Approved; recruitment in progress."),
    ("mash", "Clear the medium-risk backlog to under 120 cases",
     "DCI, MASH", 60, "in progress", "Backlog falling month on month."),
    ("preventative_orders", "Extend DVPN/DVPO consideration to medium and standard risk with inspector review",
     _SAFEGUARDING, 45, "in progress", "Guidance drafted; training booked."),
    ("offender_ratio", "Recruit offender managers to bring caseloads within the force limit",
     "DCI, Offender Management", 120, "in progress", "Four of six posts filled."),
    ("digital_tools", "Train all MOSOVO staff in Cyacomb device triage",
     "DCI, Offender Management", -10, "blocked", "Licence renewal pending with the national provider."),
    ("use_of_force", "Make the use-of-force form mandatory at custody booking-in",
     "Ch Insp, Custody", -75, "done", "Custody system prompt live."),
    ("use_of_force", "Quarterly disproportionality and subject-injury review at the use-of-force board",
     "Supt, Professional Standards", 20, "in progress", "First review held; second scheduled."),
    ("supervisors", "All sergeants through the Stripes course",
     "Head of Learning and Development", 150, "in progress", "62 % of sergeants trained."),
    ("allocation", "Revise crime allocation guidance with skills-based allocation and a dispute route",
     _JUSTICE, -40, "in progress", "Consultation with district commanders continuing."),
    ("outcomes", "Outcomes improvement plan for victim-based crime",
     _JUSTICE, 90, "not started", ""),
    ("investigation_skills_2018", "Appoint a professional lead for investigations",
     _JUSTICE, -2100, "done", "Lead appointed; role continues."),
    ("allocation_2018", "Review crime allocation through the life of an investigation",
     _JUSTICE, -2000, "done", "Superseded by the 2023-25 allocation action."),
    ("supervision_2018", "Record supervisory reviews at set intervals on the crime system",
     _JUSTICE, -1900, "done", "Mandatory review fields introduced."),
)


def action_plan(today: date, seed: int = 2024) -> list[PlannedAction]:
    """The action plan as it stands on ``today`` (due dates shift a few days with the seed)."""
    if not isinstance(today, date):
        raise DemoError(f"expected a date, got {today!r}", field="today")
    rng = random.Random(seed)
    out = []
    for afi, title, owner, due_in, status, note in _PLAN:
        due = today + timedelta(days=due_in + rng.randint(-5, 5))
        if due_in < 0:
            due = min(due, today - timedelta(days=1))
        completed = None
        if status == "done":
            completed = min(today, due + timedelta(days=rng.randint(-20, 10)))
        overdue = status != "done" and due < today
        out.append(PlannedAction(afi, title, owner, due, status, note, completed, overdue))
    return out
