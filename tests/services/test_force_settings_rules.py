"""The force settings' one rule, as every caller meets it: a force name is never blank, an empty key of a
table says which key is empty and what to type, and nothing refused is stored."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.force_settings import ForceSettings, SettingsError
from workbench.services import settings


def _stored(ws) -> ForceSettings:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        return settings.get_force_settings(uow)


@pytest.mark.parametrize("blank", ["", "   ", "\t "])
def test_a_blank_force_name_is_refused_and_nothing_is_stored(workspace, blank: str) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="Norfolk Constabulary")
    with pytest.raises(SettingsError) as refused, workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name=blank, marac_tick_threshold=10)
    assert refused.value.setting == "force_name"
    assert "the force name is empty" in refused.value.problem and "e.g. Norfolk Constabulary" in refused.value.problem
    stored = _stored(workspace)
    assert (stored.force_name, stored.marac_tick_threshold) == ("Norfolk Constabulary", 14)  # all or nothing


def test_a_force_name_is_stored_without_spaces_at_its_ends(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, force_name="  Norfolk   Constabulary ")
    assert _stored(workspace).force_name == "Norfolk Constabulary"


def test_a_name_of_spaces_stored_before_the_rule_reads_as_no_name() -> None:
    """A workspace whose settings were saved with a name of spaces still opens: the name reads as not set."""
    assert ForceSettings.from_dict({"force_name": "  "}).force_name == ""


@pytest.mark.parametrize(("targets", "setting", "words"), [
    ({"emergency": {"": 15}}, "attendance_targets.emergency", "the area is empty; type the area name, e.g. urban"),
    ({"": {"urban": 15}}, "attendance_targets", "the call grade is empty; type the grade, e.g. emergency"),
    ({"emergency": {"urban": ""}}, "attendance_targets.emergency.urban", "is empty; type a whole number"),
])
def test_an_empty_cell_of_the_attendance_targets_says_what_to_type(workspace, targets, setting, words) -> None:
    with pytest.raises(SettingsError) as refused, workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, attendance_targets=targets)
    assert refused.value.setting == setting and words in refused.value.problem
    assert "lower-case" not in refused.value.problem
    assert _stored(workspace).attendance_target("emergency", "urban") == 15


def test_an_empty_risk_level_says_what_to_type() -> None:
    with pytest.raises(SettingsError, match="the risk level is empty; type the risk level"):
        settings.check_force_settings(ForceSettings(), offender_visit_interval_days={"": 28})
