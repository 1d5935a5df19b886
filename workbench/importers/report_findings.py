"""Find areas for improvement, causes of concern and recommendations in normalised report lines.

Layouts recognised:
- PEEL 2023-25 pages: paragraphs ``AFI <title> <text> <force name>`` (title unpunctuated), or
  an ``AFI`` label followed by a title block and text blocks;
- "Areas for improvement" headings followed by bullets (PEEL 2014-2019), or by statements;
- "Area for improvement 3: ..." headings;
- "Cause of concern" with its text, then "Recommendations" bullets that belong to it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.importers.report_normalise import BULLET


@dataclass
class Block:
    line: int  # 1-based line of the block's first line
    text: str
    bullet: bool = False


@dataclass
class RawFinding:
    kind: str
    title: str
    text: str
    line: int
    question: str | None = None
    number: int | None = None  # number given by the report itself
    parent_index: int | None = None  # index of the cause of concern in the raw list


_AFI_MARK = re.compile(r"^AFI(?:\s+(\d{1,3}))?(?:[:.\-]|\s|$)\s*")
_AFI_HEADING = re.compile(r"^areas? for improvement(?:\s+(\d{1,3}))?\s*(?:[:.\-]\s*(.*)|\s*$)",
                          re.IGNORECASE)
_COC_HEADING = re.compile(r"^causes? of concern(?:\s+(\d{1,3}))?\s*(?:[:.\-]\s*(.*)|\s*$)",
                          re.IGNORECASE)
_REC_HEADING = re.compile(r"^recommendations?(?:\s+(\d{1,3}))?\s*(?:[:.\-]\s*(.*)|\s*$)",
                          re.IGNORECASE)
_QUESTION = re.compile(r"^(how|to what extent|what|is the|does the)\b.{10,300}\?$", re.IGNORECASE)
_COUNT_ONLY = re.compile(r"^\d{1,3}$")
_STATEMENT = re.compile(r"\b(should|must|needs? to|has to|have to|is required to)\b", re.IGNORECASE)
_OTHER_HEADINGS = re.compile(
    r"^(applicable forces|innovative practice|promising practice|areas? of innovative practice|"
    r"detailed findings( for question \d+)?|questions for \w+|summary|contents|related \w+|"
    r"national recommendations?|accelerated causes? of concern)$", re.IGNORECASE)
_FORCE_LINE = re.compile(r"^(?:[A-Z][\w'&-]*\s+){1,5}(Constabulary|Police|Police Service|Police Force)$")
_ABBREV = re.compile(r"\b(e\.g|i\.e|etc|no|st|mr|mrs|ms|dr|vs|approx|para|fig)\.$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]?\s+(?=[\"'(]?[A-Z0-9])")
_RUN_ON = re.compile(r"\b([a-z][\w'-]*|[A-Z]{2,}s?|\)|\d+)\s+([A-Z][a-z][\w'-]*)(\s+\S+)?")
_OPENERS = frozenset(
    "In The We It At This There These Those Our During Of When Although However But As Since "
    "Following Despite Data Officers Some Its They A An On For From While Between Over Previously "
    "Recently Currently Overall Inspectors Staff Where Until Around Throughout Also Most Many Few "
    "Management".split())
_PROPER = frozenset(
    "England Wales Scotland Norfolk Suffolk College Policing Home Office Crown National Police "
    "Council Stripes Cyacomb Authorised Professional Practice Constabulary Service Act Code "
    "Commissioner HMICFRS IOPC Ministry Justice Court Courts".split())


def split_blocks(lines: tuple[str, ...]) -> list[Block]:
    """Join wrapped lines into paragraphs; bullets, AFI paragraphs and headings start new blocks."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(lines, 1):
        if not line:
            current = None
            continue
        starts_new = (current is None or line.startswith(BULLET + " ") or _AFI_MARK.match(line)
                      or _is_heading(line) or _is_heading(current.text))
        if starts_new:
            bullet = line.startswith(BULLET + " ")
            current = Block(number, line[2:] if bullet else line, bullet)
            blocks.append(current)
        elif current.text.endswith("-") and current.text[-2:-1].isalpha():
            current.text += line
        else:
            current.text += " " + line
    return [b for b in blocks if b.text.strip(" " + BULLET)]


