"""Names in the Excel pack: sheet names, table names and column names, each by one rule.

Sheet names (Excel: at most 31 characters, no ``[]:*?/\\``, unique ignoring case, not "History")
are shortened by whole words, never cut inside a word: characters Excel forbids become spaces,
then, while the name is too long, filler words ("of", "and", "the", ...) and punctuation-only words
go first and then the last words, until the name fits. A name that would collide gets " (2)",
" (3)" ... within the limit. Only a single word longer than the limit is cut (there is no word
boundary to use).

Table names (Excel: letters, digits, "_" and "."; not a cell reference; unique in the workbook)
are "T_" and the sheet name's words joined by "_".

Column names are words: a criterion's question, a template field's label, or for a key no
template names, the key in words ("auditor_grade" -> "Auditor grade"). Headers of one table are
made unique (Excel requires it) by adding " (2)" ....
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

SHEET_LIMIT = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_FILLER = {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with",
           "-", "\u2013", "\u2014", "&", "+", ","}
_ACRONYMS = {"da", "dash", "dara", "bwv", "uof", "mash", "peel", "afi", "rag", "id", "ref", "sha",
             "nfa", "cps", "pnc", "pnd", "ppn", "vpu", "thrive", "url", "nhs", "kpi", "cctv", "bwc"}


def _clean_sheet(raw: str) -> str:
    name = _BAD_SHEET_CHARS.sub(" ", raw)
    name = re.sub(r"\s+", " ", name).strip().strip("'").strip()
    return name or "Sheet"


def _fit(words: list[str], limit: int) -> str:
    """The words as one name of at most ``limit`` characters, dropping whole words."""
    words = [w for w in words if w]
    text = " ".join(words)
    if len(text) <= limit:
        return text
    # first the filler words (from the end), keeping the first word
    kept = list(words)
    for i in range(len(kept) - 1, 0, -1):
        if len(" ".join(kept)) <= limit:
            break
        if kept[i].lower().strip(",;.") in _FILLER or not any(ch.isalnum() for ch in kept[i]):
            del kept[i]
    kept = [w.rstrip(",;") if i == len(kept) - 1 else w for i, w in enumerate(kept)]
    while len(" ".join(kept)) > limit and len(kept) > 1:
        kept.pop()
        if kept:
            kept[-1] = kept[-1].rstrip(",;")
    text = " ".join(kept)
    return text if len(text) <= limit else text[:limit]  # one word longer than the limit


def sheet_name(raw: str, used: set[str], limit: int = SHEET_LIMIT) -> str:
    """A valid sheet name, unique (ignoring case) among ``used``, shortened by whole words.
    ``used`` holds lower-case names and gets the new one."""
    name = _clean_sheet(raw)
    if name.lower() == "history":
        name = "History (pack)"
    words = name.split(" ")
    candidate = _fit(words, limit)
    number = 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate = _fit(words, limit - len(suffix)) + suffix
        number += 1
    used.add(candidate.lower())
    return candidate


def table_name(sheet: str, used: set[str]) -> str:
    """A valid, unique Excel table name for the table on ``sheet``."""
    ascii_text = unicodedata.normalize("NFKD", sheet).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_text)
    base = "T_" + "_".join(words) if words else "T_Table"
    base = base[:200]
    candidate, number = base, 2
    while candidate.lower() in used:
        candidate = f"{base}_{number}"
        number += 1
    used.add(candidate.lower())
    return candidate


def key_words(key: str) -> str:
    """A raw key in words: "auditor_grade" -> "Auditor grade", "bwv_reviewed" -> "BWV reviewed"."""
    parts = [p for p in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", key.strip()) if p]
    if not parts:
        return key.strip() or "Value"
    words = [p.upper() if p.lower() in _ACRONYMS else p.lower() for p in parts]
    if not words[0].isupper():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


@lru_cache(maxsize=1)
def _builtin_labels() -> dict[str, dict[str, str]]:
    """Template name -> key -> words, from the built-in templates (fields and criteria)."""
    try:
        from workbench.templates.loading import builtin_templates

        templates = builtin_templates()
    except Exception:  # noqa: BLE001 - labels are a nicety; the naming rule still gives words
        return {}
    out: dict[str, dict[str, str]] = {}
    for t in templates:
        labels = {f.key: f.label for f in t.fields}
        labels.update({c.key: c.question for c in t.criteria})
        out[t.name] = labels
    return out


def column_labels(template: str, keys: Iterable[str], known: Mapping[str, str]) -> dict[str, str]:
    """Key -> column name: ``known`` (the pack's criterion questions) first, then the built-in
    template's field label or question, then the key in words."""
    template_labels = _builtin_labels().get(template, {})
    out = {}
    for key in keys:
        label = (known.get(key) or template_labels.get(key) or "").strip()
        out[key] = label or key_words(key)
    return out


def unique_headers(headers: Iterable[str]) -> list[str]:
    """Headers made unique ignoring case (Excel tables require it); blank ones named."""
    seen: set[str] = set()
    out = []
    for i, header in enumerate(headers, start=1):
        base = re.sub(r"\s+", " ", str(header)).strip() or f"Column {i}"
        candidate, number = base, 2
        while candidate.lower() in seen:
            candidate = f"{base} ({number})"
            number += 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out
