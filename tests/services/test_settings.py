"""Force settings: typed, validated, stored in the workspace, changes logged."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.errors import PermissionDeniedError, WorkbenchError
from workbench.services import settings, users


def test_defaults_then_update_round_trip(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        s = settings.get_force_settings(uow)
        assert s.marking == "OFFICIAL-SENSITIVE" and s.attendance_target("emergency", "urban") == 15
        settings.update_force_settings(uow, force_name="Norfolk Constabulary", clock_start="dispatch")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        s = settings.get_force_settings(uow)
    assert (s.force_name, s.clock_start) == ("Norfolk Constabulary", "dispatch")


def test_bad_values_and_roles_are_refused(workspace) -> None:
    with pytest.raises(WorkbenchError), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, clock_start="sunrise")
    with pytest.raises(WorkbenchError, match="not a force setting"), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.update_force_settings(uow, colour="blue")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        users.add_user(uow, "off.icer", "officer")
    with pytest.raises(PermissionDeniedError), workspace.unit_of_work("off.icer") as uow:
        settings.update_force_settings(uow, force_name="X")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert settings.get_force_settings(uow).clock_start == "call"


def test_finding_statuses_are_the_force_status_line_and_fixed(workspace) -> None:
    from workbench.services.finding_status import FORCE_STATES

    with pytest.raises(WorkbenchError, match="is fixed"), workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.set_finding_statuses(uow, ["open", "action plan agreed", "closed"])
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert settings.finding_statuses(uow) == FORCE_STATES
