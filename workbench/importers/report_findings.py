"""Find areas for improvement, causes of concern and recommendations in report blocks.

Layouts recognised (text, HTML and PDF alike, after :mod:`report_repair`):
- PEEL 2023-25 findings pages: ``AFI <title> <text> <force name>`` paragraphs, or an ``AFI``
  label followed by a title block and text blocks;
- "Areas for improvement" headings followed by bullets (PEEL 2014-2019), numbered list items with
  a status line, or title statements with explanation paragraphs (PEEL 2021-25);
- "Area for improvement 3: ..." headings;
- "Cause of concern" with its title and text, then its recommendations: under a
  "Recommendations" heading, or after a lead-in such as "Within three months, the force should
  make sure that:", "HMIC recommends that the force should immediately:";
- findings lists: counter, status line (Completed, Superseded ...), text, force line;
- tracker rows "Cause of concern: ... Recommendation: ..." with a status cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.importers.peel_areas import is_area_heading
from workbench.importers.report_labels import (
    AFI_HEADING,
    AFI_MARK,
    COC_HEADING,
    COUNT_ONLY,
    OTHER_HEADINGS,
    QUESTION,
    REC_HEADING,
    REC_INLINE,
    clean_title,
    first_sentence,
    is_force,
    is_lead_in,
    is_statement,
    split_title,
    status_word,
    strip_force,
    title_like,
)
from workbench.importers.report_repair import Block

__all__ = ["Block", "RawFinding", "find_findings", "first_sentence", "split_title", "strip_force"]


@dataclass
class RawFinding:
    kind: str
    title: str
    text: str
    line: int
    question: str | None = None
    number: int | None = None  # number given by the report itself
    parent_index: int | None = None  # index of the cause of concern in the raw list
    status: str | None = None  # the inspectorate's status printed beside it (Completed ...)
    lead_in: str | None = None  # "Within six months, the force should:" (its deadline)
    source: str | None = None  # the source block when it holds more than the finding (tracker rows)


_CLOSURE = re.compile(
    r"\b(?:(clos(?:e|ed|ing)|discharg(?:e|ed|ing))\b[^.]{0,80}?\bcauses? of concern\b"
    r"|causes? of concern\b[^.]{0,60}?\b(?:has|have|is|was|were) (?:now )?(?:been )?(closed|discharged)"
    r"|no longer (?:a|considered a|regarded as a) cause of concern)", re.IGNORECASE)


def closure_statement(blocks: list[Block]) -> tuple[str, str] | None:
    """(status, sentence) when a letter closes or discharges the cause of concern it names."""
    for b in blocks:
        for sentence in _sentences(b.text):
            m = _CLOSURE.search(sentence)
            if m and not re.search(r"\b(?:not|cannot|yet to|unable)\b", sentence[: m.start() + 1]):
                word = (m.group(1) or m.group(2) or "closed").lower()
                return ("Discharged" if word.startswith("discharg") else "Closed"), sentence
    return None


def _sentences(text: str) -> list[str]:
    out, rest = [], text
    while rest:
        head, rest = first_sentence(rest)
        out.append(head)
    return out


class _Parser:
    def __init__(self, blocks: list[Block], force: str | None):
        self.blocks, self.force = blocks, force
        self.found: list[RawFinding] = []
        self.warnings: list[str] = []
        self.question: str | None = None
        self.coc: int | None = None  # index in found of the cause of concern recommendations attach to

    # -- helpers --------------------------------------------------------------------------
    def add(self, kind: str, title: str, text: str, line: int, **kw) -> int:
        self.found.append(RawFinding(kind, title, text, line, self.question, **kw))
        return len(self.found) - 1

    def ends(self, j: int) -> bool:
        """Block j closes whatever list or section is being read."""
        b = self.blocks[j]
        t = b.text
        return not b.bullet and (is_force(t, self.force) or bool(AFI_MARK.match(t)) or _is_heading(t)
                                 or bool(QUESTION.match(t)) or is_area_heading(t) or bool(COUNT_ONLY.match(t))
                                 or status_word(t) is not None)

    def bullets(self, j: int) -> list[Block]:
        run = []
        while j < len(self.blocks) and self.blocks[j].bullet:
            run.append(self.blocks[j])
            j += 1
        return run

    # -- main loop --------------------------------------------------------------------------
    def run(self) -> tuple[list[RawFinding], list[str]]:
        blocks, i = self.blocks, 0
        while i < len(blocks):
            block, text = blocks[i], blocks[i].text
            if block.bullet:
                i += 1
                continue
            if QUESTION.match(text) or is_area_heading(text):  # a question, or a section named for an area
                self.question, self.coc = text, None
                i += 1
                continue
            if AFI_MARK.match(text):
                i = self.afi_mark(i)
                continue
            m = AFI_HEADING.match(text)
            if m:
                self.coc = None
                i = self.afi_section(i, m)
                continue
            m = COC_HEADING.match(text)
            if m and text[:1].isupper():
                i = self.coc_section(i, m)
                continue
            m = REC_HEADING.match(text)
            if m and text[:1].isupper():
                i = self.rec_section(i, m)
                continue
            if is_lead_in(text):
                i = self.lead_in(i)
                continue
            if REC_INLINE.match(text) and is_statement(text):
                self.add("recommendation", clean_title(text), text, block.line, parent_index=self.coc)
                i += 1
                continue
            if OTHER_HEADINGS.match(text) or _ends_context(text):
                self.coc = None
            i += 1
        self.cut_off()
        return self.found, self.warnings

    def cut_off(self) -> None:
        """A warning when the text ends inside its last finding (a copy that stopped short)."""
        if not self.found or not self.blocks:
            return
        last, end = self.found[-1], self.blocks[-1]
        tail = end.text.rstrip()
        # only where the others of its kind end their sentences (a list written without full
        # stops ends without one too)
        peers = [f.text.rstrip() for f in self.found[:-1] if f.kind == last.kind]
        if not peers or sum(_ends_sentence(t) for t in peers) * 2 <= len(peers):
            return
        if last.line == end.line and tail[-1:].isalnum() and tail.rsplit(None, 1)[-1] in last.text:
            word = tail.rsplit(None, 1)[-1]
            self.warnings.append(f"line {end.line}: the text ends in the middle of the last {_KIND_WORDS[last.kind]} "
                                 f"('…{word}'), so it may have been cut off when copied; check it against the "
                                 "report and paste the rest if it is missing")

    # -- AFIs -------------------------------------------------------------------------------
    def afi_mark(self, i: int) -> int:
        block = self.blocks[i]
        mark = AFI_MARK.match(block.text)
        assert mark is not None
        rest = block.text[mark.end():].strip()
        number = int(mark.group(1)) if mark.group(1) else None
        if rest:
            title, body = split_title(rest)
            self.add("afi", title, strip_force(body, self.force), block.line, number=number)
            return i + 1
        j = i + 1
        parts: list[str] = []
        while j < len(self.blocks) and not self.ends(j):
            parts.append(self.blocks[j].text)
            j += 1
        if j < len(self.blocks) and is_force(self.blocks[j].text, self.force):
            j += 1
        if parts:
            title, body = (clean_title(parts[0]), "\n".join(parts[1:])) if len(parts) > 1 \
                else split_title(parts[0])
            self.add("afi", title, strip_force(body, self.force), block.line, number=number)
        else:
            self.warnings.append(f"line {block.line}: an 'AFI' label with no text was skipped")
        return j

    def afi_section(self, i: int, heading: re.Match) -> int:
        blocks, block = self.blocks, self.blocks[i]
        number = int(heading.group(1)) if heading.group(1) else None
        inline = (heading.group(2) or "").strip()
        if number is not None or inline:
            text, j = inline, i + 1
            if not text and j < len(blocks) and not self.ends(j):
                text, j = blocks[j].text, j + 1
            if text:
                title = clean_title(text)
                if not inline and j < len(blocks) and title_like(text) and not _ends_sentence(text):
                    body, j = self.explanation(j)
                    text = body or text
                status, j = self.status_after(j)
                self.add("afi", title, text, block.line, number=number, status=status)
            return j
        j = i + 1
        if j < len(blocks) and COUNT_ONLY.match(blocks[j].text) and not self.list_item_at(j):
            j += 1
        items, j2 = self.list_items(j)
        if items:
            for line, num, status, text in items:
                self.add("afi", clean_title(text), text, line, number=num, status=status)
            return j2
        run = self.bullets(j)
        for b in run:
            self.add("afi", clean_title(b.text), b.text, b.line)
        if run:
            return j + len(run)
        singular = not block.text.lower().startswith("areas")
        while j < len(blocks) and not blocks[j].bullet and not self.ends(j) \
                and is_statement(first_sentence(blocks[j].text)[0]):
            b = blocks[j]
            text = headline = _before_signpost(b.text)
            j += 1
            if title_like(text):
                body, j = self.explanation(j)
                if body:
                    text = f"{text}\n{body}" if _ends_sentence(text) else body
            self.add("afi", clean_title(headline), text, b.line)
            if singular:
                break
        return j

    def explanation(self, j: int) -> tuple[str, int]:
        """Paragraphs explaining a finding, up to the next finding title or heading."""
        parts: list[str] = []
        while j < len(self.blocks) and not self.blocks[j].bullet and not self.ends(j) \
                and not is_lead_in(self.blocks[j].text) and not title_like(self.blocks[j].text) \
                and not _section_break(self.blocks[j].text):
            parts.append(self.blocks[j].text)
            j += 1
        return "\n".join(parts), j

    def status_after(self, j: int) -> tuple[str | None, int]:
        """The inspectorate's status printed right after a finding (a table's status cell)."""
        if j < len(self.blocks) and not self.blocks[j].bullet and status_word(self.blocks[j].text):
            return status_word(self.blocks[j].text), j + 1
        return None, j

    # -- findings lists ---------------------------------------------------------------------
    def list_item_at(self, j: int) -> bool:
        items, _ = self.list_items(j, limit=1)
        return bool(items)

    def list_items(self, j: int, limit: int | None = None) -> tuple[list[tuple[int, int | None, str | None, str]], int]:
        """Items of a findings list: [counter] [status] text [force line]; at least a counter or
        a status must be printed, or this is not a list."""
        blocks = self.blocks
        items: list[tuple[int, int | None, str | None, str]] = []
        while j < len(blocks) and (limit is None or len(items) < limit):
            k, number, status = j, None, None
            if COUNT_ONLY.match(blocks[k].text):
                digits = re.sub(r"\D", "", blocks[k].text)
                number = int(digits) if digits else None
                k += 1
            if k < len(blocks) and status_word(blocks[k].text):
                status = status_word(blocks[k].text)
                k += 1
            if (number is None and status is None) or k >= len(blocks) or blocks[k].bullet \
                    or self.ends(k) or COC_HEADING.match(blocks[k].text) \
                    or not is_statement(blocks[k].text):
                break
            line, text = blocks[k].line, blocks[k].text
            k += 1
            # More paragraphs of the same item, when the next delimiter (force line, counter,
            # status) shows where it ends.
            e = k
            while e < len(blocks) and e < k + 4 and not blocks[e].bullet and not self.ends(e) \
                    and not is_lead_in(blocks[e].text):
                e += 1
            if e > k and e < len(blocks) and (is_force(blocks[e].text, self.force) or COUNT_ONLY.match(blocks[e].text)
                                              or status_word(blocks[e].text)):
                text = "\n".join([text] + [b.text for b in blocks[k:e]])
                k = e
            if k < len(blocks) and is_force(blocks[k].text, self.force):
                k += 1
            items.append((line, number, status, text))
            j = k
        return items, j

    # -- causes of concern ------------------------------------------------------------------
    def coc_section(self, i: int, coc: re.Match) -> int:
        blocks = self.blocks
        number = int(coc.group(1)) if coc.group(1) else None
        inline = (coc.group(2) or "").strip()
        if inline:
            return self.tracker_row(i, inline, number)
        j = i + 1
        parts: list[Block] = []
        while j < len(blocks) and not blocks[j].bullet and not self.ends(j) \
                and not is_lead_in(blocks[j].text) and not REC_INLINE.match(blocks[j].text):
            parts.append(blocks[j])
            j += 1
        if not parts and j < len(blocks) and blocks[j].bullet:  # "Causes of concern" as a list
            for b in self.bullets(j):
                self.coc = self.add("cause_of_concern", clean_title(b.text), b.text, b.line)
                j += 1
            return j
        if len(parts) > 1 and _TOPIC_HEADING.match(parts[0].text):  # "Prevention cause of concern"
            parts = parts[1:]
        if not parts:
            self.coc = None
            return j
        first = parts[0].text
        title = clean_title(first)
        if len(parts) > 1 and not _ends_sentence(first) and len(first) < 300:
            text = "\n".join(p.text for p in parts[1:])
        else:
            text = "\n".join(p.text for p in parts)
        self.coc = self.add("cause_of_concern", title, text, parts[0].line, number=number)
        run = self.bullets(j)
        if run and all(_RECOMMENDS.search(b.text) for b in run):  # its recommendations, with no heading
            for b in run:
                self.add("recommendation", clean_title(b.text), b.text, b.line, parent_index=self.coc)
            j += len(run)
        return j

    def tracker_row(self, i: int, body: str, number: int | None) -> int:
        """"Cause of concern: ... Recommendation: ..." in one cell or block, then the row's cells."""
        blocks, block = self.blocks, self.blocks[i]
        pieces = re.split(r"\s*\bRecommendations?(?:\s+\d{1,2})?\s*:\s*", body)
        coc_text, rec_texts = pieces[0].strip(), [p.strip() for p in pieces[1:] if p.strip()]
        j = i + 1
        while j < len(blocks) and (rec := REC_HEADING.match(blocks[j].text)) and (rec.group(2) or ""):
            rec_texts.append(rec.group(2).strip())
            j += 1
        status = None
        k = j
        while k < len(blocks) and k < j + 6 and len(blocks[k].text) < 60 and not COC_HEADING.match(blocks[k].text):
            word = status_word(blocks[k].text)
            if word:
                status, j = word, k + 1
                break
            if COUNT_ONLY.match(blocks[k].text) and k > j:
                break
            k += 1
        same = next((k for k, f in enumerate(self.found) if f.kind == "cause_of_concern" and rec_texts
                     and f.text == coc_text and f.source is not None), None)
        if same is not None:  # the next row of a cause of concern already read: its further recommendations
            self.coc = same
        else:
            self.coc = self.add("cause_of_concern", clean_title(coc_text), coc_text, block.line, number=number,
                                status=None if rec_texts else status, source=block.text)
        for text in rec_texts:
            self.add("recommendation", clean_title(text), text, block.line, parent_index=self.coc,
                     status=status, source=block.text)
        return j

    # -- recommendations --------------------------------------------------------------------
    def rec_section(self, i: int, rec: re.Match) -> int:
        blocks = self.blocks
        parent = self.coc
        inline = (rec.group(2) or "").strip()
        j = i + 1
        if inline and not is_lead_in(inline):
            status, j = self.status_after(j)
            self.add("recommendation", clean_title(inline), inline, blocks[i].line, parent_index=parent,
                     status=status)
            return j
        items, j2 = self.list_items(j)
        if items:
            for line, num, status, text in items:
                self.add("recommendation", clean_title(text), text, line, number=num, status=status,
                         parent_index=parent)
            return j2
        lead = inline or None
        while j < len(blocks) and not blocks[j].bullet and not self.ends(j) and is_lead_in(blocks[j].text):
            lead = blocks[j].text
            j += 1
        run = self.bullets(j)
        if run:
            for b in run:
                self.add("recommendation", clean_title(b.text), b.text, b.line, parent_index=parent,
                         lead_in=lead)
            return j + len(run)
        while j < len(blocks) and not blocks[j].bullet and not self.ends(j) \
                and is_statement(blocks[j].text) and not COC_HEADING.match(blocks[j].text):
            b = blocks[j]
            self.add("recommendation", clean_title(b.text), b.text, b.line, parent_index=parent, lead_in=lead)
            j += 1
            if lead is None and not REC_INLINE.match(b.text):
                break
        return j

    def lead_in(self, i: int) -> int:
        """"Within three months, the force should make sure that:" and the bullets after it."""
        blocks, lead = self.blocks, self.blocks[i].text
        j = i + 1
        run = self.bullets(j)
        if run:
            for b in run:
                self.add("recommendation", clean_title(b.text), b.text, b.line, parent_index=self.coc,
                         lead_in=lead)
            return j + len(run)
        if j < len(blocks) and blocks[j].text[:1].islower() and not self.ends(j):
            b = blocks[j]
            self.add("recommendation", clean_title(b.text), b.text, b.line, parent_index=self.coc, lead_in=lead)
            return j + 1
        return j


