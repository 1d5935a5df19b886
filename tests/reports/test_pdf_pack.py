"""The PDF pack read back with pypdf: markings, page numbers, figures, fonts, hostile text."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader

from tests.reports.hostile import ARABIC, HEBREW, hostile_pack
from workbench.reports.pack_data import PackError, sample_pack_data
from workbench.reports.pdf_pack import write_pdf_pack
from workbench.reports.safe_text import pdf_markup


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = write_pdf_pack(sample_pack_data(), tmp_path_factory.mktemp("pdf") / "pack.pdf")
    reader = PdfReader(path)
    return path, [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_page_carries_the_marking_in_header_and_footer(sample_pdf) -> None:
    _, pages = sample_pdf
    assert len(pages) >= 10
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks header/footer marking"


def test_page_x_of_y_is_right_on_every_page(sample_pdf) -> None:
    _, pages = sample_pdf
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


def test_summary_and_attendance_figures_appear(sample_pdf) -> None:
    _, pages = sample_pdf
    summary = next(p for p in pages if "Executive summary" in p and "Latest audit result" in p)
    flat = _flat(summary)
    assert "Partly ready" in flat and "Not ready" in flat and "Amber" in flat
    assert "78.0 % (64/82)" in flat and "Baseline 59.8 % (49/82)" in flat
    body = _flat(" ".join(pages))
    assert "In the 82 cases we examined, only 49 cases" in body
    assert "64 of 82 cases compliant (every critical criterion met): 78.0 % (95 % interval 67.9 % to 85.6 %)" in body
    assert "Compared with the inspection's 49 of 82 (59.8 %)" in body
    assert "Improved from 59.8 % to 78.0 %" in body
    assert "Cohen's kappa 0.79" in body
    assert "Not stated" in body  # the garbled APP caseload figure is flagged, not invented


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)
                assert page is not None, item.title
                out.append((item.title, page + 1))

    walk(reader.outline)
    return out


def test_contents_and_bookmarks_point_at_the_right_pages(sample_pdf) -> None:
    path, pages = sample_pdf
    outline = _outline(PdfReader(path))
    titles = [t for t, _ in outline]
    assert titles[0] == "Executive summary" and titles[-1] == "Sign-off"
    assert "Appendix: methodology" in titles
    for title, page in outline:
        assert title[:40] in _flat(pages[page - 1]), f"{title!r} not on page {page}"
    contents = pages[1]
    assert "Contents" in contents
    numbers = [int(m.group(1)) for line in contents.splitlines()
               if not line.startswith("Page ")
               for m in [re.search(r"(?:^|[ .])(\d+)$", line)] if m]
    assert numbers == [page for _, page in outline]


def test_the_pages_are_laid_out_twice_not_until_the_contents_settle(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The contents list is laid out from the first pass (its entries are known from the headings),
    so a second pass with the true page numbers is the last: each pass of a large pack costs seconds."""
    from workbench.reports import pdf_pack

    passes: list[int] = []
    real = pdf_pack._PackDocument.build

    def build(self: Any, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        passes.append(self.page)

    monkeypatch.setattr(pdf_pack._PackDocument, "build", build)
    data = sample_pack_data()  # enough findings for contents of more than a page (else nothing moves)
    many = tuple(replace(f, ref=f"{f.ref}.{i}", audits=(), measures=(), evidence=(), actions=())
                 for i in range(30) for f in data.findings)
    path = write_pdf_pack(replace(data, findings=many), tmp_path / "pack.pdf")
    outline = _outline(PdfReader(path))
    assert outline[0][0] == "Executive summary" and outline[0][1] >= 4  # contents of two pages or more
    pages = [p.extract_text() for p in PdfReader(path).pages[1:outline[0][1] - 1]]
    numbers = [int(m.group(1)) for text in pages for line in text.splitlines() if not line.startswith("Page ")
               for m in [re.search(r"(?:^|[ .])(\d+)$", line)] if m]
    assert numbers == [page for _, page in outline]  # the stand-in numbers all gave way to the true ones
    assert len(passes) == 2 and passes[0] == passes[1] == len(PdfReader(path).pages)


def test_fonts_are_embedded_truetype(sample_pdf) -> None:
    path, _ = sample_pdf
    reader = PdfReader(path)
    for number, page in enumerate(reader.pages, start=1):
        fonts = cast(Any, page["/Resources"])["/Font"]
        assert fonts, f"page {number} has no fonts"
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} not embedded"
            assert "DejaVu" in font["/BaseFont"]


def test_output_is_deterministic(tmp_path: Path) -> None:
    data = sample_pack_data()
    a = write_pdf_pack(data, tmp_path / "a.pdf").read_bytes()
    b = write_pdf_pack(data, tmp_path / "b.pdf").read_bytes()
    assert a == b


def test_hostile_text_is_escaped_and_laid_out(tmp_path: Path) -> None:
    path = write_pdf_pack(hostile_pack(), tmp_path / "hostile.pdf")
    pages = [p.extract_text() for p in PdfReader(path).pages]
    text = " ".join(pages)
    flat = _flat(text)
    assert "<script>alert('x')</script>" in flat  # shown literally, not parsed as markup
    assert "<b>not bold</b> &amp;" in flat
    assert "DRAFT" in pages[0]
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2
        assert f"Page {number} of {len(pages)}" in page
    # Long word is wrapped over many lines, not truncated in the body: count its characters.
    assert text.count("Z") >= 30_000  # title (kept in body), text, narrative, reasons...
    assert ARABIC[:3] in text or ARABIC[::-1][:3] in text
    assert HEBREW[:3] in text or HEBREW[::-1][:3] in text


