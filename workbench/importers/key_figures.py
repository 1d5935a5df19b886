"""Pull the key figures out of a finding's text: proportions, percentages, ratios, counts,
ranges, periods and targets, each with the sentence it came from.

Figures that the source lost (HMICFRS pages sometimes drop digits: "in 2 2 /2 ,", "a caseload of
more than offenders") are reported with ``missing_in_source=True`` and no value: never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from workbench.importers.figure_labels import prefix_change, refine_labels

FigureKind = Literal["proportion", "percentage", "ratio", "count", "range", "period", "target", "duration",
                     "deadline"]
# Figures a finding cites as evidence; durations (a standard's time limit) and deadlines are
# kept apart, each with its unit.
CITED_KINDS = ("proportion", "percentage", "ratio", "count", "range", "target")

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
          r"December)")
_PCT = re.compile(rf"(?<![\w.,])({_NUM})\s?(?:percent\b|per cent\b|%)", re.IGNORECASE)
_PERIOD = re.compile(rf"\b(?:(?:the\s+)?(?:financial\s+)?(?:year|12 months|quarter|six months|"
                     rf"three months)\s+(?:ending|ended|to|up to)\s+(?:\d{{1,2}}\s+)?{_MONTH}\s+\d{{4}})")
_DATE = re.compile(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{_MONTH}\s+\d{{4}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b")
_YEARISH = re.compile(r"\b(?:19|20)\d\d(?:\s?[-/]\s?\d{2,4})?\b")
_BROKEN = re.compile(r"(?<![\w.,/])\d(?: \d){1,3}(?: ?/ ?\d{0,2})?(?![\w/])|(?<![\w.,])\d ?/ ?(?=[\s,.;])")
_MISSING_CMP = re.compile(
    r"\b(more|less|fewer|greater|higher|lower) than (?!(?:a|an|the|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|half|double|twice|ever|usual|expected|average|before|that|this|it|they|we|"
    r"those|these|its|their|in|at|on|for|with|from|by|just|only|once|others|other|other's)\b)"
    r"([a-z][a-z-]*s)\b")
_NORMATIVE = re.compile(r"\b(should|must|aim|aims|target|expected to|maximum|minimum|limit|"
                        r"no more|no less|required|standard|says|guidance)\b", re.IGNORECASE)
_TARGET_CMP = re.compile(r"\b(lower|less|fewer|below|under|more|greater|higher|above|over|at least|"
                         r"at most|no more|no less|up to|within)(?: than)?\s+$", re.IGNORECASE)
_RATIO = re.compile(r"(?<![\w.:])(\d+(?:\.\d+)?)\s?:\s?(\d+(?:\.\d+)?)(?![\w:]|\.\d)")
_RATIO_OF = re.compile(r"\bratio of ([a-z][\w -]{2,60}?) to ([a-z][\w-]*(?: [a-z][\w-]*)?)\b", re.IGNORECASE)
_SAMPLE = re.compile(
    rf"\b(?:in|of|from)\s+(?:the|our|a sample of|a total of)?\s*({_NUM})\s+([a-z][\w-]*(?:\s[a-z][\w-]*)?)\s+"
    rf"(?:that\s+|which\s+)?(?:we\s+)?(?:examined|reviewed|audited|looked at|sampled|assessed|checked|"
    rf"inspected|dip-sampled)\b[^.;]{{0,20}}?,?\s*(?:only\s+|just\s+|around\s+|about\s+)?({_NUM})\b"
    rf"(?!\s?(?:percent|per cent|%))", re.IGNORECASE)
_OF = re.compile(rf"(?<![\w.,])({_NUM})\s+(?:out\s+)?of\s+(?:the\s+|these\s+|those\s+)?({_NUM})(?![\w%]|[.,]\d|\s?percent)")
_IN = re.compile(r"(?<![\w.,])(\d{1,2})\s+in\s+(?:every\s+)?(\d{1,3})(?![\w%]|[.,]\d)")
_RANGE = re.compile(rf"\b(?:(?:ranged?|ranging|varied|varying|rose|fell|increased|decreased)\s+)?from\s+"
                    rf"({_NUM})\s+to\s+({_NUM})\b|\bbetween\s+({_NUM})\s+and\s+({_NUM})\b", re.IGNORECASE)
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_WORD_NUMBERS.update({"eighteen": 18, "twenty-four": 24, "thirty": 30, "a": 1, "an": 1})
_UNIT = r"(seconds?|minutes?|mins?|hours?|hrs?|days?|working days?|weeks?|months?|years?)"
_DURATION = re.compile(rf"(?<![\w.,])(\d+(?:\.\d+)?|{'|'.join(w for w in _WORD_NUMBERS if len(w) > 2)})"
                       rf"\s+{_UNIT}\b", re.IGNORECASE)
_DEADLINE_WORD = re.compile(r"\b(within|by the end of|in the next|no later than)\s+(?:the\s+)?$", re.IGNORECASE)
_BY_DATE = re.compile(rf"\b(?:by|before|no later than)\s+(?:the end of\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?"
                      rf"{_MONTH}\s+\d{{4}}\b", re.IGNORECASE)
_IMMEDIATELY = re.compile(r"\b(immediately|without delay|as a matter of urgency)\b", re.IGNORECASE)
_RECOMMENDING = re.compile(r"\b(should|must|recommend\w*|needs? to)\b", re.IGNORECASE)
_COUNT = re.compile(rf"(?<![\w.,/:-])({_NUM})(?![\w/:%-]|[.,]\d)")
_PHONE = re.compile(r"(?:101|999|111)(?=\s+(?:number|system|call|calls|line|service|contact))")
_REF_WORDS = re.compile(r"\b(question|page|paragraph|section|chapter|recommendation|afi|improvement|"
                        r"phase|level|tier|stage|grade|version|figure|table|schedule|part|step|no\.?)\s+$",
                        re.IGNORECASE)
_QUALIFIER = re.compile(r"\b(around|about|approximately|roughly|nearly|almost|as high as|as low as|"
                        r"up to|over|more than|fewer than|less than|at least)\s+$", re.IGNORECASE)
_SENTENCES = re.compile(r"(?<=[.!?])[\"')]?\s+(?=[\"'(]?[A-Z0-9])")
_LABEL_STOP = {"that", "which", "who", "in", "and", "was", "were", "had", "has", "have", "is", "are",
               "compared", "than", "with", "for", "to", "from", "by", "during", "at", "on",
               "because", "but", "or", "we", "it", "they", "as", "so", "this", "these", "since"}
_LEAD_STRIP = {"of", "them", "these", "those", "the", "its", "their", "it", "which", "should", "must",
               "be", "were", "was", "are", "is", "had", "have", "been", "being"}


@dataclass(frozen=True)
class KeyFigure:
    kind: FigureKind
    value: float | None
    numerator: int | None
    denominator: int | None
    label: str
    sentence: str
    missing_in_source: bool = False
    unit: str | None = None      # "percent" for percentages and percentage targets
    low: float | None = None     # ranges only
    high: float | None = None


def split_sentences(text: str) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        out.extend(s.strip() for s in _SENTENCES.split(para) if s.strip())
    return out


def extract_figures(text: str) -> tuple[KeyFigure, ...]:
    """Every key figure in ``text``, in reading order."""
    sentences = split_sentences(text or "")
    figures: list[KeyFigure] = []
    for index, sentence in enumerate(sentences):
        found = sorted(_sentence_figures(sentence, sentences[:index]), key=lambda t: t[0])
        found = prefix_change(refine_labels(sentence, found, figures), sentence, figures)
        figures.extend(fig for _, _, fig in found)
    return tuple(figures)


def _sentence_figures(s: str, before: list[str]) -> list[tuple[int, int, KeyFigure]]:
    claimed = bytearray(len(s))  # 1 where a figure, date or year has already been read
    out: list[tuple[int, int, KeyFigure]] = []

    def free(a: int, b: int) -> bool:
        return claimed.find(1, a, b) == -1

    def add(a: int, b: int, fig: KeyFigure | None) -> None:
        claimed[a:b] = b"\x01" * (b - a)
        if fig is not None:
            out.append((a, b, fig))

    for m in _PERIOD.finditer(s):
        add(m.start(), m.end(), KeyFigure("period", None, None, None, m.group(0).removeprefix("the "), s))
    if _RECOMMENDING.search(s):
        for m in _BY_DATE.finditer(s):
            if free(m.start(), m.end()):
                add(m.start(), m.end(), KeyFigure("deadline", None, None, None, m.group(0), s, unit="date"))
    for m in _DATE.finditer(s):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), None)
    if _RECOMMENDING.search(s):
        for m in _IMMEDIATELY.finditer(s):
            add(m.start(), m.end(), KeyFigure("deadline", None, None, None, m.group(1).lower(), s,
                                              unit="immediately"))
    for m in _BROKEN.finditer(s):
        if free(m.start(), m.end()):
            kind: FigureKind = "period" if "/" in m.group(0) else "count"
            add(m.start(), m.end(), KeyFigure(kind, None, None, None,
                                              f"number missing in source ({m.group(0).strip()!r})",
                                              s, missing_in_source=True))
    if _NORMATIVE.search(s):
        for m in _MISSING_CMP.finditer(s):
            noun = _words_before(s, m.start(), 3) or m.group(2)
            add(m.start(), m.end(), KeyFigure("target", None, None, None,
                                              f"{noun}: {m.group(1)} than ? {m.group(2)}", s,
                                              missing_in_source=True))
    for m in _RATIO.finditer(s):
        a, b = m.group(1), m.group(2)
        if not free(m.start(), m.end()) or (float(b) != 1 and "ratio" not in s.lower()):
            continue
        if re.match(r"\s?(am|pm|hours?|hrs)\b", s[m.end():], re.IGNORECASE):
            continue
        add(m.start(), m.end(), KeyFigure("ratio", float(a) / float(b) if float(b) else None,
                                          _int(a), _int(b), _ratio_label(s, before), s))
    for m in _SAMPLE.finditer(s):
        n, d = _num(m.group(3)), _num(m.group(1))
        if free(m.start(1), m.end(3)) and d and n <= d:
            add(m.start(1), m.end(3), KeyFigure("proportion", n / d, _int(m.group(3)), _int(m.group(1)),
                                                _after_label(s, m.end(3)) or m.group(2) or "proportion", s))
    for rx in (_OF, _IN):
        for m in rx.finditer(s):
            n, d = _num(m.group(1)), _num(m.group(2))
            if free(m.start(), m.end()) and d and n <= d and not _YEARISH.fullmatch(m.group(2)):
                add(m.start(), m.end(), KeyFigure("proportion", n / d, _int(m.group(1)), _int(m.group(2)),
                                                  _after_label(s, m.end()) or "proportion", s))
    for m in _RANGE.finditer(s):
        lo, hi = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if not free(m.start(), m.end()) or _YEARISH.fullmatch(lo) or _YEARISH.fullmatch(hi):
            continue
        add(m.start(), m.end(), KeyFigure("range", None, None, None, _after_label(s, m.end()) or "range",
                                          s, low=_num(lo), high=_num(hi)))
    for m in _DURATION.finditer(s):
        if not free(m.start(), m.end()):
            continue
        add(m.start(), m.end(), _duration(s, m))
    for m in _PCT.finditer(s):
        if not free(m.start(), m.end()):
            continue
        value = _num(m.group(1))
        cmp = _TARGET_CMP.search(s[max(0, m.start() - 20):m.start()])
        if cmp and _NORMATIVE.search(s):
            start = m.start() - len(cmp.group(0))
            label = _words_before(s, start, 4) or _after_label(s, m.end()) or "target"
            add(m.start(), m.end(), KeyFigure("target", value, None, None, label, s, unit="percent"))
        else:
            add(m.start(), m.end(), KeyFigure("percentage", value, None, None,
                                              _after_label(s, m.end()) or "percentage", s, unit="percent"))
    for m in _YEARISH.finditer(s):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), None)
    for m in _COUNT.finditer(s):
        a, b = m.start(1), m.end(1)
        if not free(a, b) or _PHONE.match(s, a) or _REF_WORDS.search(s[max(0, a - 30):a]):
            continue
        if re.match(r"\.\d", s[b:]) or re.match(r"\s?(?:am|pm|st|nd|rd|th)\b", s[b:]):
            continue
        label = _after_label(s, b, count=True)
        qualifier = _QUALIFIER.search(s[max(0, a - 20):a])
        if qualifier:
            label = f"{label or 'count'} ({qualifier.group(1).lower()})"
        if not label:
            continue
        cmp = _TARGET_CMP.search(s[max(0, a - 20):a])
        kind = "target" if cmp and _NORMATIVE.search(s) else "count"
        add(a, b, KeyFigure(kind, _num(m.group(1)), None, None, label, s))
    return out


def _duration(s: str, m: re.Match) -> KeyFigure:
    raw = m.group(1).lower()
    value = float(_WORD_NUMBERS[raw]) if raw in _WORD_NUMBERS else _num(raw)
    unit = _unit(m.group(2))
    before = s[max(0, m.start() - 30):m.start()]
    deadline = _DEADLINE_WORD.search(before)
    if deadline and _RECOMMENDING.search(s) and unit in ("days", "working days", "weeks", "months", "years"):
        return KeyFigure("deadline", value, None, None, f"{deadline.group(1).lower()} {m.group(0)}", s, unit=unit)
    lead = re.search(r"\b(within|in|over the (?:preceding|previous|last|next)|for|after|under|up to|"
                     r"more than|less than|at least)\s+(?:the\s+)?$", before, re.IGNORECASE)
    start = m.start() - len(lead.group(0)) if lead else m.start()
    subject = _words_before(s, start, 4)
    phrase = f"{lead.group(1).lower()} {m.group(0)}" if lead else m.group(0)
    label = f"{subject} {phrase}".strip() if subject else phrase
    return KeyFigure("duration", value, None, None, label, s, unit=unit)


def _unit(word: str) -> str:
    w = word.lower()
    for short, full in (("sec", "seconds"), ("min", "minutes"), ("h", "hours"), ("working", "working days"),
                        ("day", "days"), ("week", "weeks"), ("month", "months"), ("year", "years")):
        if w.startswith(short):
            return full
    return w


def deadline_figures(lead_in: str | None) -> tuple[KeyFigure, ...]:
    """The deadline a recommendation's lead-in sets ("Within three months, the force should:")."""
    if not lead_in:
        return ()
    return tuple(f for f in extract_figures(lead_in) if f.kind == "deadline")


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _int(text: str) -> int | None:
    value = _num(text)
    return int(value) if value.is_integer() else None


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'\"-]+|[,;:()]", text)


