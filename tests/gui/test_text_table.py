"""A small text table's rows follow the width its stretched column has once the layout settles:
narrow, a long title wraps and its row grows; wide again, the row is one line (not left tall)."""
from __future__ import annotations

from workbench.gui.tables import TextTable


def test_rows_fit_the_stretched_columns_final_width(qtbot) -> None:
    table = TextTable("t", ["Type", "Title", "Date"], stretch=1)
    qtbot.addWidget(table)
    table.set_rows([["Thematic inspection", "Police response to violence against women and girls", "06 Feb 2026"]])
    table.resize(420, 200)
    table.show()
    qtbot.waitUntil(lambda: table.isVisible())
    qtbot.wait(50)
    narrow = table.rowHeight(0)
    table.resize(1200, 200)
    qtbot.wait(50)
    wide = table.rowHeight(0)
    one_line = table.fontMetrics().height()
    assert narrow > 1.6 * one_line  # wrapped over lines
    assert wide < 1.9 * one_line  # one line again once the column took its width
    assert table.height() < table.horizontalHeader().height() + 2 * wide + 10  # and the table no taller than that