def test_escaping_and_missing_glyphs() -> None:
    assert pdf_markup("a < b & c") == "a &lt; b &amp; c"
    assert pdf_markup("x\x00y\r\nz") == "xy<br/>z"
    assert pdf_markup("\U0001F600", covered={ord("a")}) == "\u25a1"
    assert pdf_markup("abc", limit=2) == "a\u2026"


def test_progress_cancellation_leaves_no_file(tmp_path: Path) -> None:
    calls: list[tuple[int, int | None]] = []

    def cancel(done: int, total: int | None) -> None:
        calls.append((done, total))
        if done >= 2:
            raise KeyboardInterrupt("cancelled")

    with pytest.raises(KeyboardInterrupt):
        write_pdf_pack(sample_pack_data(), tmp_path / "pack.pdf", progress=cancel)
    assert calls[:2] == [(1, 7), (2, 7)]
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_and_bad_status_raise_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(PackError) as err:
        write_pdf_pack(sample_pack_data(), tmp_path / "nope" / "pack.pdf")
    assert err.value.path == str(tmp_path / "nope")
    with pytest.raises(PackError) as err:
        replace(sample_pack_data(), status="signed")
    assert err.value.field == "PackData.status"


def test_metadata_title_author_subject_language_and_the_build_time(sample_pdf) -> None:
    path, _ = sample_pdf
    data = sample_pack_data()
    reader = PdfReader(path)
    meta = reader.metadata
    assert meta is not None and meta.subject is not None
    assert meta.title == f"{data.title} \u2013 {data.force}"
    assert meta.author == data.built_by
    assert "pack version" in meta.subject and str(len(data.findings)) in meta.subject
    assert cast(Any, reader.trailer["/Root"])["/Lang"] == "en-GB"
    stamp = data.built_at.strftime("D:%Y%m%d%H%M%S")
    for key in ("/CreationDate", "/ModDate"):
        assert str(meta[key]).startswith(stamp) and not str(meta[key]).startswith("D:2000")


def test_same_data_gives_the_same_bytes_whatever_the_day(tmp_path) -> None:
    data = sample_pack_data()
    a = write_pdf_pack(data, tmp_path / "a.pdf").read_bytes()
    b = write_pdf_pack(data, tmp_path / "b.pdf").read_bytes()
    assert a == b
    later = write_pdf_pack(replace(data, built_at=data.built_at.replace(year=data.built_at.year + 1)),
                           tmp_path / "c.pdf")
    meta = PdfReader(later).metadata
    assert meta is not None and str(meta["/CreationDate"]).startswith(f"D:{data.built_at.year + 1}")


def test_each_audit_states_how_it_was_done(sample_pdf) -> None:
    _, pages = sample_pdf
    text = _flat(" ".join(pages))
    audit = sample_pack_data().findings[0].audits[0]
    for label in ("Extract period", "Inclusion criteria", "Population size", "Fieldwork", "Auditors",
                  "Second review", "Limitations"):
        assert label in text
    for words in (audit.extract_period, audit.fieldwork, audit.auditors, audit.second_review,
                  *audit.limitations):
        assert _flat(words) in text


def test_notable_cases_are_capped_with_the_rest_in_the_workbook(sample_pdf) -> None:
    from workbench.reports.pack_words import NOTABLE_LIMIT

    _, pages = sample_pdf
    text = _flat(" ".join(pages))
    audit = sample_pack_data().findings[0].audits[0]
    more = len(audit.notable_cases) - NOTABLE_LIMIT
    assert more > 0 and f"the other {more} in the workbook" in text
    section = text.split("Notable cases")[1]
    assert sum(c.ref in section for c in audit.notable_cases) == NOTABLE_LIMIT
    # case references are never broken across lines
    lines = "\n".join(pages).splitlines()
    for case in audit.notable_cases[:NOTABLE_LIMIT]:
        assert any(case.ref in line for line in lines)


def test_a_long_case_list_stays_linear(tmp_path) -> None:
    """45,000 not-compliant cases: the PDF lists ten; its size does not grow with the cases."""
    data = sample_pack_data()
    first = data.findings[0]
    audit = first.audits[0]
    many = tuple(replace(audit.notable_cases[i % len(audit.notable_cases)], ref=f"NC-{i:06d}")
                 for i in range(45_000))
    big = replace(data, findings=(replace(first, audits=(replace(audit, notable_cases=many),)),
                                  *data.findings[1:]))
    small = write_pdf_pack(data, tmp_path / "small.pdf")
    large = write_pdf_pack(big, tmp_path / "large.pdf")
    assert len(PdfReader(large).pages) == len(PdfReader(small).pages)
    assert "44,990" in _flat(" ".join(p.extract_text() for p in PdfReader(large).pages))


def test_sign_off_without_a_comment_has_no_comment_none(tmp_path) -> None:
    from workbench.reports.pack_data import SignOffInfo

    data = sample_pack_data()
    so = SignOffInfo("Sam Okafor (sam.okafor)", "Helen Marsh (helen.marsh)", "approved", data.built_at)
    path = write_pdf_pack(replace(data, status="approved", signoff=so), tmp_path / "so.pdf")
    last = _flat(PdfReader(path).pages[-1].extract_text())
    assert "Helen Marsh" in last and "Comment" not in last


def test_headings_are_cut_at_a_word_never_mid_word() -> None:
    from workbench.reports.pdf_blocks import shorten_words

    title = "The constabulary needs to address disproportionate use and injuries to the person subjected to use of force"
    cut = shorten_words(title, 100)
    assert len(cut) <= 100 and cut.endswith("\u2026")
    assert title.startswith(cut[:-1]) and title[len(cut) - 1] == " "
    assert shorten_words("short", 100) == "short"
