"""Small building blocks for the PDF pack: safe paragraphs, headings that feed the contents,
ruled tables, RAG badges. Every piece of user text passes through ``safe_text.pdf_markup``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from workbench.reports.pdf_styles import (
    RAG_FILL,
    RAG_TEXT,
    SANS,
    PackStyles,
    grid_style,
    key_value_style,
    pack_styles,
    register_fonts,
)
from workbench.reports.safe_text import pdf_markup, plain

CELL_LIMIT = 600      # characters of user text in one table cell (rows must fit on a page)
HEADING_LIMIT = 180   # characters of user text in a heading


@dataclass
class Ctx:
    """What every block needs: styles, the font's coverage and the frame width in points."""

    styles: PackStyles
    covered: frozenset[int]
    width: float
    _bookmarks: int = 0

    @classmethod
    def create(cls, width: float) -> Ctx:
        covered = register_fonts()
        return cls(pack_styles(), covered, width)

    def text(self, value: object, limit: int = 0) -> str:
        """User text as safe Paragraph markup."""
        return pdf_markup(value, covered=self.covered, limit=limit)

    def para(self, value: object, style=None, limit: int = 0) -> Paragraph:
        return Paragraph(self.text(value, limit), style or self.styles.body)

    def markup(self, markup: str, style=None) -> Paragraph:
        """Trusted markup built by the writer (user parts already escaped with ``text``)."""
        return Paragraph(markup, style or self.styles.body)

    def cell(self, value: object, style=None, limit: int = CELL_LIMIT) -> Paragraph:
        return Paragraph(self.text(value, limit), style or self.styles.cell)

    def head(self, label: str) -> Paragraph:
        return Paragraph(self.text(label), self.styles.cell_head)

    def heading(self, value: object, level: int, *, toc: bool = True,
                prefix_markup: str = "") -> Paragraph:
        """Heading paragraph; level 0 = H1, 1 = H2, 2 = H3. Levels 0-1 enter the contents."""
        style = (self.styles.h1, self.styles.h2, self.styles.h3)[level]
        text = shorten_words(plain(value).replace("\n", " "), HEADING_LIMIT)
        para = Paragraph(prefix_markup + self.text(text), style)
        if toc and level <= 1:
            self._bookmarks += 1
            para._toc_entry = (level, prefix_markup + self.text(text), text,  # type: ignore[attr-defined]
                               f"sec{self._bookmarks}")
        return para

    def bullets(self, items: Sequence[object], limit: int = 0) -> list[Flowable]:
        return [Paragraph(self.text(item, limit), self.styles.bullet, bulletText="\u2022")
                for item in items]

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]],
              widths: Sequence[float], extra: Sequence[tuple] = ()) -> Table:
        """Ruled table with a repeating header; ``widths`` are fractions of the frame width."""
        data: list[list[object]] = [[self.head(h) for h in header]]
        for row in rows:
            data.append([c if isinstance(c, Flowable) else self.cell(c) for c in row])
        table = Table(data, colWidths=[w * self.width for w in widths], repeatRows=1,
                      hAlign="LEFT")
        style = grid_style(rows=len(data))
        for command in extra:
            style.add(*command)
        table.setStyle(style)
        return table

    def key_values(self, pairs: Sequence[tuple[str, object]], label_width: float = 0.26
                   ) -> Table:
        data = [[Paragraph(self.text(k), self.styles.cell_bold),
                 v if isinstance(v, Flowable) else self.cell(v)] for k, v in pairs]
        table = Table(data, colWidths=[label_width * self.width, (1 - label_width) * self.width],
                      hAlign="LEFT")
        table.setStyle(key_value_style())
        return table

    def badge(self, rag: str, word: str | None = None) -> Table:
        """A RAG word on a pale fill: legible in black and white as well as in colour."""
        label = word or rag.title()
        para = Paragraph(f'<font color="{RAG_TEXT[rag].hexval()}"><b>'
                         f"{self.text(label)}</b></font>", self.styles.cell)
        table = Table([[para]], hAlign="LEFT")
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS),
            ("BACKGROUND", (0, 0), (-1, -1), RAG_FILL[rag]),
            ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]))
        return table

    def rag_cell_style(self, rag: str, col: int, row: int) -> list[tuple]:
        """Table commands that colour one cell by RAG (the cell also holds the word)."""
        return [("BACKGROUND", (col, row), (col, row), RAG_FILL[rag])]

    def rag_word(self, rag: str, word: str | None = None) -> Paragraph:
        label = word or rag.title()
        return Paragraph(f'<font color="{RAG_TEXT[rag].hexval()}"><b>{self.text(label)}</b>'
                         "</font>", self.styles.cell)


def shorten_words(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when cut
    (a heading is never cut mid-word)."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    if " " in cut and not text[len(cut)].isspace():
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-\u2013") + "\u2026"


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, datetime):
        return value.strftime("%d %b %Y %H:%M")
    return value.strftime("%d %b %Y")


def fmt_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
