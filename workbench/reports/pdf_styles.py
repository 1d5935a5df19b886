"""Fonts, colours and paragraph / table styles of the PDF pack (one restrained house style)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import TableStyle

from workbench.reports.pack_data import PackError

FONT_DIR = Path(__file__).resolve().parent.parent / "resources" / "fonts"
SANS = "WB-DejaVuSans"
SANS_BOLD = "WB-DejaVuSans-Bold"
SANS_ITALIC = "WB-DejaVuSans-Oblique"
SANS_BOLD_ITALIC = "WB-DejaVuSans-BoldOblique"
MONO = "WB-DejaVuSansMono"
_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}

# Palette: navy for structure, greys for rules, RAG colours only where they carry meaning.
NAVY = colors.HexColor("#1F3A5F")
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#5A6270")
RULE = colors.HexColor("#C9CED6")
HEADER_FILL = colors.HexColor("#E8EDF3")
ZEBRA = colors.HexColor("#F6F8FA")
MARKING = colors.HexColor("#8B0000")
RAG_TEXT = {"green": colors.HexColor("#1B5E20"), "amber": colors.HexColor("#7A4A00"),
            "red": colors.HexColor("#8E1B1B"), "indicative": colors.HexColor("#3A4250")}
RAG_FILL = {"green": colors.HexColor("#DCEFD9"), "amber": colors.HexColor("#FBE7C2"),
            "red": colors.HexColor("#F6D2D0"), "indicative": colors.HexColor("#ECEEF1")}  # neutral grey
RAG_SOLID = {"green": colors.HexColor("#2E7D32"), "amber": colors.HexColor("#D98E04"),
             "red": colors.HexColor("#C62828")}
READINESS_RAG = {"ready": "green", "partly ready": "amber", "not ready": "red"}


@lru_cache(maxsize=1)
def register_fonts() -> frozenset[int]:
    """Register the embedded DejaVu family once; returns the code points the body font covers."""
    for name, filename in _FONT_FILES.items():
        path = FONT_DIR / filename
        if not path.is_file():
            raise PackError(f"font file {filename} is missing; reinstall the application "
                            "(fonts ship in resources/fonts)", path=str(path))
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC,
                                  boldItalic=SANS_BOLD_ITALIC)
    sans, sans_bold = pdfmetrics.getFont(SANS), pdfmetrics.getFont(SANS_BOLD)
    assert isinstance(sans, TTFont) and isinstance(sans_bold, TTFont)  # registered from TTF files above
    face, bold = sans.face, sans_bold.face
    # Only characters both weights can draw count as covered.
    return frozenset(set(face.charToGlyph) & set(bold.charToGlyph))


@dataclass(frozen=True)
class PackStyles:
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    quote: ParagraphStyle
    bullet: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    cell_mono: ParagraphStyle
    cell_ref: ParagraphStyle
    cover_title: ParagraphStyle
    cover_sub: ParagraphStyle
    toc_levels: tuple[ParagraphStyle, ...]


@lru_cache(maxsize=1)
def pack_styles() -> PackStyles:
    register_fonts()
    body = ParagraphStyle("Body", fontName=SANS, fontSize=9.5, leading=13.5, textColor=INK,
                          spaceAfter=6, alignment=TA_LEFT, splitLongWords=1)
    cell = ParagraphStyle("Cell", parent=body, fontSize=8, leading=10.2, spaceAfter=0)
    return PackStyles(
        body=body,
        small=ParagraphStyle("Small", parent=body, fontSize=8, leading=10.5),
        muted=ParagraphStyle("Muted", parent=body, fontSize=8.5, leading=11.5,
                             textColor=MUTED),
        quote=ParagraphStyle("Quote", parent=body, fontName=SANS_ITALIC, leftIndent=10,
                             # reportlab takes (top, right, bottom, left); its stubs say float only
                             borderPadding=(4, 0, 4, 8),  # type: ignore[arg-type]
                             textColor=INK, spaceBefore=2,
                             spaceAfter=8, borderColor=RULE, borderWidth=0),
        bullet=ParagraphStyle("Bullet", parent=body, leftIndent=12, bulletIndent=2, bulletFontName=SANS,
                              spaceAfter=2),
        h1=ParagraphStyle("H1", parent=body, fontName=SANS_BOLD, fontSize=15, leading=19,
                          textColor=NAVY, spaceBefore=0, spaceAfter=8, keepWithNext=1),
        h2=ParagraphStyle("H2", parent=body, fontName=SANS_BOLD, fontSize=11.5, leading=15,
                          textColor=NAVY, spaceBefore=10, spaceAfter=4, keepWithNext=1),
        h3=ParagraphStyle("H3", parent=body, fontName=SANS_BOLD, fontSize=9.5, leading=13,
                          textColor=INK, spaceBefore=8, spaceAfter=3, keepWithNext=1),
        cell=cell,
        cell_bold=ParagraphStyle("CellBold", parent=cell, fontName=SANS_BOLD),
        cell_head=ParagraphStyle("CellHead", parent=cell, fontName=SANS_BOLD, textColor=NAVY),
        cell_mono=ParagraphStyle("CellMono", parent=cell, fontName=MONO, fontSize=6.6,
                                 leading=8.4, textColor=MUTED),
        cell_ref=ParagraphStyle("CellRef", parent=cell, fontName=SANS_BOLD, splitLongWords=0),
        cover_title=ParagraphStyle("CoverTitle", parent=body, fontName=SANS_BOLD,
                                   fontSize=24, leading=30, textColor=NAVY, spaceAfter=10),
        cover_sub=ParagraphStyle("CoverSub", parent=body, fontSize=13, leading=18,
                                 textColor=MUTED, spaceAfter=4),
        toc_levels=(
            ParagraphStyle("TOC1", parent=body, fontName=SANS, fontSize=9.5, leading=13.5,
                           leftIndent=0, firstLineIndent=0, spaceBefore=4),
            ParagraphStyle("TOC2", parent=body, fontSize=9, leading=12, leftIndent=14,
                           firstLineIndent=0, spaceAfter=1),
        ),
    )


def grid_style(header_rows: int = 1, zebra: bool = True, rows: int = 0) -> TableStyle:
    """Light, ruled table: shaded header, hairlines between rows, no heavy boxes."""
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("LINEABOVE", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, -1), (-1, -1), 0.8, NAVY),
    ]
    if header_rows:
        commands += [("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL),
                     ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, NAVY)]
    if zebra:
        for r in range(header_rows, rows):
            if (r - header_rows) % 2 == 1:
                commands.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    return TableStyle(commands)


def key_value_style() -> TableStyle:
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ])


CENTER = TA_CENTER
