from __future__ import annotations

import pytest

from workbench.force_settings import ForceSettings
from workbench.templates import builtin_templates, evaluate, load_template


def _template(key: str):
    return next(t for t in builtin_templates() if t.key == key)


ATTEND = _template("response-attendance").criterion("attended_within_target")


def _case(**overrides):
    case = {
        "incident_ref": "INC-1",
        "call_time": "14/03/2024 14:02",
        "dispatch_time": "14/03/2024 14:09",
        "arrival_time": "14/03/2024 14:21",
        "final_grade": "Emergency",
        "area": "Urban",
    }
    case.update(overrides)
    return case


def test_urban_emergency_19_minutes_not_met() -> None:
    out = evaluate(ATTEND, _case(), ForceSettings())
    assert out.answer == "no"
    assert out.working == "Call 14:02 to arrival 14:21 = 19 min; target for emergency/urban is 15 min; not met"


def test_dispatch_clock_start_changes_outcome() -> None:
    out = evaluate(ATTEND, _case(), ForceSettings(clock_start="dispatch"))
    assert out.answer == "yes"
    assert out.working == "Dispatch 14:09 to arrival 14:21 = 12 min; target for emergency/urban is 15 min; met"


def test_rural_emergency_18_minutes_met() -> None:
    out = evaluate(ATTEND, _case(area="rural", arrival_time="2024-03-14T14:20:00"), ForceSettings())
    assert out.answer == "yes"
    assert "= 18 min; target for emergency/rural is 20 min; met" in out.working


def test_exactly_on_target_is_met_and_one_second_over_is_not() -> None:
    assert evaluate(ATTEND, _case(arrival_time="14/03/2024 14:17"), ForceSettings()).answer == "yes"
    late = evaluate(ATTEND, _case(arrival_time="14/03/2024 14:17:01"), ForceSettings())
    assert late.answer == "no" and "15 min 1 s" in late.working


def test_missing_arrival_is_na_with_reason() -> None:
    out = evaluate(ATTEND, _case(arrival_time=None), ForceSettings())
    assert out.answer == "n/a"
    assert "no arrival time recorded" in out.working


def test_unreadable_and_inconsistent_times_are_na() -> None:
    assert evaluate(ATTEND, _case(arrival_time="31/02/2024 10:00"), ForceSettings()).answer == "n/a"
    out = evaluate(ATTEND, _case(arrival_time="14/03/2024 13:00"), ForceSettings())
    assert out.answer == "n/a" and "check the recorded times" in out.working
    out = evaluate(ATTEND, _case(arrival_time="14/03/2024"), ForceSettings())
    assert out.answer == "n/a" and "no time" in out.working


def test_grade_without_target_and_missing_area() -> None:
    out = evaluate(ATTEND, _case(final_grade="Scheduled"), ForceSettings())
    assert out.answer == "n/a" and "no attendance target for scheduled/urban" in out.working
    out = evaluate(ATTEND, _case(area=""), ForceSettings())
    assert out.answer == "n/a" and "no area recorded" in out.working
    # priority has the same target in both areas, so the area is not needed
    out = evaluate(ATTEND, _case(final_grade="Priority", area=None, arrival_time="14/03/2024 15:00"), ForceSettings())
    assert out.answer == "yes" and "target for priority is 60 min" in out.working


def test_force_targets_are_used() -> None:
    settings = ForceSettings(attendance_targets={"emergency": {"urban": 20, "rural": 25}})
    assert evaluate(ATTEND, _case(), settings).answer == "yes"


def test_across_midnight_shows_dates() -> None:
    out = evaluate(ATTEND, _case(call_time="14/03/2024 23:55", arrival_time="15/03/2024 00:05"), ForceSettings())
    assert out.answer == "yes"
    assert out.working.startswith("Call 14/03/2024 23:55 to arrival 15/03/2024 00:05 = 10 min")


