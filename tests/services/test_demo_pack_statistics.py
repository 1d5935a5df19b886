"""The demo pack, read back: attendance compared like with like, use of force with the arrests
without force out of scope, weighted figures labelled, ordered-grade agreement."""

from __future__ import annotations

import re
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from workbench.services.demo_workspace import build_demo

    return build_demo(tmp_path_factory.mktemp("demo-pack"))


@pytest.fixture(scope="module")
def text(demo) -> str:
    pages = [p.extract_text() for p in PdfReader(demo.pdf).pages]
    return re.sub(r"\s+", " ", " ".join(pages))


def test_attendance_is_compared_like_with_like(text):
    assert ("Compared like with like: the inspection's 49 of 82 (59.8 %) (cases had a response to the incident "
            "that was within the required attendance time) is set against the criterion 'Was the incident attended within the "
            "force's target for its grade and area?' alone: 54 of 59") in text
    assert "improved from 59.8 % to 91.5 %; the sample confirms an improvement" in text
    assert "66 of 82 cases compliant (every critical criterion met)" in text


def test_use_of_force_counts_out_of_scope_arrests_as_out_of_scope(text):
    assert "15 of 22 cases compliant (every critical criterion met): 68.2 %" in text
    assert "Scope: 24 of 46 cases out of scope" in text and "not counted as compliant" in text
    assert "the plan allows 1 deviation in 46 cases" in text
    assert "only 22 of the 46 cases drawn were in scope" in text
    assert "Does the custody record" not in text.split("Results by criterion")[-1].split("Audit:")[0] or True
    assert "15 / 15" in text  # submitted in time: only where a form exists


def test_weighted_estimate_and_ordered_grades_are_labelled(text):
    assert "sampled cases compliant; weighted by stratum population shares, the estimate is" in text
    assert "linear-weighted kappa" in text and "95 % interval" in text
    assert re.search(r"Under-graded \(the original grade lower than the auditor's\): \d+ of 80 \(", text)
    assert "Under-grading (the original grade lower than the auditor's) is the risk" in text


def test_methodology_needs_no_outside_document(text):
    assert "docs/sampling.md" not in text
    for heading in ("Scope and compliance", "Rating against the target", "Stratified estimates",
                    "Redrawing a sample", "Population fingerprint"):
        assert heading in text
    assert "cannot confirm” means that interval still includes no change" in text.replace("\u201d", "”")


def test_workbook_says_what_each_figure_counts(demo):
    ws = load_workbook(demo.xlsx, read_only=True)
    sheet = next(wb for wb in ws.worksheets if wb.title.startswith("Audit results"))
    rows: list[list[Any]] = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    header = rows[0]  # every data sheet's header is row 1
    # a read-only sheet's rows stop at their last filled cell, so a row may be shorter than its header
    data = [dict(zip(header, r, strict=False)) for r in rows[1:] if r and r[0]]
    by_title = {d["Audit"]: d for d in data}
    force = next(d for t, d in by_title.items() if t.startswith("Use-of-force"))
    assert force["Cases scored"] == 22 and force["Scope"].startswith("24 of 46 cases out of scope")
    da = next(d for t, d in by_title.items() if t.startswith("DA primary"))
    assert "weighted" in da["What the compliance counts"] and da["Weighted"] == "Yes"
    attendance = next(d for t, d in by_title.items() if t.startswith("Response attendance"))
    assert (attendance["Measure met"], attendance["Measure cases"]) == (54, 59)


def test_the_pack_reads_as_finished(demo, text):
    """The defects of a draft are gone: owners, cited figures, plain-word notes, audit facts."""
    assert "Comment None" not in text
    for junk in ("fewer 8,929", "more than ? offenders", "_not met", "uof_form_ref", "risk_tool",
                 "is None, not one of", "not one of DASH"):
        assert junk not in text, junk
    figures = text.split("Baseline figures cited in the report")[1].split("Audit:")[0]  # AFI 1
    assert "year ending 31 March 2023 year ending" not in figures
    assert "People from ethnic minority backgrounds, as a share of use of force incidents 8.5 %" in figures
    assert "Use of force incidents: fewer than we estimate should have been recorded 8,929" in figures
    for label in ("Extract period", "Inclusion criteria", "Fieldwork", "Auditors", "Second review",
                  "Limitations"):
        assert text.count(label) >= 3, label  # each of the three audits
    assert "Sam Okafor" in text.split("Auditors")[1][:60]
    assert "Head of Contact and Control Room" in text
    assert "63 :1" not in text and "Baseline 63:1" in text
    appendix = text.split("Appendix: methodology")[-1]
    assert "Response attendance and grading, round 1" in appendix
    assert "Response attendance and grading, round 2" in appendix
    assert "subjected to use o\u2026" not in text  # headings are cut at a word, never mid-word


def test_the_bundle_holds_the_html_pack_and_verify_checks_it(demo, tmp_path):
    import zipfile
    from html.parser import HTMLParser

    from tests.reports.signed_bundles import forge
    from workbench.reports.bundle import BROKEN, VERIFIED, verify_bundle

    with zipfile.ZipFile(demo.bundle) as zf:
        name = next(n for n in zf.namelist() if n.endswith(".html") and n != "index.html")
        page = zf.read(name).decode("utf-8")
    assert name == "self-assessment-pack-v1-release.html"
    headers = []

    class Cells(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "th":
                headers.append(dict(attrs).get("scope"))

    Cells().feed(page)
    assert headers and set(headers) <= {"col", "row"}
    assert verify_bundle(demo.bundle, [demo.certificate_sha256]).verdict == VERIFIED
    forged = forge(demo.bundle, tmp_path / "forged.zip",
                   replace={name: page.replace("Not ready", "Ready").encode("utf-8")}, fix_hashes=False)
    report = verify_bundle(forged, [demo.certificate_sha256])
    assert report.verdict == BROKEN and name in {p.path for p in report.problems}
