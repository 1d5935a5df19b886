"""The score of one audit round: headline compliance with its interval, RAG and why, the comparison
with the inspection baseline, per criterion, per stratum and the trend across rounds."""

from __future__ import annotations

from workbench.gui.layouts import clear_layout, shown_text, shown_within
from workbench.gui.qt import QGridLayout, QHBoxLayout, Qt, QVBoxLayout, QWidget
from workbench.gui.style import RAG_TONES, card, label, rag_words, rule, tag
from workbench.gui.tables import TextTable
from workbench.gui.trend_chart import TrendChart
from workbench.services.scoring import RULE_WORDS, AuditScore, pct, target_text
from workbench.stats import Interval


def interval_words(i: Interval | None) -> str:
    return "—" if i is None else f"{pct(i.point)} ({i.low * 100:.1f} – {i.high * 100:.1f} %)"


def sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")) if text else ""


class AuditScoreView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditScore")
        self.score: AuditScore | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self._head = QVBoxLayout()
        self._head.setSpacing(8)
        layout.addLayout(self._head)
        self.criteria = TextTable("criteriaTable", ("Criterion", "Critical", "Met", "Applicable", "N/A",
                                                    "Not answered", "Rate (95 % interval)"), right=(2, 3, 4, 5, 6),
                               spoken="Compliance by criterion")
        self.strata = TextTable("strataTable", ("Stratum", "Population", "Weight", "Complete cases", "Compliant",
                                                "Incomplete", "Rate (95 % interval)"), right=(1, 2, 3, 4, 5, 6),
                             spoken="Compliance by stratum")
        self.trend = TrendChart()
        self.rounds = TextTable("roundsTable", ("Round", "Title", "Complete cases", "Compliant",
                                                "Compliance (95 % interval)"), stretch=1, right=(0, 2, 3, 4),
                             spoken="Compliance across rounds")
        self.strata_note = label("", "muted", wrap=True)
        self._strata_title = label("By stratum", "section")
        self._parts = [label("Criteria", "section"), self.criteria, self._strata_title, self.strata,
                       self.strata_note, label("Trend across rounds", "section"), self.trend, self.rounds]
        for w in self._parts:
            layout.addWidget(w)
        self.empty = label("Select an audit round to see its score.", "muted", wrap=True)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self.show_score(None)

    def text(self) -> str:
        labels = shown_text(self)
        tables = "\n".join(" | ".join(row) for t in (self.criteria, self.strata, self.rounds)
                           if shown_within(t, self) for row in t.texts())
        return labels + "\n" + tables

    def show_score(self, score: AuditScore | None) -> None:
        self.score = score
        clear_layout(self._head)
        self.empty.setVisible(score is None)
        for w in self._parts:
            w.setVisible(score is not None)
        if score is None:
            return
        self._headline(score)
        self.criteria.set_rows([
            (c.question + (" (computed)" if c.computed else ""), "Yes" if c.critical else "", str(c.met),
             str(c.applicable), str(c.not_applicable), str(c.unanswered), interval_words(c.interval))
            for c in score.criteria])
        has_strata = bool(score.strata)
        for w in (self._strata_title, self.strata):
            w.setVisible(has_strata)
        self.strata.set_rows([
            (s.name, f"{s.population:,}", f"{s.weight * 100:.1f} %", str(s.sample), str(s.compliant),
             str(s.incomplete), interval_words(s.interval)) for s in score.strata])
        note = score.stratified_note or (f"The headline is the {score.estimate_basis}." if has_strata else "")
        self.strata_note.setText(sentence(note))
        self.strata_note.setVisible(bool(note))
        baseline = score.baseline.interval.point if score.baseline is not None else None
        self.trend.set_trend(score.trend, score.target, baseline, score.audit_id)
        self.rounds.set_rows([
            (str(p.round), p.title, str(p.n), str(p.compliant), interval_words(Interval(p.point, p.low, p.high)))
            for p in score.trend])

    def _headline(self, s: AuditScore) -> None:
        box = card()
        grid = QGridLayout(box)
        grid.setContentsMargins(14, 10, 14, 12)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        value = label(pct(s.estimate.point) if s.estimate else "—", "statValue")
        value.setObjectName("complianceValue")
        grid.addWidget(value, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        what = ("Estimated compliance, force level (weighted by stratum population shares)"
                if s.stratified is not None else "Compliance in the sample")
        grid.addWidget(label(what, "section"), 0, 1)
        if s.estimate is not None:
            detail = (f"95 % interval {pct(s.estimate.low)} to {pct(s.estimate.high)} · "
                      f"{s.compliant} of {s.complete} complete cases compliant"
                      + (" (unweighted count)" if s.stratified is not None else ""))
        else:
            detail = "Case compliance: no case in scope is complete yet"
        counts = label(detail, wrap=True)
        counts.setObjectName("complianceDetail")
        grid.addWidget(counts, 1, 1)
        extra = []
        if s.out_of_scope:
            extra.append(f"{s.out_of_scope} case{'s' if s.out_of_scope != 1 else ''} out of scope (not scored, "
                         "not counted as compliant)")
        if s.incomplete:
            extra.append(f"{s.incomplete} case{'s' if s.incomplete != 1 else ''} incomplete (left out of the rate)")
        if s.unusable:
            extra.append(f"{s.unusable} set aside as unusable and replaced from the reserve")
        if extra:
            grid.addWidget(label("; ".join(extra).capitalize() + ".", "muted", wrap=True), 2, 1)
        rag = QHBoxLayout()
        rag.setSpacing(8)
        verdict = tag(rag_words(s.rag) + (" (provisional)" if s.provisional else ""),
                      RAG_TONES.get(s.rag or "", "neutral"))
        verdict.setObjectName("ragTag")
        rag.addWidget(verdict)
        target = (f"Target {target_text(s.target)}, rated on the {RULE_WORDS.get(s.rag_rule, s.rag_rule)}"
                  if s.target is not None else "No target set")
        rag.addWidget(label(target, "muted"))
        rag.addStretch(1)
        grid.addLayout(rag, 0, 2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        m = s.measure
        if s.target is not None and m is not None and m.key != "case" and m.estimate is not None:
            # the rating is of the criterion compared with the inspection, not of the compliance shown beside it
            rated = f"The rating is of one criterion, not of this compliance: '{m.label}', {m.successes} of {m.n} " \
                    f"({pct(m.estimate.point)})"
            if m.bounds is not None:
                rated += f", lower {target_text(m.bounds.confidence)} bound {pct(m.bounds.lower)}"
            note = label(rated + ".", "muted", wrap=True)
            note.setObjectName("ratedMeasure")
            note.setMinimumWidth(340)
            note.setMaximumWidth(460)
            grid.addWidget(note, 1, 2, 2, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(1, 1)
        self._head.addWidget(box)
        reason = label(sentence(s.rag_reason), wrap=True, selectable=True)
        reason.setObjectName("ragReason")
        self._head.addWidget(_titled("Why this rating", reason))
        if s.plan_text:
            self._head.addWidget(_titled("What the plan allows", label(sentence(s.plan_text), "muted", wrap=True)))
        if s.baseline is not None:
            words = f"Inspection baseline: {s.baseline.label} ({pct(s.baseline.interval.point)})."
            m = s.measure
            if m is not None and m.key != "case":
                words += (f" Compared like with like with the criterion '{m.label}' alone: {m.successes} of {m.n}; "
                          "the rating uses this measure.")
            comparison = label(sentence(s.comparison), wrap=True, selectable=True)
            comparison.setObjectName("comparison")
            self._head.addWidget(_titled("Against the inspection", label(words, "muted", wrap=True), comparison))
        else:
            self._head.addWidget(_titled("Against the inspection", label(sentence(s.comparison), "muted", wrap=True)))
        self._head.addWidget(rule())


def _titled(title: str, *widgets: QWidget) -> QWidget:
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    lay.addWidget(label(title, "section"))
    for w in widgets:
        lay.addWidget(w)
    return box
