"""The quality of service self-check family: one template per stage of the inspectorate's review,
each defaulting to its small file count; ``family`` / ``sample_size`` are checked like any entry."""

from __future__ import annotations

import pytest

from workbench.templates import TemplateError, builtin_templates, load_template
from workbench.templates.loading import template_content

STAGES = {  # the review's five stages and its two further areas (docs/peel-2025-27.md)
    "qos-call-handling": "call handling",
    "qos-deployment": "deployment and response",
    "qos-crime-recording": "crime recording",
    "qos-investigation": "investigation",
    "qos-outcomes": "outcomes",
    "qos-safeguarding": "safeguarding",
    "qos-antisocial-behaviour": "anti-social behaviour",
}


def _family():
    return {t.key: t for t in builtin_templates() if t.family == "Quality of service self-check"}


def test_one_template_per_review_stage_with_ten_files():
    family = _family()
    assert set(family) == set(STAGES)
    for key, t in family.items():
        assert t.name == f"Quality of service: {STAGES[key]}"
        assert t.sample_size == 10 and "indicative" in t.sample_basis
        assert sum(c.critical for c in t.criteria) >= 3
        assert all(c.answer == "yes_no_na" for c in t.criteria)
    assert "15 fraud" in family["qos-call-handling"].sample_basis
    assert "15 fraud investigations" in family["qos-investigation"].sample_basis
    for key in ("qos-crime-recording", "qos-safeguarding", "qos-antisocial-behaviour"):
        assert "could not be confirmed" in family[key].sample_basis  # said, not invented


def test_family_keys_enter_the_content_hash_only_when_set():
    for t in builtin_templates():
        content = template_content(t)
        assert ("sample_size" in content) == (t.sample_size is not None)
        assert ("family" in content) == bool(t.family)


GOOD = '''key = "mini"
version = 1
name = "Mini"
{extra}
[[fields]]
key = "ref"
label = "Reference"
type = "text"
reference = true

[[criteria]]
key = "ok"
question = "OK?"
answer = "yes_no_na"
'''


@pytest.mark.parametrize("extra, message", [
    ("sample_size = 0", "'sample_size' must be a whole number from 1 to 1000"),
    ("sample_size = 10.5", "'sample_size' must be a whole number"),
    ("sample_size = true", "'sample_size' must be a whole number"),
    ("sample_size = 5000", "from 1 to 1000"),
    ('family = 3', "'family' must be non-empty text"),
])
def test_bad_family_entries_are_refused(extra, message):
    with pytest.raises(TemplateError, match=message):
        load_template(GOOD.format(extra=extra))


def test_a_template_without_them_is_unchanged():
    t = load_template(GOOD.format(extra=""))
    assert t.family == "" and t.sample_size is None
    assert "family" not in template_content(t)
    assert load_template(GOOD.format(extra="sample_size = 15")).sample_size == 15
