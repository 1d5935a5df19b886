"""Audit templates: declarative, versioned, validated TOML with computed rules."""

from __future__ import annotations

from workbench.templates.loading import (
    RULE_KINDS,
    builtin_templates,
    load_template,
    template_from_dict,
    template_to_dict,
)
from workbench.templates.rules import RuleOutcome, evaluate
from workbench.templates.schema import (
    ANSWER_TYPES,
    FIELD_TYPES,
    Criterion,
    Field,
    Rule,
    Template,
    TemplateError,
)

__all__ = [
    "ANSWER_TYPES",
    "FIELD_TYPES",
    "RULE_KINDS",
    "Criterion",
    "Field",
    "Rule",
    "RuleOutcome",
    "Template",
    "TemplateError",
    "builtin_templates",
    "evaluate",
    "load_template",
    "template_from_dict",
    "template_to_dict",
]
