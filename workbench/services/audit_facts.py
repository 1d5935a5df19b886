"""What a pack says about how each audit was done, in plain words: the period the extract covers,
who was included, the population, when the fieldwork was done and by whom, the second review and
the limitations; and each case's notes with the template's own words (field labels, criterion
questions) in place of internal keys.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from workbench.services.agreement import Agreement
from workbench.services.population_exclusions import methodology_text as exclusions_text
from workbench.services.scoring import AuditScore, CaseScore
from workbench.store.models import Audit, Response, SampledCase, User
from workbench.store.uow import UnitOfWork
from workbench.templates.schema import Template
from workbench.wording import counted


@dataclass(frozen=True)
class AuditFacts:
    extract_period: str
    inclusion: str
    fieldwork: str
    auditors: str
    second_review: str
    limitations: tuple[str, ...]


def _day(value: str | datetime | None) -> str:
    if value is None:
        return ""
    when = value if isinstance(value, datetime) else None
    if when is None:
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
    return f"{when.day} {when:%B %Y}"


def extract_period(audit: Audit, template: Template) -> str:
    span = (audit.plan or {}).get("extract_period")
    if not span:
        return "not recorded (the sample was drawn before the workbench recorded the extract's dates)"
    try:
        label = template.field(span["field"]).label
    except (KeyError, ValueError):
        label = span.get("field", "date")
    return f"{_day(span['first'])} to {_day(span['last'])} (first and last '{label}' in the extract)"


def _names(uow: UnitOfWork, usernames: set[str]) -> str:
    if not usernames:
        return "not recorded"
    rows = dict(uow.session.execute(select(User.username, User.display_name)
                                    .where(User.username.in_(usernames))).all())
    return ", ".join(sorted(rows.get(u) or u for u in usernames))


def _answers(uow: UnitOfWork, audit_id: int, role: str, computed: bool | None = None):
    q = (select(func.min(Response.answered_at), func.max(Response.answered_at))
         .join(SampledCase, SampledCase.id == Response.case_id)
         .where(SampledCase.audit_id == audit_id, Response.role == role, Response.value.is_not(None)))
    people = (select(Response.answered_by).distinct().join(SampledCase, SampledCase.id == Response.case_id)
              .where(SampledCase.audit_id == audit_id, Response.role == role, Response.value.is_not(None)))
    if computed is not None:
        q, people = q.where(Response.computed.is_(computed)), people.where(Response.computed.is_(computed))
    first, last = uow.session.execute(q).one()
    return first, last, {u for u in uow.session.scalars(people) if u}


def audit_facts(uow: UnitOfWork, audit: Audit, template: Template, score: AuditScore,
                review: Agreement) -> AuditFacts:
    plan = audit.plan or {}
    first, last, people = _answers(uow, audit.id, "primary", computed=False)
    if first is None:  # every answer computed from the case fields
        first, last, people = _answers(uow, audit.id, "primary")
    fieldwork = "no answers recorded" if first is None else (
        _day(first) if _day(first) == _day(last) else f"{_day(first)} to {_day(last)}")
    inclusion = [f"every case in the extract {audit.population_name} "
                 f"({audit.population_size or 0:,} cases)"]
    excluded = exclusions_text(plan)
    if excluded:
        inclusion.append(excluded.rstrip("."))
    screening = [c.question.rstrip("?") for c in template.criteria if c.screening]
    if screening:
        inclusion.append("in scope only where the answer to '" + "'; '".join(screening) + "' is yes")
    if review.cases_reviewed:
        _, _, second = _answers(uow, audit.id, "second")
        rate = "" if review.rate is None else f" ({review.rate * 100:.1f} %)"
        second_review = (f"{counted(review.cases_reviewed, 'case')} re-checked by a second reviewer ({_names(uow, second)}): "
                         f"{review.agreed} of {review.pairs} answers agreed{rate}")
    else:
        second_review = "none: no case was re-checked by a second reviewer"
    return AuditFacts(extract_period(audit, template), "; ".join(inclusion), fieldwork, _names(uow, people),
                      second_review, limitations(audit, score, review))


def limitations(audit: Audit, score: AuditScore, review: Agreement) -> tuple[str, ...]:
    plan = audit.plan or {}
    out = []
    n, size = score.cases_in_use, audit.population_size or 0
    if size and n >= size:
        out.append("Every case of the extract was checked (a census): there is no sampling error.")
    else:
        out.append(f"A sample of {n:,} of {size:,} cases: the rates are estimates, with the 95 % intervals shown.")
    if not plan.get("extract_period"):
        out.append("The period the extract covers was not recorded when the sample was drawn.")
    out.append("Only what the case records show was assessed; the results cover the extract's period only.")
    if score.unusable:  # how many is in the methodology appendix (a release copy suppresses a small count)
        out.append("Sampled cases that could not be used were replaced from the reserve list, in the order the "
                   "draw gave (see the methodology appendix).")
    if score.incomplete:
        out.append(f"{score.incomplete} case{'s are' if score.incomplete != 1 else ' is'} not fully answered "
                   "and left out of the case compliance.")
    if score.out_of_scope:
        out.append(f"{score.out_of_scope} case{'s were' if score.out_of_scope != 1 else ' was'} out of scope "
                   "and not scored.")
    if not review.cases_reviewed:
        out.append("No second review: the answers rest on one auditor's judgement.")
    if score.baseline is None:
        out.append("No inspection baseline is compared.")
    return tuple(out)


# -- notes in plain words --------------------------------------------------------------------------
_NOT_ONE_OF = re.compile(r"^(?P<field>.+?) is (?P<value>.*?), not one of (?P<allowed>.+)$")
_KEY_IN_BRACKETS = re.compile(r"\s*\(([a-z][a-z0-9_]*)\)")


def _or(values: str) -> str:
    items = [v.strip() for v in values.split(",") if v.strip()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def plain_words(text: str, labels: Mapping[str, str]) -> str:
    """A computed rule's working or an auditor's note with field keys replaced by their labels:
    "uof_form_ref is not recorded" -> "Use-of-force form reference is not recorded". The same
    working recurs across thousands of cases: each is worked out once."""
    return _plain_words(text, tuple(labels.items()))


@functools.lru_cache(maxsize=8192)
def _plain_words(text: str, items: tuple[tuple[str, str], ...]) -> str:
    labels = dict(items)
    text = _KEY_IN_BRACKETS.sub(lambda m: "" if m.group(1) in labels else m.group(0), text.strip())
    parts = []
    for part in text.split("; "):
        m = _NOT_ONE_OF.match(part)
        if m and m.group("field") in labels:
            value = m.group("value").strip()
            label = labels[m.group("field")]
            part = (f"no {label.lower()} recorded (needed: {_or(m.group('allowed'))})"
                    if value.lower() in ("", "none", "null", "n/a") else
                    f"{label} recorded as {value}, not {_or(m.group('allowed'))}")
        parts.append(part)
    text = "; ".join(parts)
    if labels:
        text = _keys_pattern(tuple(labels)).sub(lambda m: labels[m.group(0)], text)
    return text[:1].upper() + text[1:]


@functools.lru_cache(maxsize=64)
def _keys_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the field keys as a whole word, the longest first (a key inside a longer one is not
    replaced on its own)."""
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def notable_notes(case: CaseScore, template: Template) -> str:
    """Why a case is not compliant: each criterion not met by its question, with the auditor's
    comment or the computed working in words; a comment shared by several criteria said once."""
    labels = {f.key: f.label for f in template.fields}
    questions = {c.key: c.question.strip().rstrip("?.") for c in template.criteria}
    why_by: dict[str, list[str]] = {}
    for key in case.failed:
        why = case.comments.get(key) or case.workings.get(key) or ""
        why_by.setdefault(plain_words(why, labels) if why else "", []).append(questions.get(key, key))
    parts = []
    for why, names in why_by.items():
        text = "Not met: " + "; ".join(names)
        parts.append(f"{text} \u2013 {why.rstrip('.')}." if why else f"{text}.")
    shown = {w for w in why_by}
    for key, comment in case.comments.items():
        words = plain_words(comment, labels)
        if key not in case.failed and words not in shown:
            shown.add(words)
            parts.append(f"{questions.get(key, key)}: {words.rstrip('.')}.")
    return " ".join(parts)
