"""Case notes and computed workings in the template's own words, never internal keys."""

from __future__ import annotations

from workbench.services.audit_facts import notable_notes, plain_words
from workbench.services.scoring import CaseScore
from workbench.templates.schema import Criterion, Field, Template

LABELS = {"uof_form_ref": "Use-of-force form reference", "risk_tool": "Risk assessment tool",
          "call_time": "Call received"}


def test_workings_use_field_labels():
    assert plain_words("uof_form_ref is not recorded", LABELS) == "Use-of-force form reference is not recorded"
    assert plain_words("risk_tool is None, not one of DASH, DARA", LABELS) == (
        "No risk assessment tool recorded (needed: DASH or DARA)")
    assert plain_words("risk_tool is S-DASH, not one of DASH, DARA", LABELS) == (
        "Risk assessment tool recorded as S-DASH, not DASH or DARA")
    assert plain_words("no call time recorded (call_time)", LABELS) == "No call time recorded"
    assert plain_words("A comment that names no key.", LABELS) == "A comment that names no key."


def _template() -> Template:
    fields = tuple(Field(key, label, "text") for key, label in LABELS.items())
    criteria = (Criterion("form_exists", "Is there a use-of-force form for this arrest?", "yes_no_na", critical=True),
                Criterion("injury", "Are injuries recorded?", "yes_no_na", critical=True),
                Criterion("bwv", "Was body-worn video captured?", "yes_no_na"))
    return Template("uof", 1, "Use of force", "", fields, criteria)


def test_a_comment_shared_by_criteria_is_said_once_and_keys_never_shown():
    case = CaseScore(1, "CUS-1", None, "active", "not compliant", ("form_exists", "injury"), (),
                     {"form_exists": "no", "injury": "no", "bwv": "no"},
                     {"form_exists": "No form found.", "injury": "No form found.", "bwv": "No form found."},
                     {"form_exists": "uof_form_ref is not recorded"})
    notes = notable_notes(case, _template())
    assert notes == ("Not met: Is there a use-of-force form for this arrest; Are injuries recorded \u2013 "
                     "No form found.")
    assert "form_exists" not in notes and "uof_form_ref" not in notes


def test_a_computed_working_stands_in_for_a_missing_comment():
    case = CaseScore(1, "CUS-2", None, "active", "not compliant", ("form_exists",), (), {"form_exists": "no"}, {},
                     {"form_exists": "uof_form_ref is not recorded"})
    assert notable_notes(case, _template()) == (
        "Not met: Is there a use-of-force form for this arrest \u2013 Use-of-force form reference is not recorded.")


def test_field_keys_are_replaced_once_each_and_a_label_is_never_replaced_again() -> None:
    from workbench.services.audit_facts import plain_words

    labels = {"final_grade": "Final grade", "grade": "Grade", "grade_reason": "Reason for the grade"}
    assert plain_words("final_grade differs from grade; grade_reason is not recorded", labels) == (
        "Final grade differs from Grade; Reason for the grade is not recorded")
    assert plain_words("regrade-grade grade", labels) == "Regrade-grade Grade"  # whole words only
