"""Corrections a user makes to a parsed report before importing it: split or merge findings,
change a kind, edit a title, drop a figure, attach a recommendation to a cause of concern, drop
a finding. Pure functions on :class:`ParsedFinding` tuples; findings are named by their ``key``
("#3"), which survives the other corrections, so a list of corrections replays the same way.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace

from workbench.importers.key_figures import extract_figures
from workbench.importers.peel_areas import classify_area
from workbench.importers.report_labels import clean_title
from workbench.importers.report_text import ParsedFinding

OPS = ("title", "kind", "drop_figure", "attach", "merge", "split", "drop")
KINDS = ("afi", "cause_of_concern", "recommendation")


class CorrectionError(ValueError):
    """A correction that cannot apply; ``str()`` says which and why."""


@dataclass(frozen=True)
class Correction:
    """One change. ``key`` names the finding; ``value`` is the new title or kind, the figure's
    position (drop_figure) or the text the second part starts with (split); ``other`` is the
    cause of concern to attach to (None detaches) or the finding merged into ``key``."""

    op: str
    key: str
    value: str | int | None = None
    other: str | None = None

    def describe(self) -> str:
        if self.op == "title":
            return f"{self.key}: title set to {self.value!r}"
        if self.op == "kind":
            return f"{self.key}: kind changed to {self.value}"
        if self.op == "drop_figure":
            return f"{self.key}: figure {int(self.value or 0) + 1} dropped"
        if self.op == "attach":
            return f"{self.key}: attached to {self.other}" if self.other else f"{self.key}: detached"
        if self.op == "merge":
            return f"{self.other} merged into {self.key}"
        if self.op == "split":
            return f"{self.key}: split before {str(self.value)[:40]!r}"
        return f"{self.key}: dropped"

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Correction:
        if not isinstance(data, dict) or data.get("op") not in OPS or not isinstance(data.get("key"), str):
            raise CorrectionError(f"not a correction: {data!r} (needs op, one of {', '.join(OPS)}, and key)")
        return cls(data["op"], data["key"], data.get("value"), data.get("other"))


def apply_corrections(findings: tuple[ParsedFinding, ...], corrections: list[Correction] | tuple[Correction, ...],
                      ) -> tuple[ParsedFinding, ...]:
    """The findings after every correction, in order, with references renumbered."""
    items = list(findings)
    parents = {f.key: _parent_key(findings, f) for f in findings}
    for c in corrections:
        index = _index(items, c.key)
        f = items[index]
        if c.op == "title":
            title = re.sub(r"\s+", " ", str(c.value or "")).strip()
            if not title:
                raise CorrectionError(f"{c.key}: a title cannot be empty")
            items[index] = replace(f, title=title, figures=_figures(title, f.text))
        elif c.op == "kind":
            if c.value not in KINDS:
                raise CorrectionError(f"{c.key}: unknown kind {c.value!r} (one of {', '.join(KINDS)})")
            items[index] = replace(f, kind=c.value)  # type: ignore[arg-type]
            if c.value != "recommendation":
                parents[f.key] = None
        elif c.op == "drop_figure":
            pos = int(c.value) if isinstance(c.value, (int, str)) and str(c.value).isdigit() else -1
            if not 0 <= pos < len(f.figures):
                raise CorrectionError(f"{c.key}: it has no figure {pos + 1}")
            items[index] = replace(f, figures=f.figures[:pos] + f.figures[pos + 1:])
        elif c.op == "attach":
            if c.other is not None:
                target = items[_index(items, c.other)]
                if target.kind != "cause_of_concern":
                    raise CorrectionError(f"{c.other} is not a cause of concern")
                if f.kind != "recommendation":
                    items[index] = f = replace(f, kind="recommendation")
            parents[f.key] = c.other
        elif c.op == "merge":
            j = _index(items, c.other or "")
            if j == index:
                raise CorrectionError(f"{c.key}: cannot merge a finding into itself")
            g = items[j]
            text = "\n".join(t for t in (f.text, _body(g)) if t)
            items[index] = replace(f, text=text, figures=f.figures + g.figures,
                                   source_text="\n".join(t for t in (f.source_text, g.source_text) if t))
            del items[j]
            parents = {k: (c.key if v == g.key else v) for k, v in parents.items() if k != g.key}
        elif c.op == "split":
            first, second = _split(f, str(c.value or ""))
            items[index:index + 1] = [first, second]
            parents[first.key] = parents[second.key] = parents.pop(f.key, None)
            parents = {k: (first.key if v == f.key else v) for k, v in parents.items()}
        elif c.op == "drop":
            del items[index]
            parents = {k: (None if v == f.key else v) for k, v in parents.items() if k != f.key}
        else:
            raise CorrectionError(f"unknown correction {c.op!r} (one of {', '.join(OPS)})")
    return _renumber(items, parents)


def _index(items: list[ParsedFinding], key: str) -> int:
    for i, f in enumerate(items):
        if f.key == key:
            return i
    raise CorrectionError(f"no finding {key!r} in this preview")


def _parent_key(findings: tuple[ParsedFinding, ...], f: ParsedFinding) -> str | None:
    return next((p.key for p in findings if p.ref == f.parent_ref), None) if f.parent_ref else None


def _body(f: ParsedFinding) -> str:
    return f.text if re.sub(r"\W+", "", f.text).lower().startswith(re.sub(r"\W+", "", f.title).lower()) \
        else f"{f.title}. {f.text}".strip()


def _figures(title: str, text: str):
    body = text if re.sub(r"\W+", "", text).lower().startswith(re.sub(r"\W+", "", title).lower()) \
        else f"{title}. {text}"
    return extract_figures(body)


def _split(f: ParsedFinding, start: str) -> tuple[ParsedFinding, ParsedFinding]:
    body = _body(f)
    at = body.find(start.strip()) if start.strip() else -1
    if at <= 0:
        raise CorrectionError(f"{f.key}: the text to split before was not found after its start")
    head, tail = body[:at].strip(), body[at:].strip()
    parts = []
    for n, text in enumerate((head, tail), 1):
        title = clean_title(text)
        area, reason = classify_area(title, text)
        parts.append(replace(f, key=f"{f.key}.{n}", title=title, text=text, figures=extract_figures(text),
                             area=area if n == 2 else f.area, area_reason=reason if n == 2 else f.area_reason,
                             source_text=text))
    return parts[0], parts[1]


def _renumber(items: list[ParsedFinding], parents: dict[str, str | None]) -> tuple[ParsedFinding, ...]:
    refs: dict[str, str] = {}
    for kind, prefix in (("afi", "AFI"), ("cause_of_concern", "CoC")):
        for n, f in enumerate((f for f in items if f.kind == kind), 1):
            refs[f.key] = f"{prefix} {n}"
    count: dict[str | None, int] = {}
    out = []
    for f in items:
        parent = parents.get(f.key) if f.kind == "recommendation" else None
        if parent not in refs:
            parent = None
        if f.kind == "recommendation":
            count[parent] = count.get(parent, 0) + 1
            refs[f.key] = f"{refs[parent]} R{count[parent]}" if parent else f"R{count[parent]}"
        out.append(f)
    return tuple(replace(f, ref=refs[f.key], parent_ref=refs.get(parents.get(f.key) or "")
                         if f.kind == "recommendation" and parents.get(f.key) in refs else None)
                 for f in out)
