"""Template versions stored in the workspace: built-ins, custom imports, pinning, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import ADMIN, ADMIN_PASS
from workbench.services import audits, templates
from workbench.store.models import AuditTemplate, TemplateCriterion
from workbench.templates import TemplateError, builtin_templates

CUSTOM = """
key = "custody-review"
version = {version}
name = "Custody record review"

[[fields]]
key = "custody_ref"
label = "Custody reference"
type = "text"
reference = true

[[fields]]
key = "booked_in"
label = "Booked in"
type = "datetime"

[[criteria]]
key = "rights_given"
question = "{question}"
answer = "yes_no_na"
critical = true
"""


def _write(tmp_path: Path, version: int = 1, question: str = "Were the detainee's rights given?") -> Path:
    path = tmp_path / f"custody-v{version}-{abs(hash(question)) % 1000}.toml"
    path.write_text(CUSTOM.format(version=version, question=question), encoding="utf-8")
    return path


def test_builtins_are_stored_once_and_read_back_unchanged(workspace) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        listed = templates.list_templates(uow)
        again = templates.list_templates(uow)
        assert [(t.key, t.version) for t in listed] == [(t.key, t.version) for t in builtin_templates()]
        assert listed == again and {t.source for t in listed} == {"builtin"}
        for info, builtin in zip(listed, builtin_templates(), strict=True):
            assert templates.get_template(uow, info.id) == builtin
            assert info.sha256 == builtin.sha256
        attendance = next(t for t in listed if t.key == "response-attendance")
        assert (attendance.criteria, attendance.critical, attendance.computed) == (8, 4, 1)
        rows = uow.session.scalars(select(TemplateCriterion).where(TemplateCriterion.template_id == attendance.id)
                                   .order_by(TemplateCriterion.position)).all()
        assert [r.key for r in rows][-3:] == ["attended_within_target", "caller_updated_on_delay",
                                              "minutes_to_arrival"]
        assert rows[-3].computed and rows[-3].critical and rows[-1].answer_type == "number"
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditTemplate)) == len(builtin_templates())


def test_custom_import_is_idempotent_and_a_changed_same_version_is_refused(workspace, tmp_path) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        info, created = templates.import_template(uow, _write(tmp_path))
        assert created and info.source == "imported" and info.key == "custody-review"
        again, created_again = templates.import_template(uow, _write(tmp_path))
        assert not created_again and again.id == info.id
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        with pytest.raises(TemplateError, match="already stored .* new version number"):
            templates.import_template(uow, _write(tmp_path, question="Were rights and entitlements given?"))
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        with pytest.raises(TemplateError, match="response-attendance' version 1"):
            bad = tmp_path / "clash.toml"
            text = CUSTOM.format(version=1, question="Q?").replace("custody-review", "response-attendance")
            bad.write_text(text, encoding="utf-8")
            templates.import_template(uow, bad)
    broken = tmp_path / "broken.toml"
    broken.write_text('key = "x"\nversion = \n', encoding="utf-8")
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        with pytest.raises(TemplateError) as err:
            templates.import_template(uow, broken)
        assert "broken.toml line 2" in str(err.value)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditTemplate)
                                  .where(AuditTemplate.key == "custody-review")) == 1


def test_audits_pin_the_template_version(workspace, tmp_path) -> None:
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS) as uow:
        templates.import_template(uow, _write(tmp_path))
        old = audits.create_audit(uow, "custody-review", "Custody dip", size=20)
        templates.import_template(uow, _write(tmp_path, 2, "Were rights given and recorded?"))
        new = audits.create_audit(uow, "custody-review", "Custody dip 2", size=20)
        pinned = audits.create_audit(uow, "custody-review", "Custody dip 3", size=20, template_version=1)
    with workspace.unit_of_work(ADMIN, passphrase=ADMIN_PASS, write=False) as uow:
        assert audits.get_audit(uow, old.id).template_version == 1
        assert (new.template_version, pinned.template_version) == (2, 1)
        question = templates.get_template(uow, old.template_id).criterion("rights_given").question
        assert question == "Were the detainee's rights given?"
