"""Loading and validating audit templates (TOML files or the JSON dict kept in the database)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from workbench.force_settings import NUMERIC_RULE_SETTINGS
from workbench.limits import MAX_NESTING, nesting_depth, read_input
from workbench.templates.schema import (
    ANSWER_TYPES,
    FIELD_TYPES,
    Criterion,
    Field,
    Rule,
    Template,
    TemplateError,
)
from workbench.templates.values import normalise_label

_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_TEMPLATE_KEYS = {"key", "version", "name", "description", "fields", "criteria", "sha256", "family", "sample_size",
                  "sample_basis"}
#: a default sample larger than this is not a small file sample; size it with attribute sampling
MAX_DEFAULT_SAMPLE = 1000
_FIELD_KEYS = {"key", "label", "type", "choices", "required", "personal", "reference", "aliases", "description"}
_CRITERION_KEYS = {"key", "question", "guidance", "answer", "choices", "critical", "rule", "agreement_with",
                   "screening", "applies_if"}
_ANSWERS = ("yes", "no", "n/a")

# Rule kinds: parameter -> expected kind of value.  "field:<types>" names a case field whose
# type must be one of <types> ("*" any); "setting" names a numeric force setting.
_RULE_SPECS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "minutes_within_target": (
        {"call_field": "field:datetime", "arrival_field": "field:datetime"},
        {
            "dispatch_field": "field:datetime",
            "grade_field": "field:*",
            "area_field": "field:*",
            "target_minutes": "int",
        },
    ),
    "field_present": ({"field": "field:*"}, {}),
    "value_in_set": ({"field": "field:*", "values": "strings"}, {}),
    "count_at_least": (
        {"field": "field:number"},
        {"threshold": "int", "threshold_setting": "setting"},
    ),
    "within_hours": (
        {"start_field": "field:datetime", "end_field": "field:datetime"},
        {"hours": "int", "hours_setting": "setting", "missing_end": "missing"},
    ),
}
RULE_KINDS = tuple(_RULE_SPECS)

#: a template is a few kilobytes; this refuses a wrong file before parsing it
MAX_TEMPLATE_CHARS = 2_000_000


def template_root() -> Any:
    """The folder of built-in templates inside the installed package."""
    return resources.files("workbench") / "resources" / "templates"


def builtin_templates() -> list[Template]:
    """Every built-in template, sorted by key."""
    found = []
    for entry in template_root().iterdir():
        if entry.name.endswith(".toml"):
            found.append(_load_text(entry.read_text(encoding="utf-8"), entry.name))
    return sorted(found, key=lambda t: t.key)


def load_template(path_or_text: str | Path) -> Template:
    """Load and validate a template from a path or from TOML text.

    A ``str`` is read as a path when it is a single line ending in ``.toml``.
    """
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and path_or_text.strip().lower().endswith(".toml")
    ):
        path = Path(path_or_text)
        try:
            text = read_input(path).decode("utf-8-sig")
        except OSError as exc:
            raise TemplateError(str(path), "", f"cannot read the file ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise TemplateError(str(path), "", "the file is not UTF-8 text; save it as UTF-8") from None
        return _load_text(text, str(path))
    return _load_text(path_or_text, "<text>")


def _load_text(text: str, source: str) -> Template:
    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateError(source, "", f"the file is {len(text):,} characters long, far more than a template "
                                        f"({MAX_TEMPLATE_CHARS:,} at most); check that it is the right file")
    if nesting_depth(text, toml=True) > MAX_NESTING:
        raise TemplateError(source, "", f"arrays or tables are nested more than {MAX_NESTING} deep; a template "
                                        "nests a few levels at most")
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise TemplateError(source, "", f"arrays or tables are nested too deep (more than {MAX_NESTING} levels)") from None
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise TemplateError(source, "", f"not valid TOML ({exc})", line=line) from None
    return _build(data, source, text)


def template_from_dict(data: Mapping[str, Any], source: str = "<stored>") -> Template:
    """Rebuild a template from ``template_to_dict`` output; checks ``sha256`` when present."""
    if not isinstance(data, Mapping):
        raise TemplateError(source, "", f"expected a mapping, got {type(data).__name__}")
    template = _build(data, source, None)
    stored = data.get("sha256")
    if stored is not None and stored != template.sha256:
        raise TemplateError(
            source, f"template '{template.key}'", "content does not match its recorded sha256 (altered?)"
        )
    return template


def template_content(template: Template) -> dict[str, Any]:
    """Plain JSON-safe content of a template (without its hash)."""
    return {
        "key": template.key,
        "version": template.version,
        "name": template.name,
        "description": template.description,
        "fields": [
            {
                "key": f.key,
                "label": f.label,
                "type": f.type,
                "choices": list(f.choices),
                "required": f.required,
                "personal": f.personal,
                "reference": f.reference,
                "aliases": list(f.aliases),
                "description": f.description,
            }
            for f in template.fields
        ],
        "criteria": [
            {
                "key": c.key,
                "question": c.question,
                "guidance": c.guidance,
                "answer": c.answer,
                "choices": list(c.choices),
                "critical": c.critical,
                "rule": _rule_to_dict(c.rule) if c.rule else None,
                "agreement_with": c.agreement_with,
                # scope keys only when set, so templates without them keep their recorded sha256
                **({"screening": True} if c.screening else {}),
                **({"applies_if": {"criterion": c.applies_if[0], "answer": c.applies_if[1]}}
                   if c.applies_if else {}),
            }
            for c in template.criteria
        ],
        # only when set, so templates without them keep their recorded sha256
        **({"family": template.family} if template.family else {}),
        **({"sample_size": template.sample_size} if template.sample_size is not None else {}),
        **({"sample_basis": template.sample_basis} if template.sample_basis else {}),
    }


def template_to_dict(template: Template) -> dict[str, Any]:
    """JSON-safe dict of the template plus its ``sha256`` (what the database stores)."""
    content = template_content(template)
    content["sha256"] = template.sha256
    return content


def _rule_to_dict(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": rule.kind}
    for name, value in rule.params.items():
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = {k: list(v) if isinstance(v, tuple) else v for k, v in value.items()}
        out[name] = value
    return out


# --------------------------------------------------------------------------- validation


class _Checker:
    def __init__(self, source: str, text: str | None) -> None:
        self.source = source
        self.text = text

    def fail(self, location: str, problem: str, key: str | None = None) -> TemplateError:
        return TemplateError(self.source, location, problem, line=self._line_of(key))

    def _line_of(self, key: str | None) -> int | None:
        if not self.text or not key:
            return None
        pattern = re.compile(r"^\s*key\s*=\s*[\"']" + re.escape(key) + r"[\"']", re.M)
        match = pattern.search(self.text)
        return self.text.count("\n", 0, match.start()) + 1 if match else None

    def text_value(self, table: Mapping[str, Any], name: str, where: str, key: str | None,
                   required: bool = True) -> str:
        value = table.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(where, f"'{name}' must be non-empty text", key)
        return value.strip()

    def flag(self, table: Mapping[str, Any], name: str, where: str, key: str | None) -> bool:
        value = table.get(name, False)
        if not isinstance(value, bool):
            raise self.fail(where, f"'{name}' must be true or false, got {value!r}", key)
        return value

    def strings(self, table: Mapping[str, Any], name: str, where: str, key: str | None) -> tuple[str, ...]:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, f"'{name}' must be a list of non-empty texts", key)
        items = tuple(v.strip() for v in value)
        seen: set[str] = set()
        for item in items:
            norm = normalise_label(item)
            if norm in seen:
                raise self.fail(where, f"'{name}' lists {item!r} twice", key)
            seen.add(norm)
        return items

    def unknown(self, table: Mapping[str, Any], allowed: set[str], where: str, key: str | None) -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            raise self.fail(where, f"unknown entry {extra[0]!r}; allowed: {', '.join(sorted(allowed))}", key)


def _build(data: Mapping[str, Any], source: str, text: str | None) -> Template:
    ck = _Checker(source, text)
    ck.unknown(data, _TEMPLATE_KEYS, "template", None)
    key = data.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ck.fail("template", f"'key' must be lower-case letters, digits, '_' or '-', got {key!r}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ck.fail(f"template '{key}'", f"'version' must be a whole number of at least 1, got {version!r}")
    name = ck.text_value(data, "name", f"template '{key}'", None)
    description = ck.text_value(data, "description", f"template '{key}'", None, required=False)
    family = ck.text_value(data, "family", f"template '{key}'", None, required=False)
    sample_basis = ck.text_value(data, "sample_basis", f"template '{key}'", None, required=False)
    sample_size = data.get("sample_size")
    if sample_size is not None and (not isinstance(sample_size, int) or isinstance(sample_size, bool)
                                    or not 1 <= sample_size <= MAX_DEFAULT_SAMPLE):
        raise ck.fail(f"template '{key}'", f"'sample_size' must be a whole number from 1 to {MAX_DEFAULT_SAMPLE}, "
                      f"got {sample_size!r}")

    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise ck.fail(f"template '{key}'", "needs at least one [[fields]] entry")
    fields = tuple(_build_field(ck, raw, i) for i, raw in enumerate(raw_fields, 1))
    by_key: dict[str, Field] = {}
    for f in fields:
        if f.key in by_key:
            raise ck.fail(f"field '{f.key}'", "duplicate field key", f.key)
        by_key[f.key] = f
    references = [f for f in fields if f.reference]
    if len(references) != 1:
        names = ", ".join(f.key for f in references) or "none"
        raise ck.fail(
            f"template '{key}'",
            f"exactly one field must have reference = true (the case reference); found {names}",
        )

    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        raise ck.fail(f"template '{key}'", "needs at least one [[criteria]] entry")
    criteria = tuple(_build_criterion(ck, raw, i, by_key) for i, raw in enumerate(raw_criteria, 1))
    seen: dict[str, Criterion] = {}
    for c in criteria:
        if c.key in seen:
            raise ck.fail(f"criterion '{c.key}'", "duplicate criterion key", c.key)
        if c.applies_if is not None:
            parent = seen.get(c.applies_if[0])
            if parent is None:
                raise ck.fail(f"criterion '{c.key}'", f"'applies_if' must name an earlier criterion; "
                              f"{c.applies_if[0]!r} is not one listed above it", c.key)
            if parent.answer != "yes_no_na" or parent.screening:
                raise ck.fail(f"criterion '{c.key}'", f"'applies_if' must name a yes/no/n/a criterion that is "
                              f"not a screening question ({parent.key!r} is not)", c.key)
        seen[c.key] = c
    rated = [c for c in criteria if c.answer == "yes_no_na" and not c.screening]
    if not rated and any(c.screening for c in criteria):
        raise ck.fail(f"template '{key}'", "has screening criteria but nothing left to score")
    return Template(key, version, name, description, fields, criteria, source=source, family=family,
                    sample_size=sample_size, sample_basis=sample_basis)


def _entry_key(ck: _Checker, raw: Any, kind: str, index: int) -> str:
    if not isinstance(raw, Mapping):
        raise ck.fail(f"{kind} #{index}", "must be a table")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ck.fail(f"{kind} #{index}", f"'key' must be lower-case letters, digits, '_' or '-', got {key!r}")
    return key


def _build_field(ck: _Checker, raw: Any, index: int) -> Field:
    key = _entry_key(ck, raw, "field", index)
    where = f"field '{key}'"
    ck.unknown(raw, _FIELD_KEYS, where, key)
    ftype = raw.get("type")
    if ftype not in FIELD_TYPES:
        raise ck.fail(where, f"unknown field type {ftype!r}; use one of {', '.join(FIELD_TYPES)}", key)
    choices = ck.strings(raw, "choices", where, key)
    if ftype == "choice" and not choices:
        raise ck.fail(where, "a choice field needs a non-empty 'choices' list", key)
    if ftype != "choice" and choices:
        raise ck.fail(where, f"'choices' only applies to choice fields, not {ftype}", key)
    reference = ck.flag(raw, "reference", where, key)
    if reference and ftype not in ("text", "number"):
        raise ck.fail(where, "the reference field must be text or number", key)
    return Field(
        key=key,
        label=ck.text_value(raw, "label", where, key),
        type=ftype,
        choices=choices,
        required=ck.flag(raw, "required", where, key) or reference,
        personal=ck.flag(raw, "personal", where, key),
        reference=reference,
        aliases=ck.strings(raw, "aliases", where, key),
        description=ck.text_value(raw, "description", where, key, required=False),
    )


def _build_criterion(ck: _Checker, raw: Any, index: int, fields: Mapping[str, Field]) -> Criterion:
    key = _entry_key(ck, raw, "criterion", index)
    where = f"criterion '{key}'"
    ck.unknown(raw, _CRITERION_KEYS, where, key)
    answer = raw.get("answer")
    if answer not in ANSWER_TYPES:
        raise ck.fail(where, f"unknown answer type {answer!r}; use one of {', '.join(ANSWER_TYPES)}", key)
    choices = ck.strings(raw, "choices", where, key)
    if answer == "choice" and not choices:
        raise ck.fail(where, "a choice answer needs a non-empty 'choices' list", key)
    if answer != "choice" and choices:
        raise ck.fail(where, f"'choices' only applies to choice answers, not {answer}", key)
    rule = None
    if raw.get("rule") is not None:
        if answer != "yes_no_na":
            raise ck.fail(where, f"a computed rule gives yes/no/n/a, so the answer must be yes_no_na, not {answer}", key)
        rule = _build_rule(ck, raw["rule"], where, key, fields)
    screening = ck.flag(raw, "screening", where, key)
    if screening and (answer != "yes_no_na" or ck.flag(raw, "critical", where, key)):
        raise ck.fail(where, "a screening criterion is a yes/no/n/a scope question and is never critical "
                             "(it decides whether the case is in scope; it is not scored)", key)
    applies_if = _build_applies_if(ck, raw.get("applies_if"), where, key)
    if applies_if is not None and (screening or answer != "yes_no_na"):
        raise ck.fail(where, "'applies_if' is for scored yes/no/n/a criteria", key)
    agreement_with = raw.get("agreement_with")
    if agreement_with is not None:
        target = fields.get(agreement_with) if isinstance(agreement_with, str) else None
        if target is None:
            raise ck.fail(where, f"'agreement_with' refers to unknown field {agreement_with!r}", key)
        if answer != "choice" or target.type != "choice":
            raise ck.fail(where, "'agreement_with' pairs a choice answer with a choice field", key)
        if sorted(map(normalise_label, choices)) != sorted(map(normalise_label, target.choices)):
            raise ck.fail(where, f"choices must be the same as those of field '{target.key}' for an agreement table", key)
    return Criterion(
        key=key,
        question=ck.text_value(raw, "question", where, key),
        answer=answer,
        guidance=ck.text_value(raw, "guidance", where, key, required=False),
        choices=choices,
        critical=ck.flag(raw, "critical", where, key),
        rule=rule,
        agreement_with=agreement_with,
        screening=screening,
        applies_if=applies_if,
    )


def _build_applies_if(ck: _Checker, raw: Any, where: str, key: str) -> tuple[str, str] | None:
    """``applies_if = "parent"`` (parent answered yes) or ``{ criterion = "parent", answer = "no" }``."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"criterion": raw}
    if not isinstance(raw, Mapping) or set(raw) - {"criterion", "answer"} or not isinstance(raw.get("criterion"), str):
        raise ck.fail(where, "'applies_if' must be a criterion key or { criterion = \"key\", answer = \"yes\" }", key)
    answer = raw.get("answer", "yes")
    if answer not in _ANSWERS:
        raise ck.fail(where, f"'applies_if' answer must be one of {', '.join(_ANSWERS)}, got {answer!r}", key)
    if raw["criterion"] == key:
        raise ck.fail(where, "'applies_if' cannot name the criterion itself", key)
    return raw["criterion"], answer


