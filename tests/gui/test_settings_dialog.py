"""The force settings dialog: described, validated as typed by the service's rules, saved by an admin."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, ADMIN_PASS, noted
from workbench.gui.qt import QComboBox, QLineEdit, QTableWidgetItem
from workbench.gui.settings_dialog import SettingsDialog
from workbench.services import settings, users

pytestmark = pytest.mark.gui


def _stored(ws):
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return settings.get_force_settings(uow), settings.finding_statuses(uow)


def _line(dialog: SettingsDialog, key: str) -> QLineEdit:
    field = dialog.fields[key]
    assert isinstance(field, QLineEdit), key
    return field


def _cell(dialog: SettingsDialog, row: int, column: int) -> QTableWidgetItem:
    item = dialog.targets.item(row, column)
    assert item is not None
    return item


def test_settings_are_checked_as_typed_and_saved(qtbot, window, seeded_workspace) -> None:
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert not dialog.save.isEnabled()  # nothing changed yet
    assert _line(dialog, "marking").text() == "OFFICIAL-SENSITIVE"
    assert dialog.targets.rows() == [["emergency", "urban", "15"], ["emergency", "rural", "20"],
                                     ["priority", "urban", "60"], ["priority", "rural", "60"]]
    _line(dialog, "marac_tick_threshold").setText("40")
    assert not dialog.save.isEnabled()
    assert dialog.problem.text() == "MARAC tick threshold: must be between 1 and 27, got 40."
    assert "a32" in dialog.captions["marac_tick_threshold"].styleSheet()
    _line(dialog, "marac_tick_threshold").setText("ten")
    assert "expected a whole number, got 'ten'" in dialog.problem.text()
    _line(dialog, "marac_tick_threshold").setText("10")
    _cell(dialog, 1, 2).setText("0")
    assert dialog.problem.text().startswith("Attendance targets (emergency rural): must be between 1")
    _cell(dialog, 1, 2).setText("25")
    _line(dialog, "force_name").setText("Norfolk Constabulary")
    _line(dialog, "offender_caseload_limit").setText("40")
    clock = dialog.fields["clock_start"]
    assert isinstance(clock, QComboBox)
    clock.setCurrentIndex(clock.findData("dispatch"))
    assert dialog.problem.text() == "" and dialog.save.isEnabled()
    dialog.save_settings()
    assert dialog.result() == 1
    stored, _ = _stored(seeded_workspace)
    assert (stored.force_name, stored.marac_tick_threshold, stored.clock_start, stored.offender_caseload_limit) == (
        "Norfolk Constabulary", 10, "dispatch", 40)
    assert stored.attendance_target("emergency", "rural") == 25


def test_the_status_line_is_shown_and_cannot_be_edited(qtbot, window, seeded_workspace) -> None:
    from workbench.services.finding_status import FORCE_STATES

    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.status_list.isReadOnly()
    assert dialog.status_list.toPlainText().splitlines() == list(FORCE_STATES)
    dialog.status_list.setPlainText("in progress\nclosed")  # even if forced in, nothing is sent
    assert dialog.status_changes() is None
    assert _stored(seeded_workspace)[1] == FORCE_STATES


def test_a_non_admin_sees_the_settings_and_why_they_cannot_change_them(qtbot, open_window, seeded_workspace) -> None:
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer")
    window = open_window(seeded_workspace, "off.icer")
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert not dialog.save.isEnabled() and "officer role cannot change the force settings" in dialog.save.toolTip()
    assert not dialog.fields["force_name"].isEnabled()
    assert "cannot change the force settings" in window.settings_action.toolTip()


@pytest.mark.parametrize("typed", ["", "   "])
def test_a_blank_force_name_is_refused_in_the_form_by_the_services_rule(qtbot, window, seeded_workspace,
                                                                        typed: str) -> None:
    with seeded_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Norfolk Constabulary")
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    _line(dialog, "force_name").setText(typed)
    assert not dialog.save.isEnabled()
    assert dialog.problem.text().startswith("Force name: the force name is empty; type the force's name")
    assert "a32" in dialog.captions["force_name"].styleSheet()
    dialog.save_settings()  # refused before anything is written
    assert dialog.result() == 0 and _stored(seeded_workspace)[0].force_name == "Norfolk Constabulary"
    _line(dialog, "force_name").setText("  Norfolk Constabulary ")  # spaces at the ends: no change at all
    assert dialog.problem.text() == "" and not dialog.save.isEnabled()
    _line(dialog, "force_name").setText("Norfolk Constabulary")


def test_an_empty_area_says_the_area_is_empty_and_what_to_type(qtbot, window) -> None:
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    _cell(dialog, 1, 1).setText("  ")
    assert dialog.problem.text() == ("Attendance targets (emergency): the area is empty; type the area name, "
                                     "e.g. urban or rural.")
    assert not dialog.save.isEnabled()
    _cell(dialog, 1, 1).setText("Rural  Fringe")  # written as people write it: kept as the rule keeps keys
    assert dialog.problem.text() == "" and dialog.values()["attendance_targets"]["emergency"]["rural fringe"] == 20
    _cell(dialog, 1, 1).setText("rural")


@pytest.mark.parametrize("how", ["cancel", "escape", "close"])
def test_leaving_after_an_edit_asks_before_the_edits_are_dropped(qtbot, window, seeded_workspace, monkeypatch,
                                                                 how: str) -> None:
    from workbench.gui import confirm
    from workbench.gui.qt import QDialogButtonBox, Qt

    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(confirm, "ask", lambda _p, _t, question, *_a, **_k: noted(asked, question, answer[0]))
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None

    def leave() -> None:
        if how == "cancel":
            buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
        elif how == "escape":
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            dialog.close()

    leave()  # nothing typed: closes without a question
    assert asked == [] and not dialog.isVisible()
    dialog.show()
    _line(dialog, "marac_tick_threshold").setText("12")
    leave()
    assert asked == ["Discard your unsaved changes to the force settings?"] and dialog.isVisible()
    assert _line(dialog, "marac_tick_threshold").text() == "12"  # kept
    answer[0] = True
    leave()
    assert len(asked) == 2 and not dialog.isVisible() and dialog.result() == 0
    assert _stored(seeded_workspace)[0].marac_tick_threshold == 14  # dropped, as asked
