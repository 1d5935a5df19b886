"""The small-sample rule at the service: ten files (the quality of service review's count) are
reported as indicative with their exact interval, never as a colour, in the score, the PDF pack
and the workbook; and the test shows a colour comes back if the rule is taken away."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import ADMIN, ADMIN_PASS
from tests.services.audit_population import write_csv
from workbench.services import audits, fieldwork, findings, packs, population, readiness, scoring
from workbench.stats import rating

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
HEADERS = ["Crime Number", "Date Recorded", "Offence", "Team", "District", "Victim"]
WORDS = "indicative \u2014 small sample (n=10), 95 % exact interval 69.2\u2013100.0 %"


def _crimes(path: Path) -> Path:
    rows = [[f"CR-{i:05d}", f"{1 + i % 28:02d}/03/2026 10:{i % 60:02d}", "Stalking", "CID", "North",
             f"Victim {i}"] for i in range(1, 61)]
    return write_csv(path, rows, HEADERS)


def _ten_files_all_compliant(ws, tmp_path: Path) -> tuple[int, int]:
    with ws.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        added = findings.import_report(uow, SAMPLES / "peel-2023-25-norfolk-afis.txt").added
        finding = next(f for f in added if "allocated" in f.title)
        audit = audits.create_audit(uow, "qos-investigation", "Quality of service: stalking investigations",
                                    [finding.stored_id], target=0.9)  # no size: the template's ten files
        population.draw_sample(uow, audit.id, _crimes(tmp_path / "crimes.csv"), seed=4)
        template = next(t for t in uow_templates(uow) if t.key == "qos-investigation")
        for case in fieldwork.list_cases(uow, audit.id, include_reserves=False):
            for c in template.criteria:
                fieldwork.record_response(uow, case.id, c.key, "yes")
    return audit.id, finding.stored_id


def uow_templates(uow):
    from workbench.templates import builtin_templates

    return builtin_templates()


def test_the_template_gives_its_ten_files(sqlite_workspace, tmp_path) -> None:
    audit_id, _ = _ten_files_all_compliant(sqlite_workspace, tmp_path)
    with sqlite_workspace.unit_of_work(ADMIN, write=False) as uow:
        info = audits.get_audit(uow, audit_id)
    assert info.plan["size"] == 10


def test_ten_files_are_indicative_in_the_score_pack_and_workbook(sqlite_workspace, tmp_path) -> None:
    audit_id, finding_id = _ten_files_all_compliant(sqlite_workspace, tmp_path)
    with sqlite_workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, audit_id)
        ready = readiness.assess_readiness(uow, finding_id)
    assert score.compliant == 10 and score.complete == 10
    assert score.rag == rating.INDICATIVE and score.rag not in rating.COLOURS
    assert score.rag_reason.startswith(WORDS)
    assert "not rated green, amber or red" in score.rag_reason
    assert any(WORDS in r for r in ready.reasons) and ready.rating != "ready"

    with sqlite_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        built = packs.build_pack(uow, tmp_path / "pack", [finding_id])
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(built.pdf).pages))
    assert WORDS in text and "Indicative" in text
    section = text[text.index("Quality of service: stalking investigations"):]
    assert not re.search(r"\b(Green|Amber|Red)\b", section[:section.index(WORDS)])
    book = load_workbook(built.xlsx, read_only=True)
    cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert "Indicative" in cells and any(c.startswith(WORDS) for c in cells)
    assert not any(c in ("Green", "Amber", "Red") for c in cells if c)


def test_without_the_rule_ten_files_would_get_a_colour(sqlite_workspace, tmp_path, monkeypatch) -> None:
    """The check above fails if the rule goes: the same ten files would then be rated amber."""
    audit_id, _ = _ten_files_all_compliant(sqlite_workspace, tmp_path)
    monkeypatch.setattr(rating, "small_sample", lambda bounds, target: False)
    with sqlite_workspace.unit_of_work(ADMIN, write=False) as uow:
        score = scoring.score_audit(uow, audit_id)
    assert score.rag == "amber"


def test_a_sample_big_enough_is_still_coloured(sqlite_workspace, tmp_path) -> None:
    with sqlite_workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        audit = audits.create_audit(uow, "qos-investigation", "Big enough", size=40, target=0.9)
        population.draw_sample(uow, audit.id, _crimes(tmp_path / "crimes.csv"), seed=4)
        for case in fieldwork.list_cases(uow, audit.id, include_reserves=False):
            for key in ("allocated_appropriately", "investigation_timely", "lines_of_enquiry", "supervised",
                        "victim_updated"):
                fieldwork.record_response(uow, case.id, key, "yes")
        score = scoring.score_audit(uow, audit.id)
    # 40 of 40 from a population of 60: the hypergeometric bound confirms 90 %
    assert score.rag == "green", score.rag_reason
