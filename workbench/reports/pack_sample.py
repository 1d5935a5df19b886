"""A realistic Norfolk Constabulary pack built from the 2023-25 PEEL findings (tests, previews)."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from workbench.reports.pack_data import (
    ActionRow,
    AgreementTable,
    AuditMethod,
    AuditResult,
    CaseRow,
    CriterionRow,
    EvidenceRow,
    FigureRow,
    FindingSection,
    MeasurePoint,
    MeasureSeries,
    PackData,
    RateWithInterval,
    SignOffInfo,
    StratumRow,
    TrendPoint,
)

_Z95 = 1.959963984540054


def _wilson(successes: int, n: int) -> tuple[float, float, float]:
    """Wilson score 95 % interval (sample data only; the stats package owns the real one)."""
    if n == 0:
        return 0.0, 0.0, 1.0
    p = successes / n
    denom = 1 + _Z95**2 / n
    centre = (p + _Z95**2 / (2 * n)) / denom
    half = _Z95 * math.sqrt(p * (1 - p) / n + _Z95**2 / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)


def _rate(successes: int, n: int) -> RateWithInterval:
    p, low, high = _wilson(successes, n)
    return RateWithInterval(successes, n, p, low, high)


def _kappa(matrix: tuple[tuple[int, ...], ...]) -> tuple[float, float]:
    n = sum(map(sum, matrix))
    observed = sum(matrix[i][i] for i in range(len(matrix))) / n
    expected = sum(sum(matrix[i]) * sum(row[i] for row in matrix)
                   for i in range(len(matrix))) / (n * n)
    return (observed - expected) / (1 - expected), observed


_ATTENDANCE_CRITERIA = (
    ("grade_recorded", "Initial and final grade recorded", False),
    ("downgrade_rationale", "Any downgrade has a recorded and approved rationale", False),
    ("vulnerability_check", "Vulnerability and repeat-caller check completed", True),
    ("within_target", "Call-to-arrival within the target for the grade and area", True),
)


def _attendance_cases(rng: random.Random) -> tuple[CaseRow, ...]:
    # 82 cases, 41 per stratum; exactly 64 compliant (33 emergency, 31 priority).
    cases: list[CaseRow] = []
    plan = (("Emergency", 41, 33), ("Priority", 41, 31))
    number = 1
    for stratum, size, compliant in plan:
        failing = set(rng.sample(range(size), size - compliant))
        for i in range(size):
            ok = i not in failing
            minutes = rng.randint(6, 14) if stratum == "Emergency" else rng.randint(20, 55)
            answers = {
                "grade_recorded": "yes",
                "downgrade_rationale": "yes" if rng.random() > 0.1 else "n/a",
                "vulnerability_check": "yes",
                "within_target": "yes",
            }
            notes = ""
            if not ok:
                if rng.random() < 0.25:
                    answers["vulnerability_check"] = "no"
                    notes = "Repeat caller not identified; no vulnerability check on the log."
                else:
                    answers["within_target"] = "no"
                    minutes += rng.randint(12, 70)
                    notes = f"Arrived after {minutes} minutes; no resource update recorded."
            answers["minutes_to_arrival"] = str(minutes)
            cases.append(CaseRow(f"NC-24-{10230 + number * 7:06d}", stratum, ok, answers, notes))
            number += 1
    return tuple(cases)


def _criteria(cases: tuple[CaseRow, ...]) -> tuple[CriterionRow, ...]:
    rows = []
    for key, question, critical in _ATTENDANCE_CRITERIA:
        applicable = [c for c in cases if c.answers.get(key, "n/a") != "n/a"]
        met = sum(1 for c in applicable if c.answers[key] == "yes")
        p, low, high = _wilson(met, len(applicable))
        rows.append(CriterionRow(key, question, critical, met, len(applicable), p, low, high))
    return tuple(rows)


def _attendance_audit() -> AuditResult:
    cases = _attendance_cases(random.Random(20240923))
    compliance = _rate(64, 82)
    baseline = _rate(49, 82)
    strata = []
    for name, population in (("Emergency", 4_212), ("Priority", 4_190)):
        in_stratum = [c for c in cases if c.stratum == name]
        ok = sum(1 for c in in_stratum if c.compliant)
        p, low, high = _wilson(ok, len(in_stratum))
        strata.append(StratumRow(name, population, len(in_stratum), ok,
                                 population / 8_402, p, low, high))
    notable = tuple(c for c in cases if not c.compliant)
    return AuditResult(
        title="Response attendance audit, quarter 3 2024-25",
        template="Response attendance & grading",
        template_version="1.2",
        round=2,
        method="Stratified random sample by call grade (proportional allocation)",
        sample_size=82,
        seed="7 311 904 552",
        population="Incident extract, STORM, 1 Oct - 31 Dec 2024 (8,402 graded incidents)",
        population_fingerprint="sha256:4f0c9a1e7d2b83c5a61f09e2d4b7c8a3"
                               "e5f60718293a4b5c6d7e8f9012345678",
        compliance=compliance,
        baseline=baseline,
        difference_text=("improved from 59.8 % to 78.0 %; the sample confirms an improvement "
                         "(difference +18.3 points, 95 % interval +4.1 to +31.5)"),
        target=0.85,
        rag="amber",
        rag_reason="Better than the inspection baseline but below the force target of 85 %.",
        criteria=_criteria(cases),
        strata=tuple(strata),
        cases=cases,
        notable_cases=notable,
        trend=(
            TrendPoint("Inspection (HMICFRS)", *_wilson(49, 82)),
            TrendPoint("Round 1 - Q2 2024-25", *_wilson(55, 82)),
            TrendPoint("Round 2 - Q3 2024-25", *_wilson(64, 82)),
        ),
        extract_period="1 October 2024 to 31 December 2024 (first and last 'Call received' in the extract)",
        inclusion=("every graded emergency and priority incident in the STORM extract with a case reference "
                   "(8,402 cases)"),
        population_size=8_402,
        fieldwork="6 January 2025 to 24 January 2025",
        auditors="Sam Okafor, Priya Nair",
        second_review="10 cases re-checked by a second reviewer (Helen Marsh): 68 of 70 answers agreed (97.1 %)",
        limitations=("A sample of 82 of 8,402 cases: the rates are estimates, with the 95 % intervals shown.",
                     "Only what the case records show was assessed; the results cover the extract's period only."),
    )


def _da_audit() -> AuditResult:
    matrix = ((18, 3, 0), (1, 14, 2), (0, 1, 11))
    kappa, rate = _kappa(matrix)
    rng = random.Random(4411)
    cases = []
    grades = ("standard", "medium", "high")
    idx = 0
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            for _ in range(count):
                idx += 1
                ok = i == j
                cases.append(CaseRow(
                    f"DA-24-{5100 + idx:05d}", grades[i].title(), ok,
                    {"dash_completed": "yes", "original_grade": grades[i],
                     "auditor_grade": grades[j],
                     "supervisor_review": "yes" if rng.random() > 0.12 else "no"},
                    "" if ok else f"Graded {grades[i]}; auditor graded {grades[j]}."))
    ok_count = sum(1 for c in cases if c.compliant)
    return AuditResult(
        title="Domestic abuse primary risk assessment audit",
        template="DA primary risk assessment (DASH / DARA)",
        template_version="2.0",
        round=1,
        method="Simple random sample",
        sample_size=50,
        seed="1 094 377 210",
        population="Domestic abuse incidents, 1 Sep - 30 Nov 2024 (3,118 incidents)",
        population_fingerprint="sha256:9b1d7c0e2a4f6b8d0c1e3a5f7b9d1c3e"
                               "5a7f9b1d3c5e7a9f1b3d5c7e9a1f3b5d",
        compliance=_rate(ok_count, 50),
        baseline=None,
        difference_text="No inspection baseline; this is the first round.",
        target=0.80,
        rag="green",
        rag_reason="86.0 % meets the force target of 80 %.",
        criteria=(
            CriterionRow("dash_completed", "DASH completed in person", True, 50, 50,
                         *_wilson(50, 50)),
            CriterionRow("grade_agrees", "Risk grade agrees with auditor's grade", True, 43, 50,
                         *_wilson(43, 50)),
            CriterionRow("supervisor_review", "Supervisor review within 24 hours", False,
                         44, 50, *_wilson(44, 50)),
        ),
        cases=tuple(cases),
        notable_cases=tuple(c for c in cases if not c.compliant)[:3],
        agreement=AgreementTable(tuple(g.title() for g in grades), matrix, kappa, rate),
        extract_period="1 September 2024 to 30 November 2024 (first and last 'Reported' in the extract)",
        inclusion="every domestic abuse incident with a primary risk assessment (3,118 cases)",
        population_size=3_118,
        fieldwork="2 December 2024 to 13 December 2024",
        auditors="Priya Nair",
        second_review="none: no case was re-checked by a second reviewer",
        limitations=("A sample of 50 of 3,118 cases: the rates are estimates, with the 95 % intervals shown.",
                     "No second review: the answers rest on one auditor's judgement."),
    )


def _monthly(start: date, values: tuple[float, ...]) -> tuple[MeasurePoint, ...]:
    points = []
    for i, value in enumerate(values):
        month = (start.month - 1 + i) % 12 + 1
        year = start.year + (start.month - 1 + i) // 12
        points.append(MeasurePoint(date(year, month, 1), value))
    return tuple(points)


def _evidence(title: str, filename: str, when: date, seed: int, size: int) -> EvidenceRow:
    digest = random.Random(seed).getrandbits(256)
    return EvidenceRow(title, filename, when,
                       datetime.combine(when + timedelta(days=3), datetime.min.time())
                       + timedelta(hours=10, minutes=seed % 60),
                       f"{digest:064x}", size, "OFFICIAL-SENSITIVE")


def build_sample_pack() -> PackData:
    attendance = _attendance_audit()
    da_audit = _da_audit()
    inspection = "PEEL 2023-25 Norfolk Constabulary (published 23 September 2024)"
    findings = (
        FindingSection(
            ref="AFI-2325-05", kind="Area for improvement",
            title="The constabulary needs to attend calls for service within its own set "
                  "attendance times",
            text="In the 82 cases we examined, only 49 cases had a response to the incident "
                 "that was within the required attendance time (whether downgraded or not). "
                 "Delayed responses can lead to the constabulary missing opportunities to "
                 "safeguard victims or collect evidence.",
            area="Responding to the public", status="In progress", owner="Supt. R. Hale",
            readiness="partly ready",
            readiness_reasons=(
                "Re-audit shows 78.0 % compliance (95 % interval 67.9 % to 85.6 %), a confirmed "
                "improvement on 59.8 %, but below the 85 % target.",
                "1 of 4 actions is overdue.",
                "Evidence is complete for 3 of 4 actions.",
            ),
            baseline_figures=(
                FigureRow("Cases examined", "82", "In the 82 cases we examined, only 49 cases "
                          "had a response ... within the required attendance time."),
                FigureRow("Cases within attendance time", "49 (59.8 %)", "only 49 cases had a "
                          "response to the incident that was within the required attendance "
                          "time"),
            ),
            audits=(attendance,),
            actions=(
                ActionRow("Daily attendance-time review at the 08:00 management meeting",
                          "Ch Insp. A. Patel", date(2024, 11, 30), "Complete"),
                ActionRow("Revise THRIVE+ downgrade guidance and approval step",
                          "Insp. L. Okafor", date(2025, 1, 31), "Complete"),
                ActionRow("Rural response cover review for the Breckland district",
                          "Supt. R. Hale", date(2025, 2, 28), "In progress", overdue=True),
                ActionRow("Quarterly re-audit of 82 cases", "Assurance team",
                          date(2025, 6, 30), "In progress"),
            ),
            evidence=(
                _evidence("Attendance dashboard extract, Q3", "attendance_q3.xlsx",
                          date(2025, 1, 6), 11, 48_231),
                _evidence("Downgrade guidance v3 (approved)", "thrive_downgrade_v3.pdf",
                          date(2025, 1, 20), 12, 312_004),
                _evidence("Management meeting minutes, December", "mm_minutes_dec.docx",
                          date(2024, 12, 18), 13, 27_880),
            ),
            narrative="Since the inspection the control room has introduced a daily review of "
                      "every emergency and priority incident outside its attendance time. The "
                      "re-audit of 82 incidents drawn from the quarter 3 extract found 64 within "
                      "policy. Failures concentrate on rural priority incidents at shift change.",
            review_comments=("Reviewer: include the rural cover review outcome before "
                             "submission.",),
        ),
        FindingSection(
            ref="AFI-2325-06", kind="Area for improvement",
            title="The constabulary needs to reduce the number of non-emergency calls the "
                  "caller abandons because they aren't answered",
            text="The constabulary told us that, in the year ending 31 March 2024, 21.9 percent "
                 "of calls to its non-emergency 101 number were abandoned by callers before "
                 "they were answered.",
            area="Responding to the public", status="In progress", owner="Ch Supt. M. Doyle",
            readiness="not ready",
            readiness_reasons=("101 abandonment is 11.8 % against the 5 % aim.",
                               "No audit is linked to this finding."),
            baseline_figures=(FigureRow("101 abandonment rate", "21.9 %", "21.9 percent of "
                                        "calls to its non-emergency 101 number were abandoned"),),
            measures=(MeasureSeries("101 abandonment rate", "%", 21.9, 5.0, "down",
                                    _monthly(date(2024, 4, 1), (21.9, 20.4, 19.8, 18.1, 16.9,
                                                                15.2, 14.8, 13.1, 12.6,
                                                                11.8))),),
            actions=(
                ActionRow("Recruit 14 additional call handlers", "Ch Supt. M. Doyle",
                          date(2024, 12, 31), "In progress", overdue=True),
                ActionRow("Introduce call-back option on the 101 line", "Contact manager",
                          date(2025, 3, 31), "Complete"),
            ),
            evidence=(_evidence("Contact management performance report, January",
                                "contact_perf_jan25.pdf", date(2025, 2, 3), 21, 640_112),),
        ),
        FindingSection(
            ref="AFI-2325-11", kind="Area for improvement",
            title="The constabulary needs to make sure its multi-agency safeguarding hub has "
                  "enough trained personnel to manage current and future demand",
            text="During our 2023-25 inspection we found there were still backlogs in "
                 "medium-risk cases, which ranged from 162 to 268 cases.",
            area="Protecting vulnerable people", status="In progress", owner="D/Supt. K. Ward",
            readiness="partly ready",
            readiness_reasons=("Backlog down to 96 cases against a target of 50.",
                               "Training plan complete; evidence attached."),
            baseline_figures=(
                FigureRow("Backlog, 2020/21", "around 400", "a backlog of around 400 "
                          "medium-risk domestic abuse cases"),
                FigureRow("Backlog range, 2023-25", "162 to 268", "which ranged from 162 to "
                          "268 cases"),
                FigureRow("Backlog peak (force figure)", "500", "the backlog can be as high as "
                          "500 cases"),
            ),
            audits=(da_audit,),
            measures=(MeasureSeries("MASH medium-risk backlog", "cases", 268, 50, "down",
                                    _monthly(date(2024, 6, 1), (268, 241, 230, 198, 176, 150,
                                                                131, 112, 96))),),
            actions=(ActionRow("Train 12 additional MASH researchers", "D/Supt. K. Ward",
                               date(2025, 1, 31), "Complete"),),
            evidence=(_evidence("MASH training register", "mash_training.xlsx",
                                date(2025, 2, 1), 31, 19_552),),
            links=("2018 AFI: The force should improve its safeguarding of vulnerable people",),
        ),
        FindingSection(
            ref="AFI-2325-12", kind="Area for improvement",
            title="The constabulary needs to reduce the ratio of offenders to offender managers",
            text="This ratio was 63:1. 26 percent of these were high-risk offenders. Authorised "
                 "professional practice says an offender manager shouldn't have a caseload of "
                 "more than offenders and less than 20 percent of them should be high-risk "
                 "offenders.",
            area="Managing offenders", status="Open", owner="D/Supt. K. Ward",
            readiness="not ready",
            readiness_reasons=("Ratio 58:1; the force has not yet entered its caseload limit.",
                               "The APP caseload figure is missing from the report text."),
            baseline_figures=(
                FigureRow("Offenders per offender manager", "63:1", "This ratio was 63:1."),
                FigureRow("High-risk share", "26 %", "26 percent of these were high-risk "
                          "offenders."),
                FigureRow("APP caseload limit", "", "shouldn't have a caseload of more than "
                          "offenders", missing_in_source=True),
            ),
            measures=(MeasureSeries("Offenders per offender manager", "offenders", 63, 50,
                                    "down", _monthly(date(2024, 9, 1),
                                                     (63, 62, 61, 61, 59, 58))),),
            actions=(ActionRow("Business case for 4 additional offender managers",
                               "D/Supt. K. Ward", date(2024, 10, 31), "Not started",
                               overdue=True),),
        ),
        FindingSection(
            ref="AFI-2325-07", kind="Area for improvement",
            title="The constabulary needs to make sure that investigations are allocated to "
                  "officers and teams with sufficient skills and experience",
            text="In our previous 2020/21 inspection, we identified the constabulary's new crime "
                 "allocation policy as innovative practice.",
            area="Investigating crime", status="Open", owner="Det Ch Supt. P. Marsh",
            readiness="not ready",
            readiness_reasons=("No audit planned yet.", "Linked to a 2018 area for improvement."),
            links=("2018 AFI: The force should improve how it allocates crime",
                   "2018 AFI: The force should ensure regular and active supervision of the "
                   "quality and progress of investigations"),
        ),
    )
    methodology = (
        AuditMethod(attendance.title, attendance.template, attendance.template_version,
                    "Attribute sampling: 95 % confidence, tolerable deviation 15 %, expected "
                    "deviation 5 %; rounded up to match the inspection's 82 cases",
                    "Stratified random (Emergency / Priority), proportional allocation",
                    0.95, 0.15, 0.05, attendance.population, 8_402,
                    attendance.population_fingerprint, attendance.seed, 82,
                    ("Emergency: 4,212 incidents, 41 sampled",
                     "Priority: 4,190 incidents, 41 sampled"), reserve_used=3,
                    notes="Clock starts at call answer (force setting)."),
        AuditMethod(da_audit.title, da_audit.template, da_audit.template_version,
                    "Precision-based: 95 % confidence, +/- 12 points", "Simple random",
                    0.95, None, None, da_audit.population, 3_118,
                    da_audit.population_fingerprint, da_audit.seed, 50),
    )
    return PackData(
        force="Norfolk Constabulary",
        title="PEEL self-assessment: readiness pack",
        inspections=(inspection, "PEEL 2018 Effectiveness: Norfolk Constabulary"),
        pack_version=3,
        status="approved",
        built_at=datetime(2025, 3, 14, 16, 5),
        built_by="J. Rowe, Force assurance officer",
        findings=findings,
        methodology=methodology,
        signoff=SignOffInfo("J. Rowe, Force assurance officer",
                            "ACC S. Bennett, Local policing", "Approved for submission",
                            datetime(2025, 3, 17, 9, 40),
                            "Approved subject to the rural cover review in April."),
        tool_version="0.1.0",
    )
