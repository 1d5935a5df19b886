"""Parse an HMICFRS report's text into findings: areas for improvement, causes of concern and
recommendations, with the report's force, programme, title, dates and the inspectorate's status
of each finding."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from workbench.importers import report_meta as meta
from workbench.importers.key_figures import KeyFigure, deadline_figures, extract_figures
from workbench.importers.peel_areas import AreaRules, area_of_question, classify_area, framework_of
from workbench.importers.report_findings import RawFinding, closure_statement, find_findings
from workbench.importers.report_labels import AFI_MARK, QUESTION, is_force
from workbench.importers.report_normalise import normalise
from workbench.importers.report_repair import Block, blocks_from_lines, explode, remove_furniture
from workbench.importers.report_source import ReportImportError, SourceText

FindingKind = Literal["afi", "cause_of_concern", "recommendation"]
detect_force = meta.detect_force


@dataclass(frozen=True)
class ParsedFinding:
    """One finding. ``title`` is its first sentence (no closing full stop). ``text`` is the full
    statement for bulleted/headed findings, and the body after the title for 2023-25 ``AFI``
    paragraphs and causes of concern printed with a headline. ``line`` is 1-based in the source
    text (for HTML and PDF: in the extracted text). ``ref`` is "AFI n", "CoC n", "CoC n Rm" or
    "Rm". ``key`` names the finding in corrections ("#3"; split parts "#3.1", "#3.2").
    ``inspectorate_status`` is what HMICFRS printed or wrote (Completed, Superseded, Closed ...),
    never the force's own status."""

    kind: FindingKind
    ref: str
    title: str
    text: str
    area: str | None
    area_reason: str
    question: str | None
    line: int
    parent_ref: str | None
    figures: tuple[KeyFigure, ...]
    key: str = ""
    inspectorate_status: str | None = None
    inspectorate_status_date: date | None = None
    inspectorate_status_note: str = ""
    source_text: str = ""  # the block(s) of the source the finding was read from


@dataclass(frozen=True)
class ParsedReport:
    """A parsed report. ``year`` is the publication year, else the programme's first year;
    ``updated`` is a "Last updated" date, kept apart from ``published``."""

    source_name: str
    source_sha256: str
    text_fingerprint: str
    force: str | None
    programme: str | None
    title: str | None
    year: int | None
    published: date | None
    updated: date | None
    findings: tuple[ParsedFinding, ...]
    warnings: tuple[str, ...]
    source_kind: str = "text"
    encoding: str | None = None
    sent: date | None = None
    missing: tuple[str, ...] = field(default=())  # metadata not found: "force", "programme", "published"
    #: the register's source type the title names (a revisit letter, a CDI inspection ...); None: not said
    source_type: str | None = None


def report_blocks(source: SourceText, force: str | None = None) -> tuple[list[Block], list[str]]:
    """The repaired blocks of a report and its cleaned lines (furniture kept, for metadata)."""
    norm = normalise(_tab_tables(source.text))
    lines, _removed = remove_furniture(norm.header_lines)

    def starts_block(text: str) -> bool:
        return bool(AFI_MARK.match(text) or QUESTION.match(text))

    def stands_alone(text: str) -> bool:
        return is_force(text, force)

    return blocks_from_lines(explode(lines), starts_block, stands_alone), list(norm.header_lines)


def _tab_tables(text: str) -> str:
    """Rows copied from a spreadsheet or Word table (cells between tabs) as "| a | b |" rows."""
    if "\t" not in text:
        return text
    out = []
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) >= 3 and sum(1 for c in cells if c.strip()) >= 2:
            line = "| " + " | ".join(c.strip().replace("|", "/") for c in cells) + " |"
        out.append(line)
    return "\n".join(out)


def parse_report(source: SourceText, force: str | None = None, inspection: str | None = None,
                 area_rules: AreaRules | None = None) -> ParsedReport:
    """Parse ``source``; raise :class:`ReportImportError` when it holds no findings.

    ``force`` and ``inspection`` (the programme, e.g. "PEEL 2023-25") override what the text says.
    """
    norm = normalise(source.text)
    header = [ln for ln in norm.header_lines if ln][:40]
    warnings: list[str] = list(source.warnings)
    missing: list[str] = []
    force = (force or "").strip() or meta.detect_force("\n".join(header[:12])) \
        or meta.detect_force(norm.text) or meta.force_from_header(header)
    if force is None:
        missing.append("force")
        warnings.append("the force was not found in the text; give it when importing")
    blocks, _ = report_blocks(source, force)
    raw, found_warnings = find_findings(blocks, force)
    warnings.extend(found_warnings)
    published, updated, sent = meta.dates(header)
    closure = closure_statement(blocks)
    if not raw:
        if closure:
            raise ReportImportError(
                source.name, f"this letter records that a cause of concern was {closure[0].lower()} "
                "but does not restate it, so there is no finding to import",
                "Record the inspectorate's status on the cause of concern in the register")
        raise ReportImportError(
            source.name, "no areas for improvement, causes of concern or recommendations found",
            "Check that this is an HMICFRS inspection report; findings are recognised under "
            "'Areas for improvement', 'Cause of concern' and 'Recommendations' headings, as 'AFI' "
            "paragraphs, in findings lists and tracker tables")
    programme = (inspection or "").strip() or meta.programme(header, norm.text)[0]
    # the areas are those of the report's own framework (PEEL 2025-27 has its own questions)
    findings = _build(raw, area_rules, warnings, closure, sent or published, framework_of(programme))
    for noun, kind in (("areas? for improvement", "afi"), ("recommendations", "recommendation")):
        declared = meta.declared_count(header, noun)
        got = sum(f.kind == kind for f in findings)
        if declared is not None and declared != got and got:
            label = "areas for improvement" if kind == "afi" else "recommendations"
            warnings.append(f"the report says it has {declared} {label} but {got} were found; check the "
                            "list before saving")
    if programme is None and meta.mentions_peel(header) and (published or sent):
        programme = f"PEEL {(published or sent).year}"  # type: ignore[union-attr]
        warnings.append(f"the programme was taken as {programme} from the publication date; correct it "
                        "when importing if needed")
    if programme is None:
        missing.append("programme")
        warnings.append("the inspection programme (e.g. PEEL 2023-25) was not found; give it when importing")
    if published is None and sent is None and updated is None:
        missing.append("published")
        warnings.append("no publication date was found; add it to the inspection after importing")
    return ParsedReport(
        source_name=source.name, source_sha256=source.sha256, text_fingerprint=norm.fingerprint,
        force=force, programme=programme, title=meta.title(header),
        year=meta.year(programme, published or sent), published=published or sent, updated=updated,
        findings=tuple(findings), warnings=tuple(warnings), source_kind=source.kind,
        encoding=source.encoding, sent=sent, missing=tuple(missing),
        source_type=meta.source_type(meta.title(header), header))


