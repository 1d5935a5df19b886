from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.importers.key_figures import CITED_KINDS, KeyFigure, extract_figures
from workbench.importers.report_source import read_report
from workbench.importers.report_text import parse_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def afis():
    report = parse_report(read_report(SAMPLES / "peel-2023-25-norfolk-afis.txt"))
    return {f.ref: f for f in report.findings}


def summary(figures):
    return [(f.kind, f.value, f.numerator, f.denominator, f.label, f.missing_in_source) for f in figures]


def test_use_of_force_figures(afis):
    assert summary(afis["AFI 1"].figures) == [
        ("period", None, None, None, "year ending 31 March 2023", False),
        ("count", 8341.0, None, None, "use of force incidents (year ending 31 March 2023)", False),
        ("percentage", 8.5, None, None, "use of force incidents: increase compared with the previous year", False),
        ("count", 8929.0, None, None, "use of force incidents: fewer than we estimate should have been recorded",
         False),
        ("percentage", 5.3, None, None,
         "People from ethnic minority backgrounds, as a share of the local population in Norfolk", False),
        ("percentage", 8.5, None, None,
         "People from ethnic minority backgrounds, as a share of use of force incidents", False),
        ("period", None, None, None, "year ending 31 March 2023", False),
        ("percentage", 8.1, None, None,
         "share of use of force incidents that resulted in the subject being injured", False),
        ("percentage", 5.1, None, None, "share of use of force incidents that resulted in the subject being "
         "injured: average across forces in England and Wales", False),
    ]
    assert afis["AFI 1"].figures[1].sentence == (
        "In the year ending 31 March 2023, Norfolk Constabulary recorded 8,341 use of force incidents.")
    assert all(f.unit == "percent" for f in afis["AFI 1"].figures if f.kind == "percentage")


def test_attendance_proportion(afis):
    (fig,) = afis["AFI 5"].figures
    assert (fig.kind, fig.numerator, fig.denominator) == ("proportion", 49, 82)
    assert fig.value == pytest.approx(49 / 82)
    assert fig.label == "cases had a response to the incident that was within the required attendance time"
    assert fig.sentence.startswith("In the 82 cases we examined, only 49 cases had a response")


def test_101_abandonment_and_target(afis):
    period, pct, target = afis["AFI 6"].figures
    assert (period.kind, period.value, period.label) == ("period", None, "year ending 31 March 2024")
    assert (pct.kind, pct.value, pct.unit) == ("percentage", 21.9, "percent")
    assert pct.label == ("share of calls to its non-emergency 101 number that were abandoned by callers "
                         "(year ending 31 March 2024)")
    assert (target.kind, target.value, target.unit, target.label) == ("target", 5.0, "percent",
                                                                      "abandonment rate")
    # 101, 999 and the 2020 strategy year are not counts.
    assert all(f.kind != "count" for f in afis["AFI 6"].figures)


def test_offender_ratio_caseload_gap_and_target(afis):
    assert summary(afis["AFI 12"].figures) == [
        ("ratio", 63.0, 63, 1, "ratio of offenders to offender managers", False),
        ("percentage", 26.0, None, None, "high-risk offenders", False),
        ("target", None, None, None, "caseload limit (offenders)", True),
        ("target", 20.0, None, None, "high-risk offenders", False),
    ]
    assert afis["AFI 12"].figures[0].sentence == "This ratio was 63:1."


def test_dvpo_figures_with_digits_lost_in_source(afis):
    assert summary(afis["AFI 9"].figures) == [
        ("period", None, None, None, "number missing in source ('2 2 /2')", True),
        ("period", None, None, None, "year ending 30 September 2023", False),
        ("count", 11427.0, None, None, "domestic abuse-related crimes (year ending 30 September 2023)", False),
        ("percentage", 0.3, None, None,
         "share of domestic abuse-related crimes with DVPO applications (year ending 30 September 2023)", False),
    ]
    assert afis["AFI 9"].figures[0].sentence.startswith("In our previous inspection in 2 2 /2 ,")


def test_outcome_figures(afis):
    assert summary(afis["AFI 8"].figures) == [
        ("period", None, None, None, "year ending 31 December 2023", False),
        ("count", 51115.0, None, None, "victim-based crimes (year ending 31 December 2023)", False),
        ("percentage", 14.7, None, None,
         "share of recorded offences assigned an 'offences brought to justice' outcome", False),
    ]