def _is_heading(text: str) -> bool:
    return bool(_AFI_HEADING.match(text) and _AFI_HEADING.match(text).group(2) is None
                or _COC_HEADING.fullmatch(text) or _REC_HEADING.fullmatch(text)
                or _OTHER_HEADINGS.match(text))


def first_sentence(text: str) -> tuple[str, str]:
    """(first sentence, rest); the rest may be empty."""
    for m in _SENTENCE_END.finditer(text):
        head = text[: m.start() + 1]
        if _ABBREV.search(head) or re.search(r"\b[A-Z]\.$", head):
            continue
        return head.strip(), text[m.end():].strip()
    return text.strip(), ""


def split_title(text: str) -> tuple[str, str]:
    """Split an HMICFRS 2023-25 AFI paragraph whose title has no closing full stop."""
    sentence, rest = first_sentence(text)
    chosen: int | None = None
    for m in _RUN_ON.finditer(text[: len(sentence)]):
        word, after = m.group(2), (m.group(3) or "").strip()
        if len(text[: m.start(2)].split()) < 4:
            continue
        if word in _OPENERS or (word not in _PROPER and after[:1].islower()):
            chosen = m.start(2)
            break
    if chosen is None:
        return sentence.rstrip("."), rest
    return text[:chosen].strip(), text[chosen:].strip()


def strip_force(text: str, force: str | None) -> str:
    """Drop the force name HMICFRS pages print at the end of each AFI."""
    text = text.strip()
    if force and text.endswith(force) and text[: -len(force)].rstrip()[-1:] in (".", "!", "?", ""):
        return text[: -len(force)].rstrip()
    m = re.search(r"(?<=[.!?])\s+((?:[A-Z][\w'&-]*\s+){1,5}(?:Constabulary|Police|Police Service))$",
                  text)
    return text[: m.start()].rstrip() if m else text


def find_findings(blocks: list[Block], force: str | None) -> tuple[list[RawFinding], list[str]]:
    found: list[RawFinding] = []
    warnings: list[str] = []
    question: str | None = None
    last_coc: int | None = None
    i = 0
    while i < len(blocks):
        block = blocks[i]
        text = block.text
        if not block.bullet and _QUESTION.match(text):
            question, last_coc = text, None
            i += 1
            continue
        mark = None if block.bullet else _AFI_MARK.match(text)
        if mark:
            rest = text[mark.end():].strip()
            number = int(mark.group(1)) if mark.group(1) else None
            if rest:
                title, body = split_title(rest)
                found.append(RawFinding("afi", title, strip_force(body, force), block.line,
                                        question, number))
                i += 1
                continue
            j = i + 1
            parts: list[str] = []
            while j < len(blocks) and not _ends_afi(blocks[j], force):
                parts.append(blocks[j].text)
                j += 1
            if j < len(blocks) and _is_force(blocks[j].text, force):
                j += 1
            if parts:
                title, body = (parts[0].rstrip("."), "\n".join(parts[1:])) if len(parts) > 1 \
                    else split_title(parts[0])
                found.append(RawFinding("afi", title, strip_force(body, force), block.line,
                                        question, number))
            else:
                warnings.append(f"line {block.line}: an 'AFI' label with no text was skipped")
            i = j
            continue
        heading = None if block.bullet else _AFI_HEADING.match(text)
        if heading:
            i = _afi_section(blocks, i, heading, question, found)
            continue
        coc = None if block.bullet else _COC_HEADING.match(text)
        if coc:
            i, last_coc = _coc_section(blocks, i, coc, question, found)
            continue
        rec = None if block.bullet else _REC_HEADING.match(text)
        if rec:
            i = _rec_section(blocks, i, rec, question, found, last_coc)
            last_coc = None
            continue
        i += 1
    return found, warnings


