from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from workbench.importers.report_source import ReportImportError, read_report
from workbench.importers.report_text import parse_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ["peel-2023-25-norfolk-afis", "peel-2018-norfolk-effectiveness"]


def seed_pdf(seed: Path, out: Path) -> Path:
    """The seed text laid out as a PDF: one paragraph per line, bullets as bulleted paragraphs."""
    body = getSampleStyleSheet()["BodyText"]
    story = []
    for line in seed.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.lstrip().startswith("\u2022"):
            story.append(Paragraph(escape(line.lstrip()[1:].strip()), body, bulletText="\u2022"))
        else:
            story.append(Paragraph(escape(line), body))
    SimpleDocTemplate(str(out), pagesize=A4).build(list(story))
    return out


def comparable(report):
    """Findings without their line numbers (which differ between formats)."""
    return [dataclasses.replace(f, line=0) for f in report.findings]


@pytest.mark.parametrize("seed", SEEDS)
def test_html_and_pdf_give_the_same_findings_as_text(seed, tmp_path):
    text_report = parse_report(read_report(SAMPLES / f"{seed}.txt"))
    html_source = read_report(DATA / f"{seed}.html")
    pdf_source = read_report(seed_pdf(SAMPLES / f"{seed}.txt", tmp_path / f"{seed}.pdf"))
    assert (html_source.kind, pdf_source.kind) == ("html", "pdf")
    for other in (parse_report(html_source), parse_report(pdf_source)):
        assert comparable(other) == comparable(text_report)
        assert (other.force, other.programme, other.title, other.published, other.updated) == \
            (text_report.force, text_report.programme, text_report.title, text_report.published,
             text_report.updated)
        assert other.warnings == ()


def test_html_drops_scripts_navigation_and_cookie_banner():
    text = read_report(DATA / "peel-2023-25-norfolk-afis.html").text
    assert "AFI do not parse me" not in text and "gtag" not in text
    assert "Our work" not in text and "Crown copyright" not in text
    assert "cookies" not in text.lower()
    assert "\u00a0" not in parse_report(read_report(DATA / "peel-2023-25-norfolk-afis.html")).findings[0].text


def test_html_without_main_keeps_list_items_as_bullets(tmp_path):
    page = tmp_path / "page.htm"
    page.write_text(
        "<html><body><p>Accept all cookies</p><h1>Kent Police PEEL 2019</h1><h2>Areas for improvement</h2>"
        "<ul><li>The force should improve\n   how it <b>records</b> crime.</li>"
        "<li>The force should<br>review its bail use.</li></ul><p>Prose.</p></body></html>",
        encoding="utf-8")
    src = read_report(page)
    assert src.kind == "html"
    assert "\u2022 The force should improve how it records crime.\n\u2022 The force should" in src.text
    r = parse_report(src)
    assert [f.title for f in r.findings] == ["The force should improve how it records crime",
                                             "The force should review its bail use"]


def test_html_sniffed_from_content_whatever_the_suffix(tmp_path):
    page = tmp_path / "report.txt"
    page.write_text("<!DOCTYPE html><html><body><main><h2>Area for improvement</h2><p>The force should "
                    "answer 101 calls faster.</p></main></body></html>", encoding="utf-8")
    src = read_report(page)
    assert src.kind == "html"
    assert parse_report(src).findings[0].title == "The force should answer 101 calls faster"


def test_pdf_reports_progress_per_page(tmp_path):
    calls = []
    read_report(seed_pdf(SAMPLES / "peel-2018-norfolk-effectiveness.txt", tmp_path / "r.pdf"),
                progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1] and [c[0] for c in calls] == list(range(1, len(calls) + 1))


def test_text_source_fields(tmp_path):
    src = read_report(SAMPLES / "peel-2018-norfolk-effectiveness.txt")
    raw = (SAMPLES / "peel-2018-norfolk-effectiveness.txt").read_bytes()
    assert src.name == "peel-2018-norfolk-effectiveness.txt" and src.kind == "text"
    assert src.sha256 == hashlib.sha256(raw).hexdigest()
    assert src.text == raw.decode("utf-8")


