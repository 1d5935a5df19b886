"""The words of HMICFRS layouts: headings, counters, status lines, lead-ins, force lines, and the
rules that turn a finding's text into a clean title (its own first sentence)."""
from __future__ import annotations

import re

AFI_MARK = re.compile(r"^AFI(?:\s+(\d{1,3}))?(?:[:.\-]|\s|$)\s*")
AFI_HEADING = re.compile(r"^areas? for improvement(?:\s+(\d{1,3}))?(?:\s*\(\d{1,3}\))?\s*(?:[:.\-]\s*(.*)|\s*$)",
                         re.IGNORECASE)
COC_HEADING = re.compile(r"^(?:accelerated\s+)?causes? of concern(?:\s+(\d{1,3}))?(?:\s*\(\d{1,3}\))?"
                         r"\s*(?:[:.\-]\s*(.*)|\s*$)", re.IGNORECASE)
REC_HEADING = re.compile(r"^recommendations?(?:\s+(\d{1,3}))?(?:\s*\(\d{1,3}\))?\s*(?:[:.\-]\s*(.*)|\s*$)",
                         re.IGNORECASE)
REC_INLINE = re.compile(r"^(?:HMIC|HMICFRS|We|HM Inspectorate[\w ,]{0,40}|The inspectorate)\s+"
                        r"(?:recommends?|recommend)\s+that\b", re.IGNORECASE)
QUESTION = re.compile(r"^(how|to what extent|what|is the|does the)\b.{10,300}\?$", re.IGNORECASE)
COUNT_ONLY = re.compile(r"^(?:[A-Z]{1,2})?\d{1,3}[.)]?$")
OTHER_HEADINGS = re.compile(
    r"^(applicable forces|innovative practice|promising practice|areas? of innovative practice|"
    r"detailed findings( for question \d+)?|questions for \w+|summary|contents|related \w+|"
    r"national recommendations?|progress|next steps|background|conclusions?|letter information|"
    r"main findings|our findings|summary of findings|overall (summary|judgment)|our judgments?|"
    r"introduction|about (this|the) (report|inspection)|grades?|judgments?)$", re.IGNORECASE)
_STATEMENT = re.compile(r"\b(should|must|needs? to|has to|have to|is required to|recommends?|"
                        r"is failing|fails? to|isn't|is not|doesn't|does not|hasn't|has not)\b",
                        re.IGNORECASE)
_LEAD_IN = re.compile(r"\b(should|must|recommend\w*|recommendations)\b", re.IGNORECASE)
_FORCE_LINE = re.compile(r"^(?:(?:[A-Z][\w'&-]*|and|&)\s+){1,5}(Constabulary|Police|Police Service|"
                         r"Police Force|Fire and Rescue Service|Fire & Rescue Service|Fire Brigade)$")
_TITLE_OPENER = re.compile(r"^(?:The|This|Its?) (?:force|constabulary|service|police|forces|"
                           r"constabularies)\b")
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
STATUS_WORDS = {
    "completed": "Completed", "complete": "Completed", "superseded": "Superseded",
    "discharged": "Discharged", "closed": "Closed", "open": "Open", "ongoing": "Ongoing",
    "in progress": "In progress", "being progressed": "Being progressed",
    "awaiting review": "Awaiting review", "not started": "Not started", "withdrawn": "Withdrawn",
    "partially completed": "Partially completed", "partially met": "Partially met",
    "not yet due": "Not yet due", "overdue": "Overdue", "achieved": "Achieved",
    "not achieved": "Not achieved", "met": "Met", "not met": "Not met",
}


def status_word(text: str) -> str | None:
    """The inspectorate's status when ``text`` is only a status ("Completed", "Superseded")."""
    return STATUS_WORDS.get(text.strip().rstrip(".").lower()) if len(text) < 30 else None


def is_statement(text: str) -> bool:
    return bool(_STATEMENT.search(text))


def is_lead_in(text: str) -> bool:
    """"Within six months, the force should:", "HMIC recommends that the force should immediately:",
    "had two accompanying recommendations:" — text that introduces a list of recommendations."""
    t = text.strip()
    return t.endswith(":") and len(t) < 400 and bool(_LEAD_IN.search(t)) and not COC_HEADING.match(t)


def is_force(text: str, force: str | None) -> bool:
    return text == force or bool(_FORCE_LINE.match(text)) and len(text) < 60


def title_like(text: str) -> bool:
    """A finding's headline: a short statement about the force, or an unpunctuated headline."""
    sentence = first_sentence(text)[0]
    if len(sentence) > 350 or not is_statement(sentence):
        return False
    return bool(_TITLE_OPENER.match(sentence)) or (not re.search(r"[.!?:;]$", text.strip())
                                                   and len(text) < 300)


def first_sentence(text: str) -> tuple[str, str]:
    """(first sentence, rest); the rest may be empty."""
    for m in _SENTENCE_END.finditer(text):
        head = text[: m.start() + 1]
        if _ABBREV.search(head) or re.search(r"\b[A-Z]\.$", head):
            continue
        return head.strip(), text[m.end():].strip()
    return text.strip(), ""


def clean_title(text: str) -> str:
    """The finding's own first sentence: no counter, no line break, no closing punctuation or
    list joiner ("; and")."""
    t = re.sub(r"\s+", " ", text).strip()
    t = re.sub(r"^(?:[A-Z]{0,2}\d{1,3}[.):]?\s+)(?=[A-Z])", "", t)
    t = re.sub(r"(?<=[a-z]):(?=[a-z])", ": ", t)
    sentence = first_sentence(t)[0]
    sentence = re.sub(r"\s*[;,]\s*(?:and|or)?\s*$", "", sentence)
    return sentence.rstrip(" .;:,")


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
