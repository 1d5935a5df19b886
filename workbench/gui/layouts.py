"""Emptying a layout whose contents are rebuilt when the shown record changes."""

from __future__ import annotations

from workbench.gui.qt import QLayout


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and nested layout, at once (not only at the next event loop)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())
            item.layout().deleteLater()
