"""The release copy: text scrubbing, learned reference shapes, small-count suppression, notable
cases in words, and no secret in any byte of the rendered PDF or workbook."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.reports.leakage import leaks, pdf_texts, workbook_texts
from workbench.reports.excel_pack import write_excel_pack
from workbench.reports.pack_data import CaseRow, PackData, RedactionTerms, sample_pack_data
from workbench.reports.pack_redaction import redact_pack
from workbench.reports.pdf_pack import write_pdf_pack
from workbench.reports.pseudonymise import (
    REDACTED,
    TextScrubber,
    personal_variants,
    pseudonymise_ref,
    reference_shapes,
)

KEY = bytes(range(32))
MIN_CELL = 5


def pseudonym(ref: str) -> str:
    return pseudonymise_ref(ref, KEY)


# -- shapes and scrubbing ------------------------------------------------------------------------
def test_shapes_are_learned_from_the_references_not_hard_coded() -> None:
    import re

    shapes = [re.compile(s, re.IGNORECASE) for s in reference_shapes(
        ["XK-20240923-0001", "XK-20241001-0123", "36/01234/24", "36/09876/25"])]

    def hit(text: str) -> bool:
        return any(s.search(text) for s in shapes)

    assert hit("call QZ-20991231-9999 back") and hit("see 12/55555/99") and hit("xk 20240101 4444")
    for ordinary in ("AFI-2325-05", "PEEL 2023-25", "01/12/2024", "8,402 incidents", "sha256:4f0c9a1e7d2b"):
        assert not hit(ordinary), ordinary
    assert reference_shapes(["ABCDEF", "A-1"]) == ()  # no digits / too short: would match words


def test_scrubber_replaces_refs_lookalikes_and_personal_values() -> None:
    values, words = personal_variants([("Grace Sampleton", 1), ("14 Specimen Close, Dereham", 1),
                                       ("White British", 40)])
    scrub = TextScrubber(["XK-20240923-0001"], values, pseudonym, words)
    text = scrub("xk-20240923-0001 and XK-20990101-0042 (Grace  SAMPLETON; Mrs Sampleton, "
                 "specimen close; White British) re AFI-2325-05")
    assert pseudonym("XK-20240923-0001") in text and pseudonym("XK-20990101-0042") in text
    for secret in ("20240923", "20990101", "Grace", "Sampleton", "Specimen", "White British"):
        assert secret.lower() not in text.lower(), (secret, text)
    assert text.count(REDACTED) == 4 and "AFI-2325-05" in text
    assert scrub.refs_only("Grace Sampleton, XK-20240923-0001") == \
        f"Grace Sampleton, {pseudonym('XK-20240923-0001')}"
    assert "British" not in words  # a category many cases share is not split into words


# -- planting in every text of plain pack data ----------------------------------------------------
REF, OTHER_REF, LOOKALIKE = "NC-24-010237", "DA-24-05101", "NC-99-123456"
NAME, ADDRESS = "Zelda Quortle", "27 Fictional Terrace, Holt"
PLANT = f" [{REF} {OTHER_REF.lower()} {LOOKALIKE}: {NAME}, Mrs Quortle at {ADDRESS}]"
NOT_TEXT = {"sha256", "population_fingerprint", "seed", "key", "rag", "readiness", "direction",
            "status", "marking", "classification"}
STAFF = {"built_by", "owner", "preparer", "reviewer"}
SECRETS = (REF, OTHER_REF, LOOKALIKE, NAME, "Quortle", ADDRESS, "Fictional Terrace")


def _plant(obj: Any, name: str = "") -> Any:
    """Append PLANT to every text field (references only to staff fields and case references)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if isinstance(obj, RedactionTerms):
            return obj
        return replace(obj, **{f.name: _plant(getattr(obj, f.name), f.name)
                               for f in dataclasses.fields(obj) if f.name not in NOT_TEXT})
    if isinstance(obj, str):
        if name in STAFF:
            return f"{obj} ({REF})"
        return obj + PLANT if obj and name != "ref" else obj
    if isinstance(obj, tuple):
        return tuple(_plant(v, name) for v in obj)
    if isinstance(obj, dict):  # answers: yes / no / n/a are fixed words, other answers free text
        return {k: v if v in ("yes", "no", "n/a") else _plant(v, k) for k, v in obj.items()}
    return obj


