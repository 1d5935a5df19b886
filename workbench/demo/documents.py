"""Evidence files for the demo: small, real PDFs (reportlab) and one CSV, each carrying the
protective marking on every page (and as the CSV's first line) and saying it is synthetic.

PDFs are written with reportlab's ``invariant`` mode (fixed dates and document id), so the
same seed gives the same bytes.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from workbench.demo.errors import DemoError
from workbench.demo.extracts import safe_cell, write_bytes
from workbench.demo.measures import measure_series
from workbench.progress import Progress

FORCE = "Norfolk Constabulary"
SYNTHETIC = "Synthetic demonstration document: not a real force record."


@dataclass(frozen=True)
class EvidenceDocument:
    path: Path
    title: str
    evidence_date: date
    source: str
    afi: str  # key in afis.AFI_PHRASES
    media_type: str


Body = list[tuple[str, "str | list[list[str]]"]]  # ("h", text) heading, ("p", text) paragraph, ("t", rows) table


def _pdf(title: str, when: date, owner: str, body: Body, marking: str) -> bytes:
    styles = getSampleStyleSheet()

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, marking)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, marking)
        canvas.setFont("Helvetica", 7)
        canvas.drawString(18 * mm, 7 * mm, f"{FORCE} - {SYNTHETIC}")
        canvas.drawRightString(A4[0] - 18 * mm, 7 * mm, f"Page {doc.page}")
        canvas.restoreState()

    story = [Paragraph(escape(title), styles["Title"]),
             Paragraph(escape(f"{FORCE} | {owner} | {when:%d %B %Y}"), styles["Normal"]), Spacer(1, 6 * mm)]
    for kind, content in body:
        if isinstance(content, str):
            story.append(Paragraph(escape(content), styles["Heading2" if kind == "h" else "BodyText"]))
        else:
            rows = [[Paragraph(escape(str(c)), styles["BodyText"]) for c in row] for row in content]
            table = Table(rows, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story += [table, Spacer(1, 4 * mm)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, author=f"{FORCE} (synthetic)", subject=marking,
                            topMargin=22 * mm, bottomMargin=22 * mm, invariant=1)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


_RURAL = ("Breckland", "North Norfolk", "King's Lynn & West Norfolk")


def _minutes(rng: random.Random, when: date) -> Body:
    body: Body = [("p", "Attendees: Supt Contact and Control Room (chair); duty inspectors for the seven "
                        "districts; resourcing manager; performance analyst.")]
    for n in range(10):
        day = when - timedelta(days=9 - n)
        emergency = rng.randint(38, 62)
        late = rng.randint(2, 9)
        body += [("h", f"Meeting of {day:%A %d %B %Y}"),
                 ("t", [["Item", "Discussion and decision"],
                        ["Previous 24 hours", f"{emergency} emergency incidents, {late} attended outside target; "
                                              "each reviewed for risk and caller contact."],
                        ["Downgrades", f"{rng.randint(1, 6)} downgrades checked; "
                                       f"{rng.randint(0, 2)} returned to the control room for a rationale."],
                        ["Resourcing", f"{rng.choice(_RURAL)} short of cover on nights; "
                                       "response officers redeployed from Norwich."],
                        ["Actions", "Duty inspector to call back every caller waiting beyond target."]])]
    return body


_POLICY: Body = [
    ("h", "1. Purpose"),
    ("p", "Sets how calls are graded at first contact and how resources are deployed, so that incidents "
          "are attended within the force's targets: emergency 15 minutes urban and 20 minutes rural; "
          "priority 60 minutes. The clock starts when the call is received."),
    ("h", "2. Grading"),
    ("p", "Every call is assessed with THRIVE+ before a grade is set. Repeat-caller, repeat-location and "
          "vulnerability checks are mandatory and recorded on the log."),
    ("h", "3. Downgrades"),
    ("p", "A grade may be lowered only on new information about the risk, never for resource availability "
          "alone. The control room supervisor approves each downgrade and the caller is told."),
    ("h", "4. Oversight"),
    ("p", "The daily management meeting reviews every emergency and priority incident attended outside "
          "target. Compliance is audited quarterly by a dip sample of 82 incidents."),
]

_DA_PROCESS: Body = [
    ("h", "Why"),
    ("p", "Standard-risk domestic abuse cases were not audited, and repeat incidents did not prompt a "
          "review of the grade."),
    ("h", "Process"),
    ("t", [["Step", "Who", "When"],
           ["Daily review of standard-risk cases with 3 or more incidents in 12 months", "DA safeguarding team",
            "Next working day"],
           ["Monthly dip sample of standard-risk DASH/DARA assessments", "Assurance team", "Monthly"],
           ["Referral of children in the household to the MASH", "Attending officer", "Before going off duty"],
           ["Agreement table of original and auditor grades to the DA board", "Head of Assurance", "Quarterly"]]),
]


def _switchboard(points: tuple[tuple[date, float], ...]) -> Body:
    rows = [["Month", "Abandonment rate"]] + [[f"{d:%B %Y}", f"{v:.1f}%"] for d, v in points[:4]]
    return [("h", "Baseline"),
            ("p", "In the year ending 31 March 2024, 21.9 % of calls to 101 were abandoned before they were "
                  "answered. The national aim for forces with a switchboard is under 5 %."),
            ("h", "Actions"),
            ("p", "Twelve additional switchboard staff; call-back and online reporting on the 101 menu; "
                  "weekly abandonment figures to the contact management board."),
            ("h", "Early results"), ("t", rows)]


_MASH_CASE: Body = [
    ("h", "Problem"),
    ("p", "The medium-risk domestic abuse backlog in the multi-agency safeguarding hub ranged from 162 to "
          "268 cases during the inspection and has reached 500."),
    ("h", "Proposal"),
    ("t", [["Option", "Posts", "Backlog in 6 months"],
           ["Do nothing", "0", "250-500"],
           ["Eight researchers (recommended)", "8", "under 120"],
           ["Overtime only", "0", "about 200"]]),
    ("h", "Decision sought"), ("p", "Approve eight permanent researcher posts from the next financial year."),
]


def _plan(rng: random.Random, today: date, abandonment: tuple[tuple[date, float], ...]):
    """(file name, title, days before today, source, afi, body builder)."""
    minutes_day = today - timedelta(days=100)
    return [
        ("attendance-dmm-minutes.pdf", "Attendance oversight \u2014 daily management meeting minutes", 100,
         "Contact and Control Room", "attendance", lambda: _minutes(rng, minutes_day)),
        ("grading-deployment-policy-v2.pdf", "Revised grading and deployment policy v2", 90,
         "Policy unit", "attendance", lambda: _POLICY),
        ("da-standard-risk-review.pdf", "DA standard-risk review process", 110,
         "Safeguarding command", "da_governance", lambda: _DA_PROCESS),
        ("101-switchboard-plan.pdf", "101 switchboard improvement plan", 140,
         "Contact and Control Room", "abandonment", lambda: _switchboard(abandonment)),
        ("mash-staffing-business-case.pdf", "MASH staffing business case", 50,
         "Local policing command", "mash", lambda: _MASH_CASE),
    ]


def write_evidence_documents(folder: str | Path, today: date, seed: int = 2024,
                             marking: str = "OFFICIAL-SENSITIVE",
                             progress: Progress | None = None) -> list[EvidenceDocument]:
    """Write the demo's evidence files into ``folder``; returns what each one is."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DemoError(f"folder {folder} does not exist; create it first", field="folder")
    if not isinstance(today, date):
        raise DemoError(f"expected a date, got {today!r}", field="today")
    if not isinstance(marking, str) or not marking.strip():
        raise DemoError("the protective marking must be non-empty text", field="marking")
    rng = random.Random(seed)
    start = date(today.year - 1, today.month, 1)
    abandonment = next(s for s in measure_series(start, 12, seed) if s.afi == "abandonment").points
    out = []
    plan = _plan(rng, today, abandonment)
    total = len(plan) + 1
    for n, (name, title, days, source, afi, body) in enumerate(plan):
        when = today - timedelta(days=days)
        write_bytes(folder / name, _pdf(title, when, source, body(), marking))
        out.append(EvidenceDocument(folder / name, title, when, source, afi, "application/pdf"))
        if progress is not None:
            progress(n + 1, total)
    lines = [marking, f"{FORCE} 101 switchboard monthly call statistics - {SYNTHETIC}",
             "Month,Calls offered,Calls answered,Calls abandoned,Abandonment rate (%)"]
    for day, rate in abandonment:
        offered = rng.randint(17_000, 21_000)
        abandoned = round(offered * rate / 100)
        cells = (f"{day:%m/%Y}", offered, offered - abandoned, abandoned, f"{rate:.1f}")
        lines.append(",".join(safe_cell(v) for v in cells))
    csv_path = folder / "101-call-statistics.csv"
    write_bytes(csv_path, ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    out.append(EvidenceDocument(csv_path, "101 switchboard monthly call statistics", abandonment[-1][0],
                                "Contact and Control Room performance team", "abandonment", "text/csv"))
    if progress is not None:
        progress(total, total)
    return out
