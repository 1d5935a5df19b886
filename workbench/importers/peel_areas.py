"""PEEL assessment areas, by framework (2023-25 and 2025-27), the weighted keyword rules that
place a finding in one, and the mapping from each 2023-25 area to its 2025-27 successor.

The shipped rules live in ``resources/peel_areas.toml``; a user file with the same layout
overrides areas of the same name and framework and adds new ones (``replace = true`` drops the
shipped ones). A report is classified with the areas of its own framework
(``framework_of(programme)``); the sources for 2025-27 are in docs/peel-2025-27.md.
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
from workbench.limits import MAX_NESTING, nesting_depth, read_input

PEEL_AREAS: tuple[str, ...] = (  # the 2023-25 framework's areas (also used for earlier programmes)
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
PEEL_AREAS_2025_27: tuple[str, ...] = (  # question 1 first, as the 2025-27 framework orders it
    "Leadership and force management",
    "Quality of service",
    "Police powers and public treatment",
    "Preventing crime and antisocial behaviour",
    "Responding to the public",
    "Investigating crime",
    "Protecting vulnerable people",
    "Managing offenders and suspects",
    "Building, supporting and protecting the workforce",
)
FRAMEWORKS: tuple[str, ...] = ("2023-25", "2025-27")
DEFAULT_FRAMEWORK = "2023-25"
#: every area a finding may be given, either framework (for the finding form)
ALL_AREAS: tuple[str, ...] = tuple(dict.fromkeys(PEEL_AREAS + PEEL_AREAS_2025_27))
TITLE_FACTOR = 2.0
MAX_REPEATS = 3
MAX_CHARS = 20_000  # a finding is never longer; keeps hostile input fast
_2025_27 = re.compile(r"\b2025\s*[-\u2013\u2014/]\s*(?:20)?27\b")


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
    framework: str = DEFAULT_FRAMEWORK


@dataclass(frozen=True)
class AreaMapping:
    """One area's successor in a later framework, and why."""

    from_framework: str
    to_framework: str
    from_area: str
    to_area: str
    basis: str