def _is_heading(text: str) -> bool:
    m = AFI_HEADING.match(text)
    coc, rec = COC_HEADING.fullmatch(text), REC_HEADING.fullmatch(text)
    return bool(m and m.group(2) is None or coc and text[:1].isupper() and not (coc.group(2) or "")
                or rec and not (rec.group(2) or "")
                or OTHER_HEADINGS.match(text))


_KIND_WORDS = {"afi": "area for improvement", "cause_of_concern": "cause of concern",
               "recommendation": "recommendation"}
#: "Prevention cause of concern": a sub-heading naming a cause of concern's topic, not its title
_TOPIC_HEADING = re.compile(r"^(?:(?!(?:the|this|that|a|an|has|have|had|is|are|was|not|no|made|against|of|"
                            r"our|its|their)\b)[A-Za-z][\w'&-]*\s+){1,3}causes? of concern$", re.IGNORECASE)
_RECOMMENDS = re.compile(r"\b(?:should|must)\b(?!\s+(?:not\s+)?have\b)|\bneeds? to\b", re.IGNORECASE)
#: the report's signpost to the rest of it ("We set out our detailed findings below.")
_SIGNPOST = re.compile(r"(?:^|(?<=[.!?]\s))(?:We (?:have )?set out (?:our|the) (?:detailed )?findings|The "
                       r"(?:rest|remainder) of this (?:report|letter) (?:sets out|explains|gives))", re.IGNORECASE)


def _before_signpost(text: str) -> str:
    """The text up to the report's signpost to its detailed findings, when a paragraph holds both."""
    m = _SIGNPOST.search(text)
    return text[: m.start()].rstrip() if m and m.start() > 0 else text


def _section_break(text: str) -> bool:
    """Where a finding's explanation ends: the report's signpost to its detailed findings, or a
    heading: a short line of a few words with no closing punctuation, comma or figure ("The
    service has an effective CRMP"; not "In 28 of the 40 files, there was no review")."""
    t = text.strip()
    return bool(_SIGNPOST.match(t)) or (len(t) < 80 and len(t.split()) <= 9 and t[:1].isupper()
                                        and not _ends_sentence(t) and not re.search(r"[\d,;]", t)
                                        and not is_lead_in(t))


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?;:][\"')\]]?$", text.strip()))


def _ends_context(text: str) -> bool:
    """A short heading-like block (no full stop) that is not about recommendations."""
    return len(text) < 60 and not _ends_sentence(text) and text[:1].isupper() and not is_lead_in(text) \
        and "recommend" not in text.lower() and not is_statement(text)


def find_findings(blocks: list[Block], force: str | None) -> tuple[list[RawFinding], list[str]]:
    return _Parser(blocks, force).run()
