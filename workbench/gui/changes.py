"""One signal for every write: the set of entity kinds it changed.

Services record what they wrote in `UnitOfWork.changed` (and `ImportResult.changed`); the GUI
emits that set once, and each view refreshes only when a kind it shows is in it.
"""

from __future__ import annotations

from collections.abc import Iterable

from workbench.gui.qt import QObject, Signal

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
