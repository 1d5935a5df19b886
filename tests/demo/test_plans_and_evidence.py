"""Measures, the action plan, AFI keys and evidence documents for the demo."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from workbench.demo import DemoError
from workbench.demo.actions import STATUSES, action_plan
from workbench.demo.afis import AFI_PHRASES, afi_key_for
from workbench.demo.documents import write_evidence_documents
from workbench.demo.measures import measure_series

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
TODAY = date(2025, 10, 1)


def test_every_afi_phrase_occurs_once_in_its_seed_report() -> None:
    texts = {"2023-25": (SAMPLES / "peel-2023-25-norfolk-afis.txt").read_text(encoding="utf-8"),
             "2018": (SAMPLES / "peel-2018-norfolk-effectiveness.txt").read_text(encoding="utf-8")}
    for key, (year, phrase) in AFI_PHRASES.items():
        assert texts[year].count(phrase) == 1, key
        assert sum(text.count(phrase) for text in texts.values()) == 1, key
    afi_lines = [line for line in texts["2023-25"].splitlines() if line.startswith("AFI ")]
    found = [afi_key_for(line) for line in afi_lines]
    assert len(afi_lines) == 12 and None not in found and len(set(found)) == 12
    shouted = "The constabulary doesn\u2019t  consistently ACHIEVE appropriate outcomes for victims"
    assert afi_key_for(shouted) == "outcomes"
    assert afi_key_for("Unrelated text") is None


def test_measures_move_from_baseline_towards_target() -> None:
    series = measure_series(date(2024, 10, 15), months=12, seed=7)
    assert series == measure_series(date(2024, 10, 15), months=12, seed=7)
    assert series != measure_series(date(2024, 10, 15), months=12, seed=8)
    by_name = {s.name: s for s in series}
    abandonment = by_name["101 non-emergency call abandonment rate"]
    assert (abandonment.baseline, abandonment.target) == (21.9, 5.0)
    assert (abandonment.direction, abandonment.unit) == ("lower", "%")
    assert by_name["Offenders per offender manager"].baseline == 63
    assert by_name["MASH medium-risk domestic abuse backlog"].baseline == 268
    for s in series:
        assert s.afi in AFI_PHRASES
        days = [d for d, _ in s.points]
        assert days[0] == date(2024, 10, 1) and days[-1] == date(2025, 9, 1) and len(days) == 12
        assert all(d.day == 1 for d in days) and days == sorted(set(days))
        values = [v for _, v in s.points]
        sign = 1 if s.direction == "lower" else -1
        assert all(sign * (v - s.target) > 0 for v in values), s.name  # not there yet
        first_quarter, last_quarter = sum(values[:3]) / 3, sum(values[-3:]) / 3
        assert sign * (s.baseline - last_quarter) > sign * (s.baseline - first_quarter) > 0, s.name
        gap_closed = (s.baseline - last_quarter) / (s.baseline - s.target)
        assert 0.3 < gap_closed < 0.95, s.name
    with pytest.raises(DemoError, match="months"):
        measure_series(TODAY, months=0)


def test_action_plan_has_done_in_progress_and_overdue_actions() -> None:
    plan = action_plan(TODAY, seed=3)
    assert plan == action_plan(TODAY, seed=3)
    statuses = {a.status for a in plan}
    assert statuses <= set(STATUSES) and {"done", "in progress", "not started", "blocked"} <= statuses
    overdue = [a for a in plan if a.overdue]
    assert overdue and all(a.status != "done" and a.due_date < TODAY for a in overdue)
    assert all(not a.overdue for a in plan if a.status == "done" or a.due_date >= TODAY)
    assert any(a.status == "in progress" and not a.overdue for a in plan)
    for a in plan:
        assert a.afi in AFI_PHRASES and a.owner and a.title
        assert (a.completed_on is not None) == (a.status == "done")
        assert a.completed_on is None or a.completed_on <= TODAY
    assert {a.afi for a in plan if not a.afi.endswith("_2018")} == {
        k for k, (year, _) in AFI_PHRASES.items() if year == "2023-25"}
    assert "Supt, Contact and Control Room" in {a.owner for a in plan if a.afi == "attendance"}
    with pytest.raises(DemoError):
        action_plan("2025-10-01")  # type: ignore[arg-type]


def _text(page) -> str:
    return " ".join(page.extract_text().split())


def test_evidence_documents_are_marked_real_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    calls: list[tuple[int, int | None]] = []
    docs = write_evidence_documents(first, TODAY, seed=5, progress=lambda d, t: calls.append((d, t)))
    again = write_evidence_documents(second, TODAY, seed=5)
    assert calls[-1] == (len(docs), len(docs))
    assert len(docs) == 6 and [d.media_type for d in docs].count("text/csv") == 1
    titles = {d.title for d in docs}
    assert {"Attendance oversight \u2014 daily management meeting minutes", "Revised grading and deployment policy v2",
            "DA standard-risk review process", "101 switchboard improvement plan",
            "MASH staffing business case"} <= titles
    for doc, twin in zip(docs, again, strict=True):
        assert doc.path.read_bytes() == twin.path.read_bytes()  # same seed, same bytes
        assert doc.evidence_date < TODAY and doc.afi in AFI_PHRASES and doc.source
        assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())
        if doc.media_type == "application/pdf":
            reader = PdfReader(doc.path)
            pages = [_text(p) for p in reader.pages]
            assert doc.title in pages[0]
            assert all(p.count("OFFICIAL-SENSITIVE") >= 2 for p in pages)
            assert reader.metadata is not None and reader.metadata.title == doc.title
        else:
            lines = doc.path.read_text(encoding="utf-8").splitlines()
            assert lines[0] == "OFFICIAL-SENSITIVE" and lines[2].startswith("Month,")
            assert len(lines) == 3 + 12
    minutes = next(d for d in docs if d.title.startswith("Attendance oversight"))
    assert len(PdfReader(minutes.path).pages) >= 2  # the marking is on later pages too


def test_evidence_documents_use_the_given_marking_and_check_arguments(tmp_path: Path) -> None:
    docs = write_evidence_documents(tmp_path, TODAY, marking="OFFICIAL-SENSITIVE <Norfolk & Suffolk>")
    pdf = next(d for d in docs if d.media_type == "application/pdf")
    assert "OFFICIAL-SENSITIVE <Norfolk & Suffolk>" in _text(PdfReader(pdf.path).pages[0])
    with pytest.raises(DemoError, match="marking"):
        write_evidence_documents(tmp_path, TODAY, marking=" ")
    with pytest.raises(DemoError, match="does not exist"):
        write_evidence_documents(tmp_path / "missing", TODAY)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert min(d.evidence_date for d in docs) >= TODAY - timedelta(days=200)