def planted_pack() -> PackData:
    data = _plant(sample_pack_data())
    first = data.findings[0]
    audit = first.audits[0]
    cases = (replace(audit.cases[0], ref=REF),) + audit.cases[1:]
    audit = replace(audit, cases=cases, notable_cases=(cases[0], *audit.notable_cases))
    findings = (replace(first, audits=(audit,)),) + data.findings[1:]
    return replace(data, findings=findings, redaction=RedactionTerms(
        (REF, OTHER_REF), *personal_variants([(NAME, 1), (ADDRESS, 1)])))


def _strings(obj: Any) -> Iterator[str]:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _strings(getattr(obj, f.name))
    elif isinstance(obj, str):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for v in obj:
            yield from _strings(v)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _strings(v)


@pytest.fixture(scope="module")
def planted() -> PackData:
    return planted_pack()


@pytest.fixture(scope="module")
def release(planted: PackData) -> PackData:
    return redact_pack(planted, pseudonym, MIN_CELL)


def test_planting_reaches_every_kind_of_text(planted: PackData) -> None:
    texts = "\n".join(_strings(planted))
    assert texts.count(NAME) > 100 and REF in texts


def test_release_data_holds_no_secret_anywhere(release: PackData) -> None:
    found = leaks(SECRETS, {"pack data": list(_strings(release))})
    assert found == []
    assert release.redaction == RedactionTerms()
    texts = "\n".join(_strings(release))
    assert pseudonym(REF) in texts and pseudonym(LOOKALIKE) in texts and REDACTED in texts
    assert release.audits()[0].cases[0].ref == pseudonym(REF)


def test_rendered_release_pdf_and_workbook_hold_no_secret(release: PackData, planted: PackData,
                                                          tmp_path: Path) -> None:
    raw_pdf = write_pdf_pack(planted, tmp_path / "raw.pdf")
    assert leaks([REF, NAME], {"raw": pdf_texts(raw_pdf.read_bytes())})  # the check can fail
    pdf = write_pdf_pack(release, tmp_path / "release.pdf")
    xlsx = write_excel_pack(release, tmp_path / "release.xlsx")
    sources = {"pdf": pdf_texts(pdf.read_bytes()), "xlsx": workbook_texts(xlsx.read_bytes())}
    assert leaks(SECRETS, sources) == []
    assert pseudonym(REF) in "".join(sources["xlsx"])


# -- small counts --------------------------------------------------------------------------------
def _ok(count: object) -> bool:
    return count == 0 or count == f"<{MIN_CELL}" or (isinstance(count, int) and count >= MIN_CELL)


def test_every_case_counting_table_prints_small_counts_as_lt_n(release: PackData, tmp_path: Path) -> None:
    audits = release.audits()
    for a in audits:
        for cr in a.criteria:
            assert _ok(cr.met) and _ok(cr.applicable), cr
            if isinstance(cr.met, str) or isinstance(cr.applicable, str):
                assert cr.point is None and cr.low is None
        for st in a.strata:
            assert _ok(st.sample) and _ok(st.compliant) and _ok(st.population), st
    ag = next(a.agreement for a in audits if a.agreement is not None)
    t = ag.totals()
    cells = [v for row in ag.matrix for v in row] + [*t.rows, *t.columns, t.total, t.agreed,
                                                     t.under_graded, t.over_graded]
    assert all(_ok(v) for v in cells) and "<5" in cells
    pdf = write_pdf_pack(release, tmp_path / "release.pdf")
    text = "\n".join(pdf_texts(pdf.read_bytes()))
    agreement_part = text[text.index("Grading agreement"):]
    assert "<5" in agreement_part and "over-graded: <5" in agreement_part.replace("\n", " ")
    assert "counts of 1 to 4 cases shown as <5" in text.replace("\n", " ")


def _column_counts(cases: tuple[CaseRow, ...]) -> Counter[tuple[object, ...]]:
    counts: Counter[tuple[object, ...]] = Counter()
    for c in cases:
        counts[("stratum", c.stratum)] += 1
        counts[("result", c.compliant)] += 1
        for k, v in c.answers.items():
            counts[(k, v)] += 1
            counts[(k, c.stratum, v)] += 1
    return counts


def test_per_case_columns_reveal_no_small_category(release: PackData, planted: PackData) -> None:
    for a in release.audits():
        for key, n in _column_counts(a.cases).items():
            value = key[-1]
            if value in (f"<{MIN_CELL}", None, ""):
                continue
            assert n >= MIN_CELL, (a.title, key, n)
    # the raw DA sample has grades held by 1-3 cases; they are withheld, not dropped silently
    raw = next(a for a in planted.audits() if a.agreement is not None)
    assert min(n for k, n in _column_counts(raw.cases).items() if k[0] == "auditor_grade") < MIN_CELL


