"""The importer on real HMICFRS publications (``../shared/reports`` beside the repository).

Every file named in ``expected.json`` gives the counts, kinds, titles, cited figures and PEEL
areas a careful reader finds; the ``.html`` and ``.pdf`` of the same name and every variant
(copied from a PDF viewer, exported from Word, Windows-1252, UTF-8 with BOM) give the same
findings; the crime data integrity summary with no finding is refused.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from workbench.importers.key_figures import CITED_KINDS
from workbench.importers.report_source import ReportImportError, read_report
from workbench.importers.report_text import parse_report

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "reports"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8")) if CORPUS.is_dir() else {}
KIND_NAMES = {"afi": "AFI", "cause_of_concern": "cause of concern", "recommendation": "recommendation"}
pytestmark = pytest.mark.skipif(not EXPECTED, reason="the shared reports corpus is not beside the repository")

WITH_FINDINGS = sorted(n for n, e in EXPECTED.items() if any(e["counts"].values()))
NONE_FOUND = sorted(n for n, e in EXPECTED.items() if not any(e["counts"].values()))
FORMATS = sorted((n, other.name) for n in EXPECTED if not EXPECTED[n].get("variant_of")
                 for other in CORPUS.glob(Path(n).stem + ".*") if other.suffix in (".html", ".pdf"))


def _parse(name: str):
    return parse_report(read_report(CORPUS / name))


def _signature(report):
    return [(f.kind, f.ref, f.title, f.parent_ref, f.area, f.inspectorate_status,
             [(g.kind, g.value, g.unit) for g in f.figures]) for f in report.findings]


@pytest.mark.parametrize("name", WITH_FINDINGS)
def test_counts_kinds_titles_figures_and_areas_match_expected(name):
    exp, report = EXPECTED[name], _parse(name)
    counts = Counter(KIND_NAMES[f.kind] for f in report.findings)
    assert {k: counts[k] for k in exp["counts"]} == exp["counts"]
    titles = [f.title for f in report.findings if f.kind != "recommendation"]
    assert titles == exp.get("titles", titles)
    for f in report.findings:
        assert "\n" not in f.title and not f.title.endswith((".", ";", ":", "; and"))
        assert not f.title[:1].isdigit()
    cited = Counter((g.kind, g.value) for f in report.findings for g in f.figures if g.kind in CITED_KINDS)
    assert cited == Counter((g["kind"], float(g["value"])) for g in exp["figures"])
    assert [f.area for f in report.findings] == exp["areas"]
    assert report.force == exp["force"]
    coc_refs = {f.ref for f in report.findings if f.kind == "cause_of_concern"}
    for f in report.findings:
        if f.kind == "recommendation" and coc_refs:
            assert f.parent_ref in coc_refs  # every recommendation attached to its cause of concern


@pytest.mark.parametrize("name, other", FORMATS)
def test_html_and_pdf_give_the_same_findings_as_the_text(name, other):
    assert _signature(_parse(other)) == _signature(_parse(name))


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e.get("variant_of")))
def test_variants_give_the_same_findings_as_their_original(name):
    assert _signature(_parse(name)) == _signature(_parse(EXPECTED[name]["variant_of"]))


@pytest.mark.parametrize("name", NONE_FOUND)
def test_report_without_findings_is_refused(name):
    with pytest.raises(ReportImportError, match="no areas for improvement, causes of concern or recommendations"):
        _parse(name)


def test_findings_list_statuses_are_the_inspectorates():
    report = _parse("westmercia-2018-19-findings-list.txt")
    assert [f.inspectorate_status for f in report.findings] == ["Completed"] * 2 + ["Superseded"] + ["Completed"] * 4
    assert [f.ref for f in report.findings] == [f"R{i}" for i in range(1, 8)]
    assert report.programme == "PEEL 2018-19" and report.year == 2018
    assert all("immediately" == f.figures[0].unit for f in report.findings[:6])
    last = report.findings[6].figures[0]
    assert (last.kind, last.value, last.unit) == ("deadline", 6, "months")
    assert any("says it has 10 recommendations but 7" in w for w in report.warnings)


def test_closure_letter_records_closed_with_its_date_and_durations_are_not_counts():
    report = _parse("gloucestershire-2024-letter.txt")
    coc = report.findings[0]
    assert (coc.inspectorate_status, str(coc.inspectorate_status_date)) == ("Closed", "2024-12-09")
    assert "closing the cause of concern" in coc.inspectorate_status_note
    assert report.programme == "PEEL 2023-25" and str(report.published) == "2024-12-09"
    durations = [g for g in coc.figures if g.kind == "duration"]
    assert durations and all((g.value, g.unit) == (10, "seconds") for g in durations)
    assert all(g.label for g in coc.figures)
    assert "80 percent" not in coc.text  # the Progress section is not the finding's text
    recs = report.findings[1:]
    assert all(g.kind == "deadline" and g.unit == "months" and g.value == 6 for r in recs for g in r.figures)


def test_pdf_copy_footers_never_cut_text():
    plain, copied = _parse("gloucestershire-2024-letter.txt"), _parse("gloucestershire-2024-letter-pdfcopy.txt")
    assert [f.text for f in copied.findings] == [f.text for f in plain.findings]
    assert not any("Page" in f.text and "of 7" in f.text for f in copied.findings)


def test_narrative_after_the_last_bullet_is_not_swallowed():
    for name in ("staffordshire-2018-detailed-findings.txt", "staffordshire-2018-detailed-findings-pdfcopy.txt",
                 "staffordshire-2018-detailed-findings-word.txt"):
        last = _parse(name).findings[-1]
        assert last.text.endswith("consistently recorded and updated."), name
