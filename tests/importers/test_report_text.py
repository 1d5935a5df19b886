from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from workbench.importers.report_source import ReportImportError, SourceText, read_report
from workbench.importers.report_text import detect_force, parse_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
AFIS_2023 = SAMPLES / "peel-2023-25-norfolk-afis.txt"
EFF_2018 = SAMPLES / "peel-2018-norfolk-effectiveness.txt"

TITLES_2023 = [
    "The constabulary needs to make sure that use of force is accurately recorded, and that it takes "
    "steps to address disproportionate use and injuries to the person subjected to use of force",
    "The constabulary needs to make sure all personnel responsible for managing sexual and violent "
    "offenders should receive training in specialist digital tools so they can manage risk effectively",
    "The constabulary must make sure supervisors have the necessary training and skills to carry out "
    "their role",
    "The constabulary should do more to manage and address demand",
    "The constabulary needs to attend calls for service within its own set attendance times",
    "The constabulary needs to reduce the number of non-emergency calls the caller abandons because "
    "they aren't answered",
    "The constabulary needs to make sure that investigations are allocated to officers and teams with "
    "sufficient skills and experience to carry out quality investigations",
    "The constabulary doesn't consistently achieve appropriate outcomes for victims",
    "The constabulary should increase its consideration and use of preventative orders to safeguard "
    "vulnerable people in appropriate cases and alongside bail",
    "The constabulary should improve its governance and oversight of all domestic abuse incidents to "
    "make sure it maximises the opportunity to reduce harm to all vulnerable victims",
    "The constabulary needs to make sure its multi-agency safeguarding hub has enough trained personnel "
    "to manage current and future demand",
    "The constabulary needs to reduce the ratio of offenders to offender managers",
]
QUESTION_2 = "How effective is the force at investigating crime and reducing re-offending?"


def source(text: str, name: str = "fixture.txt") -> SourceText:
    return SourceText(name, "text", text, hashlib.sha256(text.encode()).hexdigest())


@pytest.fixture(scope="module")
def report_2023():
    return parse_report(read_report(AFIS_2023))


@pytest.fixture(scope="module")
def report_2018():
    return parse_report(read_report(EFF_2018))


def test_2023_25_has_twelve_afis_with_exact_titles(report_2023):
    r = report_2023
    assert [f.ref for f in r.findings] == [f"AFI {i}" for i in range(1, 13)]
    assert {f.kind for f in r.findings} == {"afi"}
    assert [f.title for f in r.findings] == TITLES_2023
    assert [f.line for f in r.findings] == list(range(18, 30))
    assert all(f.question is None and f.parent_ref is None for f in r.findings)
    assert r.warnings == ()


def test_2023_25_text_is_the_rest_without_force_name(report_2023):
    first, last = report_2023.findings[0], report_2023.findings[-1]
    assert first.text.startswith("In the year ending 31 March 2023, Norfolk Constabulary recorded 8,341")
    assert first.text.endswith("take steps to address any identified issues.")
    assert last.text.startswith("At the time of our inspection, the constabulary had a high ratio")
    assert last.text.endswith("the risk to the community.")
    assert all(not f.text.endswith("Norfolk Constabulary") for f in report_2023.findings)
    assert "isn't recording" in first.text  # curly apostrophe normalised


def test_2023_25_metadata(report_2023):
    r = report_2023
    assert r.force == "Norfolk Constabulary"
    assert r.programme == "PEEL 2023-25"
    assert r.title == "PEEL Assessment 2023-25: Norfolk Constabulary"
    assert r.published == date(2024, 9, 23)
    assert r.updated is None
    assert r.year == 2024
    assert r.source_name == "peel-2023-25-norfolk-afis.txt"
    assert r.source_sha256 == hashlib.sha256(AFIS_2023.read_bytes()).hexdigest()
    assert len(r.text_fingerprint) == 64 and r.text_fingerprint != r.source_sha256


