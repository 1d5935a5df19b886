"""The PDF self-assessment pack: cover, contents, executive summary, one section per finding,
methodology appendix and sign-off page. Marking in header and footer of every page, "Page X of
Y", embedded DejaVu fonts, deterministic output for the same data (reportlab invariant mode)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from workbench.files import atomic_output
from workbench.progress import Progress
from workbench.reports.pack_data import PackData, PackError
from workbench.reports.pdf_blocks import Ctx, fmt_date
from workbench.reports.pdf_charts import fit_text, pct
from workbench.reports.pdf_sections import METHODOLOGY, READINESS_WORD, RESULTS_NOTE, finding_section
from workbench.reports.pdf_styles import (
    INK,
    MUTED,
    RAG_FILL,
    READINESS_RAG,
    RULE,
    SANS,
    SANS_BOLD,
    register_fonts,
)

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 22 * mm
LANG = "en-GB"


def pdf_date(when: datetime) -> str:
    """A PDF date string (UTC) for ``when``; a naive time is taken as UTC."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def pdf_subject(data: PackData) -> str:
    inspections = "; ".join(data.inspections) or "inspection findings"
    return (f"Self-assessment of {len(data.findings)} finding{'s' if len(data.findings) != 1 else ''} from "
            f"{inspections} \u2013 pack version {data.pack_version} \u2013 {data.marking}")


STATUS_WORD = {"draft": "Draft", "submitted": "Submitted for sign-off", "approved": "Approved",
               "superseded": "Superseded"}


def _page_chrome(data: PackData, covered: frozenset[int]) -> Callable[[Canvas, _PackDocument], None]:
    """onPage callback: marking in header and footer, running titles, draft watermark."""
    marking = fit_text(data.marking.upper(), SANS_BOLD, 9, 70 * mm, covered)
    force = fit_text(data.force, SANS, 7.5, 55 * mm, covered)
    version = f"Pack v{data.pack_version} \u00b7 {STATUS_WORD[data.status]}"
    title = fit_text(data.title, SANS, 7.5, 60 * mm, covered)
    watermark = {"draft": "DRAFT", "superseded": "SUPERSEDED"}.get(data.status)

    def draw(canvas: Canvas, doc: _PackDocument) -> None:
        canvas.saveState()
        if watermark:
            canvas.setFillColor(RAG_FILL["red"])
            canvas.setFont(SANS_BOLD, 80)
            canvas.translate(PAGE_W / 2, PAGE_H / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -28, watermark)
            canvas.rotate(-45)
            canvas.translate(-PAGE_W / 2, -PAGE_H / 2)
        top = PAGE_H - 12 * mm
        canvas.setFillColor(INK)
        canvas.setFont(SANS_BOLD, 9)
        canvas.drawCentredString(PAGE_W / 2, top, marking)
        canvas.setFont(SANS, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, top, force)
        canvas.drawRightString(PAGE_W - MARGIN_X, top, version)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, top - 3 * mm, PAGE_W - MARGIN_X, top - 3 * mm)
        bottom = 10 * mm
        canvas.line(MARGIN_X, bottom + 5 * mm, PAGE_W - MARGIN_X, bottom + 5 * mm)
        canvas.setFillColor(INK)
        canvas.setFont(SANS_BOLD, 9)
        canvas.drawCentredString(PAGE_W / 2, bottom, marking)
        canvas.setFont(SANS, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN_X, bottom, title)
        total = getattr(doc, "page_total", None)
        canvas.drawRightString(PAGE_W - MARGIN_X, bottom,
                               f"Page {doc.page} of {total if total else '?'}")
        doc.totals_drawn.add(total)
        canvas.restoreState()

    return draw


