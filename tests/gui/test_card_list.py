"""Cards are kept from one record to the next: filled again, shown a slice at a time, never stale."""

from __future__ import annotations

import pytest

from workbench.gui.card_list import Card, CardList
from workbench.gui.qt import QLabel, QPushButton, QVBoxLayout, QWidget

pytestmark = pytest.mark.gui


class _Card(Card[str]):
    built = 0

    def __init__(self, clicked: list[str]) -> None:
        super().__init__()
        _Card.built += 1
        self.text = QLabel(self)
        self.button = QPushButton("Act", self)
        self.button.clicked.connect(self.on_item(clicked.append))

    def show_item(self, item: str) -> None:
        self.setObjectName(f"card-{item}")
        self.button.setObjectName(f"act-{item}")
        self.text.setText(item)


def _panel(qtbot, per_slice: int = 3) -> tuple[QWidget, CardList[str], list[str]]:
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    clicked: list[str] = []
    cards: CardList[str] = CardList(layout, lambda: _Card(clicked), holder, per_slice=per_slice)
    holder.show()
    return holder, cards, clicked


def _shown(holder: QWidget) -> list[str]:
    return [c.text.text() for c in holder.findChildren(_Card) if c.isVisible()]


def test_the_next_record_fills_the_cards_already_built(qtbot):
    holder, cards, clicked = _panel(qtbot)
    _Card.built = 0
    cards.fill(["a", "b"])
    first = holder.findChild(_Card, "card-a")
    cards.fill(["c", "d"])
    assert _Card.built == 2  # no card built again
    assert holder.findChild(_Card, "card-c") is first
    assert holder.findChild(_Card, "card-a") is None and holder.findChild(QPushButton, "act-a") is None
    act = holder.findChild(QPushButton, "act-c")
    assert act is not None
    act.click()
    assert clicked == ["c"]  # the button acts on the item the card shows now
    assert _shown(holder) == ["c", "d"]


def test_fewer_items_hide_the_cards_left_over_and_their_names(qtbot):
    holder, cards, clicked = _panel(qtbot)
    cards.fill(["a", "b", "c"])
    cards.fill(["d"])
    assert _shown(holder) == ["d"]
    assert [c.item for c in cards.shown] == ["d"]
    assert holder.findChild(_Card, "card-b") is None and holder.findChild(QPushButton, "act-c") is None
    leftover = [c for c in holder.findChildren(_Card) if not c.isVisible()]
    leftover[0].button.click()
    assert clicked == []  # a hidden card acts on nothing


def test_a_long_list_shows_a_slice_per_turn_and_never_the_earlier_record(qtbot):
    holder, cards, _ = _panel(qtbot, per_slice=3)
    cards.fill([f"old{n}" for n in range(7)])
    qtbot.waitUntil(lambda: cards.pending == 0)
    cards.fill([f"new{n}" for n in range(7)])
    assert _shown(holder) == ["new0", "new1", "new2"] and cards.pending == 4  # the rest in later turns
    qtbot.waitUntil(lambda: cards.pending == 0)
    assert _shown(holder) == [f"new{n}" for n in range(7)]


def test_a_new_fill_drops_the_slices_an_older_one_left(qtbot):
    holder, cards, _ = _panel(qtbot, per_slice=2)
    cards.fill([f"x{n}" for n in range(6)])
    cards.fill(["y0"])
    qtbot.wait(30)
    assert _shown(holder) == ["y0"] and cards.pending == 0


def test_reserved_cards_wait_hidden_and_are_used_first(qtbot):
    holder, cards, _ = _panel(qtbot)
    _Card.built = 0
    cards.reserve(4)
    qtbot.waitUntil(lambda: _Card.built == 4)
    assert _shown(holder) == [] and cards.shown == []
    cards.fill(["a", "b", "c"])
    qtbot.waitUntil(lambda: cards.pending == 0)
    assert _Card.built == 4 and _shown(holder) == ["a", "b", "c"]