def _is_force(text: str, force: str | None) -> bool:
    return text == force or bool(_FORCE_LINE.match(text)) and len(text) < 60


def _ends_afi(block: Block, force: str | None) -> bool:
    t = block.text
    return (not block.bullet and (_is_force(t, force) or bool(_AFI_MARK.match(t)) or _is_heading(t)
                                  or bool(_QUESTION.match(t))))


def _statement(block: Block) -> bool:
    return not block.bullet and bool(_STATEMENT.search(first_sentence(block.text)[0]))


def _bullet_run(blocks: list[Block], j: int) -> list[Block]:
    run = []
    while j < len(blocks) and blocks[j].bullet:
        run.append(blocks[j])
        j += 1
    return run


def _afi_section(blocks, i, heading, question, found) -> int:
    block = blocks[i]
    number = int(heading.group(1)) if heading.group(1) else None
    inline = (heading.group(2) or "").strip()
    if number is not None or inline:
        text, j = inline, i + 1
        if not text and j < len(blocks) and not _ends_afi(blocks[j], None):
            text, j = blocks[j].text, j + 1
        if text:
            title = first_sentence(text)[0].rstrip(".")
            found.append(RawFinding("afi", title, text, block.line, question, number))
        return j
    j = i + 1
    if j < len(blocks) and _COUNT_ONLY.match(blocks[j].text):
        j += 1
    bullets = _bullet_run(blocks, j)
    for b in bullets:
        found.append(RawFinding("afi", first_sentence(b.text)[0].rstrip("."), b.text, b.line, question))
    if bullets:
        return j + len(bullets)
    singular = not block.text.lower().startswith("areas")
    while j < len(blocks) and _statement(blocks[j]) and not _ends_afi(blocks[j], None):
        b = blocks[j]
        found.append(RawFinding("afi", first_sentence(b.text)[0].rstrip("."), b.text, b.line, question))
        j += 1
        if singular:
            break
    return j


def _coc_section(blocks, i, coc, question, found) -> tuple[int, int | None]:
    block = blocks[i]
    number = int(coc.group(1)) if coc.group(1) else None
    parts = [coc.group(2).strip()] if (coc.group(2) or "").strip() else []
    j = i + 1
    while j < len(blocks) and not blocks[j].bullet and not _ends_afi(blocks[j], None):
        parts.append(blocks[j].text)
        j += 1
    if not parts and j < len(blocks) and blocks[j].bullet:  # "Causes of concern" as a list
        for b in _bullet_run(blocks, j):
            found.append(RawFinding("cause_of_concern", first_sentence(b.text)[0].rstrip("."),
                                    b.text, b.line, question))
            j += 1
        return j, len(found) - 1
    if not parts:
        return j, None
    text = "\n".join(parts)
    found.append(RawFinding("cause_of_concern", first_sentence(text)[0].rstrip("."), text,
                            block.line, question, number))
    return j, len(found) - 1


def _rec_section(blocks, i, rec, question, found, parent) -> int:
    j = i + 1
    inline = (rec.group(2) or "").strip()
    intro: list[Block] = []
    while j < len(blocks) and not blocks[j].bullet and not _ends_afi(blocks[j], None) and len(intro) < 2:
        if not (blocks[j].text.endswith(":") or blocks[j].text.lower().startswith("we recommend")):
            break
        intro.append(blocks[j])
        j += 1
    bullets = _bullet_run(blocks, j)
    items = [(b.text, b.line) for b in bullets]
    if not items:
        lone = inline or (intro[-1].text if intro and not intro[-1].text.endswith(":") else "")
        if not lone and j < len(blocks) and _statement(blocks[j]) and not _ends_afi(blocks[j], None):
            lone, j = blocks[j].text, j + 1
        if lone:
            items = [(lone, blocks[i].line)]
    for text, line in items:
        found.append(RawFinding("recommendation", first_sentence(text)[0].rstrip("."), text, line,
                                question, parent_index=parent))
    return j + len(bullets)