class _PackDocument(BaseDocTemplate):
    def __init__(self, filename: str, data: PackData, covered: frozenset[int]) -> None:
        super().__init__(
            filename, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, invariant=1,
            initialFontName=SANS, initialFontSize=9, lang=LANG,
            title=f"{data.title} \u2013 {data.force}", author=data.built_by,
            subject=pdf_subject(data),
            creator="Inspection Readiness Workbench " + data.tool_version,
            keywords=[data.marking, "self-assessment", "HMICFRS"])
        # invariant mode keeps the bytes the same for the same data; the dates are the pack
        # version's build time (never the wall clock), not reportlab's fixed 2000-01-01
        self.pdf_date = pdf_date(data.built_at)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        chrome = _page_chrome(data, covered)
        # "Page X of Y": each layout pass draws Y from the previous pass (the footer is outside
        # the frame, so the count never changes the layout); see ``build_numbered``.
        self.page_total: int | None = None
        self.totals_drawn: set[int | None] = set()
        self.addPageTemplates([PageTemplate("cover", [frame], onPage=chrome),
                               PageTemplate("body", [frame], onPage=chrome)])

    def beforeDocument(self) -> None:  # noqa: N802 - reportlab API
        stamp = self.pdf_date
        self.canv.setDateFormatter(lambda *_: stamp)

    def build(self, flowables: list[Flowable], *args: Any, **kwargs: Any) -> None:
        self.totals_drawn = set()
        super().build(flowables, *args, **kwargs)
        self.page_total = self.page

    def build_numbered(self, story: list[Flowable]) -> None:
        """multiBuild (contents page numbers) repeated until every page showed the true total.

        Each layout pass of a large pack takes seconds. The contents' entries are known before the
        first (the headings carry them), so it lays them out already, with a stand-in page number:
        the pages after it then fall where they will stay, and the second pass, with the true
        numbers and total, is the last. (Had a stand-in changed the layout, one more pass follows.)"""
        for toc in (f for f in story if isinstance(f, TableOfContents)):
            toc._entries = [  # type: ignore[attr-defined]  # what beforeBuild takes as the last pass's
                (level, markup, 999, key) for level, markup, _text, key in _toc_entries(story)]
        for _ in range(4):
            self.multiBuild(story)
            if self.totals_drawn == {self.page}:
                return
        raise PackError("page numbering did not settle; please report this pack's data")

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - reportlab API
        entry = getattr(flowable, "_toc_entry", None)
        if entry is None:
            return
        level, markup, plain_text, key = entry
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(plain_text, key, level=level, closed=level > 0)
        self.notify("TOCEntry", (level, markup, self.page, key))


def _toc_entries(flowables: list[Flowable]) -> list[tuple[int, str, str, str]]:
    """The contents entries the headings of `flowables` will give, in order (also inside KeepTogether)."""
    out = []
    for f in flowables:
        entry = getattr(f, "_toc_entry", None)
        if entry is not None:
            out.append(entry)
        inner = getattr(f, "_content", None)
        if isinstance(inner, list):
            out += _toc_entries(inner)
    return out


def _cover(ctx: Ctx, data: PackData) -> list[Flowable]:
    s = ctx.styles
    story: list[Flowable] = [Spacer(1, 36 * mm), ctx.para(data.force, s.cover_sub, 120),
                             ctx.para(data.title, s.cover_title, 140)]
    for inspection in data.inspections[:4]:
        story.append(ctx.para(inspection, s.cover_sub, 160))
    if len(data.inspections) > 4:
        story.append(ctx.para(f"and {len(data.inspections) - 4} more inspections", s.cover_sub))
    signoff = ("Not yet signed off" if data.signoff is None else
               f"{data.signoff.decision} by {data.signoff.reviewer}, {fmt_date(data.signoff.at)}")
    story += [Spacer(1, 18 * mm), ctx.key_values((
        ("Protective marking", ctx.cell(data.marking, s.cell_bold, 120)),
        ("Pack version", str(data.pack_version)),
        ("Status", STATUS_WORD[data.status]),
        ("Built", fmt_date(data.built_at)),
        ("Prepared by", data.built_by),
        ("Sign-off", signoff),
        ("Findings covered", str(len(data.findings))),
    ), label_width=0.3), Spacer(1, 14 * mm),
        ctx.para(f"This document is marked {data.marking}. It contains law-enforcement data "
                 "processed under Part 3 of the Data Protection Act 2018. Handle, store and "
                 "share it only in line with the Government Security Classifications and "
                 "force policy.", s.muted),
    ]
    if data.tool_version:
        story.append(ctx.para(f"Produced with the Inspection Readiness Workbench "
                              f"{data.tool_version}.", s.muted))
    return story + [NextPageTemplate("body"), PageBreak()]


def _contents(ctx: Ctx) -> list[Flowable]:
    toc = TableOfContents(levelStyles=list(ctx.styles.toc_levels), dotsMinLevel=0)
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), SANS), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return [Paragraph("Contents", ctx.styles.h1), toc, PageBreak()]