def _build_rule(ck: _Checker, raw: Any, where: str, key: str, fields: Mapping[str, Field]) -> Rule:
    if not isinstance(raw, Mapping):
        raise ck.fail(where, "'rule' must be a table with a 'kind'", key)
    kind = raw.get("kind")
    if kind not in _RULE_SPECS:
        raise ck.fail(where, f"unknown rule kind {kind!r}; use one of {', '.join(RULE_KINDS)}", key)
    required, optional = _RULE_SPECS[kind]
    allowed = set(required) | set(optional) | {"kind", "applies_when"}
    ck.unknown(raw, allowed, f"{where} rule {kind}", key)
    for name in required:
        if name not in raw:
            raise ck.fail(f"{where} rule {kind}", f"missing '{name}'", key)
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if name == "kind":
            continue
        if name == "applies_when":
            params[name] = _build_condition(ck, value, where, key, fields)
            continue
        spec = required.get(name) or optional[name]
        params[name] = _check_param(ck, f"{where} rule {kind}", key, name, spec, value, fields)
    if kind == "minutes_within_target" and "target_minutes" not in params and "grade_field" not in params:
        raise ck.fail(f"{where} rule {kind}", "needs 'grade_field' (target from force settings) or 'target_minutes'", key)
    if kind == "count_at_least" and ("threshold" in params) == ("threshold_setting" in params):
        raise ck.fail(f"{where} rule {kind}", "give exactly one of 'threshold' or 'threshold_setting'", key)
    if kind == "within_hours" and ("hours" in params) == ("hours_setting" in params):
        raise ck.fail(f"{where} rule {kind}", "give exactly one of 'hours' or 'hours_setting'", key)
    if kind == "value_in_set":
        target = fields[params["field"]]
        if target.type == "choice":
            known = {normalise_label(c) for c in target.choices}
            for value in params["values"]:
                if normalise_label(value) not in known:
                    raise ck.fail(f"{where} rule {kind}", f"value {value!r} is not a choice of field '{target.key}'", key)
    return Rule(kind, params)


