"""What a cited figure measures, in words: labels refined from the sentence around the figure.

``key_figures`` finds each figure and a first label (the words after it). Read alone, that label
often does not say what the figure counts: "8.5 percent of use of force incidents" is the share of
those incidents involving people from ethnic minority backgrounds, "8,929 fewer" is a shortfall
against an estimate, "the average of 5.1 percent" is the national comparator of the figure before
it. ``refine_labels`` rewrites the labels of one sentence's figures from the sentence's own
structure (share-of phrases, "account for", "this was ...", comparatives, averages, the period the
sentence names), never from knowledge of a particular report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.importers.key_figures import KeyFigure

MAX_WORDS = 16
_CLAUSE_END = re.compile(r"[,;:.()](?!\d)|\s(?:but|before|because|whereas|while|compared (?:to|with)|"
                         r"than the|based on)\s", re.IGNORECASE)
_SHARE_VERB = re.compile(
    r"(?:^|[,;]\s*|\b(?:that|but|and|while|whereas)\s+)(?P<subj>[A-Za-z][\w'\u2019 -]{2,80}?)\s+"
    r"(?:account(?:s|ed)?\s+for|make(?:s)?\s+up|made\s+up|represent(?:s|ed)?)\s+$", re.IGNORECASE)
_PRONOUNS = {"they", "these", "those", "it", "this", "them", "he", "she"}
_THIS_WAS = re.compile(r"^(?:but|and|however|yet)?,?\s*(?:this|that|it)\s+(?:was|is|were|represents|represented)\b",
                       re.IGNORECASE)
_AVERAGE = re.compile(r"\b(?:the\s+)?((?:national|force|regional)\s+)?average\s+of\s+$", re.IGNORECASE)
_OF = re.compile(r"\s*of\s+(?:its\s+|their\s+|our\s+)?", re.IGNORECASE)
_OF_THESE_LEAD = re.compile(r"\bof\s+(?:these|the|those|all)\s+([\w'\u2019 -]+?),\s*$", re.IGNORECASE)
_IN_LEAD = re.compile(r"(?:^|,\s*|\band\s+)(?:made|took|gave|had|issued|used|\w+ed)\s+((?:[\w-]+\s+){0,3}[\w-]+)\s+in\s+$",
                      re.IGNORECASE)
_VERB_BEFORE = re.compile(r"\b(\w+ed)\s+$")
_STANDARD = re.compile(r"\b(standard|aim|target|expected|guidance)\b", re.IGNORECASE)
_CHANGE = re.compile(r"^(increase|decrease|rise|fall|reduction|drop)\b", re.IGNORECASE)
_COMPARATIVE = re.compile(r"\s*(fewer|more|less|higher|lower|greater)\s+than\s+", re.IGNORECASE)
_SUBJECT_IS = re.compile(r"(?:the\s+)?([\w-]+)\s+(?:can be|could be|was|is|were|are|reached|rose to|fell to)\s+"
                         r"(?:as high as|as low as|around|about|up to|over|more than|at least|nearly|almost)?\s*$",
                         re.IGNORECASE)
_WHICH = re.compile(r",\s*(?:which|that)\s+$", re.IGNORECASE)
_MISSING_LIMIT = re.compile(r"^(.*?): (?:more|less|fewer|greater|higher|lower) than \? (\S+)$")
_STOP = {"that", "which", "who", "and", "was", "were", "had", "has", "have", "is", "are", "the", "a", "an",
         "we", "it", "they", "there", "still", "found", "with", "for", "to", "from", "by", "at", "on", "this"}
_THAT_VERB = re.compile(r"^(.+?)\s(were|was|resulted|led|had|involved|received|ended)\b")


def base_label(label: str) -> str:
    """A label without the period appended to it ("... (year ending 31 March 2023)")."""
    return re.sub(r"\s\((?:[^()]*\b(?:19|20)\d\d)\)$", "", label)


def clause(text: str, limit: int = MAX_WORDS) -> str:
    """The words of ``text`` up to the end of its clause (at most ``limit`` words)."""
    words = _CLAUSE_END.split(text, maxsplit=1)[0].split()
    return " ".join(words[:limit]).strip("\"'\u2018\u2019")


def _noun_phrase_before(head: str, limit: int = 4) -> str:
    """The noun phrase ending just before ``head`` ends (keeps "in" / "of" inside it)."""
    words = head.split()
    kept: list[str] = []
    while words and len(kept) < limit:
        w = words[-1]
        if w.lower().strip(",") in _STOP or not w[0].isalpha() or w.endswith(","):
            break
        kept.insert(0, words.pop())
    while kept and kept[0].lower() in ("in", "of"):
        kept.pop(0)
    return " ".join(kept)


def refine_labels(sentence: str, found: Sequence[tuple[int, int, KeyFigure]],
                  prior: Sequence[KeyFigure]) -> list[tuple[int, int, KeyFigure]]:
    """The figures of one sentence (start, end, figure) with labels that say what each measures.

    ``prior`` holds the figures of the finding's earlier sentences ("This was an 8.5 percent
    increase" speaks of the count before it)."""
    s = sentence
    periods = [f.label for _, _, f in found if f.kind == "period" and not f.missing_in_source]
    earlier_count = next((f for f in reversed(prior) if f.kind == "count" and not f.missing_in_source), None)
    base: dict[int, str] = {}
    out: list[tuple[int, int, KeyFigure]] = []
    subject = ""
    previous: KeyFigure | None = None
    for a, b, fig in found:
        head, tail, label = s[:a], s[b:], fig.label
        if fig.kind in ("period", "duration", "deadline"):
            out.append((a, b, fig))
            continue
        if fig.missing_in_source:
            if fig.kind == "target":
                label = _MISSING_LIMIT.sub(r"\1 limit (\2)", label)
        elif fig.unit == "percent":
            label, subject = _percent_label(s, head, tail, fig, label, subject, previous, base)
        elif fig.kind == "count":
            label = _count_label(s, head, tail, label, earlier_count)
        elif fig.kind == "range" and len(label.split()) == 1 and (which := _WHICH.search(head)):
            phrase = _noun_phrase_before(head[:which.start()])
            label = phrase or label
        elif fig.kind == "proportion":
            label = clause(tail) or label if label == clause(tail, 12) else label
        base[a] = label
        if periods and fig.kind in ("count", "percentage", "proportion", "range", "ratio") \
                and not any(p in label for p in periods):
            label = f"{label} ({periods[0]})"
        new = replace(fig, label=label)
        out.append((a, b, new))
        if fig.kind == "count":
            earlier_count = replace(fig, label=base[a])
        previous = replace(fig, label=base[a])
    return out