def _summary(ctx: Ctx, data: PackData) -> list[Flowable]:
    s = ctx.styles
    counts = {level: sum(f.readiness == level for f in data.findings) for level in READINESS_WORD}
    story: list[Flowable] = [ctx.heading("Executive summary", 0)]
    story.append(ctx.para(
        f"This pack sets out the evidence for {len(data.findings)} "
        f"finding{'s' if len(data.findings) != 1 else ''} from "
        f"{'; '.join(data.inspections) or 'the inspection'}. "
        f"{counts['ready']} {'is' if counts['ready'] == 1 else 'are'} rated ready, "
        f"{counts['partly ready']} partly ready and {counts['not ready']} not ready. "
        "Readiness combines audit results, measures, action-plan progress, evidence and "
        "sign-off; the reasons are given for each finding."))
    rows, extra = [], []
    for i, f in enumerate(data.findings, start=1):
        audit = f.audits[-1] if f.audits else None
        if audit is None:
            result: object = "No audit linked"
            rag: object = "\u2013"
        else:
            c = audit.compliance
            lines = [f"<b>{pct(c.point)}</b> ({c.successes}/{c.n})",
                     f"95 % CI {c.low * 100:.1f}\u2013{pct(c.high)}"]
            if audit.baseline is not None:
                b = audit.baseline
                lines.append(f"Baseline {pct(b.point)} ({b.successes}/{b.n})")
            result = ctx.markup("<br/>".join(lines), s.cell)
            rag = ctx.rag_word(audit.rag)
            extra += ctx.rag_cell_style(audit.rag, 5, i)
        readiness_rag = READINESS_RAG[f.readiness]
        extra += ctx.rag_cell_style(readiness_rag, 3, i)
        rows.append([ctx.cell(f.ref, s.cell_bold, 40), ctx.cell(f.title, limit=220), f.area,
                     ctx.rag_word(readiness_rag, READINESS_WORD[f.readiness]), result, rag])
    story.append(ctx.table(("Ref", "Finding", "PEEL area", "Readiness", "Latest audit result",
                            "Audit RAG"), rows, (0.15, 0.27, 0.14, 0.12, 0.21, 0.11), extra))
    story.append(Spacer(1, 6))
    story.append(ctx.para(RESULTS_NOTE, s.muted))
    return story


def _appendix(ctx: Ctx, data: PackData) -> list[Flowable]:
    s = ctx.styles
    story: list[Flowable] = [PageBreak(), ctx.heading("Appendix: methodology", 0)]
    story.append(ctx.para(
        "Each audit sample was drawn from a fingerprinted population extract with a recorded "
        "seed, so anyone holding the same extract can redraw exactly the same cases whatever "
        "the extract's row order, with nothing more than the steps below."))
    for title, text in METHODOLOGY:
        story += [ctx.heading(title, 2, toc=False), ctx.para(text)]
    if not data.methodology:
        story.append(ctx.para("No audits are included in this pack.", s.muted))
    for m in data.methodology:
        pairs: list[tuple[str, object]] = [
            ("Template", f"{m.template} (version {m.template_version})"),
            ("Sampling plan", m.sampling_plan),
            ("Selection", m.selection),
        ]
        if m.confidence is not None:
            pairs.append(("Confidence", pct(m.confidence, 0)))
        if m.tolerable_rate is not None:
            pairs.append(("Tolerable deviation rate", pct(m.tolerable_rate, 0)))
        if m.expected_rate is not None:
            pairs.append(("Expected deviation rate", pct(m.expected_rate, 0)))
        pairs += [("Population", m.population),
                  ("Population size", f"{m.population_size:,}"),
                  ("Population fingerprint", ctx.cell(m.population_fingerprint, s.cell_mono,
                                                      200)),
                  ("Seed", ctx.cell(m.seed, s.cell_mono, 200)),
                  ("Sample size", f"{m.sample_size}"),
                  ("Reserve cases used", str(m.reserve_used))]
        if m.strata:
            pairs.append(("Strata", ctx.markup("<br/>".join(ctx.text(x, 200) for x in m.strata),
                                               s.cell)))
        if m.notes:
            pairs.append(("Notes", m.notes))
        story += [ctx.heading(m.audit_title, 1), ctx.key_values(pairs), Spacer(1, 6)]
    return story


@dataclass
class SignatureSlot:
    """Where the sign-off page leaves room for the visible digital signature (filled when the
    PDF is laid out): 0-based page and box (x1, y1, x2, y2) in points."""

    page: int = -1
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


