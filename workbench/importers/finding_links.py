"""Suggest links between newly imported findings and earlier ones (e.g. a 2023 AFI that repeats
a 2018 AFI), by TF-IDF cosine similarity over stemmed words blended with a bonus for the same PEEL area
(score = 0.9 * cosine + 0.1 when the areas match).

Small and explainable on purpose: each suggestion lists the shared terms that drove it.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_MIN_SCORE = 0.2
AREA_BONUS = 0.1
TITLE_WEIGHT = 2

_STOP = frozenset("""
a about above after again against all also although am an and any are as at be because been
before being below between both but by can could did do does doing down during each even few for
from further had has have having he her here hers him his how however i if in into is it its
itself just may me might more most much must my no nor not now of off on once only or other our
out over own same she should so some such than that the their them then there these they this
those through to too under until up upon very was we were what when where which while who whom
why will with within without would you your yet still already around among across
constabulary force forces police norfolk need needs make makes sure ensure ensuring improve
improving improvement area areas told us found find inspection previous time also way ways
able well good better new one two three
""".split())
_SUFFIXES = ("ational", "ations", "ation", "ators", "ator", "atives", "ative", "ating", "ated",
             "ates", "ate", "ities", "ity", "ings", "ing", "ies", "ied", "ions", "ion", "ively",
             "ive", "ments", "ment", "ness", "ors", "or", "ers", "er", "ed", "es", "ly", "s")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class LinkCandidate:
    key: str
    title: str
    text: str
    area: str | None = None


@dataclass(frozen=True)
class LinkSuggestion:
    new_key: str
    earlier_key: str
    score: float
    shared_terms: tuple[str, ...]


def stem(word: str) -> str:
    """A light suffix stripper: allocate/allocated/allocation -> alloc."""
    for round_ in range(2):
        for suffix in _SUFFIXES:
            if round_ and suffix == "s":
                continue
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        else:
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def tokens(text: str) -> list[tuple[str, str]]:
    """(stem, surface word) pairs for the content words of ``text``."""
    out = []
    for word in _WORD.findall((text or "").lower().replace("\u2019", "'")):
        word = word.split("'")[0]
        if len(word) < 3 or word in _STOP:
            continue
        out.append((stem(word), word))
    return out


def _bag(candidate: LinkCandidate, surfaces: dict[str, Counter[str]]) -> Counter[str]:
    bag: Counter[str] = Counter()
    for weight, part in ((TITLE_WEIGHT, candidate.title), (1, candidate.text)):
        for s, word in tokens(part):
            bag[s] += weight
            surfaces.setdefault(s, Counter())[word] += 1
    return bag


def suggest_links(new: Sequence[LinkCandidate], earlier: Sequence[LinkCandidate],
                  min_score: float = DEFAULT_MIN_SCORE, per_finding: int = 3) -> list[LinkSuggestion]:
    """For each new finding, up to ``per_finding`` earlier findings scoring at least ``min_score``.

    Sorted by new finding (input order), then by score, best first.
    """
    if not new or not earlier or per_finding <= 0:
        return []
    surfaces: dict[str, Counter[str]] = {}
    new_bags = [_bag(c, surfaces) for c in new]
    old_bags = [_bag(c, surfaces) for c in earlier]
    docs = new_bags + old_bags
    df: Counter[str] = Counter()
    for bag in docs:
        df.update(bag.keys())
    n = len(docs)
    idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}

    def vector(bag: Counter[str]) -> tuple[dict[str, float], float]:
        vec = {t: (1 + math.log(c)) * idf[t] for t, c in bag.items()}
        return vec, math.sqrt(sum(v * v for v in vec.values())) or 1.0

    new_vecs = [vector(b) for b in new_bags]
    old_vecs = [vector(b) for b in old_bags]
    out: list[LinkSuggestion] = []
    for cand, (vec, norm) in zip(new, new_vecs, strict=True):
        scored = []
        for other, (ovec, onorm) in zip(earlier, old_vecs, strict=True):
            shared = {t: vec[t] * ovec[t] for t in vec.keys() & ovec.keys()}
            cosine = sum(shared.values()) / (norm * onorm)
            same_area = bool(cand.area) and cand.area == other.area and cosine > 0
            score = min(1.0, cosine * (1 - AREA_BONUS) + (AREA_BONUS if same_area else 0.0))
            if score >= min_score:
                top = sorted(shared, key=lambda t: -shared[t])[:6]
                terms = tuple(surfaces[t].most_common(1)[0][0] for t in top)
                scored.append(LinkSuggestion(cand.key, other.key, round(score, 4), terms))
        scored.sort(key=lambda s: -s.score)
        out.extend(scored[:per_finding])
    return out