def _after_label(s: str, end: int, count: bool = False) -> str:
    """A short label from the words after a figure, up to the end of its clause."""
    rest = re.split(r"[,;:.()](?!\d)|\s(?:but|before|because|whereas|while)\s", s[end:], maxsplit=1)[0]
    words = rest.split()
    if count:
        kept = []
        for w in words[:6]:
            if w.lower() in _LABEL_STOP:
                break
            kept.append(w)
        return " ".join(kept).strip("\"'")
    while words and words[0].lower() in _LEAD_STRIP:
        words.pop(0)
    return " ".join(words[:16]).strip("\"'")


def _words_before(s: str, start: int, limit: int) -> str:
    """The noun phrase just before ``start`` (stops at verbs, articles and prepositions)."""
    words = s[:start].split()
    kept: list[str] = []
    if words and words[-1].lower() == "of":
        words.pop()
    while words and len(kept) < limit:
        w = words.pop()
        if w.lower().strip(",") in _LABEL_STOP | _LEAD_STRIP | {"a", "an"} or not w[0].isalpha():
            break
        if w.endswith(","):
            break
        kept.insert(0, w)
    return " ".join(kept)


def _ratio_label(s: str, before: list[str]) -> str:
    for sentence in [s, *reversed(before[-2:])]:
        m = _RATIO_OF.search(sentence)
        if m:
            return f"ratio of {m.group(1).strip()} to {m.group(2)}"
    return "ratio"
