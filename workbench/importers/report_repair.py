"""Repair report text before parsing, then cut it into blocks (paragraphs, bullets, cells).

Text copied from a PDF viewer or extracted from a PDF carries page furniture ("Page 3 of 7", the
running title repeated on every page), hard line breaks inside sentences, hyphenated line ends
and bullet glyphs alone on their line. This module removes the furniture by what it is (page
markers) and by repetition (lines that recur next to page boundaries), never by cutting the text
at the first footer, then joins what belongs together. Every block keeps the number of the source
line it starts on.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from workbench.importers.report_normalise import BULLET, PAGE_BREAK, is_furniture

_PAGE_MARKER = re.compile(r"^(?:page\s+)?\d{1,4}\s*(?:of|/)\s*\d{1,4}$|^page\s+\d{1,4}$|^-\s*\d{1,4}\s*-$",
                          re.IGNORECASE)
_LONE_BULLET = re.compile(r"^(?:\u2022+|[-*]|\d{1,2}[.)]|\((?:\d{1,2}|[a-z])\))$")
_TABLE_ROW = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_MID_HEADING = re.compile(r"(?<=[.!?])\s+(Recommendations?|Areas? for improvement|Causes? of concern)\s+(?=[A-Z])")
_INLINE_HEADING = re.compile(
    r"^(?:(\d{1,3})\s+)?((?:[Aa]reas? for improvement|[Cc]auses? of concern|[Rr]ecommendations?))"
    r"\s+(?=[A-Z\u2022])(.+)$")
_COUNTER_HEADING = re.compile(
    r"^(\d{1,3})\s+((?:Areas? for improvement|Causes? of concern|Recommendations?))$")
_SENTENCE_END = re.compile(r"[.!?:;][\"')\]]?$")
_HEADING_WORDS = re.compile(
    r"^(areas? for improvement|causes? of concern|recommendations?|progress|summary|background|"
    r"next steps|conclusion|introduction|main findings|our judgments?|applicable forces)\b.{0,30}$",
    re.IGNORECASE)
_STATUS_ONLY = re.compile(
    r"^(completed?|superseded|discharged|closed|open|ongoing|in progress|being progressed|"
    r"awaiting review|not started|withdrawn|partially (?:completed|met)|not yet due|overdue|"
    r"achieved|not achieved|met|not met)$", re.IGNORECASE)
_COUNTER_ONLY = re.compile(r"^[A-Z]{0,3}\d{1,3}[.)]?$")
_FINDING_COL = re.compile(r"^(recommendations?|areas? for improvement|afis?|causes? of concern|findings?|"
                          r"description|hmicfrs (finding|recommendation)s?|inspection finding)$", re.IGNORECASE)
_REF_COL = re.compile(r"^(#|no\.?|ref(erence)?|id|number)$", re.IGNORECASE)
_STATUS_COL = re.compile(r"^(hmicfrs |inspectorate )?status$", re.IGNORECASE)
_PLAN_COL = re.compile(r"^(actions?|owners?|leads?|(lead )?officer|due( date)?|target( date)?|deadline|"
                       r"% complete|progress( update)?|update|rag|on track|evidence|completion date|"
                       r"force status)$", re.IGNORECASE)
_OTHER_COL = re.compile(r"^(directed at|applicable forces?|forces?|date|theme|peel area|pillar|type|"
                        r"kind|report|inspection|published)$", re.IGNORECASE)


@dataclass
class Block:
    line: int  # 1-based line of the block's first line in the source text
    text: str
    bullet: bool = False
    cell: bool = False  # a table cell: never joined to its neighbours


@dataclass
class _Line:
    no: int
    text: str
    cell: bool = False


def remove_furniture(lines: tuple[str, ...]) -> tuple[list[_Line], int]:
    """Lines without page markers, running headers/footers and web-page furniture.

    Returns the kept lines (blank lines kept as paragraph breaks) and how many were removed."""
    marks = [i for i, ln in enumerate(lines) if ln == PAGE_BREAK or _PAGE_MARKER.match(ln)]
    drop = set(marks)
    drop.update(i for i, ln in enumerate(lines) if is_furniture(ln))
    if marks:
        near: Counter[str] = Counter()
        for m in marks:
            for i in _neighbours(lines, m, drop):
                near[lines[i]] += 1
        total = Counter(ln for ln in lines if ln)
        # A running header or footer recurs, and mostly beside page boundaries.
        running = {ln for ln, n in near.items()
                   if len(ln) < 160 and total[ln] >= 2 and n >= 2 and n * 2 >= total[ln]}
        drop.update(i for i, ln in enumerate(lines) if ln in running)
    out: list[_Line] = []
    gap = furniture = False
    for i, ln in enumerate(lines):
        if i in drop:
            furniture = furniture or bool(ln)
            continue
        if not ln:
            gap = True
            continue
        if out and (gap or furniture):
            prev = out[-1].text
            # Furniture between two halves of a sentence leaves no paragraph break.
            if gap and not (furniture and not _SENTENCE_END.search(prev)):
                out.append(_Line(i, ""))
        out.append(_Line(i + 1, ln))
        gap = furniture = False
    removed = sum(1 for i in drop if lines[i])
    return out, removed


def _neighbours(lines: tuple[str, ...], m: int, drop: set[int]) -> list[int]:
    """The two non-blank lines just before and after a page marker (other markers skipped)."""
    found: list[int] = []
    for step in (-1, 1):
        i, seen = m + step, 0
        while 0 <= i < len(lines) and seen < 2:
            if lines[i] and i not in drop:
                found.append(i)
                seen += 1
            elif lines[i] and i in drop and (lines[i] == PAGE_BREAK or _PAGE_MARKER.match(lines[i])):
                break
            i += step
    return found


def explode(lines: list[_Line]) -> list[_Line]:
    """Split what one line holds several of: table rows into cells, inline headings, inline
    bullets ("should: • a; and • b"); join a bullet glyph alone on its line to its item."""
    out: list[_Line] = []
    pending_bullet: _Line | None = None
    columns: dict[str, int] | None = None  # roles of the columns of the table being read
    for line in lines:
        text = line.text
        if not text:
            if pending_bullet is None:
                out.append(line)
            continue
        if pending_bullet is not None:
            text = f"{BULLET} {text.lstrip(BULLET + ' ')}"
            line = _Line(pending_bullet.no, text)
            pending_bullet = None
        if _LONE_BULLET.match(text):
            pending_bullet = line
            continue
        if _TABLE_ROW.match(text):
            if _TABLE_RULE.match(text):
                continue
            cells = [c.strip() for c in text.strip("|").split("|")]
            header = _table_header(cells)
            if header is not None:
                columns = header
                continue
            out.extend(_Line(line.no, c, cell=True) for c in _row_cells(cells, columns))
            continue
        columns = None if not text else columns
        for piece in _split_inline(text):
            out.append(_Line(line.no, piece))
    return out


def _table_header(cells: list[str]) -> dict[str, int] | None:
    """Column roles when ``cells`` is a header row: finding, ref, status (the inspectorate's only:
    in a force's action plan the status column is the force's own), plan columns dropped."""
    named = [c for c in cells if c]
    if not named or not all(_FINDING_COL.match(c) or _REF_COL.match(c) or _STATUS_COL.match(c)
                            or _PLAN_COL.match(c) or _OTHER_COL.match(c) for c in named):
        return None
    roles: dict[str, int] = {}
    plan = any(_PLAN_COL.match(c) for c in named)
    for i, c in enumerate(cells):
        if _FINDING_COL.match(c) and "finding" not in roles:
            roles["finding"] = i
            roles["kind"] = i
        elif _REF_COL.match(c) and "ref" not in roles:
            roles["ref"] = i
        elif _STATUS_COL.match(c) and (not plan or not c.lower().startswith("status")):
            roles["status"] = i
        elif _PLAN_COL.match(c):
            roles.setdefault("plan", i)
    return {**roles, **{f"h:{c.lower()}": i for i, c in enumerate(cells)}}


def _row_cells(cells: list[str], columns: dict[str, int] | None) -> list[str]:
    """A data row as the lines the parser reads: "Area for improvement 3: <text>", the
    inspectorate's status; the force's plan columns (action, owner, deadline) left out."""
    if columns is None or "finding" not in columns:
        return [c for c in cells if c]

    def cell(role: str) -> str:
        i = columns.get(role)
        return cells[i] if i is not None and i < len(cells) else ""
    text, ref = cell("finding"), cell("ref")
    if not text:
        return [c for c in (ref,) if c]
    out: list[str] = []
    if re.match(r"(?i)causes? of concern\b", text):
        out.append(text)
    else:
        header = next((h[2:] for h, i in columns.items() if h.startswith("h:") and i == columns["kind"]), "")
        kind = _kind_of(header, ref)
        number = re.sub(r"\D", "", ref)[:3]
        label = {"afi": "Area for improvement", "coc": "Cause of concern", "rec": "Recommendation"}[kind]
        out.append(f"{label}{' ' + number if number and kind != 'rec' else ''}: {text}")
    status = cell("status")
    if status:
        out.append(status)
    return out


def _kind_of(header: str, ref: str) -> str:
    for source in (ref.lower(), header.lower()):
        if source.startswith(("afi", "area")):
            return "afi"
        if source.startswith(("coc", "cause")):
            return "coc"
        if source.startswith(("r", "rec")) and re.match(r"r(ec\w*)?\s*\d*$", source) or "recommend" in source:
            return "rec"
    return "afi"


def _split_inline(text: str) -> list[str]:
    parts: list[str] = []
    m = _COUNTER_HEADING.match(text)
    if m:
        return [m.group(1), m.group(2)]
    m = _INLINE_HEADING.match(text)
    if m and not re.match(r"\s*\d", m.group(3)):
        if m.group(1):
            parts.append(m.group(1))
        parts.append(m.group(2))
        text = m.group(3)
        return parts + _split_inline(text)
    m = _MID_HEADING.search(text)
    if m and not text.startswith(BULLET):
        return [text[:m.start()].strip(), m.group(1)] + _split_inline(text[m.end():].strip())
    if f" {BULLET} " in text and not text.startswith(BULLET):
        head, *items = text.split(f" {BULLET} ")
        return [head.strip()] + [f"{BULLET} {i.strip()}" for i in items if i.strip()]
    if text.startswith(BULLET + " ") and f" {BULLET} " in text[2:]:
        items = text[2:].split(f" {BULLET} ")
        return [f"{BULLET} {i.strip()}" for i in items if i.strip()]
    return [text]


def wrap_width(lines: list[_Line]) -> int | None:
    """The column the text was hard-wrapped at, or None when paragraphs are single lines."""
    lengths = sorted(len(ln.text) for ln in lines if ln.text and not ln.cell)
    if len(lengths) < 4:
        return None
    width = lengths[int(len(lengths) * 0.9) - 1] if len(lengths) >= 10 else lengths[-1]
    if width > 140:
        return None
    near = sum(1 for n in lengths if n >= 0.7 * width)
    return width if near >= 0.3 * len(lengths) else None


def is_break_line(text: str) -> bool:
    """A line that always stands alone: heading, counter, status word."""
    return bool(_HEADING_WORDS.match(text) and not _SENTENCE_END.search(text) and len(text) < 60
                or _STATUS_ONLY.match(text) or _COUNTER_ONLY.match(text))


def blocks_from_lines(lines: list[_Line], starts_block=None, stands_alone=None) -> list[Block]:
    """Join hard-wrapped lines into paragraphs. A line continues the previous one when that one
    does not end a sentence and this one starts in lower case, or when the text is hard-wrapped
    and this line's first word would not have fitted on the previous line."""
    width = wrap_width(lines)
    blocks: list[Block] = []
    current: Block | None = None
    last = ""
    for line in lines:
        text = line.text
        if not text:
            current = None
            continue
        bullet = text.startswith(BULLET + " ")
        body = text[2:] if bullet else text
        if (current is not None and not bullet and not line.cell and not current.cell
                and _continues(last, body, width, starts_block, stands_alone)):
            if last.endswith("-") and last[-2:-1].isalpha():
                current.text += body  # "non-" + "emergency": the hyphen is the word's own
            else:
                current.text += " " + body
            last = body
            continue
        current = Block(line.no, body, bullet, line.cell)
        blocks.append(current)
        last = body
    return [b for b in blocks if b.text.strip(" " + BULLET)]


def _continues(prev: str, text: str, width: int | None, starts_block=None, stands_alone=None) -> bool:
    if is_break_line(prev) or is_break_line(text) or (starts_block and starts_block(text)) \
            or (stands_alone and (stands_alone(prev) or stands_alone(text))):
        return False
    first = text.split(" ", 1)[0]
    ends_sentence = bool(_SENTENCE_END.search(prev))
    if not ends_sentence and (text[:1].islower() or prev.endswith("-") and text[:1].isalnum()):
        return True
    if width is None:
        return False
    if not ends_sentence and len(prev) >= 0.75 * width:
        return True  # a long line that stops mid-sentence was wrapped
    fits = len(prev) + 1 + len(first) <= width
    if fits:
        return False
    return not ends_sentence or len(prev) >= 0.8 * width
