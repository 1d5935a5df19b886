"""Layout helpers: emptying a layout whose contents are rebuilt when the shown record changes, and
the scrolling body and Import / Close buttons of a dialog that previews an import."""

from __future__ import annotations

from workbench.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and nested layout, at once (not only at the next event loop)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget, inner = item.widget(), item.layout()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()  # not destroyed now: its own click may still be on the stack
        elif inner is not None:
            clear_layout(inner)
            inner.deleteLater()


def shown_within(widget: QWidget, ancestor: QWidget) -> bool:
    """Whether `widget` shows when `ancestor` does: no widget between them was hidden on purpose.

    Unlike `isVisibleTo`, a child just added to a visible layout counts (Qt shows it a moment later).
    """
    w: QWidget | None = widget
    while w is not None and w is not ancestor:
        if w.isHidden() and w.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide):
            return False
        w = w.parentWidget()
    return w is ancestor


def shown_text(root: QWidget) -> str:
    """The text of every label `root` shows, one per line (for tests and copying)."""
    return "\n".join(w.text() for w in root.findChildren(QLabel) if shown_within(w, root))


def summary_and_rows(owner: QWidget, summary: QLabel, button: QWidget) -> QVBoxLayout:
    """A list section: a summary line with its action button on top, then the rows (returned)."""
    rows = QVBoxLayout()
    rows.setSpacing(6)
    top = QHBoxLayout()
    top.addWidget(summary, 1)
    top.addWidget(button)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addLayout(top)
    layout.addLayout(rows)
    return rows


def scrolling(body: QWidget, frame: bool = True) -> QScrollArea:
    """`body` in a vertical scroll area as wide as the dialog (no horizontal scroll bar)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if not frame:
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(body)
    return scroll


def import_buttons(dialog: QDialog, name: str, text: str, importable: bool) -> tuple[QDialogButtonBox, QPushButton]:
    """The buttons under an import's preview: `text` (e.g. "Import 12 answers", object name `name`)
    accepts, enabled only when the import can go ahead; the other button cancels, or just closes
    when there is nothing to import."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    apply = buttons.button(QDialogButtonBox.StandardButton.Ok)
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert apply is not None and cancel is not None  # both were asked for above
    apply.setObjectName(name)
    apply.setText(text if importable else "Import")
    apply.setEnabled(importable)
    cancel.setText("Cancel" if importable else "Close")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, apply