class _SignatureBox(Flowable):
    """Reserves the signature box and records where it landed; until approval it says so."""

    def __init__(self, slot: SignatureSlot, width: float, height: float, placeholder: str) -> None:
        super().__init__()
        self.slot, self.width, self.height, self.placeholder = slot, width, height, placeholder

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        self.slot.page = self.canv.getPageNumber() - 1
        self.slot.box = (x, y, x + self.width, y + self.height)
        if self.placeholder:
            self.canv.saveState()
            self.canv.setStrokeColor(MUTED)
            self.canv.setDash(3, 3)
            self.canv.rect(0, 0, self.width, self.height)
            self.canv.setFont(SANS, 9)
            self.canv.setFillColor(MUTED)
            self.canv.drawString(8, self.height / 2 - 3, fit_text(self.placeholder, SANS, 9, self.width - 16))
            self.canv.restoreState()


def _signoff(ctx: Ctx, data: PackData, slot: SignatureSlot) -> list[Flowable]:
    s = ctx.styles
    story: list[Flowable] = [PageBreak(), ctx.heading("Sign-off", 0)]
    story.append(ctx.para(
        "Four-eyes principle: the pack is prepared by one person and signed off by another. "
        "A signed-off pack is not changed; later changes produce a new pack version."))
    so = data.signoff
    if so is None:
        story.append(ctx.para("This pack has not been signed off.", s.h3))
    else:
        pairs: list[tuple[str, object]] = [
            ("Prepared by", so.preparer), ("Signed off by", so.reviewer + (f", {so.reviewer_role}"
                                                                           if so.reviewer_role else "")),
            ("Decision", ctx.cell(so.decision, s.cell_bold, 200)), ("Date and time", fmt_date(so.at) + " UTC"),
        ]
        if so.comment.strip():
            pairs.append(("Comment", so.comment))
        if so.certificate_sha256:
            pairs.append(("Signer's certificate SHA-256", ctx.cell(so.certificate_sha256, s.cell_mono, 80)))
        if so.log_anchor:
            pairs.append(("Change-log anchor", ctx.cell(so.log_anchor, s.cell_mono, 120)))
        for sha in so.manifest_sha256:
            pairs.append(("Bundle manifest SHA-256", ctx.cell(sha, s.cell_mono, 80)))
        story.append(ctx.key_values(pairs))
    story.append(Spacer(1, 4 * mm))
    story.append(ctx.para("Changes to who may sign since the previous pack version", s.h3))
    if data.signing_changes:
        story.append(ctx.table(("When and what (from the change log)",),
                               [[change] for change in data.signing_changes], (1.0,)))
    else:
        story.append(ctx.para("None: no reviewer was added, no role or passphrase was changed and no "
                              "signing certificate was created or imported.", s.muted))
    story.append(Spacer(1, 6 * mm))
    story.append(ctx.para("Digital signature", s.h3))
    placeholder = "" if so is not None and so.certificate_sha256 else (
        "The reviewer's digital signature appears here when the pack is approved.")
    story.append(_SignatureBox(slot, min(ctx.width, 300.0), 92.0, placeholder))
    story.append(Spacer(1, 4 * mm))
    story.append(ctx.para(
        "The signature covers this whole document. Check it in a PDF reader's signature panel, or with "
        "workbench verify on the evidence bundle, and compare the certificate fingerprint with the one the "
        "force gives you separately.", s.muted))
    return story


def build_story(data: PackData, ctx: Ctx, progress: Progress | None = None,
                total: int | None = None, slot: SignatureSlot | None = None) -> list[Flowable]:
    story = _cover(ctx, data) + _contents(ctx) + _summary(ctx, data)
    done = 1
    if progress:
        progress(done, total)
    for finding in data.findings:
        story += [PageBreak()] + finding_section(ctx, finding)
        done += 1
        if progress:
            progress(done, total)
    story += _appendix(ctx, data) + _signoff(ctx, data, slot or SignatureSlot())
    return story


def write_pdf_pack(data: PackData, out_path: str | os.PathLike[str],
                   progress: Progress | None = None, signature_slot: SignatureSlot | None = None) -> Path:
    """Write the pack to ``out_path`` atomically (temp file in the same folder, then replace).

    ``progress(done, total)`` is called per section and after layout; if it raises (e.g. the
    user cancelled) the exception propagates and no file is left behind.
    """
    out = Path(out_path)
    if not out.parent.is_dir():
        raise PackError("the folder for the PDF does not exist; choose an existing folder",
                        path=str(out.parent))
    covered = register_fonts()
    total = len(data.findings) + 2
    with atomic_output(out) as tmp:
        doc = _PackDocument(str(tmp), data, covered)
        ctx = Ctx.create(doc.width)
        story = build_story(data, ctx, progress, total, signature_slot)
        doc.build_numbered(story)
        if progress:
            progress(total, total)
    return out
