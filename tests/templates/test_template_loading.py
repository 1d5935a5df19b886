from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.templates import (
    Template,
    TemplateError,
    builtin_templates,
    load_template,
    template_from_dict,
    template_to_dict,
)

EXPECTED_KEYS = {
    "response-attendance",
    "da-risk-assessment",
    "da-safeguarding",
    "investigation-quality",
    "crime-data-integrity",
    "use-of-force",
    "stop-and-search",
    "offender-management",
}
#: the quality of service self-check family (one template per stage of the inspectorate's review)
QOS_KEYS = {
    "qos-call-handling", "qos-deployment", "qos-crime-recording", "qos-investigation", "qos-outcomes",
    "qos-safeguarding", "qos-antisocial-behaviour",
}

GOOD = '''
key = "mini"
version = 2
name = "Mini audit"
description = "For tests"

[[fields]]
key = "ref"
label = "Reference"
type = "text"
reference = true

[[fields]]
key = "call_time"
label = "Call"
type = "datetime"

[[fields]]
key = "arrival_time"
label = "Arrival"
type = "datetime"

[[fields]]
key = "grade"
label = "Grade"
type = "choice"
choices = ["Emergency", "Priority"]

[[criteria]]
key = "in_time"
question = "In time?"
answer = "yes_no_na"
critical = true
rule = { kind = "minutes_within_target", call_field = "call_time", arrival_field = "arrival_time", grade_field = "grade" }
'''


def test_builtin_templates_load_and_validate() -> None:
    templates = builtin_templates()
    assert {t.key for t in templates} == EXPECTED_KEYS | QOS_KEYS
    for t in templates:
        assert isinstance(t, Template)
        assert t.version >= 1
        assert sum(f.reference for f in t.fields) == 1
        assert t.reference_field.required
        assert any(c.critical for c in t.criteria)
        assert any(f.personal for f in t.fields), t.key
        assert len(t.sha256) == 64


def test_builtin_files_each_load_by_path() -> None:
    root = Path(__file__).resolve().parents[2] / "resources" / "templates"
    paths = sorted(root.glob("*.toml"))
    assert len(paths) == len(EXPECTED_KEYS | QOS_KEYS)
    for path in paths:
        assert load_template(path).key == path.stem
        assert load_template(str(path)).key == path.stem


def test_da_risk_template_pairs_auditor_grade_with_original_grade() -> None:
    t = next(t for t in builtin_templates() if t.key == "da-risk-assessment")
    paired = [c for c in t.criteria if c.agreement_with]
    assert len(paired) == 1
    assert paired[0].agreement_with == "risk_grade"
    assert paired[0].answer == "choice"
    assert paired[0].choices == ("Standard", "Medium", "High")
    assert t.field("risk_grade").choices == ("Standard", "Medium", "High")


def test_round_trip_through_json_keeps_content_and_hash() -> None:
    for t in builtin_templates():
        stored = json.loads(json.dumps(template_to_dict(t)))
        back = template_from_dict(stored)
        assert back == t
        assert back.sha256 == t.sha256 == stored["sha256"]


def test_hash_changes_with_content_and_detects_tampering() -> None:
    t = load_template(GOOD)
    t2 = load_template(GOOD.replace('question = "In time?"', 'question = "Attended in time?"'))
    assert t.sha256 != t2.sha256
    stored = template_to_dict(t)
    stored["criteria"][0]["critical"] = False
    with pytest.raises(TemplateError, match="sha256"):
        template_from_dict(stored)


def _bad(replace_from: str, replace_to: str) -> TemplateError:
    text = GOOD.replace(replace_from, replace_to)
    assert text != GOOD
    with pytest.raises(TemplateError) as info:
        load_template(text)
    return info.value


def test_unknown_rule_kind_names_the_criterion() -> None:
    err = _bad('kind = "minutes_within_target"', 'kind = "minutes_whenever"')
    assert err.location == "criterion 'in_time'"
    assert "unknown rule kind 'minutes_whenever'" in str(err)
    assert err.line == GOOD.splitlines().index('key = "in_time"') + 1


def test_unknown_answer_type() -> None:
    err = _bad('answer = "yes_no_na"', 'answer = "maybe"')
    assert "criterion 'in_time'" in str(err) and "unknown answer type 'maybe'" in str(err)


def test_unknown_field_type() -> None:
    err = _bad('type = "datetime"\n\n[[fields]]\nkey = "arrival_time"', 'type = "timestamp"\n\n[[fields]]\nkey = "arrival_time"')
    assert err.location == "field 'call_time'"
    assert "unknown field type 'timestamp'" in str(err)


def test_rule_referring_to_unknown_field() -> None:
    err = _bad('arrival_field = "arrival_time"', 'arrival_field = "arrived"')
    assert "criterion 'in_time'" in str(err) and "unknown field 'arrived'" in str(err)


def test_rule_field_of_wrong_type() -> None:
    err = _bad('arrival_field = "arrival_time"', 'arrival_field = "grade"')
    assert "must be a datetime field" in str(err)


def test_duplicate_field_key() -> None:
    err = _bad('key = "arrival_time"', 'key = "call_time"')
    assert err.location == "field 'call_time'" and "duplicate field key" in str(err)


def test_duplicate_criterion_key() -> None:
    text = GOOD + '\n[[criteria]]\nkey = "in_time"\nquestion = "Again?"\nanswer = "text"\n'
    with pytest.raises(TemplateError, match=r"criterion 'in_time': duplicate criterion key"):
        load_template(text)


def test_no_reference_field() -> None:
    err = _bad("reference = true", "reference = false")
    assert "exactly one field must have reference = true" in str(err)