def _percent_label(s: str, head: str, tail: str, fig: KeyFigure, label: str, subject: str,
                   previous: KeyFigure | None, base: dict[int, str]) -> tuple[str, str]:
    of = _OF.match(tail)
    share_verb = _SHARE_VERB.search(head)
    if share_verb and of:
        who = re.split(r",\s*|\b(?:that|but|and|while|whereas)\s+", share_verb.group("subj"))[-1].strip()
        if who.lower() in _PRONOUNS and subject:
            who = subject
        what = clause(tail[of.end():])
        return f"{who}, as a share of {what}", who
    average = _AVERAGE.search(head)
    if average and previous is not None:
        where = clause(tail)
        kind = (average.group(1) or "").strip()
        return f"{previous.label}: {kind + ' ' if kind else ''}average {where}".strip(), subject
    if _CHANGE.match(label) and _THIS_WAS.match(s) and previous is None:
        return label, subject  # the caller prefixes the earlier count
    if of:
        what = clause(tail[of.end():])
        first = what.split(" ", 1)[0].lower() if what else ""
        if first in _PRONOUNS:
            if previous is None or previous.kind != "count":
                return label, subject
            what = base_label(previous.label)
        if what:
            what = _THAT_VERB.sub(r"\1 that \2", what, count=1)
            words = f"share of {what}"
            lead = _IN_LEAD.search(head)
            verb = _VERB_BEFORE.search(head)
            if lead:
                words += f" with {lead.group(1)}"
            elif verb and " " in what:
                noun, _, rest = what.partition(" within ") if " within " in what else (what, "", "")
                words = f"share of {noun} {verb.group(1)}" + (f" within {rest}" if rest else "")
            if _STANDARD.search(head) and fig.kind == "percentage":
                words = f"standard: {words}"
            return words, subject
    lead_of = _OF_THESE_LEAD.search(head)
    if lead_of:
        return f"share of {lead_of.group(1).strip()} {label}", subject
    return label, subject


def _count_label(s: str, head: str, tail: str, label: str, earlier: KeyFigure | None) -> str:
    comparative = _COMPARATIVE.match(tail)
    if label.lower() in ("fewer", "more", "less", "higher", "lower", "greater") and comparative:
        words = f"{comparative.group(1).lower()} than {clause(tail[comparative.end():])}"
        if _THIS_WAS.match(s) and earlier is not None:
            return f"{base_label(earlier.label)}: {words}"
        return words
    bare = label.split(" (", 1)[0]
    if len(bare.split()) == 1:
        subject = _SUBJECT_IS.search(head)
        if subject and subject.group(1).lower() not in _STOP:
            return f"{subject.group(1)}: {label}"
    return label


def prefix_change(figures: list[tuple[int, int, KeyFigure]], sentence: str,
                  prior: Sequence[KeyFigure]) -> list[tuple[int, int, KeyFigure]]:
    """"This was an 8.5 percent increase ...": the change is of the count the finding gave before."""
    if not _THIS_WAS.match(sentence):
        return figures
    earlier = next((f for f in reversed(prior) if f.kind == "count" and not f.missing_in_source), None)
    if earlier is None:
        return figures
    base = base_label(earlier.label)
    out = []
    for a, b, fig in figures:
        if fig.unit == "percent" and _CHANGE.match(fig.label):
            fig = replace(fig, label=f"{base}: {fig.label}")
        out.append((a, b, fig))
    return out
