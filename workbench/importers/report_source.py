"""Read an HMICFRS report file (plain text, HTML page or PDF) into plain text.

Every problem a user can cause (wrong file, empty file, scanned PDF, a saved cookie page ...)
raises :class:`ReportImportError`, whose message names the file, says what is wrong and how to
fix it.  Nothing else escapes :func:`read_report`.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from workbench.errors import WorkbenchError
from workbench.importers.report_decode import Decoded, DecodeProblem, decode
from workbench.limits import MAX_LINE_CHARS, longest_line, read_input
from workbench.progress import Progress

MAX_REPORT_BYTES = 50 * 1024 * 1024
SourceKind = Literal["text", "html", "pdf"]

_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_HTML_SNIFF = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b",
                         re.IGNORECASE | re.DOTALL)
_BLOCK_BREAK = "\ue000"  # private-use sentinels, stripped from the input first
_LINE_BREAK = "\ue001"
_PAGE_BREAK = "\ue002"
_DROP_TAGS = ("script", "style", "nav", "noscript", "template", "svg", "button", "form", "iframe",
              "object", "head")
_PAGE_TAGS = ("header", "footer")  # dropped unless they belong to the report (inside main/article)
_BLOCK_TAGS = ("p", "div", "section", "article", "main", "aside", "h1", "h2", "h3", "h4", "h5",
               "h6", "ul", "ol", "dl", "dt", "dd", "table", "tr", "blockquote", "pre", "figure",
               "figcaption", "details", "summary", "address", "hr", "body")


class ReportImportError(WorkbenchError, ValueError):
    """A report file cannot be imported; ``str()`` says which file, what, and how to fix it."""

    def __init__(self, path: str | Path, problem: str, hint: str = "", line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.hint = hint
        self.line = line
        where = Path(self.path).name or self.path
        if line is not None:
            where = f"{where}, line {line}"
        message = f"{where}: {problem}"
        if hint:
            message += f". {hint}"
        super().__init__(message)


@dataclass(frozen=True)
class SourceText:
    name: str
    kind: SourceKind
    text: str
    sha256: str
    encoding: str | None = None  # for text and HTML files: the codec used
    warnings: tuple[str, ...] = ()


def read_report(path: str | Path, *, encoding: str | None = None,
                max_bytes: int = MAX_REPORT_BYTES, progress: Progress | None = None) -> SourceText:
    """Read ``path`` and return its report text; the kind is detected from content and suffix."""
    p = Path(path)
    data = _read_bytes(p, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise ReportImportError(p, "the file is empty", "Choose the saved report (text, HTML or PDF)")
    suffix = p.suffix.lower()
    if data.lstrip()[:5] == b"%PDF-":
        text = _check_lines(p, _pdf_text(p, data, progress))
        return SourceText(p.name, "pdf", text, digest)
    if suffix == ".pdf":
        raise ReportImportError(p, "the file is named .pdf but is not a PDF document",
                                "Download the report again, or save it as text")
    decoded = _decode(p, data, encoding)
    text = decoded.text.replace(_BLOCK_BREAK, "").replace(_LINE_BREAK, "").replace(_PAGE_BREAK, "")
    warnings = (decoded.warning,) if decoded.warning else ()
    if suffix in _HTML_SUFFIXES or _HTML_SNIFF.match(text[:4096]):
        try:
            text = _check_lines(p, _html_text(p, text))
        except RecursionError:
            raise ReportImportError(p, "the HTML nests its elements too deeply to be a report page",
                                    "Save the report page again from the browser, or save it as text") from None
        return SourceText(p.name, "html", text, digest, decoded.encoding, warnings)
    return SourceText(p.name, "text", _check_lines(p, text), digest, decoded.encoding, warnings)


def _check_lines(p: Path, text: str) -> str:
    """Refuse a line no report has (a whole file on one line makes every later step slow)."""
    number, length = longest_line(text)
    if length > MAX_LINE_CHARS:
        raise ReportImportError(p, f"this line is {length:,} characters long, over the {MAX_LINE_CHARS:,}-character "
                                   "limit for one line of a report",
                                "Check that this is the report itself; save it again as text or HTML", line=number)
    return text


def _read_bytes(p: Path, max_bytes: int) -> bytes:
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ReportImportError(p, "the file does not exist", "Check the path and file name") from None
    except OSError as exc:
        raise ReportImportError(p, f"the file cannot be opened ({exc.strerror or exc})",
                                "Check that the file is readable") from None
    if p.is_dir():
        raise ReportImportError(p, "this is a folder, not a report file", "Choose a file inside it")
    if size > max_bytes:
        raise ReportImportError(
            p, f"the file is {size / 1024 / 1024:.1f} MB, over the {max_bytes / 1024 / 1024:.0f} MB limit",
            "A PEEL report is far smaller; check that you chose the right file")
    try:
        return read_input(p, max_bytes)  # a pipe or device is refused, not waited on
    except OSError as exc:
        raise ReportImportError(p, f"the file cannot be read ({exc.strerror or exc})",
                                "Choose the report file itself (a text, HTML or PDF file)") from None


def _decode(p: Path, data: bytes, encoding: str | None) -> Decoded:
    if b"\x00" in data[:8192] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise ReportImportError(p, "this is a binary file, not a report",
                                "Choose the report saved as text, HTML or PDF")
    try:
        decoded = decode(data, encoding, p)
    except DecodeProblem as exc:
        raise ReportImportError(p, exc.problem, exc.hint) from None
    _check_text(p, decoded.text)
    return decoded


def _check_text(p: Path, text: str) -> str:
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if sample and controls > max(8, len(sample) // 50):
        raise ReportImportError(p, "this is a binary file, not a report",
                                "Choose the report saved as text, HTML or PDF")
    return text


def _html_text(p: Path, markup: str) -> str:
    """Reduce an HTML page to text lines: blocks become paragraphs, ``li`` bullet lines."""
    from bs4 import BeautifulSoup
    from bs4.element import Comment, NavigableString, Tag

    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception as exc:  # lxml/bs4 failures on hostile markup
        raise ReportImportError(p, f"the HTML page cannot be read ({exc})",
                                "Save the page again from your browser") from None
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(_PAGE_TAGS):
        if not tag.decomposed and tag.find_parent(("main", "article")) is None:
            tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    root = soup.find("main") or soup.find(True, attrs={"role": "main"}) or soup.body or soup
    for br in root.find_all("br"):
        br.replace_with(NavigableString(_LINE_BREAK))
    for li in root.find_all("li"):
        li.insert(0, NavigableString(f"{_BLOCK_BREAK}\u2022 "))
        li.append(NavigableString(_BLOCK_BREAK))
    for tr in root.find_all("tr"):
        cells = [c.get_text(" ", strip=True).replace("|", "/") for c in tr.find_all(("td", "th"))]
        tr.replace_with(NavigableString(f"{_BLOCK_BREAK}| {' | '.join(cells)} |{_BLOCK_BREAK}"))
    for block in root.find_all(_BLOCK_TAGS):
        # Inline children beside block children ("<article><span>1</span><span>Completed</span>
        # <p>...</p>"): each stands on its own line, as a findings list prints them.
        if block.find(_BLOCK_TAGS, recursive=False) is not None:
            for child in list(block.children):
                if isinstance(child, Tag) and child.name not in _BLOCK_TAGS and child.name != "br":
                    child.insert_before(NavigableString(_LINE_BREAK))
                    child.insert_after(NavigableString(_LINE_BREAK))
    for block in root.find_all(_BLOCK_TAGS):
        block.insert(0, NavigableString(_BLOCK_BREAK + _BLOCK_BREAK))
        block.append(NavigableString(_BLOCK_BREAK + _BLOCK_BREAK))
    raw = root.get_text()
    raw = re.sub(r"[ \t\r\n\f\v]+", " ", raw)
    raw = raw.replace(_LINE_BREAK, "\n").replace(_BLOCK_BREAK, "\n")
    lines = [line.strip() for line in raw.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    # Bullets from <li> sit on their own line, tight together like a text list.
    text = re.sub(r"\n\n(?=\u2022 )", "\n", text)
    if len(re.findall(r"[^\W\d_]{2,}", text)) < 5:
        raise ReportImportError(p, "the HTML page has no report content",
                                "It may be a cookie or sign-in page; open the report in a browser "
                                "and save the full page, or copy its text into a .txt file")
    return text + "\n"


def _pdf_text(p: Path, data: bytes, progress: Progress | None) -> str:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReportImportError(p, "the PDF is password protected",
                                    "Save an unprotected copy and import that")
        pages = list(reader.pages)
    except ReportImportError:
        raise
    except Exception as exc:
        raise ReportImportError(p, f"the PDF is damaged or unreadable ({type(exc).__name__})",
                                "Download the report again") from None
    out: list[str] = []
    for number, page in enumerate(pages, 1):
        try:
            out.append(_page_text(page))
        except Exception as exc:
            raise ReportImportError(p, f"page {number} of the PDF cannot be read "
                                       f"({type(exc).__name__})", "Download the report again") from None
        if progress is not None:
            progress(number, len(pages))
    # Pages are kept apart by a form feed: the repair step removes running headers and footers
    # found next to page boundaries and joins a sentence that runs on to the next page.
    text = "\n\f\n".join(t.strip("\n").replace("\f", "\n") for t in out if t.strip())
    if len(re.findall(r"[^\W\d_]{2,}", text)) < 5:
        raise ReportImportError(p, "the PDF has no text layer (it looks like a scanned image)",
                                "Use the HTML page or a text copy of the report, or run OCR first")
    return text + "\n"


def _page_text(page) -> str:
    """Page text with a blank line wherever the vertical gap shows a new paragraph."""
    runs: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text:
            y = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]
            size = abs(font_size * (tm[3] or 1) * (cm[3] or 1)) or 10.0
            runs.append((y, size, text))

    plain = page.extract_text(visitor_text=visit)
    kept = [ln for ln in plain.split("\n") if ln.strip()]
    ys: list[float] = []
    for y, _size, text in runs:
        if not text.strip():
            continue
        if "\n" in text.strip():
            return plain  # one run spans lines: no reliable positions, keep pypdf's text
        if ys and abs(ys[-1] - y) < 1.0:
            continue
        ys.append(y)
    if len(ys) != len(kept) or len(kept) < 2:
        return plain
    gaps = sorted(ys[i - 1] - ys[i] for i in range(1, len(ys)) if ys[i - 1] - ys[i] > 0)
    leading = gaps[len(gaps) // 2] if gaps else 0.0
    result: list[str] = []
    for i, line in enumerate(kept):
        if i and leading:
            gap = ys[i - 1] - ys[i]
            if gap > leading * 1.35 or gap < 0:
                result.append("")
        result.append(line)
    return "\n".join(result)
