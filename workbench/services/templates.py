"""Audit templates in the workspace: each version stored once, immutable, pinned by its audits.

The built-in templates are copied into the workspace the first time templates are used. A
template version is identified by its key and version number; storing the same key and version
with different content (a different SHA-256) is refused, so an audit always scores against
exactly the template it was planned with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workbench.errors import NotFoundError
from workbench.services.access import require
from workbench.store.models import AuditTemplate, TemplateCriterion
from workbench.store.uow import UnitOfWork
from workbench.templates import (
    Template,
    TemplateError,
    builtin_templates,
    load_template,
    template_from_dict,
    template_to_dict,
)


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    key: str
    version: int
    name: str
    description: str
    sha256: str
    source: str  # builtin | imported
    criteria: int
    critical: int
    computed: int
    created_at: datetime | None
    family: str = ""  # e.g. "Quality of service self-check"
    sample_size: int | None = None  # the default number of cases (templates/schema.py)
    sample_basis: str = ""


def _info(row: AuditTemplate) -> TemplateInfo:
    definition = row.definition or {}
    criteria = definition.get("criteria", [])
    return TemplateInfo(
        row.id, row.key, row.version, row.name, definition.get("description", ""), row.sha256, row.source,
        len(criteria), sum(1 for c in criteria if c.get("critical")),
        sum(1 for c in criteria if c.get("rule")), row.created_at,
        definition.get("family", ""), definition.get("sample_size"), definition.get("sample_basis", ""),
    )


def _find(uow: UnitOfWork, key: str, version: int) -> AuditTemplate | None:
    return uow.session.scalar(select(AuditTemplate).where(AuditTemplate.key == key,
                                                          AuditTemplate.version == version))


def _conflict(template: Template, stored: AuditTemplate) -> TemplateError:
    return TemplateError(
        template.source, f"template '{template.key}' version {template.version}",
        f"is already stored (as {stored.source}) with different content (sha256 {stored.sha256[:12]}… "
        f"vs {template.sha256[:12]}…); audits pin a version, so it cannot change. "
        f"Give the changed template a new version number (e.g. version = {template.version + 1})",
    )


def _store(uow: UnitOfWork, template: Template, source: str) -> tuple[AuditTemplate, bool]:
    """The stored row for this template version, inserting it if new. (row, created)."""
    existing = _find(uow, template.key, template.version)
    if existing is not None:
        if existing.sha256 != template.sha256:
            raise _conflict(template, existing)
        return existing, False
    row = AuditTemplate(key=template.key, version=template.version, name=template.name,
                        sha256=template.sha256, definition=template_to_dict(template), source=source)
    try:
        with uow.session.begin_nested():  # another user may store the same version at the same moment
            uow.session.add(row)
            uow.session.flush()
            for position, c in enumerate(template.criteria, start=1):
                uow.session.add(TemplateCriterion(
                    template_id=row.id, position=position, key=c.key, question=c.question,
                    answer_type=c.answer, critical=c.critical, computed=c.rule is not None))
            uow.session.flush()
    except IntegrityError:
        existing = _find(uow, template.key, template.version)
        if existing is None:
            raise
        if existing.sha256 != template.sha256:
            raise _conflict(template, existing) from None
        return existing, False
    uow.log("template", row.id, "store", None,
            {"key": row.key, "version": row.version, "sha256": row.sha256, "source": source})
    return row, True


def sync_builtins(uow: UnitOfWork) -> int:
    """Store any built-in template version the workspace does not have yet; returns how many.

    A reading unit of work stores nothing (a read never writes): it sees the versions stored when
    the workspace was created or by the latest writing action.
    """
    if not uow.writable:
        return 0
    known = {(k, v): sha for k, v, sha in uow.session.execute(
        select(AuditTemplate.key, AuditTemplate.version, AuditTemplate.sha256))}
    added = 0
    for template in builtin_templates():
        sha = known.get((template.key, template.version))
        if sha == template.sha256:
            continue
        _, created = _store(uow, template, "builtin")
        added += created
    return added


def import_template(uow: UnitOfWork, path: str | Path) -> tuple[TemplateInfo, bool]:
    """Validate a custom template (TOML) and store it. Returns (info, newly stored).

    Importing the identical template again changes nothing; the same key and version with other
    content is refused with a TemplateError saying to raise the version number.
    """
    require(uow.actor, "audits.edit")
    template = load_template(Path(path))
    sync_builtins(uow)
    row, created = _store(uow, template, "imported")
    return _info(row), created


def list_templates(uow: UnitOfWork) -> list[TemplateInfo]:
    """Every stored template version (built-ins included), by key then version."""
    require(uow.actor, "read")
    sync_builtins(uow)
    rows = uow.session.scalars(select(AuditTemplate).order_by(AuditTemplate.key, AuditTemplate.version))
    return [_info(r) for r in rows]


def get_template(uow: UnitOfWork, template_id: int) -> Template:
    """The stored template version, rebuilt and checked against its recorded SHA-256."""
    require(uow.actor, "read")
    cache = uow.session.info.setdefault("workbench.templates", {})  # one action reuses what it checked
    if template_id in cache:
        return cache[template_id]
    row = uow.session.get(AuditTemplate, template_id)
    if row is None:
        raise NotFoundError(f"no audit template with id {template_id}", "see workbench templates list")
    template = template_from_dict(row.definition, source=f"stored template {row.key} v{row.version}")
    if template.sha256 != row.sha256:
        raise TemplateError(template.source, "", "the stored content does not match its recorded sha256")
    cache[template_id] = template
    return template


def template_row(uow: UnitOfWork, key: str, version: int | None = None) -> AuditTemplate:
    """The stored row for a key: the given version, or the highest one."""
    sync_builtins(uow)
    q = select(AuditTemplate).where(AuditTemplate.key == key)
    if version is not None:
        q = q.where(AuditTemplate.version == version)
    row = uow.session.scalar(q.order_by(AuditTemplate.version.desc()))
    if row is None:
        keys = sorted(set(uow.session.scalars(select(AuditTemplate.key))))
        what = f"'{key}'" + (f" version {version}" if version is not None else "")
        raise NotFoundError(f"no audit template {what}", f"known templates: {', '.join(keys)}")
    return row


def show_template(uow: UnitOfWork, key: str, version: int | None = None) -> tuple[TemplateInfo, Template]:
    """A template version (the highest one unless ``version`` is given) with its fields and criteria."""
    require(uow.actor, "read")
    row = template_row(uow, key.strip(), version)
    return _info(row), get_template(uow, row.id)


def rule_words(template: Template, criterion_key: str) -> str:
    """What a computed criterion reads, in words (e.g. "computed from Call received, First resource
    arrived, Final grade, Urban or rural and the force's attendance targets")."""
    rule = template.criterion(criterion_key).rule
    if rule is None:
        return ""
    labels = []
    for key in rule.field_keys():
        try:
            labels.append(template.field(key).label)
        except KeyError:
            labels.append(key)
    extra = {"minutes_within_target": " and the force's attendance targets and clock start"}.get(rule.kind, "")
    listed = ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1] if labels else "the case"
    return f"computed ({rule.kind.replace('_', ' ')}) from {listed}{extra}"
