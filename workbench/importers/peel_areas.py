"""PEEL 2023-25 assessment areas and weighted keyword rules that place a finding in one.

The shipped rules live in ``resources/peel_areas.toml``; a user file with the same layout
overrides areas of the same name and adds new ones (``replace = true`` drops the shipped ones).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import islice
from pathlib import Path

from workbench.errors import WorkbenchError

PEEL_AREAS: tuple[str, ...] = (
    "Police powers and public treatment",
    "Preventing crime and antisocial behaviour",
    "Responding to the public",
    "Investigating crime",
    "Protecting vulnerable people",
    "Managing offenders and suspects",
    "Building, supporting and protecting the workforce",
    "Leadership and force management",
    "Recording data about crime",
)
TITLE_FACTOR = 2.0
MAX_REPEATS = 3
MAX_CHARS = 20_000  # a finding is never longer; keeps hostile input fast


class AreaRulesError(WorkbenchError, ValueError):
    """An area rules file is missing or malformed; ``str()`` names the file and the fix."""

    def __init__(self, path: str | Path, problem: str, field: str | None = None):
        self.path, self.problem, self.field = str(path), problem, field
        where = f"{Path(self.path).name}" + (f", {field}" if field else "")
        super().__init__(f"{where}: {problem}. Fix the file or remove it to use the shipped rules")


@dataclass(frozen=True)
class AreaRule:
    name: str
    keywords: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class AreaRules:
    areas: tuple[AreaRule, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.areas)


def load_area_rules(path: str | Path | None = None) -> AreaRules:
    """Shipped rules, overridden by the user file at ``path`` if given."""
    shipped = _shipped_rules()
    if path is None:
        return shipped
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AreaRulesError(p, f"cannot be read ({exc})") from None
    data = _parse(raw, p)
    user = _rules_from(data, p)
    if data.get("replace") is True:
        return user
    merged = {a.name: a for a in shipped.areas}
    for area in user.areas:
        merged[area.name] = area
    return AreaRules(tuple(merged.values()))


@lru_cache(maxsize=1)
def _shipped_rules() -> AreaRules:
    resource = files("workbench") / "resources" / "peel_areas.toml"
    text = resource.read_text(encoding="utf-8")
    return _rules_from(_parse(text, Path("peel_areas.toml")), Path("peel_areas.toml"))


def _parse(text: str, p: Path) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AreaRulesError(p, f"is not valid TOML ({exc})") from None


def _rules_from(data: dict, p: Path) -> AreaRules:
    areas = data.get("area", [])
    if not isinstance(areas, list) or not areas:
        raise AreaRulesError(p, "has no [[area]] tables", "area")
    out = []
    for i, entry in enumerate(areas, 1):
        where = f"area {i}"
        if not isinstance(entry, dict):
            raise AreaRulesError(p, "each [[area]] must be a table", where)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise AreaRulesError(p, "needs a non-empty name", where)
        keywords = entry.get("keywords", {})
        if not isinstance(keywords, dict):
            raise AreaRulesError(p, "keywords must be a table of \"phrase\" = weight", f"{where} ({name})")
        pairs = []
        for phrase, weight in keywords.items():
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0 \
                    or not phrase.strip():
                raise AreaRulesError(p, f"keyword {phrase!r} needs a positive number as weight",
                                     f"{where} ({name})")
            pairs.append((phrase.strip(), float(weight)))
        out.append(AreaRule(name.strip(), tuple(pairs)))
    return AreaRules(tuple(out))


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    body = r"[\s-]+".join(words)
    # Acronyms (all capitals) match case-sensitively and exactly; phrases by their start.
    if phrase.isupper() and " " not in phrase:
        return re.compile(rf"(?<![\w-]){body}s?(?![\w-])")
    return re.compile(rf"(?<![\w]){body}[\w'-]*", re.IGNORECASE)


def classify_area(title: str, text: str, rules: AreaRules | None = None) -> tuple[str | None, str]:
    """(area, reason): the best-scoring area and the keywords that decided it.

    Returns (None, reason) when no keyword matches.
    """
    rules = rules or _shipped_rules()
    title, text = (title or "")[:MAX_CHARS], (text or "")[:MAX_CHARS]
    scored: list[tuple[float, int, str, list[str]]] = []
    for order, area in enumerate(rules.areas):
        score, hits = 0.0, []
        for phrase, weight in area.keywords:
            rx = _pattern(phrase)
            in_title = rx.search(title) is not None
            in_text = sum(1 for _ in islice(rx.finditer(text), MAX_REPEATS))
            if in_title or in_text:
                score += weight * (TITLE_FACTOR * in_title + in_text)
                hits.append(f"'{phrase}'" + (" (title)" if in_title else ""))
        if score:
            scored.append((score, -order, area.name, hits))
    if not scored:
        return None, "no area keyword found in the title or text"
    scored.sort(reverse=True)
    score, _, name, hits = scored[0]
    reason = f"keywords {', '.join(hits[:6])} scored {score:g}"
    if len(scored) > 1:
        reason += f" (next: {scored[1][2]}, {scored[1][0]:g})"
    return name, reason