def test_count_at_least_uses_force_setting() -> None:
    crit = _template("da-safeguarding").criterion("meets_escalation")
    assert evaluate(crit, {"repeat_incidents_12m": "3"}, ForceSettings()).answer == "yes"
    out = evaluate(crit, {"repeat_incidents_12m": 2}, ForceSettings())
    assert out.answer == "no"
    assert out.working == "repeat_incidents_12m = 2; is below the threshold of 3 (force setting marac_repeat_incidents)"
    assert evaluate(crit, {"repeat_incidents_12m": 2}, ForceSettings(marac_repeat_incidents=2)).answer == "yes"
    assert evaluate(crit, {}, ForceSettings()).answer == "n/a"
    assert evaluate(crit, {"repeat_incidents_12m": "lots"}, ForceSettings()).answer == "n/a"
    ticks = _template("da-safeguarding").criterion("meets_tick_threshold")
    assert evaluate(ticks, {"dash_ticks": 14}, ForceSettings()).answer == "yes"
    assert evaluate(ticks, {"dash_ticks": 13}, ForceSettings()).answer == "no"


def test_field_present_with_applies_when() -> None:
    crit = _template("da-safeguarding").criterion("secondary_assessment")
    out = evaluate(crit, {"risk_grade": "Standard"}, ForceSettings())
    assert out.answer == "n/a" and "applies only when risk_grade is Medium or High" in out.working
    assert evaluate(crit, {"risk_grade": "high"}, ForceSettings()).answer == "no"
    assert evaluate(crit, {"risk_grade": "HIGH", "secondary_assessment_time": "2024-03-15T10:00:00"}, ForceSettings()).answer == "yes"


def test_value_in_set() -> None:
    crit = _template("da-risk-assessment").criterion("tool_used")
    assert evaluate(crit, {"risk_tool": " dara "}, ForceSettings()).answer == "yes"
    out = evaluate(crit, {"risk_tool": "None"}, ForceSettings())
    assert out.answer == "no" and out.working == "risk_tool is None, not one of DASH, DARA"
    assert evaluate(crit, {"risk_tool": ""}, ForceSettings()).answer == "n/a"


def test_within_hours_missing_review_counts_as_not_done() -> None:
    crit = _template("da-risk-assessment").criterion("supervisor_review_in_time")
    case = {"assessment_time": "01/04/2024 22:00", "supervisor_review_time": "02/04/2024 21:30"}
    out = evaluate(crit, case, ForceSettings())
    assert out.answer == "yes" and "= 23.5 h; limit 24 h (force setting da_supervisor_review_hours)" in out.working
    assert evaluate(crit, case, ForceSettings(da_supervisor_review_hours=12)).answer == "no"
    out = evaluate(crit, {"assessment_time": "01/04/2024 22:00"}, ForceSettings())
    assert out.answer == "no" and "not recorded" in out.working
    assert evaluate(crit, {"supervisor_review_time": "02/04/2024 21:30"}, ForceSettings()).answer == "n/a"


def test_within_hours_missing_end_is_na_by_default() -> None:
    crit = _template("crime-data-integrity").criterion("recorded_in_time")
    assert evaluate(crit, {"incident_time": "01/04/2024 10:00"}, ForceSettings()).answer == "n/a"
    late = {"incident_time": "01/04/2024 10:00", "crime_recorded_time": "03/04/2024 10:00"}
    assert evaluate(crit, late, ForceSettings()).answer == "no"


def test_literal_target_minutes() -> None:
    t = load_template(
        'key = "t"\nversion = 1\nname = "T"\n'
        '[[fields]]\nkey = "ref"\nlabel = "R"\ntype = "text"\nreference = true\n'
        '[[fields]]\nkey = "a"\nlabel = "A"\ntype = "datetime"\n'
        '[[fields]]\nkey = "b"\nlabel = "B"\ntype = "datetime"\n'
        '[[criteria]]\nkey = "c"\nquestion = "Q"\nanswer = "yes_no_na"\n'
        'rule = { kind = "minutes_within_target", call_field = "a", arrival_field = "b", target_minutes = 30 }\n'
    )
    out = evaluate(t.criterion("c"), {"a": "2024-01-01 10:00", "b": "2024-01-01 10:30"}, ForceSettings())
    assert out.answer == "yes" and "target for the template is 30 min" in out.working
    out = evaluate(t.criterion("c"), {"a": "2024-01-01 10:00", "b": "2024-01-01 10:30"}, ForceSettings(clock_start="dispatch"))
    assert out.answer == "n/a" and "no dispatch field" in out.working


def test_criterion_without_rule_raises() -> None:
    with pytest.raises(ValueError, match="no computed rule"):
        evaluate(_template("response-attendance").criterion("thrive_recorded"), {}, ForceSettings())
