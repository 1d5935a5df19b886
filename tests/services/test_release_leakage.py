"""No case reference and no personal value in any byte a release shows: the signed release PDF, the
release workbook, and a pseudonymised bundle's manifest, index, README and member names.

Checked on the demo workspace as built, and on a copy in which case references, look-alikes and
the names and addresses of the people in the sample are planted in every free-text field the
workspace has (unusable reasons, response comments and computed workings, narratives, review and
approval comments, evidence titles and file names, evidence-link notes, action titles, owners and
progress notes, finding titles, texts, owners and notes, measure names and notes, audit titles and
population names, key-figure labels and sentences).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.reports.leakage import bundle_texts, leaks, pdf_texts, workbook_texts
from workbench.reports.pseudonymise import pseudonymise_ref
from workbench.services import bundles, packs
from workbench.services.demo_workspace import ADMIN, OFFICER, REVIEWER, REVIEWER_PASSPHRASE, DemoResult, build_demo
from workbench.services.workspace import open_workspace
from workbench.store.location import sqlite_location
from workbench.store.models import (
    Action,
    Audit,
    Evidence,
    EvidenceLink,
    Finding,
    KeyFigure,
    Measure,
    MeasurePoint,
    Response,
    SampledCase,
    SelfAssessment,
    SignOff,
)
from workbench.store.workspace import Workspace
from workbench.templates.loading import builtin_templates

PERSONAL_KEYS = {f.key for t in builtin_templates() for f in t.fields if f.personal and f.type == "text"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return build_demo(tmp_path_factory.mktemp("demo"), today=date(2026, 6, 1))


def _secrets(db: Path) -> tuple[list[str], list[str]]:
    """Every case reference, and every personal name or address held by one or two cases."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT ref, fields FROM sampled_cases").fetchall()
    finally:
        con.close()
    values: Counter[str] = Counter()
    for _, fields in rows:
        for k, v in (json.loads(fields) or {}).items():
            if k in PERSONAL_KEYS and isinstance(v, str) and v.strip():
                values[v.strip()] += 1
    return [r for r, _ in rows], sorted(v for v, n in values.items() if n <= 2)


def test_demo_release_leaks_nothing(demo: DemoResult) -> None:
    refs, people = _secrets(demo.workspace)
    assert len(refs) > 300 and len(people) > 100
    sources = bundle_texts(demo.bundle)
    assert {"manifest.json", "index.html", "README.txt"} <= set(sources)
    assert any(n.endswith("-release.pdf") for n in sources) and any(n.endswith("-release.xlsx") for n in sources)
    assert leaks(refs + people, sources) == []
    # the same check finds them in the approved (not pseudonymised) pack
    assert leaks(refs, {"approved pdf": pdf_texts(demo.pdf.read_bytes())})


# -- planting ------------------------------------------------------------------------------------
def _copy(src: Path, dest: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dest) as b:
        a.backup(b)
    return dest


def _lookalike(ref: str, known: set[str]) -> str:
    digits = iter(range(1, 10_000))
    while True:
        candidate = re.sub(r"\d{4}$", f"{next(digits):04d}", ref)
        if candidate not in known:
            return candidate