def _build(raw: list[RawFinding], rules: AreaRules | None, warnings: list[str],
           closure: tuple[str, str] | None, letter_date: date | None,
           framework: str | None = None) -> list[ParsedFinding]:
    refs = refs_for(raw, warnings)
    out: list[ParsedFinding] = []
    for index, r in enumerate(raw):
        # a 2025-27 report's question (or section) heading names the area its findings sit in;
        # earlier reports' questions joined areas ("investigating crime and reducing
        # re-offending"), so there the keywords decide
        area: str | None
        asked = area_of_question(r.question, rules, framework) if framework == "2025-27" else None
        if asked is not None:
            said = "question" if (r.question or "").rstrip().endswith("?") else "heading"
            area, reason = asked, f"under the report's {said} '{r.question}'"
        else:
            area, reason = classify_area(r.title, r.text, rules, framework)
        parent = refs[r.parent_index] if r.parent_index is not None else None
        if r.parent_index is not None and out[r.parent_index].area:
            area = out[r.parent_index].area
            reason = f"the area of its cause of concern ({parent})"
        body = r.text if _starts_with(r.text, r.title) else f"{r.title}. {r.text}"
        figures = deadline_figures(r.lead_in) + extract_figures(body)
        status, status_date, note = r.status, None, ""
        if status:
            note = "printed beside it in the inspectorate's list"
        elif closure and (r.kind == "cause_of_concern" or r.parent_index is not None):
            status, status_date, note = closure[0], letter_date, closure[1]
        source_text = r.source or "\n".join(x for x in (r.lead_in, "" if _starts_with(r.text, r.title) else r.title,
                                            r.text) if x)
        out.append(ParsedFinding(r.kind, refs[index], r.title, r.text, area, reason, r.question,  # type: ignore[arg-type]
                                 r.line, parent, figures, f"#{index + 1}", status, status_date, note,
                                 source_text))
        if not r.text:
            warnings.append(f"line {r.line}: {refs[index]} has a title but no text")
    return out


def _starts_with(text: str, title: str) -> bool:
    def squash(s: str) -> str:
        return re.sub(r"\W+", "", s).lower()

    return squash(text).startswith(squash(title))


def refs_for(raw: list, warnings: list[str]) -> list[str]:
    """References: "AFI n", "CoC n" (the report's own numbers when unique), "CoC n Rm", "Rm"."""
    refs: list[str] = [""] * len(raw)
    for kind, prefix in (("afi", "AFI"), ("cause_of_concern", "CoC")):
        idx = [i for i, r in enumerate(raw) if r.kind == kind]
        given = [raw[i].number for i in idx if raw[i].number is not None]
        use_given = len(given) == len(set(given))
        if not use_given:
            warnings.append(f"{prefix} numbers repeat in the report; they were renumbered in order")
        taken = set(given) if use_given else set()
        counter = 0
        for i in idx:
            number = raw[i].number if use_given else None
            if number is None:
                counter += 1
                while counter in taken:
                    counter += 1
                number = counter
            refs[i] = f"{prefix} {number}"
    per_parent: Counter[int | None] = Counter()
    for i, r in enumerate(raw):
        if r.kind == "recommendation":
            parent = r.parent_index if r.parent_index is not None and refs[r.parent_index].startswith("CoC") \
                else None
            per_parent[parent] += 1
            n = per_parent[parent]
            if parent is None and r.number is not None and use_numbers(raw):
                n = r.number
            refs[i] = f"{refs[parent]} R{n}" if parent is not None else f"R{n}"
    return refs


def use_numbers(raw: list) -> bool:
    nums = [r.number for r in raw if r.kind == "recommendation" and r.parent_index is None]
    return None not in nums and len(nums) == len(set(nums))
