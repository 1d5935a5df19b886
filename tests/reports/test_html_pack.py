"""The accessible HTML pack, parsed back with html.parser: headings, header cells with scope,
chart text alternatives, language, marking, escaped text, the same data as the PDF."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from itertools import pairwise

import pytest

from tests.reports.hostile import hostile_pack
from workbench.reports.html_pack import render_html_pack, write_html_pack
from workbench.reports.pack_data import SignOffInfo, sample_pack_data
from workbench.reports.pack_words import NOTABLE_LIMIT


class Page(HTMLParser):
    """Every element with its attributes, the text of each heading and of the whole page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self._heading: list[str] | None = None
        self.tables: list[list[tuple[str, dict]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self.stack.append(tag)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = []
        if tag == "table":
            self.tables.append([])
        elif self.tables and "table" in self.stack and tag in ("th", "td", "caption", "thead"):
            self.tables[-1].append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._heading is not None:
            self.headings.append((tag, "".join(self._heading).strip()))
            self._heading = None
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


@pytest.fixture(scope="module")
def sample():
    data = sample_pack_data()
    return data, parse(render_html_pack(data))


def test_language_title_and_the_marking_on_the_page(sample):
    data, page = sample
    html_tag = next(attrs for tag, attrs in page.elements if tag == "html")
    assert html_tag["lang"] == "en-GB"
    text = " ".join(page.text)
    assert text.count(data.marking.upper()) >= 3  # title, header and footer
    header_marks = [a for t, a in page.elements if t == "p" and a.get("class") == "marking"]
    assert len(header_marks) == 2


def test_headings_follow_the_pack(sample):
    data, page = sample
    levels = [tag for tag, _ in page.headings]
    assert levels.count("h1") == 1
    h2 = [text for tag, text in page.headings if tag == "h2"]
    assert "Executive summary" in h2 and "Appendix: methodology" in h2 and "Sign-off" in h2
    for finding in data.findings:
        assert f"{finding.ref}: {finding.title}" in h2
    # no level is skipped on the way down
    numbers = [int(tag[1]) for tag in levels]
    assert all(b <= a + 1 for a, b in pairwise(numbers))


def test_every_table_has_a_caption_and_scoped_header_cells(sample):
    _, page = sample
    assert len(page.tables) > 10
    for cells in page.tables:
        assert any(tag == "caption" for tag, _ in cells)
        headers = [attrs for tag, attrs in cells if tag == "th"]
        assert headers, "a table without header cells"
        assert all(attrs.get("scope") in ("col", "row") for attrs in headers)


def test_charts_have_text_alternatives(sample):
    data, page = sample
    svgs = [attrs for tag, attrs in page.elements if tag == "svg"]
    audits = sum(len(f.audits) for f in data.findings)
    measures = sum(len(f.measures) for f in data.findings)
    assert len(svgs) == audits + measures
    for attrs in svgs:
        assert attrs.get("role") == "img" and len(attrs.get("aria-label") or "") > 20
    first = data.findings[0].audits[0]
    label = next(a["aria-label"] for a in svgs if "interval" in a["aria-label"])
    assert f"{first.trend[-1].point * 100:.1f} %" in label


def test_each_audit_states_how_it_was_done_and_caps_the_case_list(sample):
    data, page = sample
    text = " ".join(page.text)
    audit = data.findings[0].audits[0]
    for label in ("Extract period", "Inclusion criteria", "Population size", "Fieldwork", "Auditors",
                  "Second review", "Limitations"):
        assert label in text
    assert audit.extract_period in text and audit.second_review in text
    more = len(audit.notable_cases) - NOTABLE_LIMIT
    assert more > 0 and f"the other {more} in the workbook" in text
    listed = [c.ref for c in audit.notable_cases if c.ref in text]
    assert len(listed) == NOTABLE_LIMIT


def test_all_user_text_is_escaped():
    data = hostile_pack()
    bad = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    first = data.findings[0]
    data = replace(data, findings=(replace(first, title=bad, narrative=bad, owner=bad), *data.findings[1:]),
                   force=bad, marking="OFFICIAL <b>SENSITIVE</b>")
    text = render_html_pack(data)
    page = parse(text)
    assert not any(tag in ("script", "img", "b") for tag, _ in page.elements)
    assert not any(k.startswith("on") for _, attrs in page.elements for k in attrs)
    assert bad in " ".join(page.text)


def test_sign_off_without_a_comment_prints_no_comment_row():
    data = sample_pack_data()
    so = SignOffInfo("Sam Okafor (sam.okafor)", "Helen Marsh (helen.marsh)", "approved", data.built_at)
    text = " ".join(parse(render_html_pack(replace(data, status="approved", signoff=so))).text)
    table = text.split("Sign-off")[-1].split("Changes to who may sign")[0]
    assert "Helen Marsh" in table and "Comment" not in table and "None" not in table


def test_same_data_same_bytes(tmp_path):
    data = sample_pack_data()
    a = write_html_pack(data, tmp_path / "a.html").read_bytes()
    b = write_html_pack(data, tmp_path / "b.html").read_bytes()
    assert a == b and a.startswith(b"<!DOCTYPE html>")