def _plant(ws: Workspace) -> dict[str, str]:
    with ws.unit_of_work(ADMIN) as uow:
        s = uow.session
        cases = list(s.scalars(select(SampledCase).order_by(SampledCase.audit_id, SampledCase.order)))
        known = {c.ref for c in cases}
        unusable = next(c for c in cases if c.state == "unusable")
        reserve = next(c for c in cases if c.state == "reserve")
        others = [c for c in cases if c.state == "active" and c.audit_id != unusable.audit_id]
        people = [v for c in cases for k in sorted(PERSONAL_KEYS) if isinstance(v := (c.fields or {}).get(k), str)]
        counts = Counter(people)
        names = [p for p in people if counts[p] == 1 and len(p.split()) == 2 and not any(ch.isdigit() for ch in p)
                 and "pseudonym" not in p.lower()]
        address = next(p for p in people if counts[p] == 1 and p[:1].isdigit())
        planted = {"ref": unusable.ref, "other": others[-1].ref.lower(), "reserve": reserve.ref,
                   "lookalike": _lookalike(unusable.ref, known), "name": names[0], "second": names[1],
                   "surname": names[2].split()[-1], "address": address}
        text = (f"Re {planted['ref']}, {planted['other']}, {planted['reserve']} and {planted['lookalike']}: "
                f"{planted['name']} and {planted['second']} (Mrs {planted['surname']}) of {address}.")
        planted["text"] = text
        unusable.unusable_reason = text
        for case in cases[::7]:
            for r in s.scalars(select(Response).where(Response.case_id == case.id)):
                r.comment = text
                if r.working:
                    r.working = text
        for sa in s.scalars(select(SelfAssessment)):
            sa.narrative = text
        for so in s.scalars(select(SignOff)):
            so.comment = text
        for ev in s.scalars(select(Evidence)):
            ev.title = f"{ev.title} {text}"
            ev.filename = f"{planted['ref']} {planted['name']} {ev.filename}"
        for link in s.scalars(select(EvidenceLink)):
            link.note = text
        for a in s.scalars(select(Action)):
            a.title, a.owner, a.progress_note = f"{a.title} {text}", f"{a.owner} for {planted['ref']}", text
        for f in s.scalars(select(Finding)):
            f.title, f.text, f.notes = f"{f.title} {planted['ref']}", f"{f.text} {text}", text
            f.owner = f"{f.owner} ({planted['lookalike']})"
        for m in s.scalars(select(Measure)):
            m.name = f"{m.name} {planted['ref']} {planted['name']}"
        for p in s.scalars(select(MeasurePoint)):
            p.note = text
        for au in s.scalars(select(Audit)):
            au.title, au.population_name = f"{planted['ref']} {planted['name']} {au.title}", text
        for k in s.scalars(select(KeyFigure)):
            k.label, k.sentence = f"{k.label} {planted['ref']}", f"{k.sentence} {text}"
    return planted


@pytest.fixture(scope="module")
def planted_release(demo: DemoResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("planted")
    ws = open_workspace(sqlite_location(_copy(demo.workspace, out / "planted.sqlite")))
    try:
        planted = _plant(ws)
        with ws.unit_of_work(OFFICER) as uow:
            built = packs.build_pack(uow, out / "draft")
            packs.submit_pack(uow, built.info.number)
        def as_reviewer(write: bool):  # noqa: ANN202 - a unit of work, signed in
            return ws.unit_of_work(REVIEWER, write=write, passphrase=REVIEWER_PASSPHRASE)

        approved = packs.approve_pack(as_reviewer, built.info.number, REVIEWER_PASSPHRASE, out / "signed",
                                      planted["text"])
        with ws.unit_of_work(OFFICER) as uow:
            pdf, xlsx = packs.export_pack_files(uow, built.info.number, out / "release", release=True)
            bundle = bundles.build_evidence_bundle(uow, out / "bundle.zip", pseudonymise=True)
            key = packs.pseudonym_key(uow)
    finally:
        ws.close()
    refs, people = _secrets(out / "planted.sqlite")
    return {"planted": planted, "approved": approved, "pdf": pdf, "xlsx": xlsx, "bundle": bundle.path,
            "key": key, "refs": refs, "people": people}


def test_planting_reaches_the_approved_pack(planted_release: dict) -> None:
    p = planted_release["planted"]
    approved = planted_release["approved"]
    sources = {"pdf": pdf_texts(approved.pdf.read_bytes()), "xlsx": workbook_texts(approved.xlsx.read_bytes())}
    found = {secret for secret, _ in leaks([p["ref"], p["lookalike"], p["name"], p["address"]], sources)}
    assert found == {p["ref"], p["lookalike"], p["name"], p["address"]}


def test_planted_release_leaks_nothing(planted_release: dict) -> None:
    p = planted_release["planted"]
    sources = {"release pdf": pdf_texts(planted_release["pdf"].read_bytes()),
               "release xlsx": workbook_texts(planted_release["xlsx"].read_bytes()),
               **bundle_texts(planted_release["bundle"])}
    secrets = [*planted_release["refs"], *planted_release["people"], p["lookalike"], p["surname"], p["other"]]
    assert leaks(secrets, sources) == []
    text = "\n".join(sources["release pdf"])
    key = planted_release["key"]
    for ref in (p["ref"], p["lookalike"]):  # replaced by its keyed pseudonym, not just deleted
        assert pseudonymise_ref(ref, key) in text.replace("\n", "")
    assert "[personal data removed]" in text
    manifest = sources["manifest.json"][0]
    assert pseudonymise_ref(p["ref"], key) in manifest  # evidence titles and file names as released