def test_release_notable_cases_say_why_in_words(release: PackData) -> None:
    attendance = release.audits()[0]
    assert attendance.notable_cases
    for case in attendance.notable_cases:
        assert case.notes.startswith(("Not met: ", "1 criterion", "Not compliant")), case.notes
        assert case.ref.startswith("CASE-")
    worded = [c.notes for c in attendance.notable_cases if c.notes.startswith("Not met")]
    assert any("Vulnerability and repeat-caller check completed" in n or "within the target" in n
               for n in worded)


def test_no_suppression_when_min_cell_is_off(planted: PackData) -> None:
    open_copy = redact_pack(planted, pseudonym, 0)
    ag = next(a.agreement for a in open_copy.audits() if a.agreement is not None)
    assert ag.matrix == ((18, 3, 0), (1, 14, 2), (0, 1, 11))
    assert leaks(SECRETS, {"pack data": list(_strings(open_copy))}) == []


# -- the measure compared with the baseline, scope counts, and the release workbook ---------------
def _small_measure_pack() -> PackData:
    from workbench.reports.pack_data import RateWithInterval, TrendPoint

    data = sample_pack_data()
    first = data.findings[0]
    audit = replace(first.audits[0], measure_label="Was the caller updated on a delay?",
                    measure=RateWithInterval(3, 4, 0.75, 0.30, 0.95),
                    difference_text="'Was the caller updated on a delay?' (3 of 4) against the inspection's 49 of 82",
                    rag_reason="the lower 95 % bound 30.0 % is below the target",
                    trend=(TrendPoint("Inspection baseline (49 of 82)", 0.6, 0.5, 0.7),
                           TrendPoint(f"Round {first.audits[0].round}", 0.75, 0.30, 0.95)),
                    scope_text="3 of 82 cases out of scope", plan_text="only 79 of the 82 cases drawn were in scope")
    return replace(data, findings=(replace(first, audits=(audit,)),) + data.findings[1:])


def test_small_measure_counts_are_suppressed_with_what_reveals_them(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    release = redact_pack(_small_measure_pack(), pseudonym, MIN_CELL)
    a = release.audits()[0]
    assert a.measure is not None
    assert (a.measure.successes, a.measure.n) == ("<5", "<5") and a.measure.point is None
    assert "3 of 4" not in a.difference_text and "30.0" not in a.rag_reason
    assert [t.label for t in a.trend] == ["Inspection baseline (49 of 82)"]
    assert a.scope_text == "<5 of 82 cases out of scope" and "79 of the 82" in a.plan_text
    pdf = write_pdf_pack(release, tmp_path / "release.pdf")  # the PDF renders the suppressed measure
    assert "<5 of <5" in "\n".join(pdf_texts(pdf.read_bytes())).replace("\n", " ")
    wb = load_workbook(write_excel_pack(release, tmp_path / "release.xlsx"))
    ws = wb["Audit results"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, (c.value for c in ws[2]), strict=True))
    assert (row["Measure met"], row["Measure cases"], row["Measure rate"]) == ("<5", "<5", None)
    trend = [c.value for c in wb["Trend"]["C"]][1:]
    assert f"Round {a.round}" not in trend
    kept = redact_pack(sample_pack_data(), pseudonym, MIN_CELL).audits()[0]
    assert kept.trend == sample_pack_data().audits()[0].trend  # nothing small: nothing withheld


def test_release_workbook_case_columns_reveal_no_small_category(release: PackData, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(write_excel_pack(release, tmp_path / "release.xlsx"))
    case_sheets = [n for n in wb.sheetnames if re.match(r"A\d+ ", n)]
    assert len(case_sheets) == len(release.audits())
    for name, audit in zip(case_sheets, release.audits(), strict=True):
        ws = wb[name]
        header = [c.value for c in ws[1]]
        rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
        assert len(rows) == len(audit.cases) and "Auditor's notes" not in header
        for column in header:
            if column in ("Case",):
                continue
            counts = Counter(r[column] for r in rows)
            for value, n in counts.items():
                if value in (None, f"<{MIN_CELL}", "withheld"):
                    continue
                assert n >= MIN_CELL, (name, column, value, n)
