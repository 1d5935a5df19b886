"""One signal for every write: the set of entity kinds it changed.

Services record what they wrote in `UnitOfWork.changed` (and `ImportResult.changed`); the GUI
emits that set once, and each view refreshes only when a kind it shows is in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from workbench.gui.qt import QHeaderView, QObject, QTableWidget, QTableWidgetItem, Signal
from workbench.services.change_words import ChangeInWords

#: entity kinds (as written to the change log) that each view shows
FINDINGS_VIEW = frozenset({"inspection", "finding", "finding_link"})
MEASURES_VIEW = frozenset({"inspection", "finding", "measure"})
AUDITS_VIEW = frozenset({"finding", "audit", "case", "response", "template", "setting"})
#: a finding's readiness draws on all of these
PROGRESS_VIEW = frozenset({"finding", "audit", "case", "response", "measure", "action", "evidence", "assessment"})
#: a pack is "changed since" when anything it shows changes
PACKS_VIEW = PROGRESS_VIEW | frozenset({"inspection", "finding_link", "pack", "bundle", "setting", "certificate"})
#: everything View > Refresh re-reads
ALL_VIEWS = FINDINGS_VIEW | MEASURES_VIEW | PACKS_VIEW


class ChangeBus(QObject):
    """Carries `frozenset[str]` of entity kinds after each successful write."""

    changed = Signal(object)

    def notify(self, kinds: Iterable[str]) -> None:
        kinds = frozenset(kinds)
        if kinds:
            self.changed.emit(kinds)


def concerns(kinds: Iterable[str], shown: Iterable[str]) -> bool:
    """Whether a change to `kinds` touches anything a view `shown`s."""
    return not frozenset(kinds).isdisjoint(shown)


def show_changes_in_words(table: QTableWidget, changes: Sequence[ChangeInWords]) -> None:
    """Fill a table with the change log in words: when, who, and what they did to which record.

    `changes` come from services/change_words.py (plain data, read off the GUI thread by the caller).
    """
    table.clear()
    table.setColumnCount(3)
    table.setHorizontalHeaderLabels(["When (UTC)", "Who", "What"])
    table.setAccessibleName("Recent changes")
    table.setAccessibleDescription("The change log in words, newest first")
    table.setRowCount(len(changes) or 1)
    if not changes:
        table.setItem(0, 2, QTableWidgetItem("Nothing recorded yet: import a report with File ▸ Import report…"))
    for row, change in enumerate(changes):
        seqs = (f"log entry {change.seq}" if change.entries == 1
                else f"log entries {change.first_seq}–{change.seq} ({change.entries})")
        what = change.what + (f" ({change.entries} times)" if change.entries > 1 else "")
        for col, text in enumerate((f"{change.at:%d %b %Y %H:%M}", change.who, what)):
            item = QTableWidgetItem(text)
            item.setToolTip(f"{change.sentence}\n{seqs}, by user {change.actor}")
            table.setItem(row, col, item)
    header = table.horizontalHeader()
    for col in (0, 1):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
