"""Hostile pack data shared by the PDF and Excel tests."""

from __future__ import annotations

from dataclasses import replace

from workbench.reports.pack_data import (
    ActionRow,
    CaseRow,
    EvidenceRow,
    FigureRow,
    PackData,
    sample_pack_data,
)

LONG_WORD = "Z" * 10_000
SCRIPT = "<script>alert('x')</script> & <b>not bold</b> &amp;"
EMOJI = "Response \U0001F693\U0001F6A8 improved \U0001F44D\U0001F3FD family \U0001F468\u200d\U0001F469\u200d\U0001F467"
ARABIC = "\u062a\u062d\u0633\u064a\u0646 \u0627\u0644\u0627\u0633\u062a\u062c\u0627\u0628\u0629"
HEBREW = "\u05e9\u05d9\u05e4\u05d5\u05e8 \u05d4\u05ea\u05d2\u05d5\u05d1\u05d4"
FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"click\")", "+1", "-2", "@SUM(A1)",
            "\tTAB=1+1", "\r=CR()", "=1+1")


def hostile_pack() -> PackData:
    base = sample_pack_data()
    first = base.findings[0]
    audit = first.audits[0]
    hostile_cases = tuple(
        CaseRow(f, "=Stratum()", i % 2 == 0, {"within_target": f, "vulnerability_check": "-2"},
                f"{SCRIPT} {EMOJI}")
        for i, f in enumerate(FORMULAS)
    )
    audit = replace(audit, title=f"{SCRIPT} {EMOJI} audit", cases=audit.cases + hostile_cases,
                    notable_cases=hostile_cases[:3], rag_reason=f"{ARABIC} {LONG_WORD}")
    finding = replace(
        first,
        ref="=HYPERLINK(\"x\")",
        title=f"{SCRIPT} {EMOJI} {ARABIC} {HEBREW} {LONG_WORD}",
        text=f"{SCRIPT}\n{LONG_WORD}\n{ARABIC}\n{HEBREW}\x00\x07 control chars",
        narrative=f"{LONG_WORD} {SCRIPT} {EMOJI}",
        owner="@SUM(A1)",
        readiness_reasons=(LONG_WORD, SCRIPT, "+1"),
        baseline_figures=(FigureRow(SCRIPT, "-2", LONG_WORD),
                          FigureRow("missing", "", EMOJI, missing_in_source=True)),
        audits=(audit,),
        actions=(ActionRow(LONG_WORD, "=cmd|' /C calc'!A0", None, "+1", True),),
        evidence=(EvidenceRow(SCRIPT, LONG_WORD + ".pdf", None, None, "0" * 64, 0, "@SUM(A1)"),),
        review_comments=(f"{HEBREW} {LONG_WORD}",),
        links=(EMOJI, LONG_WORD),
    )
    return replace(base, force=f"Norfolk & <Suffolk> {EMOJI}", title=f"{SCRIPT} {LONG_WORD}",
                   built_by="-2", status="draft",
                   findings=(finding,) + base.findings[1:])
