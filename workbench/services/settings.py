"""Workspace-wide settings stored as JSON values, with typed defaults."""

from __future__ import annotations

from typing import Any

from workbench.force_settings import ForceSettings, SettingsError
from workbench.services.access import require
from workbench.services.finding_status import FORCE_STATES
from workbench.store.models import ForceSetting
from workbench.store.uow import UnitOfWork

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

#: what each force setting is for, in the words a settings form shows: (label, description)
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "force_name": ("Force name", "Printed on every pack and bundle, e.g. Norfolk Constabulary."),
    "marking": ("Protective marking", "Printed on every page of every pack and export, e.g. OFFICIAL-SENSITIVE."),
    "attendance_targets": ("Attendance targets", "Minutes allowed from the clock start to arrival, by call grade "
                           "and area (urban, rural); the attendance criterion compares each case with these."),
    "clock_start": ("Clock starts at", "Whether attendance time runs from the call or from the dispatch."),
    "marac_tick_threshold": ("MARAC tick threshold", "DASH 'yes' answers (of 27) at which a case goes to MARAC."),
    "marac_repeat_incidents": ("MARAC repeat incidents", "Incidents within the window below that escalate a "
                               "case to MARAC whatever its score."),
    "marac_repeat_window_months": ("MARAC repeat window (months)", "The period in which repeat incidents count."),
    "da_supervisor_review_hours": ("DA supervisor review (hours)", "Hours within which a supervisor must review "
                                   "a domestic-abuse risk assessment."),
    "crime_recording_hours": ("Crime recording (hours)", "Hours from report to recording allowed by the crime "
                              "data integrity audit."),
    "offender_caseload_limit": ("Offender caseload limit", "Most offenders per manager the force allows; empty "
                                "until the force enters its own figure (there is no built-in default)."),
    "high_risk_share_limit": ("High-risk share limit (%)", "Highest share of high-risk offenders in one caseload; "
                              "empty until the force enters it."),
    "offender_visit_interval_days": ("Home visit interval (days)", "Days allowed between home visits, by risk "
                                     "level; empty until the force enters its policy."),
    "default_rag_rule": ("Default RAG rule", "What a new audit's rating compares with the target: the lower "
                         "bound of the 95 % interval (cautious), the point estimate, or the upper bound."),
    "evidence_max_file_mb": ("Largest evidence file (MB)", "Evidence files above this size are refused."),
    "finding_statuses": ("Finding statuses", "The force's status line, fixed so that reports and status moves "
                         "agree (docs/register.md): a finding moves along it on the Register page."),
}


def get_force_settings(uow: UnitOfWork) -> ForceSettings:
    """The force settings (attendance targets, MARAC thresholds, marking, …) with defaults."""
    return ForceSettings.from_dict(get_value(uow, FORCE_SETTINGS_KEY, {}))


def check_force_settings(current: ForceSettings, **changes: Any) -> ForceSettings:
    """The settings `changes` would give, validated (raises SettingsError naming the setting); stores nothing.

    The one rule every change goes through (the settings form checks each keystroke with it, the
    command line and `update_force_settings` apply it). A force name, once given, cannot be changed
    to nothing (nor to spaces: names are kept without spaces at the ends)."""
    values = current.to_dict()
    unknown = set(changes) - set(values)
    if unknown:
        raise SettingsError(", ".join(sorted(unknown)), "is not a force setting")
    name = changes.get("force_name")
    if isinstance(name, str) and not name.strip():
        raise SettingsError("force_name", "the force name is empty; type the force's name as packs should print "
                            "it, e.g. Norfolk Constabulary")
    return ForceSettings.from_dict({**values, **changes})


def update_force_settings(uow: UnitOfWork, **changes: Any) -> ForceSettings:
    """Change named force settings; every value is validated before anything is stored."""
    require(uow.actor, "settings.edit")
    before = get_force_settings(uow)
    new = check_force_settings(before, **changes)
    set_value(uow, FORCE_SETTINGS_KEY, new.to_dict())
    if new.to_dict() != before.to_dict():  # computed criteria read the settings: answer them again where they changed
        from workbench.services.fieldwork_flow import refresh_after_settings

        refresh_after_settings(uow)
    return new


def set_finding_statuses(uow: UnitOfWork, statuses: Any) -> tuple[str, ...]:
    """Refused: the force's status line is fixed by the state machine, so reports and moves agree."""
    require(uow.actor, "settings.edit")
    raise SettingsError("finding_statuses", "is fixed: a finding's status is the force's status line ("
                        + ", ".join(FORCE_STATES) + "); comment on a status line with: workbench register comment")
