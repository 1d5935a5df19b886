"""The synthetic extracts: deterministic, the right size and mix, and clean to import."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tests.demo.conftest import ROUND1_START
from workbench.demo import DemoError
from workbench.demo.domestic_abuse import write_da_csv
from workbench.demo.incidents import write_incidents_csv
from workbench.demo.use_of_force import write_uof_csv
from workbench.force_settings import ForceSettings
from workbench.importers.population import read_headers, scan_population, suggest_mapping
from workbench.templates import builtin_templates, evaluate

TEMPLATES = {t.key: t for t in builtin_templates()}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _cases(path: Path, template_key: str) -> list[dict[str, str]]:
    mapping = suggest_mapping(read_headers(path), TEMPLATES[template_key])
    column_to_field = {c: k for k, c in mapping.items() if c}
    return [{column_to_field[c]: v for c, v in row.items() if c in column_to_field} for row in _rows(path)]


def _scan_clean(path: Path, template_key: str, expected_columns: int) -> dict[str, str | None]:
    template = TEMPLATES[template_key]
    mapping = suggest_mapping(read_headers(path), template)
    scan = scan_population(path, template, mapping)
    assert scan.ok and scan.problem_total == 0 and scan.problems == ()
    assert scan.warnings == () and scan.duplicate_total == 0
    assert scan.cases == scan.rows
    assert sorted(scan.mapping) == sorted(k for k, v in mapping.items() if v)
    assert sum(v is not None for v in mapping.values()) == expected_columns
    return mapping


def test_incidents_are_byte_identical_for_the_same_seed(incidents_round1: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.csv"
    write_incidents_csv(again, ROUND1_START, seed=11, attendance_rate=0.65)
    assert again.read_bytes() == incidents_round1.read_bytes()
    other = tmp_path / "other.csv"
    write_incidents_csv(other, ROUND1_START, months=1, seed=99, attendance_rate=0.65)
    assert other.read_bytes()[:2000] != incidents_round1.read_bytes()[:2000]


def test_incidents_size_mix_and_import(incidents_round1: Path) -> None:
    rows = _rows(incidents_round1)
    assert 27_000 <= len(rows) <= 33_000
    mapping = _scan_clean(incidents_round1, "response-attendance", 12)
    assert mapping["call_time"] == "Call Date Time" and mapping["final_grade"] == "Closing Grade"
    opening = Counter(r["Opening Grade"] for r in rows)
    for grade, share in (("Emergency", 0.30), ("Priority", 0.45), ("Scheduled", 0.17),
                         ("Resolution without deployment", 0.08)):
        assert opening[grade] / len(rows) == pytest.approx(share, abs=0.02)
    assert set(r["Division"] for r in rows) == {
        "Norwich", "Broadland", "Breckland", "King's Lynn & West Norfolk", "Great Yarmouth",
        "North Norfolk", "South Norfolk"}
    assert 0.45 <= sum(r["Area Type"] == "Urban" for r in rows) / len(rows) <= 0.70
    assert rows[0]["Call Date Time"][2] == "/" and len(rows[0]["Call Date Time"]) == 16


def test_incidents_regrades_and_deployment_are_consistent(incidents_round1: Path) -> None:
    rows = _rows(incidents_round1)
    regraded = [r for r in rows if r["Opening Grade"] != r["Closing Grade"]]
    assert all(r["Regrade Reason"] for r in regraded)
    assert all(not r["Regrade Reason"] for r in rows if r["Opening Grade"] == r["Closing Grade"])
    downgraded = [r for r in regraded if (r["Opening Grade"], r["Closing Grade"]) in
                  {("Emergency", "Priority"), ("Priority", "Scheduled")}]
    assert 0.05 <= len(downgraded) / len(rows) <= 0.08
    no_deployment = [r for r in rows if r["Closing Grade"] == "Resolution without deployment"]
    assert no_deployment and all(not r["Dispatched"] and not r["Arrived"] for r in no_deployment)


@pytest.mark.parametrize("fixture, rate", [("incidents_round1", 0.65), ("incidents_round2", 0.85)])
def test_attendance_rate_by_the_templates_rule_is_as_requested(fixture: str, rate: float,
                                                             request: pytest.FixtureRequest) -> None:
    cases = _cases(request.getfixturevalue(fixture), "response-attendance")
    criterion = TEMPLATES["response-attendance"].criterion("attended_within_target")
    settings = ForceSettings()
    answers = [evaluate(criterion, c, settings).answer for c in cases]
    every_fifth = Counter(answers[::5])
    assert every_fifth["yes"] + every_fifth["no"] > 3000
    assert every_fifth["yes"] / (every_fifth["yes"] + every_fifth["no"]) == pytest.approx(rate, abs=0.025)
    # over the whole file the calibration is exact to a tenth of a percent
    whole = Counter(answers)
    assert whole["yes"] / (whole["yes"] + whole["no"]) == pytest.approx(rate, abs=0.001)
    # rural incidents fare worse than urban ones, as the delays are longer
    by_area = Counter((c["area"], a) for c, a in zip(cases, answers, strict=True))
    rural = by_area[("Rural", "yes")] / (by_area[("Rural", "yes")] + by_area[("Rural", "no")])
    urban = by_area[("Urban", "yes")] / (by_area[("Urban", "yes")] + by_area[("Urban", "no")])
    assert rural < urban


def test_da_extract(da_extract: Path, tmp_path: Path) -> None:
    again = tmp_path / "da.csv"
    assert write_da_csv(again, ROUND1_START, seed=21) == len(_rows(da_extract))
    assert again.read_bytes() == da_extract.read_bytes()
    rows = _rows(da_extract)
    assert 3000 <= len(rows) <= 4500
    _scan_clean(da_extract, "da-risk-assessment", 12)
    grades = Counter(r["Officer Risk Grade"] for r in rows)
    for grade, share in (("Standard", 0.70), ("Medium", 0.22), ("High", 0.08)):
        assert grades[grade] / len(rows) == pytest.approx(share, abs=0.025)
    assert all((r["Repeat Victim"] == "Y") == (int(r["Previous Incidents"]) > 0) for r in rows)
    no_tool = [r for r in rows if r["Risk Assessment Type"] == "None"]
    assert no_tool and all(not r["Risk Assessment Completed"] and not r["Yes Answers"] for r in no_tool)


def test_use_of_force_extract(uof_extract: Path, tmp_path: Path) -> None:
    again = tmp_path / "uof.csv"
    write_uof_csv(again, ROUND1_START, seed=31, form_rate=0.5)
    assert again.read_bytes() == uof_extract.read_bytes()
    rows = _rows(uof_extract)
    assert 4500 <= len(rows) <= 6500
    _scan_clean(uof_extract, "use-of-force", 11)
    forced = [r for r in rows if r["Force Used"] == "Yes"]
    assert sum(bool(r["UoF Form Number"]) for r in forced) / len(forced) == pytest.approx(0.5, abs=0.03)
    assert all(r["UoF Form Number"] == "" for r in rows if r["Force Used"] == "No")
    criterion = TEMPLATES["use-of-force"].criterion("form_exists")
    answers = Counter(evaluate(criterion, c, ForceSettings()).answer for c in _cases(uof_extract, "use-of-force"))
    assert answers["yes"] + answers["no"] == len(forced)


def test_bad_arguments_are_named_and_leave_no_file(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    with pytest.raises(DemoError) as err:
        write_incidents_csv(target, ROUND1_START, attendance_rate=1.5)
    assert err.value.field == "attendance_rate"
    with pytest.raises(DemoError, match="months"):
        write_da_csv(target, ROUND1_START, months=0)
    with pytest.raises(DemoError, match="start"):
        write_uof_csv(target, "2024-04-01")  # type: ignore[arg-type]
    with pytest.raises(DemoError, match="does not exist"):
        write_da_csv(tmp_path / "missing" / "x.csv", ROUND1_START)
    assert list(tmp_path.iterdir()) == []


def test_cancelling_through_progress_leaves_no_partial_file(tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []

    def progress(done: int, total: int | None) -> None:
        seen.append((done, total))
        if done >= 2000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_incidents_csv(tmp_path / "x.csv", date(2024, 1, 1), months=1, progress=progress)
    assert seen[:2] == [(1000, seen[0][1]), (2000, seen[0][1])] and (seen[0][1] or 0) > 2000
    assert list(tmp_path.iterdir()) == []
