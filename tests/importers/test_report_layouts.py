"""Layouts HMICFRS uses beyond the seeds, and hostile variants of them (issue 10)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from workbench.importers.report_source import ReportImportError, SourceText, read_report
from workbench.importers.report_text import parse_report


def source(text: str, name: str = "fixture.txt") -> SourceText:
    return SourceText(name, "text", text, hashlib.sha256(text.encode()).hexdigest())


def _summary(r):
    return [(f.kind, f.ref, f.title, f.parent_ref) for f in r.findings]


def test_inline_cause_of_concern_in_a_list_with_its_recommendations():
    text = ("Lancashire Constabulary PEEL 2021/22\nCauses of concern\n"
            "1 Cause of concern The constabulary isn't answering calls quickly enough. Too many wait. "
            "Recommendations Within six months, the constabulary should: \u2022 answer 999 calls within ten "
            "seconds; and \u2022 reduce 101 abandonment.\nOther prose follows here.\n")
    r = parse_report(source(text))
    assert _summary(r) == [
        ("cause_of_concern", "CoC 1", "The constabulary isn't answering calls quickly enough", None),
        ("recommendation", "CoC 1 R1", "answer 999 calls within ten seconds", "CoC 1"),
        ("recommendation", "CoC 1 R2", "reduce 101 abandonment", "CoC 1")]
    assert r.findings[1].figures[0].kind == "deadline"
    assert not any("Other prose" in f.text for f in r.findings)


@pytest.mark.parametrize("lead_in", [
    "We made the following recommendations, stating that the constabulary should:",
    "This cause of concern had two accompanying recommendations:",
    "HMIC recommends that the force should immediately:",
])
def test_recommendation_lead_ins_of_revisit_letters(lead_in):
    text = (f"Avon and Somerset Constabulary: revisit letter\nPublished on: 3 May 2023\n\nCause of concern\n\n"
            f"The constabulary needs to improve its crime recording.\n\n{lead_in}\n\n"
            "\u2022 make sure crimes are recorded within 24 hours; and\n\u2022 audit its recording.\n\n"
            "We will revisit the constabulary.\n")
    r = parse_report(source(text))
    assert [f.kind for f in r.findings] == ["cause_of_concern", "recommendation", "recommendation"]
    assert all(f.parent_ref == "CoC 1" for f in r.findings[1:])
    assert r.findings[2].text == "audit its recording."


def test_areas_for_improvement_with_explanation_paragraphs():
    text = ("Dyfed-Powys Police PEEL 2021/22\n\nAreas for improvement\n\n"
            "The force should improve how it supervises investigations\n\n"
            "We found that plans were missing in 12 of 40 files we reviewed.\n\n"
            "The force needs to reduce its 101 abandonment rate\n\n"
            "In the year ending 31 March 2022, 20 percent of calls were abandoned.\n\nInnovative practice\n\n"
            "The force should be proud of its work.\n")
    r = parse_report(source(text))
    assert [(f.title, f.text[:20]) for f in r.findings] == [
        ("The force should improve how it supervises investigations", "We found that plans "),
        ("The force needs to reduce its 101 abandonment rate", "In the year ending 3")]
    assert [(g.kind, g.numerator, g.denominator) for g in r.findings[0].figures] == [("proportion", 12, 40)]


def test_lone_bullet_glyphs_and_running_headers_in_a_pdf_copy():
    text = ("Essex Police PEEL 2021/22\n\nAreas for improvement\n\u2022\nThe force should improve how it\n"
            "Page 3 of 9\nEssex Police PEEL 2021/22\nrecords crime.\n\u2022\n"
            "The force should review its bail use.\nPage 4 of 9\nEssex Police PEEL 2021/22\n"
            "Narrative starts here.\n")
    r = parse_report(source(text))
    assert [f.title for f in r.findings] == ["The force should improve how it records crime",
                                             "The force should review its bail use"]


def test_an_area_of_concern_in_wrapped_prose_is_not_a_cause_of_concern():
    text = ("Kent Police PEEL 2019\n\nAreas for improvement\n\n- The force should improve its recording.\n\n"
            "In 2017 we raised an area of concern about this and a separate\n"
            "cause of concern about call handling, which has been addressed.\n")
    r = parse_report(source(text))
    assert [f.kind for f in r.findings] == ["afi"]


def test_findings_without_any_heading():
    r = parse_report(source("Kent Police\n\nHMIC recommends that the force should review its 101 service.\n"))
    assert [(f.kind, f.title) for f in r.findings] == [
        ("recommendation", "HMIC recommends that the force should review its 101 service")]


def test_ragged_tracker_table_rows():
    text = ("Recommendations (3)\n| # | Recommendation | Status |\n|---|---|---|\n"
            "| T1 | Cause of concern: The force fails to record crime. Recommendation: The force should "
            "audit crime recording. | Completed |\n| T2 | Cause of concern: The force fails to supervise "
            "investigations. |\n| T3 |\n")
    r = parse_report(source(text))
    assert [(f.kind, f.ref, f.inspectorate_status) for f in r.findings] == [
        ("cause_of_concern", "CoC 1", None), ("recommendation", "CoC 1 R1", "Completed"),
        ("cause_of_concern", "CoC 2", None)]


def test_a_discharge_letter_that_does_not_restate_the_cause_of_concern_is_refused():
    text = ("Kent Police: discharge of cause of concern\nSent on\n4 June 2024\n\n"
            "I am writing to confirm that we have discharged the cause of concern about call handling.\n")
    with pytest.raises(ReportImportError, match=r"letter\.txt: this letter records that a cause of concern "
                                                r"was discharged"):
        parse_report(source(text, "letter.txt"))


def test_pdf_with_the_same_header_on_every_page(tmp_path: Path):
    path = tmp_path / "headers.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    pages = [["Areas for improvement", "\u2022 The force should improve how it supervises"],
             ["investigations of domestic abuse.", "\u2022 The force should review its bail use."],
             ["We found good work elsewhere.", "It was well led."]]
    for n, lines in enumerate(pages, 1):
        c.drawString(72, 800, "Suffolk Constabulary PEEL 2018")
        y = 700
        for line in lines:
            c.drawString(72, y, line)
            y -= 14
        c.drawString(72, 40, f"Page {n} of {len(pages)}")
        c.showPage()
    c.save()
    r = parse_report(read_report(path))
    assert [f.title for f in r.findings] == [
        "The force should improve how it supervises investigations of domestic abuse",
        "The force should review its bail use"]
    assert not any("PEEL 2018" in f.text or "Page" in f.text for f in r.findings)
    assert r.force == "Suffolk Constabulary" and r.programme == "PEEL 2018"


def test_force_action_plan_table_keeps_findings_not_the_plan():
    text = ("Norfolk Constabulary HMICFRS action plan, PEEL 2023-25\nPublished 1 May 2025\n\n"
            "| Ref | Area for improvement | Action | Owner | Due date | Status |\n|---|---|---|---|---|---|\n"
            "| AFI 3 | The constabulary must make sure supervisors are trained. | Run the Stripes course | "
            "Supt Jones | 31/03/2025 | In progress |\n"
            "| AFI 5 | The constabulary needs to attend calls within its attendance times. | Review "
            "deployment | Ch Insp Smith | 30/06/2025 | Completed |\n")
    r = parse_report(source(text))
    assert [(f.ref, f.title, f.inspectorate_status) for f in r.findings] == [
        ("AFI 3", "The constabulary must make sure supervisors are trained", None),
        ("AFI 5", "The constabulary needs to attend calls within its attendance times", None)]
    assert not any("Stripes" in f.text or "Jones" in f.text for f in r.findings)
    tabbed = text.replace(" | ", "\t").replace("| ", "").replace(" |", "")
    assert [f.title for f in parse_report(source(tabbed)).findings] == [f.title for f in r.findings]


def test_tracker_table_with_an_inspectorate_status_column():
    text = ("| # | Recommendation | HMICFRS status |\n| R1 | The force should review its 101 service. | "
            "Superseded |\n| R2 | The force should audit crime recording. | Completed |\n")
    r = parse_report(source(text))
    assert [(f.kind, f.inspectorate_status) for f in r.findings] == [("recommendation", "Superseded"),
                                                                     ("recommendation", "Completed")]


def test_findings_list_items_with_several_paragraphs():
    text = ("Source \u00b7 HMICFRS\nPEEL 2021/22: Kent Police\n3 areas for improvement\nAreas for improvement\n"
            "1\nOpen\nThe force should improve how it answers 101 calls.\n"
            "Too many calls are abandoned.\nKent Police\n"
            "2\nCompleted\nThe force should review its bail use.\nKent Police\n"
            "3\nOpen\nThe force should train its supervisors.\nKent Police\n"
            "We found much good work.\n")
    r = parse_report(source(text))
    assert [(f.ref, f.title, f.inspectorate_status) for f in r.findings] == [
        ("AFI 1", "The force should improve how it answers 101 calls", "Open"),
        ("AFI 2", "The force should review its bail use", "Completed"),
        ("AFI 3", "The force should train its supervisors", "Open")]
    assert r.findings[0].text.endswith("Too many calls are abandoned.")
    assert "good work" not in r.findings[2].text and not any("says it has" in w for w in r.warnings)


def test_deadlines_by_date_and_immediately_are_deadlines_not_dates():
    text = ("Cause of concern\n\nThe force is failing to safeguard children.\n\nRecommendations\n\n"
            "We recommend that by 31 March 2022 the force should:\n\n\u2022 review all referrals; and\n"
            "\u2022 train its staff.\n")
    r = parse_report(source(text))
    assert [(g.kind, g.unit, g.label) for g in r.findings[1].figures] == [("deadline", "date", "by 31 March 2022")]


def test_an_unbulleted_afi_ends_at_the_reports_signpost_and_the_next_heading():
    """The explanation of a finding stops at "We set out our detailed findings below" and at a
    heading line; numbers in the narrative after it are not the finding's figures."""
    text = ("Cumbria Constabulary is adequate at answering calls.\nAreas for improvement\n"
            "The constabulary should make sure its call handlers record every caller's vulnerability.\n"
            "We set out our detailed findings below. They explain our judgment in this area.\n"
            "The constabulary has a clear plan\n"
            "Its plan, published in May 2022, was shaped by 14 workshops with 230 staff.\n")
    r = parse_report(source(text))
    assert [(f.kind, f.title) for f in r.findings] == [
        ("afi", "The constabulary should make sure its call handlers record every caller's vulnerability")]
    assert "workshops" not in r.findings[0].text and "detailed findings" not in r.findings[0].text
    assert r.findings[0].figures == ()


