"""Scoring audits: exact rates and intervals, the baseline wording, RAG, strata and pack data."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN, ADMIN_PASS, noted
from tests.services.audit_population import (
    answer_cases,
    attendance_finding,
    drawn_attendance_audit,
    quick_rows,
    write_csv,
)
from workbench.services import audits, fieldwork, scoring
from workbench.stats import newcombe_difference, wilson_interval
from workbench.stats.rating import Bounds, rate_against_target, sample_bounds


@pytest.fixture
def extract(tmp_path):
    return write_csv(tmp_path / "incidents.csv", quick_rows(600))


def test_attendance_audit_49_of_82_scores_59_8_with_wilson_interval(workspace, extract) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    audit_id = drawn_attendance_audit(workspace, ADMIN, extract, finding_ids=[finding_id],
                                      baseline_figure_id=figure_id, target=0.75, reserve=4)
    answer_cases(workspace, ADMIN, audit_id, compliant=49)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        score = scoring.score_audit(uow, audit_id)
    assert (score.cases_in_use, score.complete, score.compliant, score.incomplete) == (82, 82, 49, 0)
    est = score.estimate
    assert est is not None
    assert (round(est.point * 100, 1), round(est.low * 100, 1), round(est.high * 100, 1)) == (59.8, 48.9, 69.7)
    assert score.estimate_basis == "sample rate"
    thrive = next(c for c in score.criteria if c.key == "thrive_recorded")
    assert (thrive.met, thrive.applicable) == (49, 82)
    attend = next(c for c in score.criteria if c.key == "attended_within_target")
    assert attend.computed and (attend.met, attend.applicable) == (82, 82)
    downgrade = next(c for c in score.criteria if c.key == "downgrade_rationale")
    assert (downgrade.applicable, downgrade.unanswered) == (0, 82) and downgrade.interval is None
    assert score.baseline is not None and score.baseline.label == "49 of 82"
    assert score.difference is not None and score.difference.point == 0.0
    assert score.comparison.startswith("case compliance (49 of 82) against the inspection's 49 of 82: "
                                       "no clear change: 59.8 % now against 59.8 % at the baseline")
    assert score.rag == "red" and "below the target of 75 %" in score.rag_reason
    failing = [c for c in score.cases if c.status == "not compliant"]
    assert len(failing) == 33 and all(c.failed == ("thrive_recorded",) for c in failing)


def _second_round(ws, extract, compliant: int, finding_id: int, figure_id: int) -> scoring.AuditScore:
    first = drawn_attendance_audit(ws, ADMIN, extract, finding_ids=[finding_id], baseline_figure_id=figure_id,
                                   target=0.75, title="Attendance audit", seed=1)
    answer_cases(ws, ADMIN, first, compliant=55)
    second = drawn_attendance_audit(ws, ADMIN, extract, series=first, title="Attendance audit", seed=2)
    answer_cases(ws, ADMIN, second, compliant=compliant)
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        info = audits.get_audit(uow, second)
        assert info.round == 2 and info.target == 0.75 and info.baseline_figure_id == figure_id
        assert [fid for fid, _ in info.findings] == [finding_id]  # inherited from round 1
        return scoring.score_audit(uow, second)


@pytest.mark.parametrize("compliant", [64, 55])
def test_second_round_against_baseline_says_whether_the_sample_confirms(workspace, extract, compliant) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    score = _second_round(workspace, extract, compliant, finding_id, figure_id)
    diff = newcombe_difference(compliant, 82, 49, 82)
    assert score.difference == diff
    confirmed = diff.low > 0
    assert confirmed is (compliant == 64)  # 64/82: +18.3 [+4.1, +31.5]; 55/82: +7.3 [-7.3, +21.5]
    now = f"{compliant / 82 * 100:.1f} %"
    lead = f"case compliance ({compliant} of 82) against the inspection's 49 of 82: "
    expected = lead + (f"improved from 59.8 % to {now}; the sample confirms an improvement" if confirmed else
                       f"up from 59.8 % to {now}, but the sample cannot confirm an improvement: the 95 % "
                       "interval of the difference still includes no change")
    assert score.comparison.startswith(expected)
    if compliant == 64:
        assert score.comparison == (expected + " (difference +18.3 points, 95 % interval +4.1 to +31.5)")
        assert interval_of(score) == "78.0 % [67.9 %, 85.6 %]"  # Wilson 64/82
        assert score.rag == "amber"  # point 78.0 % >= 75 % but the one-sided exact lower bound is below
        bounds = score.measure.bounds if score.measure is not None else None
        assert bounds is not None and bounds.lower < 0.75 < bounds.point
        assert "exact hypergeometric bound, population 600" in score.rag_reason
    assert [(p.round, p.n, p.compliant) for p in score.trend] == [(1, 82, 55), (2, 82, compliant)]


def interval_of(score: scoring.AuditScore) -> str:
    assert score.estimate is not None
    return scoring.interval_text(score.estimate)


def test_decline_wording() -> None:
    base = wilson_interval(49, 82)
    fell = wilson_interval(30, 82)
    text = scoring.comparison_text(fell, base, newcombe_difference(30, 82, 49, 82))
    assert text.startswith("fell from 59.8 % to 36.6 %; the sample confirms a decline")
    slight = wilson_interval(45, 82)
    text = scoring.comparison_text(slight, base, newcombe_difference(45, 82, 49, 82))
    assert text.startswith("down from 59.8 % to 54.9 %, but the sample cannot confirm a decline: the 95 % "
                           "interval of the difference still includes no change")


def _bounds(point, low, high, best=1.0):
    return Bounds(point, low, high, best, 0.95, "test bound", False)


@pytest.mark.parametrize("rule, bounds, target, rag", [
    ("lower_bound", _bounds(0.80, 0.76, 0.84), 0.75, "green"),
    ("lower_bound", _bounds(0.80, 0.75, 0.84), 0.75, "green"),  # the bound exactly on the target
    ("lower_bound", _bounds(0.78, 0.68, 0.857), 0.75, "amber"),
    ("lower_bound", _bounds(0.70, 0.60, 0.79), 0.75, "red"),
    ("point_estimate", _bounds(0.78, 0.68, 0.857), 0.75, "green"),
    ("point_estimate", _bounds(0.70, 0.60, 0.79), 0.75, "amber"),
    ("point_estimate", _bounds(0.60, 0.50, 0.70), 0.75, "red"),
    ("upper_bound", _bounds(0.70, 0.60, 0.79), 0.75, None),  # never applied: green on no evidence
    ("point_estimate", _bounds(1.0, 0.05, 1.0, best=0.05), 0.75, "indicative"),  # 1 of 1: a small sample
    ("lower_bound", _bounds(1.0, 0.05, 1.0, best=0.05), 0.75, "indicative"),
    # a small sample's shortfall is shown, but never as a confident red (stats.rating.small_sample)
    ("lower_bound", _bounds(0.0, 0.0, 0.70, best=0.6), 0.75, "indicative"),
])
def test_rag_rules(rule, bounds, target, rag) -> None:
    got, reason = rate_against_target(bounds, target, rule, 1)
    assert got == rag and ("75 %" in reason or "upper-bound rule" in reason)
    if rag is None:
        assert reason.startswith("insufficient evidence")
    if rag == "indicative":
        assert reason.startswith("indicative \u2014 small sample (n=1), 95 % exact interval")
    assert rate_against_target(bounds, None, rule, 1)[0] is None
    assert rate_against_target(None, target, rule, 0) == (None, "insufficient evidence: no case in scope is "
                                                             "complete yet, so there is nothing to rate")


def test_one_of_one_is_never_green_and_a_100_percent_target_needs_a_census() -> None:
    got, reason = rate_against_target(sample_bounds(1, 1, 0.95), 0.75, "point_estimate", 1)
    assert got == "indicative" and "about 11 cases in scope" in reason
    got, reason = rate_against_target(sample_bounds(59, 59, 0.95), 1.0, "lower_bound", 59)
    assert got is None and "only be confirmed by checking every case" in reason
    assert rate_against_target(sample_bounds(58, 59, 0.95), 1.0, "lower_bound", 59)[0] == "red"
    census = sample_bounds(10, 10, 0.95, population=10)
    assert census.census and rate_against_target(census, 1.0, "lower_bound", 10)[0] == "green"


def test_upper_bound_rule_is_refused_for_new_audits(workspace) -> None:
    from workbench.errors import InputError

    with workspace.unit_of_work(ADMIN) as uow, pytest.raises(InputError, match="without evidence"):
        audits.create_audit(uow, "response-attendance", "A", size=10, rag_rule="upper_bound")


def test_point_rule_alias_and_settings_default(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        a = audits.create_audit(uow, "response-attendance", "A", size=10, rag_rule="point")
        b = audits.create_audit(uow, "response-attendance", "B", size=10)
    assert a.rag_rule == "point_estimate" and b.rag_rule == "lower_bound"


def test_stratified_estimate_checked_by_hand(workspace, tmp_path) -> None:
    # 600 incidents: Breckland 240, Broadland 180, Norwich 180 (see quick_rows / incident_rows)
    path = write_csv(tmp_path / "incidents.csv", quick_rows(600))
    audit_id = drawn_attendance_audit(workspace, ADMIN, path, size=60, method="stratified",
                                      stratify_by="district", target=0.5)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        info = audits.get_audit(uow, audit_id)
        assert [(s.name, s.population, s.sample) for s in info.strata] == [
            ("Breckland", 240, 24), ("Broadland", 180, 18), ("Norwich", 180, 18)]
        wanted = {"Breckland": 18, "Broadland": 9, "Norwich": 6}  # compliant cases per stratum
        seen: dict[str, int] = {}
        for case in fieldwork.list_cases(uow, audit_id, include_reserves=False):
            stratum = case.stratum or ""
            seen[stratum] = seen.get(stratum, 0) + 1
            ok = seen[stratum] <= wanted[stratum]
            fieldwork.record_response(uow, case.id, "thrive_recorded", "yes" if ok else "no")
            fieldwork.record_response(uow, case.id, "initial_grade_correct", "yes")
            fieldwork.record_response(uow, case.id, "vulnerability_checks", "yes")
        score = scoring.score_audit(uow, audit_id)
    # by hand: W = 0.4, 0.3, 0.3; p_h = 18/24, 9/18, 6/18; Korn–Graubard with scipy
    from scipy import stats as sp

    point = 0.4 * 0.75 + 0.3 * 0.5 + 0.3 * (1 / 3)
    var = (0.16 * (1 - 24 / 240) * (24 / 23 * 0.75 * 0.25) / 24 + 0.09 * (1 - 18 / 180) * (18 / 17 * 0.25) / 18
           + 0.09 * (1 - 18 / 180) * (18 / 17 * (1 / 3) * (2 / 3)) / 18)
    n_eff = min(60 / (1 - 60 / 600), point * (1 - point) / var * (sp.t.ppf(0.975, 59) / sp.t.ppf(0.975, 57)) ** 2)
    x = point * n_eff
    assert score.estimate_basis.startswith("estimate weighted")
    assert score.estimate is not None and score.headline is not None and score.sample_rate is not None
    assert score.estimate.point == pytest.approx(point, abs=1e-12) and round(point, 4) == 0.55
    assert score.estimate.low == pytest.approx(sp.beta.ppf(0.025, x, n_eff - x + 1), abs=1e-9)
    assert score.estimate.high == pytest.approx(sp.beta.ppf(0.975, x + 1, n_eff - x), abs=1e-9)
    assert score.headline.weighted and score.measure is score.headline
    assert score.sample_rate.point == pytest.approx(33 / 60)
    assert [(s.name, s.sample, s.compliant, round(s.weight, 2)) for s in score.strata] == [
        ("Breckland", 24, 18, 0.4), ("Broadland", 18, 9, 0.3), ("Norwich", 18, 6, 0.3)]


def test_incomplete_cases_are_excluded_and_counted(workspace, extract) -> None:
    audit_id = drawn_attendance_audit(workspace, ADMIN, extract, size=20)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        cases = fieldwork.list_cases(uow, audit_id, include_reserves=False)
        for case in cases[:15]:
            for key in ("thrive_recorded", "initial_grade_correct", "vulnerability_checks"):
                fieldwork.record_response(uow, case.id, key, "yes")
        fieldwork.record_response(uow, cases[15].id, "thrive_recorded", "no")  # others unanswered
        score = scoring.score_audit(uow, audit_id)
    assert (score.complete, score.compliant, score.incomplete) == (15, 15, 5)
    first_incomplete = next(c for c in score.cases if c.status == "incomplete")
    assert set(first_incomplete.missing) == {"initial_grade_correct", "vulnerability_checks"}


def test_pack_data_from_scores(workspace, extract) -> None:
    finding_id, figure_id = attendance_finding(workspace, ADMIN)
    score = _second_round(workspace, extract, 64, finding_id, figure_id)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        audit_id = score.audit_id
        cases = fieldwork.list_cases(uow, audit_id, include_reserves=False)
        fieldwork.mark_unusable(uow, cases[-1].id, "log not found")
        results = scoring.audit_results_for_pack(uow, finding_id)
        methods = scoring.audit_methods_for_pack(uow, [finding_id])
    assert len(results) == 1  # the latest round of the series
    r = results[0]
    assert (r.round, r.sample_size, r.rag) == (2, 82, "amber")
    assert (r.compliance.successes, r.compliance.n) == (64, 81)  # the replacement is not yet answered
    assert r.baseline.successes == 49 and r.baseline.n == 82
    assert "improved from 59.8 %" in r.difference_text
    assert [t.label for t in r.trend] == ["Inspection baseline (49 of 82)", "Round 1", "Round 2"]
    assert len(r.cases) == 82 and sum(not c.compliant for c in r.cases) == 82 - 64
    assert any(c.notes.startswith("Not fully answered: ") for c in r.cases)
    assert len(r.notable_cases) == 82 - 64 - 1
    assert all("THRIVE+" in c.notes and "thrive_recorded" not in c.notes for c in r.notable_cases)
    assert r.seed == "2" and len(r.population_fingerprint) == 64 and "600 cases" in r.population
    assert {c.key for c in r.criteria} >= {"thrive_recorded", "attended_within_target"}
    assert [m.audit_title for m in methods] == ["Attendance audit, round 1", "Attendance audit, round 2"]
    second = methods[1]
    assert (second.seed, second.sample_size, second.reserve_used, second.population_size) == ("2", 82, 1, 600)
    assert "log not found" in second.notes and "HMAC-SHA256" in second.selection
    assert second.confidence is None and "fixed sample size of 82" in second.sampling_plan


def test_each_round_is_scored_once_per_unit_of_work_and_a_write_rescores(sqlite_workspace, extract,
                                                                        monkeypatch) -> None:
    """Scoring every round of a series scores each round once (the trend reuses them), not once per
    round shown; a response recorded in the same unit of work is seen at once."""
    ws = sqlite_workspace
    finding_id, figure_id = attendance_finding(ws, ADMIN)
    ids = [drawn_attendance_audit(ws, ADMIN, extract, finding_ids=[finding_id], target=0.75,
                                  title="Attendance audit", seed=1, size=20)]
    for seed in (2, 3):
        ids.append(drawn_attendance_audit(ws, ADMIN, extract, series=ids[0], title="Attendance audit", seed=seed,
                                          size=20))
    for audit_id in ids:
        answer_cases(ws, ADMIN, audit_id, compliant=10)
    scored: list[int] = []
    real = scoring._score_core
    monkeypatch.setattr(scoring, "_score_core", lambda uow, audit: noted(scored, audit.id, real)(uow, audit))
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        scores = [scoring.score_audit(uow, audit_id) for audit_id in ids]
        assert sorted(scored) == sorted(ids)  # 3 rounds, each scored once (not 3 x 3 for the trends)
        assert [p.compliant for p in scores[-1].trend] == [10, 10, 10]
        case = next(c for c in fieldwork.list_cases(uow, ids[0]) if c.state in ("active", "replacement")
                    and c.ref in {s.ref for s in scores[0].cases if s.status == "not compliant"})
        fieldwork.record_response(uow, case.id, "thrive_recorded", "yes")
        again = scoring.score_audit(uow, ids[2])
    assert [p.compliant for p in again.trend] == [11, 10, 10]  # the write emptied the cache


def test_an_answer_rescores_its_own_round_only_in_the_open_workspace(sqlite_workspace, extract, monkeypatch) -> None:
    """The open workspace keeps each round's score until the change log records something about
    that round: an answer in round 1 re-scores round 1 alone (its trend is still up to date), a
    change of a setting every round."""
    from workbench.services import settings

    ws = sqlite_workspace
    finding_id, _ = attendance_finding(ws, ADMIN)
    ids = [drawn_attendance_audit(ws, ADMIN, extract, finding_ids=[finding_id], target=0.75,
                                  title="Attendance audit", seed=1, size=20)]
    ids.append(drawn_attendance_audit(ws, ADMIN, extract, series=ids[0], title="Attendance audit", seed=2, size=20))
    for audit_id in ids:
        answer_cases(ws, ADMIN, audit_id, compliant=10)
    scored: list[int] = []
    real = scoring._score_core
    monkeypatch.setattr(scoring, "_score_core", lambda uow, audit: noted(scored, audit.id, real)(uow, audit))

    def read() -> list[scoring.AuditScore]:
        with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
            return [scoring.score_audit(uow, audit_id) for audit_id in ids]

    first = read()
    assert sorted(scored) == sorted(ids)
    scored.clear()
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        case = next(c for c in fieldwork.list_cases(uow, ids[0]) if c.state in ("active", "replacement")
                    and c.ref in {s.ref for s in first[0].cases if s.status == "not compliant"})
        fieldwork.record_response(uow, case.id, "thrive_recorded", "yes")
    again = read()
    assert scored == [ids[0]]  # round 2 was kept
    assert [p.compliant for p in again[1].trend] == [11, 10]
    scored.clear()
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        settings.set_value(uow, "confidence", 0.9)
    read()
    assert sorted(scored) == sorted(ids)
