"""A calm look: system font, modest spacing, muted colours; red/amber/green always carry words."""

from __future__ import annotations

from workbench.gui.qt import QDate, QDateEdit, QFrame, QLabel, Qt, QWidget, named

#: (background, text, border) per tone; every tag shows its meaning in words too
TONES: dict[str, tuple[str, str, str]] = {
    "red": ("#fbe9e7", "#8c1d18", "#e6b3ad"),
    "amber": ("#fff3dc", "#7a4b00", "#ecc98a"),
    "green": ("#e7f3ea", "#1d5e31", "#a9d2b4"),
    "blue": ("#e8eef8", "#1f4173", "#b3c5e3"),
    "neutral": ("#eef0f2", "#3c4650", "#cfd5db"),
}

_TAGS = "\n".join(
    f'QLabel[tone="{tone}"] {{ background: {bg}; color: {fg}; border: 1px solid {border}; '
    "border-radius: 4px; padding: 1px 6px; }"
    for tone, (bg, fg, border) in TONES.items()
)

STYLESHEET = """
QMainWindow, QDialog { background: #f6f7f9; }
QListWidget#navigation { background: #eceff3; border: none; border-right: 1px solid #d5dae0;
    padding-top: 8px; outline: 0; }
QListWidget#navigation::item { padding: 8px 14px; color: #27313b; border-radius: 4px; margin: 1px 6px; }
QListWidget#navigation::item:selected { background: #d8e2ef; color: #14273f; }
QListWidget#navigation::item:hover:!selected { background: #e3e8ee; }
QLabel[role="pageTitle"] { font-size: 15pt; font-weight: 600; color: #1d2731; }
QLabel[role="section"] { font-weight: 600; color: #2f3b47; margin-top: 6px; }
QLabel[role="muted"] { color: #5b6773; }
QLabel[role="findingTitle"] { font-size: 12pt; font-weight: 600; color: #1d2731; }
QLabel[role="figureValue"] { font-weight: 600; color: #1d2731; }
QLabel[role="statValue"] { font-size: 20pt; font-weight: 600; color: #1d2731; }
QLabel[role="statCaption"] { color: #5b6773; }
QFrame[role="card"] { background: #ffffff; border: 1px solid #d9dee4; border-radius: 6px; }
QFrame[role="rule"] { color: #d9dee4; }
QTableView, QTreeWidget, QTableWidget { background: #ffffff; alternate-background-color: #f7f9fb;
    border: 1px solid #d9dee4; gridline-color: #eceff3; selection-background-color: #d3e0f0;
    selection-color: #14273f; }
QHeaderView::section { background: #f0f2f5; color: #2f3b47; border: none;
    border-bottom: 1px solid #d9dee4; border-right: 1px solid #e3e7ec; padding: 4px 6px; }
QScrollArea#findingDetail { background: #ffffff; border: 1px solid #d9dee4; }
QWidget#findingDetailBody { background: #ffffff; }
QStatusBar { background: #eceff3; color: #3c4650; border-top: 1px solid #d5dae0; }
QStatusBar QLabel { padding: 0 8px; }
""" + _TAGS


def tag(text: str, tone: str = "neutral", parent: QWidget | None = None) -> QLabel:
    """A small coloured label; the words carry the meaning, the colour only helps."""
    label = QLabel(text, parent)
    label.setProperty("tone", tone if tone in TONES else "neutral")
    return label


def set_tone(label: QLabel, tone: str) -> None:
    label.setProperty("tone", tone if tone in TONES else "neutral")
    label.style().unpolish(label)
    label.style().polish(label)


def with_role(widget: QWidget, role: str) -> QWidget:
    widget.setProperty("role", role)
    return widget


def label(text: str = "", role: str | None = None, wrap: bool = False, selectable: bool = False,
          plain: bool = False) -> QLabel:
    """A label in the house style; `plain` for text users wrote (never read as markup)."""
    out = QLabel(text)
    if plain:
        out.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        out.setProperty("role", role)
    out.setWordWrap(wrap)
    if selectable:
        out.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return out


def date_edit(name: str, value: QDate | None = None) -> QDateEdit:
    """A date field with a calendar pop-up, showing dates as "3 Mar 2025"."""
    edit = named(QDateEdit() if value is None else QDateEdit(value), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    return edit


def card() -> QFrame:
    frame = QFrame()
    frame.setProperty("role", "card")
    return frame


def rule() -> QFrame:
    line = QFrame()
    line.setProperty("role", "rule")
    line.setFrameShape(QFrame.Shape.HLine)
    return line


STATUS_TONES = {
    "awaiting allocation": "amber", "in progress": "blue", "pending sign-off": "blue",
    "proposed for closure": "green", "closed": "neutral",
}
LINK_TONES = {"suggested": "blue", "accepted": "green", "rejected": "neutral"}
MEASURE_TONES = {"proposed": "amber", "confirmed": "green", "discarded": "neutral"}
RAG_TONES = {"green": "green", "amber": "amber", "red": "red"}
RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", "indicative": "Indicative"}
READINESS_TONES = {"ready": "green", "partly ready": "amber", "not ready": "red"}
CASE_TONES = {"compliant": "green", "not compliant": "red", "incomplete": "amber", "unusable": "neutral"}
PACK_TONES = {"draft": "neutral", "submitted": "blue", "returned": "amber", "approved": "green",
              "superseded": "neutral"}
ASSESSMENT_TONES = {"draft": "neutral", "submitted": "blue", "returned": "amber", "approved": "green"}
ACTION_TONES = {"not started": "neutral", "in progress": "blue", "done": "green", "blocked": "red"}


def rag_words(rag: str | None) -> str:
    """RAG in words: the colour never carries the meaning alone."""
    return RAG_WORDS.get(rag or "", "Not rated")
