"""Workspace-wide settings stored as JSON values, with typed defaults."""

from __future__ import annotations

from typing import Any

from workbench.force_settings import ForceSettings, SettingsError
from workbench.services.access import require
from workbench.store.models import ForceSetting
from workbench.store.uow import UnitOfWork

DEFAULT_FINDING_STATUSES = (
    "open",
    "in progress",
    "evidence gathering",
    "ready for review",
    "signed off",
    "closed by inspectorate",
    "superseded",
)


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
    return tuple(get_value(uow, "finding_statuses", list(DEFAULT_FINDING_STATUSES)))


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
    if new.to_dict() != current:  # computed criteria read the settings: answer them again where they changed
        from workbench.services.fieldwork_flow import refresh_after_settings

        refresh_after_settings(uow)
    return new


def set_finding_statuses(uow: UnitOfWork, statuses: Any) -> tuple[str, ...]:
    """Replace the register's status list; a status still used by a finding cannot be dropped."""
    require(uow.actor, "settings.edit")
    if not isinstance(statuses, list) or not statuses or not all(isinstance(x, str) and x.strip() for x in statuses):
        raise SettingsError("finding_statuses", "must be a non-empty list of names, e.g. [\"open\", \"closed\"]")
    cleaned = [x.strip() for x in statuses]
    if len(set(cleaned)) != len(cleaned):
        raise SettingsError("finding_statuses", "lists a status twice")
    from sqlalchemy import select

    from workbench.store.models import Finding

    used = set(uow.session.scalars(select(Finding.status).distinct()))
    missing = sorted(used - set(cleaned))
    if missing:
        raise SettingsError("finding_statuses", f"drops {', '.join(missing)}, still used by findings; "
                            "move those findings to another status first")
    set_value(uow, "finding_statuses", cleaned)
    return tuple(cleaned)
