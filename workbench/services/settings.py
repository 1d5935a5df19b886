"""Workspace-wide settings stored as JSON values, with typed defaults."""

from __future__ import annotations

from typing import Any

from workbench.force_settings import ForceSettings, SettingsError
from workbench.services.access import require
from workbench.store.models import ForceSetting
from workbench.store.uow import UnitOfWork

from workbench.services.finding_status import FORCE_STATES

#: a finding's status is the force's status line (services/finding_status.py)
DEFAULT_FINDING_STATUSES = FORCE_STATES


def get_value(uow: UnitOfWork, key: str, default: Any) -> Any:
    row = uow.session.get(ForceSetting, key)
    return default if row is None else row.value


def set_value(uow: UnitOfWork, key: str, value: Any) -> None:
    require(uow.actor, "settings.edit")
    row = uow.session.get(ForceSetting, key)
    before = None if row is None else row.value
    if row is None:
        uow.session.add(ForceSetting(key=key, value=value))
    else:
        row.value = value
    uow.session.flush()
    uow.log("setting", key, "set", {"value": before}, {"value": value})


def finding_statuses(uow: UnitOfWork) -> tuple[str, ...]:
    """The force's status line: fixed by the state machine (services/finding_status.py)."""
    return FORCE_STATES


FORCE_SETTINGS_KEY = "force_settings"


def get_force_settings(uow: UnitOfWork) -> ForceSettings:
    """The force settings (attendance targets, MARAC thresholds, marking, …) with defaults."""
    return ForceSettings.from_dict(get_value(uow, FORCE_SETTINGS_KEY, {}))


def update_force_settings(uow: UnitOfWork, **changes: Any) -> ForceSettings:
    """Change named force settings; every value is validated before anything is stored."""
    require(uow.actor, "settings.edit")
    current = get_force_settings(uow).to_dict()
    unknown = set(changes) - set(current)
    if unknown:
        raise SettingsError(", ".join(sorted(unknown)), "is not a force setting")
    new = ForceSettings.from_dict({**current, **changes})
    set_value(uow, FORCE_SETTINGS_KEY, new.to_dict())
    return new


def set_finding_statuses(uow: UnitOfWork, statuses: Any) -> tuple[str, ...]:
    """Refused: the force's status line is fixed by the state machine, so reports and moves agree."""
    require(uow.actor, "settings.edit")
    raise SettingsError("finding_statuses", "is fixed: a finding's status is the force's status line ("
                        + ", ".join(FORCE_STATES) + "); comment on a status line with: workbench register comment")
