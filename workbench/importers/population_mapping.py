"""Suggesting which extract column feeds each template field (names, aliases, fuzzy match)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from workbench.templates.schema import Template

FUZZY_CUTOFF = 0.82
_WORD = re.compile(r"[a-z0-9]+")
_SYNONYMS = {"no": "number", "num": "number", "ref": "reference", "dt": "datetime", "id": "identifier"}


def normalise_name(name: str) -> str:
    """'Incident No.' -> 'incidentnumber'; 'call_date/time' -> 'calldatetime'."""
    words = _WORD.findall(str(name).casefold().replace("&", " and "))
    return "".join(_SYNONYMS.get(w, w) for w in words)


def suggest_mapping(headers: Sequence[str], template: Template) -> dict[str, str | None]:
    """A column (or None) for every template field; each column is used at most once.

    Exact matches on the field key, label or an alias (ignoring case, spaces and punctuation)
    win; then the closest fuzzy match above a cut-off.  Ties go to the field listed first.
    """
    columns = {normalise_name(h): h for h in reversed(list(headers)) if normalise_name(h)}
    mapping: dict[str, str | None] = {f.key: None for f in template.fields}
    used: set[str] = set()
    candidates: list[tuple[float, int, int, str, str]] = []
    for order, field in enumerate(template.fields):
        names = [field.key, field.label, *field.aliases]
        for rank, name in enumerate(names):
            wanted = normalise_name(name)
            if not wanted:
                continue
            for norm, header in columns.items():
                score = 1.0 if norm == wanted else SequenceMatcher(None, wanted, norm).ratio()
                if score >= FUZZY_CUTOFF:
                    candidates.append((-score, order, rank, field.key, header))
    for _neg, _order, _rank, key, header in sorted(candidates):
        if mapping[key] is None and header not in used:
            mapping[key] = header
            used.add(header)
    return mapping
