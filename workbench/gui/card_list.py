"""The cards of a list section (a finding's actions, its evidence), kept from one record to the next.

Showing another finding used to delete every card and build new ones: seven or so widgets each,
each styled, laid out and painted anew, and the deletions on top. `CardList` keeps the cards it
built and fills them with the next record's items instead (`Card.show_item`: texts, names, the
item the buttons act on).

Cards are filled and shown a slice at a time, each slice in its own turn of the event loop, so a
long list never holds the GUI thread for long: a slice ends after `per_slice` cards or once it has
taken `budget_ms`, whichever comes first (at least one card); the first slice is shown at once, and
a card still showing the earlier record waits hidden for its turn. Missing cards are built in the
slices; `reserve` builds the first screenful ahead, in the idle turns after the panel is made.
Cards left over are hidden and lose their names, so nothing finds an item no longer shown. A new
`fill` drops the slices an older one had left.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from workbench.gui.qt import QApplication, QFrame, QGridLayout, QObject, QTimer, QVBoxLayout, QWidget

T = TypeVar("T")

#: the next slice waits for a real timer: a zero-delay one is a posted event, sent in the same pass
#: as the layout and paint events it caused, so the window would answer nothing in between
_NEXT_TURN_MS = 1


class Card(QFrame, Generic[T]):
    """One item's card: built once, filled again for each item it shows."""

    item: T | None = None

    def __init__(self) -> None:
        super().__init__()
        self.setProperty("role", "card")  # the house style's card (gui/style.py)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(10, 6, 10, 6)
        self.grid.setVerticalSpacing(2)

    def show_item(self, item: T) -> None:
        raise NotImplementedError

    def on_item(self, act: Callable[[T], object]) -> Callable[[], None]:
        """A slot that runs `act` on the item the card shows when clicked (nothing when it shows none)."""

        def run() -> None:
            if self.item is not None:
                act(self.item)

        return run

    def forget(self) -> None:
        """No longer shown: no name (a search by name finds nothing) and no item to act on."""
        self.item = None
        self.setObjectName("")
        for child in self.findChildren(QWidget):
            if child.objectName() and not child.objectName().startswith("qt_"):  # Qt's own parts keep theirs
                child.setObjectName("")

    def let_go(self) -> None:
        """About to show another item: the keyboard focus leaves the card (a key press meant for the
        item shown before must not act on the next one); subclasses also close open pop-ups."""
        focus = QApplication.focusWidget()
        if focus is not None and (focus is self or self.isAncestorOf(focus)):
            focus.clearFocus()


class CardList(QObject, Generic[T]):
    def __init__(self, layout: QVBoxLayout, make: Callable[[], Card[T]], parent: QObject | None = None,
                 per_slice: int = 8, budget_ms: float = 20.0, key: Callable[[T], object] = id) -> None:
        """`key` tells one item from another (a record's id): a card given another item lets go of
        the keyboard focus and its pop-ups first; one given the same item, read again, keeps them."""
        super().__init__(parent)
        self._layout, self._make, self._key = layout, make, key
        self._per_slice, self._budget_s = per_slice, budget_ms / 1000
        self._cards: list[Card[T]] = []
        self._generation = 0
        self.pending = 0  # cards still to build

    @property
    def shown(self) -> list[Card[T]]:
        """The cards showing an item, in order."""
        return [card for card in self._cards if card.item is not None]

    def fill(self, items: Sequence[T]) -> None:
        self._generation += 1
        items = list(items)
        for card in self._cards[len(items):]:
            if card.item is not None:
                card.hide()
                card.forget()
        self._slice(self._generation, items, 0)

    def reserve(self, count: int) -> None:
        """Build cards ahead, hidden, until there are `count`: one per turn of the event loop, while the
        window waits for the user, so the first record shown fills cards instead of building them."""
        QTimer.singleShot(_NEXT_TURN_MS, self, lambda: self._reserve(count))

    def _reserve(self, count: int) -> None:
        if len(self._cards) >= count:
            return
        card = self._make()
        card.hide()  # stays hidden in the layout until it shows an item
        self._layout.addWidget(card)
        card.ensurePolished()  # styled now, not when first shown
        self._cards.append(card)
        QTimer.singleShot(_NEXT_TURN_MS, self, lambda: self._reserve(count))

    def _slice(self, generation: int, items: list[T], start: int) -> None:
        """Show items[start:] from a slice's worth on; the rest waits for the next turn of the event
        loop, hidden meanwhile (never a card of the record shown before)."""
        if generation != self._generation:
            return
        began, at = time.perf_counter(), start
        while at < len(items) and at - start < self._per_slice:
            if at < len(self._cards):
                card = self._cards[at]
            else:
                card = self._make()
                self._cards.append(card)
                self._layout.addWidget(card)
            if card.item is not None and self._key(card.item) != self._key(items[at]):
                card.let_go()
            card.show_item(items[at])
            card.item = items[at]
            card.show()
            at += 1
            if time.perf_counter() - began > self._budget_s:
                break
        self.pending = len(items) - at
        for card in self._cards[at:len(items)]:
            if card.item is not None:  # still the earlier record's: out of sight until its turn
                card.let_go()
                card.hide()
                card.forget()
        if at < len(items):
            QTimer.singleShot(_NEXT_TURN_MS, self, lambda: self._slice(generation, items, at))