@dataclass(frozen=True)
class AreaRules:
    areas: tuple[AreaRule, ...]
    mappings: tuple[AreaMapping, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The areas of the default (2023-25) framework."""
        return self.names_in(DEFAULT_FRAMEWORK)

    def names_in(self, framework: str) -> tuple[str, ...]:
        return tuple(a.name for a in self.areas if a.framework == framework)

    def in_framework(self, framework: str | None) -> tuple[AreaRule, ...]:
        """The areas of ``framework``; the default framework's when it has none (a user file
        that replaced the shipped rules with its own areas only)."""
        chosen = tuple(a for a in self.areas if a.framework == (framework or DEFAULT_FRAMEWORK))
        return chosen or tuple(a for a in self.areas if a.framework == DEFAULT_FRAMEWORK)

    def successor(self, area: str, from_framework: str, to_framework: str) -> AreaMapping | None:
        """The area that takes over ``area`` in ``to_framework``: a listed mapping, else the area
        of the same name there; None when there is neither."""
        for m in self.mappings:
            if (m.from_framework, m.to_framework, m.from_area) == (from_framework, to_framework, area):
                return m
        if area in self.names_in(from_framework) and area in self.names_in(to_framework):
            return AreaMapping(from_framework, to_framework, area, area,
                               f"carried over under the same name (the {to_framework} framework's other core questions "
                               "could not be confirmed: docs/peel-2025-27.md)")
        return None

    def mapping_table(self, from_framework: str, to_framework: str) -> tuple[AreaMapping | tuple[str, None], ...]:
        """Each area of ``from_framework`` with its successor (or None)."""
        return tuple(self.successor(a, from_framework, to_framework) or (a, None)
                     for a in self.names_in(from_framework))


def framework_of(programme: str | None) -> str:
    """The PEEL framework whose areas apply to a programme: "2025-27" for "PEEL 2025-27" or
    "PEEL 2025–2027", else the 2023-25 areas (also for earlier programmes)."""
    return "2025-27" if programme and _2025_27.search(programme) else DEFAULT_FRAMEWORK


def load_area_rules(path: str | Path | None = None) -> AreaRules:
    """Shipped rules, overridden by the user file at ``path`` if given."""
    shipped = _shipped_rules()
    if path is None:
        return shipped
    p = Path(path)
    try:
        raw = read_input(p).decode("utf-8")
    except OSError as exc:
        raise AreaRulesError(p, f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise AreaRulesError(p, f"cannot be read ({exc})") from None
    data = _parse(raw, p)
    user = _rules_from(data, p, shipped)
    if data.get("replace") is True:
        return user
    merged = {(a.framework, a.name): a for a in shipped.areas}
    for area in user.areas:
        merged[(area.framework, area.name)] = area
    maps = {(m.from_framework, m.to_framework, m.from_area): m for m in shipped.mappings}
    for m in user.mappings:
        maps[(m.from_framework, m.to_framework, m.from_area)] = m
    return AreaRules(tuple(merged.values()), tuple(maps.values()))


@lru_cache(maxsize=1)
def _shipped_rules() -> AreaRules:
    resource = files("workbench") / "resources" / "peel_areas.toml"
    text = resource.read_text(encoding="utf-8")
    return _rules_from(_parse(text, Path("peel_areas.toml")), Path("peel_areas.toml"))


def _parse(text: str, p: Path) -> dict:
    if nesting_depth(text, toml=True) > MAX_NESTING:  # tomllib recurses: refused before it can
        raise AreaRulesError(p, f"nests more than {MAX_NESTING} levels deep; area rules are a flat list of tables")
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise AreaRulesError(p, f"is not valid TOML ({exc})") from None


def _framework(entry: dict, name: str, p: Path, where: str) -> str:
    value = entry.get(name, DEFAULT_FRAMEWORK)
    if value not in FRAMEWORKS:
        raise AreaRulesError(p, f"{name} must be one of {', '.join(FRAMEWORKS)}, got {value!r}", where)
    return value


def _rules_from(data: dict, p: Path, base: AreaRules | None = None) -> AreaRules:
    areas = data.get("area", [])
    if not isinstance(areas, list) or not areas:
        raise AreaRulesError(p, "has no [[area]] tables", "area")
    out: list[AreaRule] = []
    for i, entry in enumerate(areas, 1):
        where = f"area {i}"
        if not isinstance(entry, dict):
            raise AreaRulesError(p, "each [[area]] must be a table", where)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise AreaRulesError(p, "needs a non-empty name", where)
        name = name.strip()
        framework = _framework(entry, "framework", p, f"{where} ({name})")
        same_as = entry.get("same_as")
        if same_as is not None:
            source = _framework(entry, "same_as", p, f"{where} ({name})")
            pool = [a for a in out if a.framework == source] + list(base.areas if base else ())
            found = next((a for a in pool if a.name == name and a.framework == source), None)
            if found is None:
                raise AreaRulesError(p, f"same_as names the {source} area {name!r}, which is not defined",
                                     f"{where} ({name})")
            out.append(AreaRule(name, found.keywords, framework))
            continue
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
        out.append(AreaRule(name, tuple(pairs), framework))
    return AreaRules(tuple(out), _mappings_from(data, p, out, base))


def _mappings_from(data: dict, p: Path, areas: list[AreaRule], base: AreaRules | None) -> tuple[AreaMapping, ...]:
    tables = data.get("mapping", [])
    if not isinstance(tables, list):
        raise AreaRulesError(p, "each [[mapping]] must be a table", "mapping")
    known = {(a.framework, a.name) for a in areas} | {(a.framework, a.name) for a in (base.areas if base else ())}
    out = []
    for i, table in enumerate(tables, 1):
        where = f"mapping {i}"
        if not isinstance(table, dict):
            raise AreaRulesError(p, "each [[mapping]] must be a table", where)
        src, dst = _framework(table, "from_framework", p, where), _framework(table, "to_framework", p, where)
        entries = table.get("area", [])
        if not isinstance(entries, list):
            raise AreaRulesError(p, "[[mapping.area]] entries must be tables", where)
        for j, entry in enumerate(entries, 1):
            here = f"{where}, area {j}"
            if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) and entry[k].strip()
                                                      for k in ("from", "to", "basis")):
                raise AreaRulesError(p, "each [[mapping.area]] needs from, to and basis as text", here)
            frm, to = entry["from"].strip(), entry["to"].strip()
            for fw, name in ((src, frm), (dst, to)):
                if (fw, name) not in known:
                    raise AreaRulesError(p, f"{name!r} is not an area of the {fw} framework", here)
            out.append(AreaMapping(src, dst, frm, to, entry["basis"].strip()))
    return tuple(out)


@lru_cache(maxsize=4096)
def _pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    body = r"[\s-]+".join(words)
    # Acronyms (all capitals) match case-sensitively and exactly; phrases by their start.
    if phrase.isupper() and " " not in phrase:
        return re.compile(rf"(?<![\w-]){body}s?(?![\w-])")
    return re.compile(rf"(?<![\w]){body}[\w'-]*", re.IGNORECASE)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower().replace("anti-social", "antisocial")).strip()


_SECTION_HEADINGS = ("quality of service review", "quality service review")


def is_area_heading(text: str) -> bool:
    """A report heading that is an area's own name (either framework) or the quality of service
    review's: the section the findings below it belong to, as a question heading is."""
    if len(text) > 80:
        return False
    said = _squash(text)
    return said in {_squash(n) for n in ALL_AREAS} or said in _SECTION_HEADINGS


def area_of_question(question: str | None, rules: AreaRules | None = None,
                     framework: str | None = None) -> str | None:
    """The area a report's question heading names ("How good is the force at leadership and
    force management?" names "Leadership and force management"), in ``framework``; the longest
    name wins, so a question naming two areas gives the more specific one."""
    if not question:
        return None
    asked = f" {_squash(question[:MAX_CHARS])} "
    names = [a.name for a in (rules or _shipped_rules()).in_framework(framework)]
    hits = [n for n in names if f" {_squash(n)} " in asked]
    return max(hits, key=len) if hits else None


def classify_area(title: str, text: str, rules: AreaRules | None = None,
                  framework: str | None = None) -> tuple[str | None, str]:
    """(area, reason): the best-scoring area of ``framework`` (default 2023-25) and the keywords
    that decided it.

    Returns (None, reason) when no keyword matches.
    """
    rules = rules or _shipped_rules()
    title, text = (title or "")[:MAX_CHARS], (text or "")[:MAX_CHARS]
    scored: list[tuple[float, int, str, list[str]]] = []
    for order, area in enumerate(rules.in_framework(framework)):
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
