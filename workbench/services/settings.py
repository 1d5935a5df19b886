"""Workspace-wide settings stored as JSON values, with typed defaults."""

from __future__ import annotations

from typing import Any

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