def test_should_bullets_after_a_cause_of_concern_are_its_recommendations():
    text = ("Dyfed-Powys Police\nCause of concern\n\nThe force's handling of stalking reports is not good enough.\n\n"
            "\u2022 the force should immediately review every open stalking case.\n"
            "\u2022 the force should make sure victims are told of protective orders.\n")
    r = parse_report(source(text))
    assert _summary(r) == [
        ("cause_of_concern", "CoC 1", "The force's handling of stalking reports is not good enough", None),
        ("recommendation", "CoC 1 R1", "the force should immediately review every open stalking case", "CoC 1"),
        ("recommendation", "CoC 1 R2", "the force should make sure victims are told of protective orders",
         "CoC 1")]


def test_a_topic_sub_heading_is_not_the_cause_of_concerns_title():
    text = ("Cleveland Police\nCause of concern\n\nCustody cause of concern\n\n"
            "The force still does not check detained people often enough. Records are incomplete.\n\n"
            "Recommendations\n\nWithin three months, the force should make sure that:\n\n"
            "\u2022 every detained person is checked at the intervals set out in their care plan.\n")
    r = parse_report(source(text))
    assert r.findings[0].title == "The force still does not check detained people often enough"
    assert r.findings[1].parent_ref == "CoC 1"


def test_tracker_rows_repeating_a_cause_of_concern_attach_to_one():
    head = "| # | Recommendation | Directed at | Status |\n|---|---|---|---|\n"
    coc = "Cause of concern: The force does not manage its registered sex offenders well enough."
    rows = "".join(f"| T{n} | {coc} Recommendation: Within six months the force should: {what}; | Kent Police | "
                   "Completed |\n" for n, what in ((1, "clear its backlog of visits"),
                                                   (2, "train its offender managers")))
    r = parse_report(source("PEEL 2018-19 recommendations: Kent Police\n" + head + rows))
    kinds = [(f.kind, f.parent_ref) for f in r.findings]
    assert kinds == [("cause_of_concern", None), ("recommendation", "CoC 1"), ("recommendation", "CoC 1")]