def test_2018_has_exactly_three_afis_in_question_two(report_2018):
    r = report_2018
    assert [f.ref for f in r.findings] == ["AFI 1", "AFI 2", "AFI 3"]
    assert {f.kind for f in r.findings} == {"afi"}
    assert {f.question for f in r.findings} == {QUESTION_2}
    assert [f.title for f in r.findings] == [
        "The force must ensure that staff with the right skills are investigating crimes thoroughly, "
        "leading to satisfactory outcomes for victims",
        "The force should improve how it allocates crime, ensuring that investigations are allocated to "
        "appropriately trained and supported officers, and that this allocation is appropriately "
        "reviewed throughout the investigation",
        "The force should ensure regular and active supervision of the quality and progress of "
        "investigations",
    ]
    assert r.findings[2].text == ("The force should ensure regular and active supervision of the quality "
                                  "and progress of investigations. This supervision should be properly "
                                  "recorded.")
    assert [f.line for f in r.findings] == [47, 48, 49]
    # The 2016 AFIs described in prose under question 3 are not findings.
    assert not any("local profile" in f.text for f in r.findings)


def test_2018_metadata(report_2018):
    r = report_2018
    assert r.force == "Norfolk Constabulary"  # Suffolk Constabulary is also named once
    assert r.programme == "PEEL 2018"
    assert r.title == "Norfolk PEEL 2018"
    assert r.published is None
    assert r.updated == date(2019, 5, 2)
    assert r.year == 2018


def test_force_and_inspection_can_be_given(report_2018):
    r = parse_report(read_report(EFF_2018), force="Norfolk Police", inspection="PEEL 2018/19")
    assert r.force == "Norfolk Police" and r.programme == "PEEL 2018/19"
    assert [f.title for f in r.findings] == [f.title for f in report_2018.findings]


def test_detect_force_ignores_national_bodies():
    text = ("The National Police Chiefs' Council and the College of Policing said. Thames Valley Police "
            "works with Thames Valley Police partners and with Kent Police.")
    assert detect_force(text) == "Thames Valley Police"
    assert detect_force("no force here") is None


def test_crlf_nbsp_curly_quotes_and_dash_bullets_give_same_findings(report_2018):
    raw = EFF_2018.read_text(encoding="utf-8")
    mangled = (raw.replace("\n", "\r\n").replace("  \u2022 ", "\u00a0\u2013\u00a0")
               .replace("The force should ensure regular", "The force should ensure\u202fregular"))
    r = parse_report(source(mangled))
    assert [(f.ref, f.title, f.text, f.question) for f in r.findings] == \
        [(f.ref, f.title, f.text, f.question) for f in report_2018.findings]


def test_cr_only_line_ends_and_other_bullet_styles():
    for bullet in ("*", "-", "1.", "(a)", "a)", "\u25cf", "\u25aa", "\uf0b7", "\u2022"):
        text = (f"Kent PEEL 2019\rAreas for improvement\r{bullet} The force should improve how it "
                f"records crime.\r{bullet} The force should review \u201cearly\u201d help.\r\rOther prose.")
        r = parse_report(source(text))
        assert [(f.ref, f.title, f.line) for f in r.findings] == [
            ("AFI 1", "The force should improve how it records crime", 3),
            ("AFI 2", 'The force should review "early" help', 4)], bullet


def test_wrapped_bullets_and_page_furniture():
    text = """Skip to content
Print this document
We use cookies to make this site work. Accept all cookies
Surrey Police PEEL 2021/22

Areas for improvement

\u2022 The force should make sure that its
  investigations are supervised. It should
  record this.
\u2022 The force should improve its use of
  out-of-court disposals.

Last updated 12/01/2022
"""
    r = parse_report(source(text))
    assert [f.title for f in r.findings] == ["The force should make sure that its investigations are "
                                             "supervised", "The force should improve its use of "
                                             "out-of-court disposals"]
    assert r.findings[0].text.endswith("It should record this.")
    assert r.findings[0].line == 8 and r.findings[1].line == 11
    assert r.force == "Surrey Police" and r.programme == "PEEL 2021-22"
    assert r.updated == date(2022, 1, 12)


