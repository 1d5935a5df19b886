"""Hostile input: whatever the bytes or text, the importer raises ReportImportError or succeeds."""
from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.importers.report_source import ReportImportError, SourceText, read_report
from workbench.importers.report_text import parse_report

FRAGMENTS = [
    "AFI ", "AFI\n", "AFI 3 ", "Areas for improvement\n", "Area for improvement 2: ", "Area for improvement\n",
    "Cause of concern\n", "Cause of concern 1: ", "Recommendations\n", "We recommend that:\n",
    "\u2022 ", "  \u2022 ", "- ", "1. ", "(a) ", "\n", "\n\n", "\r\n", "\r", "\u00a0", "\u2019", "\u201c",
    "The force should improve. ", "Norfolk Constabulary", " Police", "How effective is it?\n",
    "12\n", "Last updated 31/02/2019\n", "Published 30 February 2024\n", "PEEL 2023\u201325 ",
    "In the 82 cases we examined, only 49 ", "21.9 percent ", "63:1 ", "2 2 /2 ", "more than offenders ",
    "<html>", "<li>", "</p>", "%PDF-", "\x00", "\ufeff", "\ue000", "\u2028", "ranged from 9 to 3 ",
]
settings_ = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _parse_text(text: str) -> None:
    src = SourceText("fuzz.txt", "text", text, hashlib.sha256(text.encode("utf-8", "replace")).hexdigest())
    try:
        report = parse_report(src)
    except ReportImportError as exc:
        assert "fuzz.txt" in str(exc)
        return
    assert report.findings
    for f in report.findings:
        assert f.kind in ("afi", "cause_of_concern", "recommendation") and f.ref and f.line >= 1
        assert f.parent_ref is None or f.parent_ref.startswith("CoC")
    assert len({f.ref for f in report.findings}) == len(report.findings)


@settings_
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=12), max_size=30).map("".join))
def test_structured_noise_never_crashes_the_parser(text):
    _parse_text(text)


@settings_
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes_the_parser(text):
    _parse_text(text)


@settings_
@given(st.binary(max_size=600), st.sampled_from([".txt", ".html", ".pdf", ".htm", ""]))
def test_arbitrary_bytes_never_crash_the_reader(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            source = read_report(path)
            parse_report(source)
        except ReportImportError as exc:
            assert path.name in str(exc)


@settings_
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join),
       st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]), st.sampled_from([".txt", ".html"]))
def test_encoded_structured_text_never_crashes(text, encoding, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(text.encode(encoding, "replace"))
        try:
            parse_report(read_report(path, encoding="cp1252"))
        except ReportImportError as exc:
            assert path.name in str(exc)