def _check_param(ck: _Checker, where: str, key: str, name: str, spec: str, value: Any,
                 fields: Mapping[str, Field]) -> Any:
    if spec.startswith("field:"):
        if not isinstance(value, str) or value not in fields:
            raise ck.fail(where, f"'{name}' refers to unknown field {value!r}", key)
        wanted = spec.split(":", 1)[1]
        if wanted != "*" and fields[value].type != wanted:
            raise ck.fail(where, f"'{name}' must be a {wanted} field; '{value}' is {fields[value].type}", key)
        return value
    if spec == "int":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ck.fail(where, f"'{name}' must be a whole number, got {value!r}", key)
        return value
    if spec == "setting":
        if value not in NUMERIC_RULE_SETTINGS:
            raise ck.fail(where, f"'{name}' refers to unknown force setting {value!r}; use one of "
                                 f"{', '.join(NUMERIC_RULE_SETTINGS)}", key)
        return value
    if spec == "missing":
        if value not in ("n/a", "no"):
            raise ck.fail(where, f"'{name}' must be \"n/a\" or \"no\", got {value!r}", key)
        return value
    if spec == "strings":
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise ck.fail(where, f"'{name}' must be a non-empty list of texts", key)
        return tuple(v.strip() for v in value)
    raise AssertionError(spec)  # pragma: no cover - specs are fixed above


def _build_condition(ck: _Checker, raw: Any, where: str, key: str, fields: Mapping[str, Field]) -> Mapping[str, Any]:
    loc = f"{where} rule applies_when"
    if not isinstance(raw, Mapping) or set(raw) != {"field", "values"}:
        raise ck.fail(loc, "must be a table with exactly 'field' and 'values'", key)
    field_key = _check_param(ck, loc, key, "field", "field:*", raw["field"], fields)
    values = _check_param(ck, loc, key, "values", "strings", raw["values"], fields)
    return {"field": field_key, "values": values}