def test_a_text_cut_off_inside_its_last_finding_is_said():
    text = ("Essex Police\nAreas for improvement\n\n- The force should improve how it records crime.\n"
            "- The force should make sure its superviso")
    r = parse_report(source(text))
    assert any("cut off" in w and "superviso" in w for w in r.warnings)
    whole = parse_report(source(text + "rs review open investigations.\n"))
    assert not any("cut off" in w for w in whole.warnings)


def test_a_fire_and_rescue_service_is_named_as_the_force_only_when_no_police_force_is():
    service = "Areas for improvement\n\n- The service should improve its fire safety audits.\n"
    assert parse_report(source("Durham and Darlington Fire and Rescue Service\n" + service)).force \
        == "Durham and Darlington Fire and Rescue Service"
    police = ("Durham Constabulary works with Durham and Darlington Fire and Rescue Service.\n"
              "Areas for improvement\n\n- Durham Constabulary should improve its call answering.\n")
    assert parse_report(source(police)).force == "Durham Constabulary"


@pytest.mark.parametrize("title, kind", [
    ("Cleveland Police: Causes of concern revisit letter", "revisit_letter"),
    ("Kent Police: closure of cause of concern", "revisit_letter"),
    ("Avon and Somerset Constabulary: accelerated cause of concern", "cause_of_concern_letter"),
    ("Suffolk Constabulary: Crime Data Integrity inspection 2019", "cdi"),
    ("Joint targeted inspection of the response to children in Leeds", "joint"),
    ("PEEL 2023-25: Norfolk Constabulary", "peel"),
    ("Police response to violence against women and girls", None),
])
def test_the_kind_of_publication_is_read_from_its_title(title, kind):
    text = f"{title}\n\nAreas for improvement\n\n- The force should record crime accurately.\n"
    assert parse_report(source(text)).source_type == kind


