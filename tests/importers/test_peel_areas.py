from __future__ import annotations

from pathlib import Path

import pytest

from workbench.importers.peel_areas import (
    PEEL_AREAS,
    AreaRulesError,
    classify_area,
    load_area_rules,
)
from workbench.importers.report_source import read_report
from workbench.importers.report_text import parse_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
POWERS, PREVENTING, RESPONDING, INVESTIGATING, PROTECTING, OFFENDERS, WORKFORCE, LEADERSHIP, RECORDING = \
    PEEL_AREAS

EXPECTED_2023 = {
    "AFI 1": POWERS,        # use of force
    "AFI 2": OFFENDERS,     # MOSOVO digital tools
    "AFI 3": WORKFORCE,     # sergeants' training
    "AFI 4": LEADERSHIP,    # demand
    "AFI 5": RESPONDING,    # attendance times
    "AFI 6": RESPONDING,    # 101 abandonment
    "AFI 7": INVESTIGATING,  # allocation
    "AFI 8": INVESTIGATING,  # outcomes
    "AFI 9": PROTECTING,    # DVPOs
    "AFI 10": PROTECTING,   # domestic abuse governance
    "AFI 11": PROTECTING,   # MASH
    "AFI 12": OFFENDERS,    # offender to offender manager ratio
}


def test_shipped_rules_cover_exactly_the_nine_peel_areas():
    rules = load_area_rules()
    assert rules.names == PEEL_AREAS
    assert all(area.keywords for area in rules.areas)


def test_2023_25_afis_land_in_their_areas():
    report = parse_report(read_report(SAMPLES / "peel-2023-25-norfolk-afis.txt"))
    assert {f.ref: f.area for f in report.findings} == EXPECTED_2023
    assert "'use of force' (title)" in report.findings[0].area_reason


def test_2018_afis_are_about_investigating_crime():
    report = parse_report(read_report(SAMPLES / "peel-2018-norfolk-effectiveness.txt"))
    assert [f.area for f in report.findings] == [INVESTIGATING] * 3


def test_no_keyword_gives_no_area():
    area, reason = classify_area("The force should do better", "It should try.")
    assert area is None and "no area keyword" in reason


def test_acronyms_match_exactly():
    assert classify_area("Improve the MASH", "")[0] == PROTECTING
    assert classify_area("Improve the mashed potato", "")[0] is None


def test_user_file_overrides_and_adds(tmp_path):
    user = tmp_path / "areas.toml"
    user.write_text('[[area]]\nname = "Investigating crime"\nkeywords = { "potato" = 1 }\n'
                    '[[area]]\nname = "Fleet"\nkeywords = { "vehicle" = 3, "allocat" = 9 }\n',
                    encoding="utf-8")
    rules = load_area_rules(user)
    assert rules.names == PEEL_AREAS + ("Fleet",)
    assert classify_area("Allocate investigations", "", rules)[0] == "Fleet"
    assert classify_area("Allocate investigations", "")[0] == INVESTIGATING


def test_user_file_can_replace_all(tmp_path):
    user = tmp_path / "areas.toml"
    user.write_text('replace = true\n[[area]]\nname = "Only"\nkeywords = { "force" = 1 }\n', encoding="utf-8")
    rules = load_area_rules(user)
    assert rules.names == ("Only",)
    report = parse_report(read_report(SAMPLES / "peel-2018-norfolk-effectiveness.txt"), area_rules=rules)
    assert [f.area for f in report.findings] == ["Only"] * 3


@pytest.mark.parametrize("content, message", [
    ("[[area]\nname = 1", "is not valid TOML"),
    ("version = 1\n", "has no [[area]] tables"),
    ('[[area]]\nname = ""\n', "needs a non-empty name"),
    ('[[area]]\nname = "X"\nkeywords = { "a" = -1 }\n', "keyword 'a' needs a positive number"),
    ('[[area]]\nname = "X"\nkeywords = { "a" = true }\n', "keyword 'a' needs a positive number"),
    ('[[area]]\nname = "X"\nkeywords = ["a"]\n', "keywords must be a table"),
])
def test_bad_user_files(tmp_path, content, message):
    user = tmp_path / "my-areas.toml"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(AreaRulesError) as err:
        load_area_rules(user)
    assert message in str(err.value) and "my-areas.toml" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_missing_user_file(tmp_path):
    with pytest.raises(AreaRulesError, match=r"nope\.toml: cannot be read"):
        load_area_rules(tmp_path / "nope.toml")
