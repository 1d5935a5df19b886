"""PEEL 2025-27: its areas, the mapping from the 2023-25 areas, and reports read with their own
framework's areas (a synthetic report in the layout of the inspectorate's 2025-27 pages)."""
from __future__ import annotations

import pytest

from workbench.importers.peel_areas import (
    PEEL_AREAS,
    PEEL_AREAS_2025_27,
    AreaMapping,
    AreaRulesError,
    area_of_question,
    classify_area,
    framework_of,
    is_area_heading,
    load_area_rules,
)
from workbench.importers.report_source import SourceText
from workbench.importers.report_text import parse_report

REPORT = """PEEL 2025\u20132027

Police effectiveness, efficiency and legitimacy: An inspection of Westshire Police

Published on: 12 March 2026

How good is the force at leadership and force management?

Areas for improvement

Area for improvement 1

The force should make sure its force management statement informs its strategic planning and \
performance objectives

The force's plans do not yet draw on the demand and workforce analysis in its statement.

Quality of service review

Areas for improvement

Area for improvement 2

The force should make sure it records all reported crimes correctly and in time

We examined 10 recorded crime files for each offence type. In 3 of the 10 stalking files the crime \
was not recorded within 24 hours.

How good is the force at protecting vulnerable people?

Areas for improvement

Area for improvement 3

The force should improve how it assesses risk to children in domestic abuse cases

Officers did not always record whether children were present.
"""

# the same findings with no question headings: placed by keywords alone
LIST = """PEEL 2025-27 inspection findings for Westshire Police

Areas for improvement

AFI The force should make sure it records all reported crimes correctly and in time In 3 of the 10 \
stalking files the crime was not recorded within 24 hours. Westshire Police
AFI The force should use its force management statement to drive its strategic planning Senior leaders \
could not explain how the plan would be funded. Westshire Police
AFI The force should answer 999 calls within the national standard Too many callers abandon 101 \
calls. Westshire Police
"""


def _source(text: str, name: str = "westshire.txt") -> SourceText:
    return SourceText(name=name, text=text, sha256="0" * 64, kind="text")


def test_the_2025_27_areas_put_leadership_and_force_management_first():
    rules = load_area_rules()
    assert rules.names == PEEL_AREAS  # the 2023-25 areas stay the default
    assert rules.names_in("2025-27") == PEEL_AREAS_2025_27
    assert PEEL_AREAS_2025_27[0] == "Leadership and force management"
    assert all(a.keywords for a in rules.in_framework("2025-27"))


@pytest.mark.parametrize("programme, framework", [
    ("PEEL 2025-27", "2025-27"), ("PEEL 2025\u20132027", "2025-27"), ("PEEL 2025/27", "2025-27"),
    ("PEEL 2023-25", "2023-25"), ("PEEL 2018-19", "2023-25"), (None, "2023-25"), ("PEEL 2025", "2023-25"),
])
def test_framework_of_a_programme(programme, framework):
    assert framework_of(programme) == framework


def test_every_2023_25_area_has_a_2025_27_successor_with_its_basis():
    rules = load_area_rules()
    table = [m for m in rules.mapping_table("2023-25", "2025-27") if isinstance(m, AreaMapping)]
    assert len(table) == len(PEEL_AREAS)
    successors = {m.from_area: m.to_area for m in table}
    assert set(successors) == set(PEEL_AREAS)
    assert set(successors.values()) <= set(PEEL_AREAS_2025_27)
    assert successors["Recording data about crime"] == "Quality of service"
    assert successors["Leadership and force management"] == "Leadership and force management"
    assert all(m.basis for m in table)
    carried = rules.successor("Investigating crime", "2023-25", "2025-27")
    assert carried is not None
    assert "could not be confirmed" in carried.basis  # said, not invented


def test_a_2025_27_report_is_read_with_its_own_areas_and_question_headings():
    report = parse_report(_source(REPORT))
    assert report.programme == "PEEL 2025-27" and report.force == "Westshire Police"
    got = [(f.ref, f.area) for f in report.findings]
    assert got == [("AFI 1", "Leadership and force management"), ("AFI 2", "Quality of service"),
                   ("AFI 3", "Protecting vulnerable people")]
    assert report.findings[1].question == "Quality of service review"
    assert report.findings[1].area_reason == "under the report's heading 'Quality of service review'"
    assert report.findings[0].area_reason.startswith("under the report's question 'How good is the force")


def test_a_2025_27_findings_list_is_placed_by_the_2025_27_keywords():
    report = parse_report(_source(LIST))
    assert report.programme == "PEEL 2025-27"
    assert [f.area for f in report.findings] == ["Quality of service", "Leadership and force management",
                                                 "Responding to the public"]
    # the same list given as a 2023-25 report keeps the 2023-25 area for crime recording
    older = parse_report(_source(LIST), inspection="PEEL 2023-25")
    assert older.findings[0].area == "Recording data about crime"


def test_question_and_section_headings():
    assert area_of_question("How good is the force at leadership and force management?",
                            framework="2025-27") == "Leadership and force management"
    assert area_of_question("Quality of service review", framework="2025-27") == "Quality of service"
    assert area_of_question("Quality of service review", framework="2023-25") is None
    assert area_of_question("How good is the force at preventing crime and anti-social behaviour?") == \
        "Preventing crime and antisocial behaviour"
    assert area_of_question(None) is None
    assert is_area_heading("Quality of service review") and is_area_heading("Investigating crime")
    assert not is_area_heading("The force should improve investigating crime in every district of the county")


def test_keywords_differ_by_framework():
    title = "The force should make sure it records all reported crimes"
    assert classify_area(title, "")[0] == "Recording data about crime"
    assert classify_area(title, "", framework="2025-27")[0] == "Quality of service"


def test_user_file_can_add_a_2025_27_area_and_mapping(tmp_path):
    user = tmp_path / "areas.toml"
    user.write_text('[[area]]\nframework = "2025-27"\nname = "Fraud"\nkeywords = { "fraud" = 6 }\n'
                    '[[mapping]]\nfrom_framework = "2023-25"\nto_framework = "2025-27"\n'
                    '[[mapping.area]]\nfrom = "Investigating crime"\nto = "Fraud"\nbasis = "local choice"\n',
                    encoding="utf-8")
    rules = load_area_rules(user)
    assert rules.names_in("2025-27")[-1] == "Fraud"
    fraud = rules.successor("Investigating crime", "2023-25", "2025-27")
    assert fraud is not None and fraud.to_area == "Fraud"
    assert classify_area("Tackle fraud", "", rules, "2025-27")[0] == "Fraud"


@pytest.mark.parametrize("content, message", [
    ('[[area]]\nframework = "2031-33"\nname = "X"\nkeywords = { "a" = 1 }\n', "framework must be one of"),
    ('[[area]]\nframework = "2025-27"\nname = "Nowhere"\nsame_as = "2023-25"\n', "which is not defined"),
    ('[[area]]\nname = "X"\nkeywords = { "a" = 1 }\n[[mapping]]\n[[mapping.area]]\nfrom = "X"\nto = "Y"\n'
     'basis = "b"\n', "'Y' is not an area of the 2023-25 framework"),
    ('[[area]]\nname = "X"\nkeywords = { "a" = 1 }\n[[mapping]]\n[[mapping.area]]\nfrom = "X"\n',
     "needs from, to and basis"),
])
def test_bad_framework_entries(tmp_path, content, message):
    user = tmp_path / "my-areas.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(AreaRulesError) as err:
        load_area_rules(user)
    assert message in str(err.value) and "my-areas.toml" in str(err.value)