def test_numbered_area_for_improvement_headings():
    text = """Cumbria Constabulary PEEL 2021/22

Area for improvement 3: The constabulary should improve how it answers 101 calls. Too many are abandoned.

Area for improvement 5

The constabulary should make sure officers record stop and search grounds.

Area for improvement: The constabulary should review its crime allocation policy.
"""
    r = parse_report(source(text))
    assert [f.ref for f in r.findings] == ["AFI 3", "AFI 5", "AFI 1"]
    assert r.findings[0].title == "The constabulary should improve how it answers 101 calls"
    assert r.findings[0].text.endswith("Too many are abandoned.")
    assert r.findings[1].text == "The constabulary should make sure officers record stop and search grounds."
    assert r.findings[1].line == 5
    assert r.findings[0].area == "Responding to the public"
    assert r.findings[1].area == "Police powers and public treatment"


def test_cause_of_concern_with_recommendations():
    text = """Essex Police PEEL 2021/22
Published: 4 March 2022

Cause of concern

The force isn't doing enough to safeguard children at risk of exploitation. Referrals are delayed.

Recommendations

We recommend that, within six months, the force should:

(a) make sure all referrals to children's services are made within 24 hours;
(b) train staff in identifying child criminal exploitation; and
(c) review its multi-agency arrangements.

Areas for improvement

- The force should improve how it records crime.
"""
    r = parse_report(source(text))
    kinds = [(f.kind, f.ref, f.parent_ref) for f in r.findings]
    assert kinds == [("cause_of_concern", "CoC 1", None),
                     ("recommendation", "CoC 1 R1", "CoC 1"),
                     ("recommendation", "CoC 1 R2", "CoC 1"),
                     ("recommendation", "CoC 1 R3", "CoC 1"),
                     ("afi", "AFI 1", None)]
    coc = r.findings[0]
    assert coc.title == "The force isn't doing enough to safeguard children at risk of exploitation"
    assert coc.text.endswith("Referrals are delayed.")
    assert coc.area == "Protecting vulnerable people"
    assert r.findings[2].title == "train staff in identifying child criminal exploitation"  # no "; and"
    assert [f.line for f in r.findings] == [6, 12, 13, 14, 18]
    assert r.published == date(2022, 3, 4) and r.year == 2022
    assert all(f.area == "Protecting vulnerable people" for f in r.findings[1:4])  # as their CoC
    deadline, hours = r.findings[1].figures[0], r.findings[1].figures[1]
    assert (deadline.kind, deadline.value, deadline.unit, deadline.label) == ("deadline", 6, "months",
                                                                              "within six months")
    assert (hours.kind, hours.value, hours.unit) == ("duration", 24, "hours")


def test_afi_label_on_its_own_line_then_title_and_text():
    text = """Dorset Police

AFI

The force should reduce its 101 abandonment rate

In the year ending 31 March 2024, 30 percent of 101 calls were abandoned.

Dorset Police

AFI

The force should improve its crime recording

Its crime data integrity is poor.
"""
    r = parse_report(source(text))
    assert [(f.ref, f.title, f.text, f.line) for f in r.findings] == [
        ("AFI 1", "The force should reduce its 101 abandonment rate",
         "In the year ending 31 March 2024, 30 percent of 101 calls were abandoned.", 3),
        ("AFI 2", "The force should improve its crime recording", "Its crime data integrity is poor.", 11)]
    assert r.findings[1].area == "Recording data about crime"


def test_declared_count_mismatch_is_a_warning():
    text = AFIS_2023.read_text(encoding="utf-8")
    text = text[: text.rindex("\nAFI ")]  # drop the twelfth AFI
    r = parse_report(source(text))
    assert len(r.findings) == 11
    assert any("says it has 12 areas for improvement but 11" in w for w in r.warnings)


@pytest.mark.parametrize("text", [
    "Norfolk Constabulary\n\nThe force is good at protecting vulnerable people.\n",
    "Norfolk Constabulary had two areas for improvement in the 2016 effectiveness inspection.",
    "Areas for improvement\n\n12\n",
    "AFI\n",
])
def test_text_without_findings_is_refused(text):
    with pytest.raises(ReportImportError) as err:
        parse_report(source(text, "empty-report.txt"))
    assert "empty-report.txt" in str(err.value)
    assert "no areas for improvement, causes of concern or recommendations found" in str(err.value)