def test_a_findings_heading_is_not_the_inspections_title():
    r = parse_report(source("Cause of concern\n\nThe force's handling of 999 calls is not good enough.\n", "calls.txt"))
    assert r.title != "Cause of concern"


def test_the_new_rules_leave_alone_what_they_should():
    """An explanation line with a figure and no full stop is kept; a headline that ends in "cause of
    concern" is a title, not a topic heading; bullets of what should have happened are evidence,
    not recommendations; a list written without full stops is not "cut off"."""
    explained = parse_report(source("Essex Police\nAreas for improvement\n\n"
                                    "The force should improve how it supervises investigations\n\n"
                                    "In 28 of the 40 files, there was no supervisory review\n"))
    assert "28 of the 40" in explained.findings[0].text
    headline = parse_report(source("Cleveland Police\nCause of concern\n\n"
                                   "The force has not made enough progress against this cause of concern\n\n"
                                   "It still does not supervise investigations. Delays remain.\n"))
    assert headline.findings[0].title == "The force has not made enough progress against this cause of concern"
    evidence = parse_report(source("Cleveland Police\nCause of concern\n\nThe force does not protect vulnerable "
                                   "people well enough.\n\n\u2022 in 12 cases officers should have made a safeguarding "
                                   "referral but did not.\n"))
    assert [f.kind for f in evidence.findings] == ["cause_of_concern"]
    bare = parse_report(source("Essex Police\nAreas for improvement\n\n- The force should improve crime recording\n"
                               "- The force should review its use of bail\n"))
    assert not any("cut off" in w for w in bare.warnings)


@pytest.mark.parametrize("name", ["Hampshire and Isle of Wight Fire and Rescue Service", "London Fire Brigade"])
def test_fire_services_with_longer_names(name):
    text = f"{name}: inspection\n\nAreas for improvement\n\n- The service should improve its fire safety audits.\n"
    assert parse_report(source(text)).force == name


def test_a_letter_mentioned_in_the_prose_does_not_make_a_report_a_letter():
    text = ("An inspection of Kent Police\n\nThe force has made progress since our last inspection. In our letter of "
            "May we set out a revisit.\n\nAreas for improvement\n\n- The force should record crime accurately.\n")
    assert parse_report(source(text)).source_type != "revisit_letter"