def test_mash_backlog_range_and_approximations(afis):
    around, rng, high = afis["AFI 11"].figures
    assert (around.kind, around.value, around.label) == ("count", 400.0, "medium-risk domestic abuse cases (around)")
    assert (rng.kind, rng.value, rng.low, rng.high, rng.label) == ("range", None, 162.0, 268.0,
                                                                   "backlogs in medium-risk cases")
    assert (high.kind, high.value, high.label) == ("count", 500.0, "backlog: cases (as high as)")
    # "2020/21" and "2023-25" are years, not counts.
    assert all(f.value not in (2020, 2021, 2023, 2025) for f in afis["AFI 11"].figures)


@pytest.mark.parametrize("ref", ["AFI 2", "AFI 3", "AFI 4", "AFI 7", "AFI 10"])
def test_afis_without_figures(afis, ref):
    assert afis[ref].figures == ()


@pytest.mark.parametrize("text, expected", [
    ("We reviewed the files in 2023 and again in 2020/21.", []),
    ("Of the 60 files, 12 of 60 were late.", [("count", 60.0, None, None), ("proportion", 0.2, 12, 60)]),
    ("Callers waited: about 1 in 5, too many.", [("proportion", 0.2, 1, 5)]),
    ("Waits ranged between 3 and 9 days.", [("range", None, None, None)]),
    ("Calls rose between 2019 and 2022.", []),
    ("The meeting was at 10:30 each day.", []),
    ("See question 3 and page 12 for 40 officers.", [("count", 40.0, None, None)]),
    ("", []),
])
def test_small_cases(text, expected):
    assert [(f.kind, f.value, f.numerator, f.denominator) for f in extract_figures(text)] == expected


def test_figures_are_frozen():
    fig = extract_figures("There were 5 officers.")[0]
    assert isinstance(fig, KeyFigure)
    with pytest.raises(AttributeError):
        fig.value = 6  # type: ignore[misc]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789 ,./:%-abcdefghijklmnoprstuvwy\n.") +
                                [" percent", " of ", " than ", " ratio ", " year ending ", " March ",
                                 " ranged from ", " to ", " we examined, ", " should ", " more than ",
                                 " in ", "2020/21", "8,341"]),
                max_size=40).map("".join))
def test_extract_figures_never_fails(text):
    for fig in extract_figures(text):
        assert fig.kind in ("proportion", "percentage", "ratio", "count", "range", "period", "target",
                            "duration", "deadline")
        if fig.missing_in_source:
            assert fig.value is None
        elif fig.value is None:
            assert fig.kind in ("period", "range")
        assert fig.sentence and fig.label


# What a figure measures is read from the sentence's structure, not from one report: the same
# constructions in other wording get the same kind of label.
@pytest.mark.parametrize("text, labels", [
    ("In the year ending 31 March 2022, the force recorded 1,200 arrests of children.",
     ["arrests of children (year ending 31 March 2022)"]),
    ("Women account for 30 percent of officers, but we found that they account for 12 percent of "
     "senior leaders.",
     ["Women, as a share of officers", "Women, as a share of senior leaders"]),
    ("The force recorded 900 missing persons reports. But this was still 300 fewer than we expected.",
     ["missing persons reports", "missing persons reports: fewer than we expected"]),
    ("12.5 percent of its arrests resulted in a complaint compared to the average of 4 percent across "
     "forces in England and Wales.",
     ["share of arrests that resulted in a complaint",
      "share of arrests that resulted in a complaint: average across forces in England and Wales"]),
    ("The force answered 61.5 percent of its 101 calls within three minutes.",
     ["share of 101 calls answered within three minutes"]),
])
def test_labels_say_what_the_figure_measures(text, labels):
    assert [f.label for f in extract_figures(text) if f.kind in CITED_KINDS] == labels


def test_a_missing_limit_is_labelled_as_a_limit_not_with_a_question_mark():
    (fig,) = extract_figures("Guidance says an officer shouldn't hold more than cases at once.")
    assert fig.missing_in_source and "?" not in fig.label and fig.label.endswith("limit (cases)")