def test_utf8_bom_and_given_encoding(tmp_path):
    text = "Areas for improvement\n\u2022 The force\u2019s caf\u00e9 should improve.\n"
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_report(bom).text == text
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(text.encode("cp1252"))
    assert read_report(legacy, encoding="cp1252").text == text
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(text.encode("utf-16"))
    assert read_report(utf16).text == text


def test_windows_1252_is_detected_with_a_warning_naming_it(tmp_path):
    text = "Areas for improvement\n\u2022 The force\u2019s caf\u00e9 should improve \u2013 now.\n"
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(text.encode("cp1252"))
    src = read_report(legacy)
    assert src.text == text and src.encoding == "cp1252"
    assert len(src.warnings) == 1 and "read as Windows-1252" in src.warnings[0]
    assert parse_report(src).warnings[0] == src.warnings[0]
    assert read_report(legacy, encoding="latin-1").warnings == ()  # given: nothing assumed


def _pdf_without_text(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(100, 100, 300, 500, fill=1)  # a "scanned" page: drawing only
    c.showPage()
    c.save()
    return path


BAD_INPUTS = {
    "missing": (lambda d: d / "nowhere.txt", "does not exist"),
    "folder": (lambda d: d, "folder"),
    "empty": (lambda d: _write(d / "empty.txt", b""), "empty"),
    "blank": (lambda d: _write(d / "blank.txt", b"  \n\r\n\t "), "empty"),
    "binary": (lambda d: _write(d / "image.txt", bytes(range(256)) * 8), "binary"),
    "undecodable": (lambda d: _write(d / "noise.txt", b"Areas for improvement caf\x81\x8d\x9d\x90 \x8f"),
                    "invalid byte 0x81 at byte offset 25"),
    "fake pdf": (lambda d: _write(d / "fake.pdf", b"hello, not a pdf"), "not a PDF"),
    "damaged pdf": (lambda d: _write(d / "broken.pdf", b"%PDF-1.7\n1 0 obj <<>>\ntrash"), "PDF"),
    "scanned pdf": (lambda d: _pdf_without_text(d / "scan.pdf"), "no text layer"),
    "html without content": (lambda d: _write(d / "cookies.html", b"<html><head><script>x()</script>"
                                              b"</head><body><nav>Home</nav><p>OK</p></body></html>"),
                             "no report content"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_inputs_raise_report_import_error_naming_the_file(case, tmp_path):
    make, expected = BAD_INPUTS[case]
    path = make(tmp_path)
    with pytest.raises(ReportImportError) as err:
        read_report(path)
    e = err.value
    assert isinstance(e, ValueError)
    assert expected in str(e)
    assert path.name in str(e) and e.path == str(path)
    assert e.problem and e.hint and e.hint in str(e)


def test_wrong_encoding_name_and_wrong_given_encoding(tmp_path):
    path = _write(tmp_path / "x.txt", b"caf\xe9 \x81\x8d")
    with pytest.raises(ReportImportError, match="unknown text encoding"):
        read_report(path, encoding="no-such-codec")
    with pytest.raises(ReportImportError, match=r"x\.txt: the file is neither UTF-8 nor ascii"):
        read_report(path, encoding="ascii")


def test_oversized_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 51 MB without writing 51 MB
        fh.truncate(51 * 1024 * 1024)
    with pytest.raises(ReportImportError, match=r"big\.txt: the file is 51\.0 MB, over the 50 MB limit"):
        read_report(big)
    small = _write(tmp_path / "small.txt", b"x" * 100)
    with pytest.raises(ReportImportError, match="over the"):
        read_report(small, max_bytes=10)


def test_unreadable_file(tmp_path, monkeypatch):
    path = _write(tmp_path / "secret.txt", b"Areas for improvement")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("workbench.importers.report_source.read_input", refuse)  # the one reader of named files
    with pytest.raises(ReportImportError, match=r"secret\.txt: the file cannot be read \(Permission denied\)"):
        read_report(path)


def test_invalid_utf8_offset_counts_the_bom(tmp_path):
    path = _write(tmp_path / "bom.txt", b"\xef\xbb\xbfab\xff")
    with pytest.raises(ReportImportError, match="invalid byte 0xff at byte offset 5"):
        read_report(path)
