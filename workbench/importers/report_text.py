"""Parse an HMICFRS report's text into findings: areas for improvement, causes of concern and
recommendations, with the report's force, programme, title and dates."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Literal

from workbench.importers.key_figures import KeyFigure, extract_figures
from workbench.importers.peel_areas import AreaRules, classify_area
from workbench.importers.report_findings import RawFinding, find_findings, split_blocks
from workbench.importers.report_normalise import normalise
from workbench.importers.report_source import ReportImportError, SourceText

FindingKind = Literal["afi", "cause_of_concern", "recommendation"]

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_TEXT_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(_MONTHS) + r") (\d{4})\b", re.IGNORECASE)
_NUM_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_PROGRAMME = re.compile(r"\bPEEL(?:\s+(?:assessment|inspection|spotlight))?\s+(\d{4})(?:\s*[-/]\s*(\d{2,4}))?",
                        re.IGNORECASE)
_FORCE = re.compile(r"\b((?:[A-Z][a-z]+[ -](?:(?:and|&) )?){1,4})(Constabulary|Police Service|Police)\b"
                    r"(?!\s+(?:Chiefs|and Crime|Federation|Service of|Scotland))")
_NOT_FORCES = {"National", "College", "The", "Our", "Local", "Home", "Each", "All", "Every",
               "Other", "Some", "Many", "Most", "British Transport"}


@dataclass(frozen=True)
class ParsedFinding:
    """One finding. ``title`` is its first sentence (no closing full stop). ``text`` is the full
    statement for bulleted/headed findings, and the body after the title for 2023-25 ``AFI``
    paragraphs (whose title is a heading). ``line`` is 1-based in the source text (for HTML and
    PDF: in the extracted text). ``ref`` is "AFI n", "CoC n", "CoC n Rm" or "Rm"."""

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


def parse_report(source: SourceText, force: str | None = None, inspection: str | None = None,
                 area_rules: AreaRules | None = None) -> ParsedReport:
    """Parse ``source``; raise :class:`ReportImportError` when it holds no findings.

    ``force`` and ``inspection`` (the programme, e.g. "PEEL 2023-25") override what the text says.
    """
    norm = normalise(source.text)
    header = [ln for ln in norm.header_lines if ln][:40]
    warnings: list[str] = []
    force = (force or "").strip() or detect_force(norm.text)
    if force is None:
        warnings.append("the force was not found in the text; give it when importing")
    blocks = split_blocks(norm.lines)
    raw, found_warnings = find_findings(blocks, force)
    warnings.extend(found_warnings)
    if not raw:
        raise ReportImportError(
            source.name, "no areas for improvement, causes of concern or recommendations found",
            "Check that this is an HMICFRS inspection report; findings are recognised under "
            "'Areas for improvement', 'Cause of concern' and 'Recommendations' headings or as 'AFI' "
            "paragraphs")
    findings = _build(raw, area_rules, warnings)
    declared = _declared_afi_count(header)
    afi_count = sum(f.kind == "afi" for f in findings)
    if declared is not None and declared != afi_count:
        warnings.append(f"the report says it has {declared} areas for improvement but {afi_count} "
                        "were found; check the list before saving")
    programme = (inspection or "").strip() or _programme(norm.text)
    published, updated = _dates(header)
    return ParsedReport(
        source_name=source.name, source_sha256=source.sha256, text_fingerprint=norm.fingerprint,
        force=force, programme=programme, title=_title(header), year=_year(programme, published),
        published=published, updated=updated, findings=tuple(findings), warnings=tuple(warnings))


def detect_force(text: str) -> str | None:
    """The force named most often (ties: first named) as "<Name> Constabulary/Police"."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in _FORCE.finditer(text):
        words = m.group(1).split()
        while words and words[0] in _NOT_FORCES:
            words.pop(0)
        name = " ".join(words)
        if not name or name in _NOT_FORCES or words[0] in ("and", "&"):
            continue
        full = f"{name} {m.group(2)}"
        counts[full] += 1
        first.setdefault(full, m.start())
    if not counts:
        return None
    return max(counts, key=lambda k: (counts[k], -first[k]))


def _build(raw: list[RawFinding], rules: AreaRules | None, warnings: list[str]) -> list[ParsedFinding]:
    refs = _refs(raw, warnings)
    out = []
    for index, r in enumerate(raw):
        area, reason = classify_area(r.title, r.text, rules)
        parent = refs[r.parent_index] if r.parent_index is not None else None
        figures = extract_figures(r.text if r.text.startswith(r.title) else f"{r.title}. {r.text}")
        out.append(ParsedFinding(r.kind, refs[index], r.title, r.text, area, reason, r.question,
                                 r.line, parent, figures))  # type: ignore[arg-type]
        if not r.text:
            warnings.append(f"line {r.line}: {refs[index]} has a title but no text")
    return out


def _refs(raw: list[RawFinding], warnings: list[str]) -> list[str]:
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
            per_parent[r.parent_index] += 1
            n = per_parent[r.parent_index]
            refs[i] = f"{refs[r.parent_index]} R{n}" if r.parent_index is not None else f"R{n}"
    return refs


def _declared_afi_count(header: list[str]) -> int | None:
    for i, line in enumerate(header):
        m = re.search(r"\b(\d{1,3}) areas? for improvement\b", line, re.IGNORECASE)
        if m:
            return int(m.group(1))
        if line.lower() == "areas for improvement" and i + 1 < len(header) and header[i + 1].isdigit():
            return int(header[i + 1])
    return None


def _programme(text: str) -> str | None:
    m = _PROGRAMME.search(text)
    if not m:
        return None
    start, end = m.group(1), m.group(2)
    if end:
        return f"PEEL {start}-{end[-2:]}"
    return f"PEEL {start}"


def _title(header: list[str]) -> str | None:
    for line in header[:15]:
        if "PEEL" in line and len(line) < 120 and not re.search(r"\d+ areas? for", line):
            return line
    return next((ln for ln in header if len(ln) < 150), None)


def _parse_date(text: str) -> date | None:
    m = _TEXT_DATE.search(text)
    try:
        if m:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        m = _NUM_DATE.search(text)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))  # UK: day/month/year
    except ValueError:
        return None
    return None


def _dates(header: list[str]) -> tuple[date | None, date | None]:
    published = updated = None
    for line in header[:25]:
        low = line.lower()
        if "year ending" in low or "ending" in low and "year" in low:
            continue
        if updated is None and re.search(r"\b(last )?updated\b", low):
            updated = _parse_date(line)
            continue
        if published is None and (low.startswith("published") or _TEXT_DATE.match(line)
                                  or _NUM_DATE.match(line)):
            published = _parse_date(line)
    return published, updated


def _year(programme: str | None, published: date | None) -> int | None:
    if published is not None:
        return published.year
    m = re.search(r"\d{4}", programme or "")
    return int(m.group(0)) if m else None
