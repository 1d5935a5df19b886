"""A report's metadata: force, programme, title, publication and update dates, declared counts.

Read from titles, headings, "Published on:" and "Sent on" lines. Whatever cannot be found is
left None; the parser turns that into a warning the user fills in at import.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
TEXT_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(_MONTHS) + r") (\d{4})\b", re.IGNORECASE)
NUM_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_PROGRAMME = re.compile(r"\bPEEL\b(?:[^\n.]{0,80}?)\b((?:19|20)\d\d)(?:\s*[-/]\s*((?:19|20)?\d\d))?\b")
_PEEL_WORDS = re.compile(r"\b((?:19|20)\d\d)(?:\s*[-/]\s*((?:19|20)?\d\d))?\s+(?:police )?(?:effectiveness, "
                         r"efficiency and legitimacy|efficiency, effectiveness and legitimacy|PEEL)\b",
                         re.IGNORECASE)
_FORCE = re.compile(r"\b((?:[A-Z][a-z]+[ -](?:(?:and|&) )?){1,4})(Constabulary|Police Service|Police)\b"
                    r"(?!\s+(?:Chiefs|and Crime|Federation|Service of|Scotland|National))")
_FORCES_LINE = re.compile(r"^(?:police )?forces?:\s*(.+)$", re.IGNORECASE)
_NOT_FORCES = {"National", "College", "The", "Our", "Local", "Home", "Each", "All", "Every",
               "Other", "Some", "Many", "Most", "British Transport", "Interim", "Chief", "Deputy",
               "Assistant", "Acting", "Temporary", "Dear", "To", "From"}
_GENERIC_TITLES = re.compile(r"^(PEEL (force )?inspection|source \W* hmicfrs|letter information|"
                             r"print this document|skip to (main )?content)$", re.IGNORECASE)
#: a heading over findings: the title, if the text has one, comes before it
_FINDINGS_HEADING = re.compile(r"^(areas? for improvement|causes? of concern|recommendations?)$", re.IGNORECASE)


#: a fire and rescue service, named when the report names no police force (a police report may
#: name the service it works with)
_SERVICE = re.compile(r"\b((?:[A-Z][a-z]+[ -](?:(?:and|&|of) )?){1,5})(Fire and Rescue Service|Fire & Rescue Service|"
                      r"Fire and Rescue Authority|Fire Brigade)\b")


def detect_force(text: str) -> str | None:
    """The force named most often (ties: first named) as "<Name> Constabulary/Police"; failing
    that, the fire and rescue service named most often."""
    return _most_named(_FORCE, text) or _most_named(_SERVICE, text)


def _most_named(pattern: re.Pattern[str], text: str) -> str | None:
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for m in pattern.finditer(text):
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


def force_from_header(header: list[str]) -> str | None:
    """"Police Forces: Devon and Cornwall" style lines name the force without its suffix."""
    for line in header[:30]:
        m = _FORCES_LINE.match(line)
        if m and "," not in m.group(1) and len(m.group(1)) < 60:
            return f"{m.group(1).strip()} Police"
    return None


def programme(header: list[str], text: str) -> tuple[str | None, bool]:
    """("PEEL 2018-19", False) from a title; (None, False) when not found. The flag says the
    year was taken from the publication date rather than printed."""
    for source in ("\n".join(header[:20]), text):
        m = _PROGRAMME.search(source) or _PEEL_WORDS.search(source)
        if m:
            start, end = m.group(1), m.group(2)
            return (f"PEEL {start}-{end[-2:]}" if end and end[-2:] != start[-2:] else f"PEEL {start}"), False
    return None, False


def mentions_peel(header: list[str]) -> bool:
    return any(re.search(r"\bPEEL\b", line) for line in header[:20])


def title(header: list[str]) -> str | None:
    top = next((i for i, ln in enumerate(header) if _FINDINGS_HEADING.match(ln.strip())), len(header))
    lines = [ln for ln in header[:top] if not _GENERIC_TITLES.match(ln)]
    for line in lines[:15]:
        if "PEEL" in line and len(line) < 150 and not re.search(r"\d+ (areas? for|recommendations)", line):
            return line
    return next((ln for ln in lines if 10 <= len(ln) < 150 and not TEXT_DATE.fullmatch(ln)), None)


def parse_date(text: str) -> date | None:
    m = TEXT_DATE.search(text)
    try:
        if m:
            return date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        m = NUM_DATE.search(text)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))  # UK: day/month/year
    except ValueError:
        return None
    return None


def dates(header: list[str]) -> tuple[date | None, date | None, date | None]:
    """(published, updated, sent): "Published on:", "Last updated", "Sent on" (a letter's date)."""
    published = updated = sent = None
    for i, line in enumerate(header[:30]):
        low = line.lower()
        if "year ending" in low or "ending" in low and "year" in low:
            continue
        if updated is None and re.search(r"\b(last )?updated\b", low):
            updated = parse_date(line)
            continue
        if low.rstrip(": ") in ("sent on", "date sent", "date") and i + 1 < len(header):
            sent = sent or parse_date(header[i + 1])
            continue
        if low.startswith(("sent on", "date of letter")):
            sent = sent or parse_date(line)
            continue
        if published is None and (low.startswith("published") or TEXT_DATE.match(line)
                                  or NUM_DATE.match(line)):
            published = parse_date(line)
    return published, updated, sent


def year(programme_name: str | None, published: date | None) -> int | None:
    if published is not None:
        return published.year
    m = re.search(r"\d{4}", programme_name or "")
    return int(m.group(0)) if m else None


def declared_count(header: list[str], noun: str) -> int | None:
    """The number of findings a page says it lists ("12 areas for improvement", "10 recommendations")."""
    for i, line in enumerate(header):
        m = re.search(rf"\b(\d{{1,3}}) {noun}\b", line, re.IGNORECASE)
        if m:
            return int(m.group(1))
        if noun.startswith("areas") and line.lower() == "areas for improvement" and i + 1 < len(header) \
                and header[i + 1].isdigit():
            return int(header[i + 1])
    return None


#: what kind of publication a report is, from its title (first match wins); the register's
#: source types (`services/register.SOURCE_TYPES`); None when the title does not say
_SOURCE_KINDS = (
    ("revisit_letter", re.compile(r"\b(?:revisit|progress|return|re-?inspection)\b.{0,40}\bletter\b|\bletter\b.{0,40}"
                                  r"\b(?:revisit|progress)\b|\b(?:closure|discharge) of (?:the |a )?causes? of concern\b",
                                  re.IGNORECASE)),
    ("cause_of_concern_letter", re.compile(r"\b(?:accelerated )?causes? of concern\b.{0,40}\bletter\b|\baccelerated "
                                           r"causes? of concern\b", re.IGNORECASE)),
    ("cdi", re.compile(r"\bcrime data integrity\b", re.IGNORECASE)),
    ("joint", re.compile(r"\bjoint (?:targeted |thematic )?inspection\b", re.IGNORECASE)),
    ("peel", re.compile(r"\bPEEL\b|effectiveness, efficiency and legitimacy")),
)


def source_type(title: str | None, header: list[str]) -> str | None:
    """The kind of publication its title (or first lines) names: a revisit or cause-of-concern
    letter, a crime data integrity or joint inspection, a PEEL report; None when none says."""
    # the title, or a title-like line at the top (short, not a sentence): never the prose below
    lines = [ln for ln in header[:6] if len(ln) < 120 and not ln.rstrip().endswith((".", ":", ";"))]
    for text in [title or "", *lines]:
        for kind, pattern in _SOURCE_KINDS:
            if pattern.search(text):
                return kind
    return None