def test_two_reference_fields() -> None:
    text = GOOD + '\n[[fields]]\nkey = "log_no"\nlabel = "Log"\ntype = "text"\nreference = true\n'
    with pytest.raises(TemplateError, match="found ref, log_no"):
        load_template(text)


def test_bad_toml_reports_line_number() -> None:
    text = GOOD.replace('name = "Mini audit"', 'name = "Mini audit')
    with pytest.raises(TemplateError) as info:
        load_template(text)
    assert info.value.line == 4
    assert "line 4" in str(info.value) and "not valid TOML" in str(info.value)


def test_bad_file_is_named_in_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace('kind = "minutes_within_target"', 'kind = "nope"'), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template(path)
    assert info.value.source == str(path)
    assert str(info.value).startswith(str(path))


def test_typo_in_entry_name_is_caught() -> None:
    err = _bad("critical = true", "critcal = true")
    assert "unknown entry 'critcal'" in str(err)


def test_rule_on_non_yes_no_answer_rejected() -> None:
    err = _bad('answer = "yes_no_na"', 'answer = "number"')
    assert "must be yes_no_na" in str(err)


def test_choice_field_without_choices() -> None:
    err = _bad('choices = ["Emergency", "Priority"]', "choices = []")
    assert "field 'grade'" in str(err) and "non-empty 'choices'" in str(err)


def test_threshold_setting_must_exist() -> None:
    text = GOOD + (
        '\n[[fields]]\nkey = "ticks"\nlabel = "Ticks"\ntype = "number"\n'
        '\n[[criteria]]\nkey = "marac"\nquestion = "Q"\nanswer = "yes_no_na"\n'
        'rule = { kind = "count_at_least", field = "ticks", threshold_setting = "marac_ticks" }\n'
    )
    # fields after criteria are still fields (TOML arrays of tables), so the template parses
    with pytest.raises(TemplateError, match="unknown force setting 'marac_ticks'"):
        load_template(text)
    ok = load_template(text.replace("marac_ticks", "marac_tick_threshold"))
    rule = ok.criterion("marac").rule
    assert rule is not None and rule.get("threshold_setting") == "marac_tick_threshold"


def test_agreement_with_requires_matching_choices() -> None:
    text = GOOD + (
        '\n[[criteria]]\nkey = "own_grade"\nquestion = "Your grade?"\nanswer = "choice"\n'
        'choices = ["Emergency", "Scheduled"]\nagreement_with = "grade"\n'
    )
    with pytest.raises(TemplateError, match="criterion 'own_grade'.*same as those of field 'grade'"):
        load_template(text)
    ok = load_template(text.replace('"Emergency", "Scheduled"', '"priority", "EMERGENCY"'))
    assert ok.criterion("own_grade").agreement_with == "grade"


def test_value_in_set_values_must_be_choices() -> None:
    text = GOOD + (
        '\n[[criteria]]\nkey = "urgent"\nquestion = "Q"\nanswer = "yes_no_na"\n'
        'rule = { kind = "value_in_set", field = "grade", values = ["Emergancy"] }\n'
    )
    with pytest.raises(TemplateError, match="'Emergancy' is not a choice of field 'grade'"):
        load_template(text)


# --- scope: screening criteria and dependent criteria ----------------------------------------

SCOPED = GOOD.replace('''[[criteria]]
key = "in_time"''', '''[[criteria]]
key = "in_scope"
question = "Was the call a response call?"
answer = "yes_no_na"
screening = true

[[criteria]]
key = "logged"
question = "Was it logged?"
answer = "yes_no_na"
critical = true

[[criteria]]
key = "in_time"''') + '''
[[criteria]]
key = "updated"
question = "If late, was the caller updated?"
answer = "yes_no_na"
applies_if = { criterion = "in_time", answer = "no" }
'''


def test_screening_and_applies_if_are_declared_and_round_trip() -> None:
    t = load_template(SCOPED)
    assert [c.key for c in t.screening] == ["in_scope"]
    assert t.criterion("updated").applies_if == ("in_time", "no")
    again = template_from_dict(template_to_dict(t))
    assert again == t and again.sha256 == t.sha256


def test_templates_without_scope_keys_keep_their_hash() -> None:
    t = load_template(GOOD)
    assert "screening" not in json.dumps(template_to_dict(t)) and "applies_if" not in json.dumps(template_to_dict(t))


def test_use_of_force_marks_its_screening_question() -> None:
    uof = next(t for t in builtin_templates() if t.key == "use-of-force")
    assert [c.key for c in uof.screening] == ["force_indicated"]
    assert uof.criterion("form_in_time").applies_if == ("form_exists", "yes")


@pytest.mark.parametrize(("old", "new", "words"), [
    ("screening = true", "screening = true\ncritical = true", "never critical"),
    ('applies_if = { criterion = "in_time", answer = "no" }', 'applies_if = "nowhere"', "earlier criterion"),
    ('applies_if = { criterion = "in_time", answer = "no" }', 'applies_if = "in_scope"', "not a screening"),
    ('applies_if = { criterion = "in_time", answer = "no" }', 'applies_if = { criterion = "in_time", answer = "maybe" }',
     "answer must be one of"),
    ('applies_if = { criterion = "in_time", answer = "no" }', 'applies_if = "updated"', "the criterion itself"),
])
def test_bad_scope_declarations_are_refused(old, new, words) -> None:
    text = SCOPED.replace(old, new)
    assert text != SCOPED
    with pytest.raises(TemplateError, match=words):
        load_template(text)
