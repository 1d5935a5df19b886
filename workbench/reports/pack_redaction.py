"""A release copy of a pack: case references pseudonymised, free-text case notes dropped and
results about fewer than `min_cell` cases suppressed (the rows are removed and the removal noted)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from workbench.reports.pack_data import AuditMethod, AuditResult, CaseRow, FindingSection, PackData


def redact_pack(data: PackData, pseudonym: Callable[[str], str], min_cell: int = 0) -> PackData:
    findings = tuple(_finding(f, pseudonym, min_cell) for f in data.findings)
    methods = tuple(_method(m, min_cell) for m in data.methodology)
    return replace(data, findings=findings, methodology=methods, title=f"{data.title} (release copy)")


def _case(c: CaseRow, pseudonym: Callable[[str], str]) -> CaseRow:
    return replace(c, ref=pseudonym(c.ref), notes="")


def _audit(a: AuditResult, pseudonym: Callable[[str], str], min_cell: int) -> AuditResult:
    criteria = tuple(c for c in a.criteria if c.applicable == 0 or c.applicable >= min_cell)
    strata = tuple(s for s in a.strata if s.sample >= min_cell)
    dropped = (len(a.criteria) - len(criteria), len(a.strata) - len(strata))
    reason = a.rag_reason
    if any(dropped):
        reason += (f" [release copy: {dropped[0]} criterion row(s) and {dropped[1]} stratum row(s) "
                   f"about fewer than {min_cell} cases suppressed]")
    return replace(
        a, criteria=criteria, strata=strata, rag_reason=reason,
        cases=tuple(_case(c, pseudonym) for c in a.cases),
        notable_cases=tuple(_case(c, pseudonym) for c in a.notable_cases),
    )


def _finding(f: FindingSection, pseudonym: Callable[[str], str], min_cell: int) -> FindingSection:
    return replace(f, audits=tuple(_audit(a, pseudonym, min_cell) for a in f.audits))


def _method(m: AuditMethod, min_cell: int) -> AuditMethod:
    note = ("Release copy: case references are keyed pseudonyms (HMAC-SHA256, key held by the force); "
            "case notes removed" + (f"; results about fewer than {min_cell} cases suppressed" if min_cell else ""))
    return replace(m, notes=f"{m.notes} {note}".strip())
