"""Tables the pages share: a configured read-only view for a model, and small fixed tables of text."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.gui.qt import (
    QAbstractItemView,
    QColor,
    QHeaderView,
    QSizePolicy,
    Qt,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTimer,
    named,
)
from workbench.gui.style import TONES

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def tone_colour(tone: str, role: int) -> QColor | None:
    """The tag colours of a tone for a model's Background/Foreground role (None for other roles)."""
    bg, fg, _border = TONES.get(tone, TONES["neutral"])
    if role == Qt.ItemDataRole.BackgroundRole:
        return QColor(bg)
    if role == Qt.ItemDataRole.ForegroundRole:
        return QColor(fg)
    return None


def list_view(name: str) -> QTableView:
    """A read-only, single-row-selection table view in the house style."""
    view = named(QTableView(), name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setDefaultAlignment(LEFT)
    return view


class TextTable(QTableWidget):
    """A small read-only table of text that shows every row (no inner scrolling).

    `stretch` is the column that takes the spare width (None: the table is as wide as its contents);
    `right` the columns aligned right (numbers);
    `tones` maps (row, column) to a tone for a coloured cell whose text says the same;
    `spoken` the table's accessible name.
    """

    def __init__(self, name: str, headers: Sequence[str], stretch: int | None = 0, right: Sequence[int] = (),
                 spoken: str = "") -> None:
        super().__init__(0, len(headers))
        self.setObjectName(name)
        if spoken:  # the name a screen reader speaks for the table
            self.setAccessibleName(spoken)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(True)
        self.verticalHeader().setVisible(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding if stretch is not None else QSizePolicy.Policy.Fixed,
                           QSizePolicy.Policy.Fixed)
        self._fit_width = stretch is None
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(LEFT)
        header.setStretchLastSection(False)
        for col in range(len(headers)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self._right = set(right)
        # a stretched column takes its width after the table's resize event: the rows are fitted
        # again once it has (else a row keeps the height of the text wrapped at the old width);
        # the timer is the table's own, so it goes with the table
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self.fit_height)
        header.sectionResized.connect(lambda *_: self._refit.start())

    def set_rows(self, rows: Sequence[Sequence[str]], tones: dict[tuple[int, int], str] | None = None,
                 tips: dict[tuple[int, int], str] | None = None) -> None:
        self.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c in self._right:
                    item.setTextAlignment(Qt.AlignmentFlag(RIGHT))
                tone = (tones or {}).get((r, c))
                if tone:
                    bg, fg, _border = TONES.get(tone, TONES["neutral"])
                    item.setBackground(QColor(bg))
                    item.setForeground(QColor(fg))
                tip = (tips or {}).get((r, c))
                if tip:
                    item.setToolTip(tip)
                self.setItem(r, c, item)
        self.fit_height()

    def fit_height(self) -> None:
        if self._fit_width:
            self.resizeColumnsToContents()
            self.setFixedWidth(self.horizontalHeader().length() + 2 * self.frameWidth())
        self.resizeRowsToContents()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:  # noqa: N802 - wrapped rows grow when the width changes
        super().resizeEvent(event)
        self.fit_height()

    def texts(self) -> list[list[str]]:
        return [[item.text() if (item := self.item(r, c)) else "" for c in range(self.columnCount())]
                for r in range(self.rowCount())]


#: rows measured to fit a column (Qt's default is 1,000); a wider cell later is elided, its tooltip whole
FIT_ROWS = 40


def columns_fit_contents(view: QTableView, stretch: int | None = None) -> None:
    """Each column as wide as its contents, measured once each time the rows are replaced; `stretch`
    (or else the last column) takes the spare width.

    Not `ResizeToContents`: that mode measures again at every show and layout of the view, asking the
    model for every shown row's every role each time (6,900 calls, 70 ms, for 60 audit rounds)."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setResizeContentsPrecision(FIT_ROWS)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    model = view.model()
    if model is None:
        raise ValueError("set the view's model before fitting its columns")
    model.modelReset.connect(view.resizeColumnsToContents)
    view.resizeColumnsToContents()


def fit_rows(view: QTableView, least: int = 4, most: int = 12) -> None:
    """Make a short list only as tall as its rows (between `least` and `most` rows), not a tall empty box."""
    model = view.model()
    rows = max(least, min(most, model.rowCount() if model is not None else 0))
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    view.setFixedHeight(height + rows * view.verticalHeader().defaultSectionSize())
