from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import pytest

from workbench.force_settings import ForceSettings, SettingsError


def test_defaults() -> None:
    s = ForceSettings()
    assert s.force_name == ""
    assert s.marking == "OFFICIAL-SENSITIVE"
    assert s.attendance_target("emergency", "urban") == 15
    assert s.attendance_target("Emergency", " Rural ") == 20
    assert s.attendance_target("priority", "urban") == 60
    assert s.attendance_target("scheduled", "urban") is None
    assert s.clock_start == "call"
    assert s.marac_tick_threshold == 14
    assert (s.marac_repeat_incidents, s.marac_repeat_window_months) == (3, 12)
    assert s.offender_caseload_limit is None and s.high_risk_share_limit is None
    assert s.default_rag_rule == "lower_bound"
    assert s.evidence_max_file_mb == 200


def test_round_trip_through_json() -> None:
    s = ForceSettings(
        force_name="Norfolk Constabulary",
        attendance_targets={"emergency": {"urban": 12, "rural": 18}, "priority": {"urban": 45, "rural": 60}},
        clock_start="dispatch",
        offender_caseload_limit=50,
        high_risk_share_limit=20.0,
        offender_visit_interval_days={"very high": 28, "high": 56},
    )
    data = json.loads(json.dumps(s.to_dict()))
    back = ForceSettings.from_dict(data)
    assert back == s
    assert back.attendance_target("priority", "urban") == 45
    assert ForceSettings.from_dict({}) == ForceSettings()


def test_settings_are_immutable() -> None:
    s = ForceSettings()
    with pytest.raises(FrozenInstanceError):
        s.clock_start = "dispatch"  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.attendance_targets["emergency"]["urban"] = 1  # type: ignore[index]


@pytest.mark.parametrize(
    ("data", "setting"),
    [
        ({"clock_start": "arrival"}, "clock_start"),
        ({"marac_tick_threshold": 30}, "marac_tick_threshold"),
        ({"marac_tick_threshold": "14"}, "marac_tick_threshold"),
        ({"marac_repeat_incidents": 0}, "marac_repeat_incidents"),
        ({"offender_caseload_limit": -1}, "offender_caseload_limit"),
        ({"high_risk_share_limit": 120}, "high_risk_share_limit"),
        ({"default_rag_rule": "gut_feel"}, "default_rag_rule"),
        ({"evidence_max_file_mb": True}, "evidence_max_file_mb"),
        ({"marking": " "}, "marking"),
        ({"attendance_targets": {"emergency": {"urban": 0}}}, "attendance_targets.emergency.urban"),
        ({"attendance_targets": {"Emergency": {"urban": 15}}}, "attendance_targets"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_validation_names_the_setting(data: dict, setting: str) -> None:
    with pytest.raises(SettingsError) as info:
        ForceSettings.from_dict(data)
    assert info.value.setting == setting
    assert f"'{setting}'" in str(info.value)
