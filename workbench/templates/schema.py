"""Audit template schema: frozen dataclasses for templates, fields, criteria and rules.

A template lists the case *fields* expected in the population extract and the *criteria*
an auditor answers per case.  A criterion may carry a declarative computed *rule* (never
code) that the rules module evaluates against the case fields and force settings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

from workbench.errors import WorkbenchError

FIELD_TYPES = ("text", "number", "datetime", "date", "choice")
ANSWER_TYPES = ("yes_no_na", "choice", "number", "datetime", "text")


class TemplateError(WorkbenchError, ValueError):
    """A template is malformed.  ``source`` is the file (or '<text>'), ``location`` the
    field/criterion/rule concerned, ``line`` the TOML line when known."""

    def __init__(self, source: str, location: str, problem: str, line: int | None = None) -> None:
        self.source = source
        self.location = location
        self.problem = problem
        self.line = line
        where = source + (f" line {line}" if line is not None else "")
        super().__init__(f"{where}: {location}: {problem}" if location else f"{where}: {problem}",
                         "correct the template where named and load it again (`workbench templates show KEY` shows a valid one)")


@dataclass(frozen=True)
class Field:
    """A case field expected in the population extract."""

    key: str
    label: str
    type: str
    choices: tuple[str, ...] = ()
    required: bool = False
    personal: bool = False
    reference: bool = False
    aliases: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Rule:
    """A declarative computed test: ``kind`` plus its parameters (field keys, thresholds)."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)

    def field_keys(self) -> tuple[str, ...]:
        """Every case field the rule reads (for validation and for fetching cases)."""
        keys = [v for k, v in self.params.items() if k == "field" or k.endswith("_field")]
        when = self.params.get("applies_when")
        if when:
            keys.append(when["field"])
        return tuple(dict.fromkeys(keys))


@dataclass(frozen=True)
class Criterion:
    """A question answered for each sampled case.

    ``screening``: a scope question (yes / no / n/a). A case is in the audit's scope only when
    every screening criterion is answered "yes"; a screening criterion is never scored itself.
    ``applies_if``: (criterion key, answer): this criterion counts only for cases where that
    earlier criterion has that answer (e.g. "submitted in time" only where a form exists);
    elsewhere it is not applicable whatever was recorded.
    """

    key: str
    question: str
    answer: str
    guidance: str = ""
    choices: tuple[str, ...] = ()
    critical: bool = False
    rule: Rule | None = None
    agreement_with: str | None = None
    screening: bool = False
    applies_if: tuple[str, str] | None = None


@dataclass(frozen=True)
class Template:
    """A versioned audit template.  ``source`` (where it was read from) is not content.

    ``family``: the group it belongs to (e.g. "Quality of service self-check"), shown with its
    name. ``sample_size``: the default number of cases when an audit is planned without a size
    or sizing inputs; ``sample_basis`` says where that number comes from."""

    key: str
    version: int
    name: str
    description: str
    fields: tuple[Field, ...]
    criteria: tuple[Criterion, ...]
    source: str = field(default="<text>", compare=False)
    family: str = ""
    sample_size: int | None = None
    sample_basis: str = ""

    @property
    def reference_field(self) -> Field:
        return next(f for f in self.fields if f.reference)

    @property
    def personal_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.personal)

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"template '{self.key}' has no field '{key}'")

    @property
    def screening(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.screening)

    def criterion(self, key: str) -> Criterion:
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(f"template '{self.key}' has no criterion '{key}'")

    @cached_property
    def sha256(self) -> str:
        """SHA-256 of the canonical JSON of the template content (pins the version used)."""
        from workbench.templates.loading import template_content

        content = template_content(self)
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
