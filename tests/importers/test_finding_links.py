from __future__ import annotations

from pathlib import Path

import pytest

from workbench.importers.finding_links import (
    DEFAULT_MIN_SCORE,
    LinkCandidate,
    stem,
    suggest_links,
    tokens,
)
from workbench.importers.report_source import read_report
from workbench.importers.report_text import parse_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def candidates(name: str, prefix: str) -> list[LinkCandidate]:
    report = parse_report(read_report(SAMPLES / name))
    return [LinkCandidate(f"{prefix} {f.ref}", f.title, f.text, f.area) for f in report.findings]


@pytest.fixture(scope="module")
def links():
    earlier = candidates("peel-2018-norfolk-effectiveness.txt", "2018")
    new = candidates("peel-2023-25-norfolk-afis.txt", "2023")
    return suggest_links(new, earlier)


def by_new(links, key):
    return [s for s in links if s.new_key == key]


def test_allocation_afi_links_back_to_all_three_2018_afis(links):
    allocation = by_new(links, "2023 AFI 7")
    assert [s.earlier_key for s in allocation] == ["2018 AFI 2", "2018 AFI 1", "2018 AFI 3"]
    assert allocation[0].score > allocation[1].score >= allocation[2].score >= DEFAULT_MIN_SCORE
    assert allocation[0].shared_terms[:2] == ("allocated", "investigations")
    assert "skills" in allocation[1].shared_terms
    assert "supervision" in allocation[2].shared_terms


def test_each_2018_afi_is_suggested_for_the_2023_allocation_afi(links):
    for old in ("2018 AFI 1", "2018 AFI 2", "2018 AFI 3"):
        targets = [s.new_key for s in sorted(links, key=lambda s: -s.score) if s.earlier_key == old]
        assert "2023 AFI 7" in targets[:2], old
    best_for_allocation = max((s for s in links if s.earlier_key == "2018 AFI 2"), key=lambda s: s.score)
    assert best_for_allocation.new_key == "2023 AFI 7"


def test_no_absurd_links(links):
    linked_new = {s.new_key for s in links}
    # Use of force, MOSOVO, demand, attendance, 101 abandonment, DVPOs, DA governance, MASH, ratio.
    for key in ("2023 AFI 1", "2023 AFI 2", "2023 AFI 4", "2023 AFI 5", "2023 AFI 6", "2023 AFI 9",
                "2023 AFI 10", "2023 AFI 11", "2023 AFI 12"):
        assert key not in linked_new, key
    assert all(0 <= s.score <= 1 for s in links)


def test_per_finding_and_threshold():
    earlier = candidates("peel-2018-norfolk-effectiveness.txt", "2018")
    new = candidates("peel-2023-25-norfolk-afis.txt", "2023")
    assert len(by_new(suggest_links(new, earlier, min_score=0.0, per_finding=1), "2023 AFI 7")) == 1
    assert suggest_links(new, earlier, min_score=1.01) == []
    assert suggest_links([], earlier) == [] and suggest_links(new, []) == []


def test_area_bonus_breaks_ties():
    new = [LinkCandidate("n", "Review bail", "Bail reviews are late.", "Managing offenders and suspects")]
    earlier = [LinkCandidate("a", "Review bail", "Bail reviews are late.", None),
               LinkCandidate("b", "Review bail", "Bail reviews are late.", "Managing offenders and suspects")]
    first, second = suggest_links(new, earlier, min_score=0.0)
    assert (first.earlier_key, second.earlier_key) == ("b", "a")
    assert first.score == 1.0 and second.score == pytest.approx(0.9)


def test_stemming_and_stop_words():
    assert {stem(w) for w in ("allocate", "allocated", "allocation", "allocations", "allocating")} == {"alloc"}
    assert {stem(w) for w in ("investigate", "investigation", "investigative", "investigators")} == {"investig"}
    assert {stem(w) for w in ("supervise", "supervision", "supervisors", "supervised")} == {"supervis"}
    assert [s for s, _ in tokens("The constabulary should ensure the force's officers are trained")] == \
        ["offic", "train"]
