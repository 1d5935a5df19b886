"""Links between a finding and findings of other inspections: suggested, accepted or rejected."""

from __future__ import annotations

from collections.abc import Sequence

from workbench.gui.layouts import clear_layout
from workbench.gui.qt import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget, Signal
from workbench.gui.style import LINK_TONES, card, label, tag
from workbench.services.findings import LinkInfo

DIRECTION_WORDS = {"earlier": "Follows up", "later": "Followed up by"}


class LinksPanel(QWidget):
    """Shows the links; emits `decided(link_id, accept)` when a button is pressed."""

    decided = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._editable = False

    def set_editable(self, editable: bool) -> None:
        self._editable = editable

    def show_links(self, links: Sequence[LinkInfo]) -> None:
        clear_layout(self._layout)
        if not links:
            self._layout.addWidget(label("No related findings in other inspections.", "muted", wrap=True))
            return
        for link in links:
            self._layout.addWidget(self._row(link))

    def _row(self, link: LinkInfo) -> QFrame:
        frame = card()
        frame.setObjectName(f"link-{link.id}")
        outer = QHBoxLayout(frame)
        outer.setContentsMargins(10, 8, 10, 8)
        text = QVBoxLayout()
        text.setSpacing(3)
        text.addWidget(label(f"{DIRECTION_WORDS.get(link.direction, 'Linked to')} <b>{link.ref}</b>", wrap=True))
        head = QHBoxLayout()
        head.setSpacing(8)
        state = tag(link.state.capitalize(), LINK_TONES.get(link.state, "neutral"))
        state.setObjectName("linkState")
        head.addWidget(state)
        head.addWidget(label(f"match {link.score:.0%}", "muted"))
        head.addStretch(1)
        text.addLayout(head)
        text.addWidget(label(link.title, wrap=True, selectable=True))
        if link.shared_terms:
            text.addWidget(label("Shared terms: " + ", ".join(link.shared_terms), "muted", wrap=True))
        outer.addLayout(text, 1)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        for accept, caption in ((True, "Accept"), (False, "Reject")):
            button = QPushButton(caption)
            button.setObjectName(f"{caption.lower()}-link-{link.id}")
            current = link.state == ("accepted" if accept else "rejected")
            button.setEnabled(self._editable and link.id is not None and not current)
            button.setToolTip(f"{caption} this link" if not current else f"Already {link.state}")
            button.clicked.connect(lambda _=False, i=link.id, a=accept: self.decided.emit(i, a))
            buttons.addWidget(button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        return frame
