"""Planning an audit in the window, step by step: template → findings, baseline and what it is
compared with → population extract → sample size → method and strata → seed and draw. Nothing is
stored until the last step, where the audit is planned, drawn and its computed criteria answered in
one unit of work. A new round of an existing audit starts from that audit's plan; an audit planned
earlier but not drawn yet (`draw`) is drawn from its own plan, shown locked, with only the extract,
its exclusions and the seed to choose."""

from __future__ import annotations

from html import escape
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.gui.context import GuiContext
from workbench.gui.messages import show_error
from workbench.gui.qt import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
    named,
)
from workbench.gui.style import label
from workbench.gui.wizard_population import PopulationPage
from workbench.gui.wizard_sizing import MethodPage, SizePage
from workbench.services import findings, templates
from workbench.services.audit_planning import (
    CASE_COMPLIANCE,
    MeasureChoice,
    PlannedDraw,
    PlanSpec,
    baseline_choices,
    baseline_measures,
    draw_planned,
    parse_seed,
    plan_and_draw,
    round_words,
    seed_problem,
)
from workbench.templates import Template

NO_BASELINE = "No baseline"
LOCKED = ("This audit was planned earlier, so its plan is kept as it was made; only the extract and the seed "
          "are chosen now. To plan differently, plan a new audit.")


def template_html(template: Template) -> str:
    """A template's fields and criteria as a short page (what the extract needs, what is asked)."""
    fields = "".join(
        f"<tr><td>{escape(f.label)}</td><td>{escape(f.type)}"
        + (f": {escape(', '.join(f.choices))}" if f.choices else "") + "</td><td>"
        + escape("reference" if f.reference else "required" if f.required else "personal" if f.personal else "")
        + "</td></tr>" for f in template.fields)
    criteria = "".join(
        f"<li>{escape(c.question)}<br><span style='color:#5b6773'>"
        + escape(", ".join(w for w in ("critical" if c.critical else "", "computed from the extract"
                                        if c.rule is not None else "answered by the auditor",
                                        c.answer.replace("_", " / ")) if w)) + "</span></li>"
        for c in template.criteria)
    return (f"<p>{escape(template.description)}</p><h4>Fields the extract should have</h4>"
            f"<table cellspacing='0' cellpadding='3'><tr><th align='left'>Field</th><th align='left'>Type</th>"
            f"<th align='left'></th></tr>{fields}</table>"
            f"<h4>Criteria ({len(template.criteria)}; a case is compliant when every critical one is met)</h4>"
            f"<ol>{criteria}</ol>")


class TemplatePage(QWizardPage):
    def __init__(self, wizard: AuditWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Template and title")
        self.setSubTitle("The template says which fields the extract must have and which criteria are answered "
                         "for each case.")
        self.choice = named(QComboBox(), "templateChoice")
        self.choice.setAccessibleName("Audit template")
        self.title_edit = named(QLineEdit(), "auditTitle")
        self.title_edit.setPlaceholderText("e.g. Response attendance, 2025 round")
        self.title_edit.setAccessibleName("Audit title")
        self.details = named(QTextBrowser(), "templateDetails")
        self.details.setAccessibleName("Template fields and criteria")
        form = QFormLayout()
        for text, widget in (("&Template", self.choice), ("T&itle", self.title_edit)):
            name = QLabel(text)
            name.setBuddy(widget)
            form.addRow(name, widget)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.details, 1)
        self.templates: dict[str, Template] = {}
        for info, template in wizard.ctx.read(lambda uow: [templates.show_template(uow, t.key, t.version)
                                                           for t in templates.list_templates(uow)]):
            self.templates[info.key] = template  # the newest version of each key wins
        for key, template in sorted(self.templates.items(), key=lambda kv: kv[1].name):
            if self.choice.findData(key) < 0:
                self.choice.addItem(f"{template.name} (v{template.version})", key)
        self.choice.currentIndexChanged.connect(lambda _i: self._show())
        self.title_edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        self._show()

    def template(self) -> Template | None:
        return self.templates.get(self.choice.currentData())

    def _show(self) -> None:
        t = self.template()
        self.details.setHtml(template_html(t) if t is not None else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return self.template() is not None and bool(self.title_edit.text().strip())


class FindingsPage(QWizardPage):
    def __init__(self, wizard: AuditWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Findings and baseline")
        self.setSubTitle("Tick the findings this audit gives evidence for. The baseline is the inspection's own "
                         "figure (e.g. 49 of 82) that the result is compared with; say what that figure counted, "
                         "so like is compared with like.")
        self.list = named(QListWidget(), "auditFindings")
        self.list.setAccessibleName("Findings the audit is mapped to")
        self.baseline = named(QComboBox(), "auditBaseline")
        self.baseline.setAccessibleName("Baseline figure")
        self.target = named(QDoubleSpinBox(), "auditTarget")
        self.target.setRange(0.0, 100.0)
        self.target.setDecimals(1)
        self.target.setSuffix(" %")
        self.target.setSpecialValueText("No target")
        self.target.setValue(0.0)
        self.target.setAccessibleName("Force target compliance rate")
        self.measure = named(QComboBox(), "baselineMeasure")
        self.measure.setAccessibleName("What the baseline is compared with")
        self.measure_words = label("", "muted", wrap=True)
        self.measure_words.setObjectName("baselineMeasureWords")
        self.measures: list[MeasureChoice] = []
        self._wanted_measure: str | None = None
        self.locked = False
        self.empty = label("No findings are registered yet: import an inspection report on the Findings page "
                           "first, or plan the audit without a finding.", "muted", wrap=True)
        form = QFormLayout()
        for text, widget in (("&Baseline", self.baseline), ("&Compared with", self.measure), ("", self.measure_words),
                             ("Force &target", self.target)):
            name = QLabel(text)
            if text:
                name.setBuddy(widget)
            form.addRow(name, widget)
        lay = QVBoxLayout(self)
        lay.addWidget(self.empty)
        lay.addWidget(self.list, 1)
        lay.addLayout(form)
        rows = wizard.ctx.read(findings.list_findings)
        for f in rows:
            item = QListWidgetItem(f"{f.ref} — {f.title}")
            item.setData(Qt.ItemDataRole.UserRole, f.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(f.text[:400])
            self.list.addItem(item)
        self.empty.setVisible(not rows)
        self.list.setVisible(bool(rows))
        self.list.itemChanged.connect(lambda _i: self._fill_baselines())
        self._wanted_baseline: int | None = None
        self._baseline_chosen = False  # "No baseline" chosen (by the person, or by the plan): kept on a refill
        self.baseline.activated.connect(self._baseline_picked)
        self._measures_for: str | None = None
        self.baseline.currentIndexChanged.connect(lambda _i: self._measure_shown())
        self.measure.currentIndexChanged.connect(lambda _i: self._measure_shown())
        self._fill_baselines()

    def start_from(self, spec: PlanSpec) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) in spec.finding_ids:
                item.setCheckState(Qt.CheckState.Checked)
        self._wanted_baseline = spec.baseline_figure_id
        self._wanted_measure = spec.baseline_measure
        self._baseline_chosen = True  # the plan's own baseline, or none: never a first figure picked for it
        self.baseline.clear()  # what was shown before the plan came is not kept
        self._fill_baselines()
        if spec.target is not None:
            self.target.setValue(spec.target * 100)

    def lock(self, why: str) -> None:
        self.locked = True
        self.setSubTitle(why)
        for w in (self.list, self.baseline, self.measure, self.target):
            w.setEnabled(False)

    def initializePage(self) -> None:  # noqa: N802
        """The measures are the chosen template's criteria: read when the template is known."""
        template = self.owner.template()
        key = template.key if template is not None else None
        if key == self._measures_for:
            return
        keep = self.measure.currentData() if self.measure.count() else self._wanted_measure
        self._measures_for = key
        self.measures = self.owner.ctx.read(lambda uow: baseline_measures(uow, key)) if key else []
        self.measure.blockSignals(True)
        self.measure.clear()
        for m in self.measures:
            self.measure.addItem(m.label, m.key)
            self.measure.setItemData(self.measure.count() - 1, m.words, Qt.ItemDataRole.ToolTipRole)
        found = self.measure.findData(keep or CASE_COMPLIANCE)
        self.measure.setCurrentIndex(max(0, found))
        self.measure.blockSignals(False)
        self._measure_shown()

    def _measure_shown(self) -> None:
        chosen = next((m for m in self.measures if m.key == self.measure.currentData()), None)
        has_baseline = self.baseline.currentData() is not None
        self.measure.setEnabled(has_baseline and bool(self.measures) and not self.locked)
        words = chosen.words[:1].upper() + chosen.words[1:] + "." if chosen is not None else ""
        self.measure_words.setText(words if has_baseline else "With no baseline figure there is nothing to compare.")

    def baseline_measure(self) -> str | None:
        """The chosen measure (None with no baseline: a new round then keeps its series' measure)."""
        if self.baseline_id() is None or not self.measure.count():
            return None
        return self.measure.currentData() or CASE_COMPLIANCE

    def finding_ids(self) -> tuple[int, ...]:
        return tuple(self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                     if self.list.item(i).checkState() == Qt.CheckState.Checked)

    def _baseline_picked(self, _index: int) -> None:
        """The person chose (a figure or none): a refill after ticking a finding keeps their choice."""
        self._baseline_chosen = True
        self._wanted_baseline = None

    def _fill_baselines(self) -> None:
        keep = self.baseline.currentData() if self.baseline.count() else self._wanted_baseline
        ids = self.finding_ids()
        choices = self.owner.ctx.read(lambda uow: baseline_choices(uow, ids))
        self.baseline.clear()
        self.baseline.addItem(NO_BASELINE, None)
        for c in choices:
            self.baseline.addItem(c.text[:110], c.figure_id)
        wanted = self._wanted_baseline if self._wanted_baseline is not None else keep
        found = self.baseline.findData(wanted) if wanted is not None else -1
        default = 0 if self._baseline_chosen and wanted is None else (1 if choices else 0)
        self.baseline.setCurrentIndex(found if found >= 0 else default)

    def baseline_id(self) -> int | None:
        return self.baseline.currentData()

    def target_rate(self) -> float | None:
        return None if self.target.value() == 0 else round(self.target.value() / 100, 4)


class DrawPage(QWizardPage):
    def __init__(self, wizard: AuditWizard) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Seed and draw")
        self.setSubTitle("The seed and the extract's fingerprint are recorded, so the same sample can be drawn "
                         "again by anyone. Leave the seed empty for a fresh random one.")
        self.seed = named(QLineEdit(), "drawSeed")
        self.seed.setPlaceholderText("empty: a fresh random seed (recorded)")
        self.seed.setAccessibleName("Seed")
        self.summary = label("", wrap=True, plain=True)
        self.summary.setObjectName("drawSummary")
        self.problem = label("", "muted", wrap=True)
        form = QFormLayout()
        name = QLabel("&Seed")
        name.setBuddy(self.seed)
        form.addRow(name, self.seed)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addLayout(form)
        lay.addWidget(self.problem)
        lay.addStretch(1)
        self.seed.textChanged.connect(lambda _t: self._seed_changed())
        self.drawn: PlannedDraw | None = None

    def initializePage(self) -> None:  # noqa: N802
        self.summary.setText(self.owner.summary())
        self._seed_changed()

    def seed_value(self) -> int | None:
        """The seed typed (None: empty, or not a seed — `seed_problem` says why, in the service's words)."""
        text = self.seed.text()
        return None if seed_problem(text) else parse_seed(text)

    def _seed_changed(self) -> None:
        self.problem.setText(seed_problem(self.seed.text()))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return not seed_problem(self.seed.text())

    def validatePage(self) -> bool:  # noqa: N802
        if self.drawn is not None:
            return True
        self.owner.draw()
        return False


class AuditWizard(QWizard):
    """`drawn` holds the planned and drawn audit once the wizard is accepted."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None, start: PlanSpec | None = None,
                 folder: str = "", *, from_audit: int | None = None, draw: int | None = None) -> None:
        """`start`: the plan to begin from — of a new round of `from_audit`, or (`draw`, an audit's id)
        the plan of an audit not drawn yet, which is drawn as it stands."""
        super().__init__(parent)
        self.setObjectName("auditWizard")
        self.ctx = ctx
        self._folder = folder
        self.start = start
        self.drawing = draw
        audit_id = draw if draw is not None else from_audit
        self.round_words = (ctx.read(lambda uow: round_words(uow, audit_id, drawing=draw is not None))
                            if audit_id is not None else "")
        self.setWindowTitle(("Load population and draw — " if draw is not None else "New round of ") + start.title
                            if start is not None else "Plan an audit")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.template_page = TemplatePage(self)
        self.findings_page = FindingsPage(self)
        self.population_page = PopulationPage(self)
        self.size_page = SizePage(self)
        self.method_page = MethodPage(self)
        self.draw_page = DrawPage(self)
        for page in (self.template_page, self.findings_page, self.population_page, self.size_page,
                     self.method_page, self.draw_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Draw the sample")
        if start is not None:
            self.template_page.choice.setCurrentIndex(max(0, self.template_page.choice.findData(start.template_key)))
            self.template_page.choice.setEnabled(False)  # a round keeps its series' template
            self.template_page.title_edit.setText(start.title)
            self.findings_page.start_from(start)
            self.size_page.start_from(start)
            self.method_page.start_from(start)
        if draw is not None:
            self.template_page.title_edit.setReadOnly(True)  # the audit's own title
            self.template_page.setSubTitle(LOCKED)
            for page in (self.findings_page, self.size_page, self.method_page):
                page.lock(LOCKED)
            self.setButtonText(QWizard.WizardButton.FinishButton, "Draw this audit's sample")
        self.resize(900, 760)

    def folder(self) -> str:
        return self._folder

    def template(self) -> Template | None:
        return self.template_page.template()

    def spec_mapping(self) -> dict[str, str | None]:
        return dict(self.start.mapping) if self.start is not None else {}

    @property
    def drawn(self) -> PlannedDraw | None:
        return self.draw_page.drawn

    def spec(self) -> PlanSpec:
        t = self.template()
        assert t is not None
        sizing = self.size_page.sizing()
        plan = self.method_page.plan()
        return PlanSpec(
            t.key, self.template_page.title_edit.text().strip(), self.findings_page.finding_ids(), str(plan["method"]),
            sizing["size"], sizing["confidence"], sizing["tolerable"], sizing["expected"],  # type: ignore[arg-type]
            plan["reserve"], plan["stratify_by"], str(plan["allocation"]),  # type: ignore[arg-type]
            target=self.findings_page.target_rate(),
            rag_rule=self.start.rag_rule if self.start is not None else None,
            baseline_figure_id=self.findings_page.baseline_id(),
            series=self.start.series if self.start is not None else None,
            mapping=self.population_page.chosen_mapping(),
            baseline_measure=self.findings_page.baseline_measure())

    def summary(self) -> str:
        spec, page = self.spec(), self.population_page
        t = self.template()
        planned = self.size_page.planned_size()
        leave_out = page.exclusions()
        check = page.check.scan if page.check is not None else None
        f = self.findings_page
        refs = [f.list.item(i).text().split(" — ")[0] for i in range(f.list.count())
                if f.list.item(i).checkState() == Qt.CheckState.Checked]
        measure = next((m.label for m in f.measures if m.key == spec.baseline_measure), "")
        strat = next((x.label for x in (t.fields if t else ()) if x.key == spec.stratify_by), spec.stratify_by)
        by_number = len(leave_out.rows)
        lines = [f"{spec.title} — {t.name if t else ''}",
                 f"Findings: {', '.join(refs) or 'none'}; baseline: {f.baseline.currentText()}"
                 + (f", compared with {measure[:1].lower() + measure[1:]}" if measure and spec.baseline_figure_id
                    else ""),
                 f"Extract: {Path(page.path.text()).name}, {page.cases():,} cases"
                 + (f", {len(check.excluded_rows):,} rows left out ({leave_out.reason})"
                    if check is not None and check.excluded_rows else "")
                 + (f", {by_number:,} row{'s' if by_number != 1 else ''} left out by number" if by_number else ""),
                 ("Sample: —" if planned is None else f"Sample: {planned:,} case{'s' if planned != 1 else ''}")
                 + f", {spec.method}" + (f" by {strat}" if strat else "")
                 + ("" if spec.reserve is None else f", {spec.reserve} reserve")]
        if self.round_words:
            lines.append(self.round_words)
        return "\n".join(lines)

    def draw(self) -> None:
        """Plan, draw and evaluate in a worker; the wizard closes when it worked, stays open when not."""
        try:
            spec = self.spec()
        except (WorkbenchError, AssertionError) as exc:
            show_error(self, exc)
            return
        path = Path(self.population_page.path.text())
        try:
            seed = parse_seed(self.draw_page.seed.text())
        except WorkbenchError as exc:
            show_error(self, exc)
            return
        leave_out = self.population_page.exclusions()
        if not leave_out.exclude_invalid:
            leave_out = type(leave_out)(rows=leave_out.rows)  # no reason recorded for a rule not applied

        def done(result: PlannedDraw) -> None:
            self.draw_page.drawn = result
            self.accept()

        audit_id = self.drawing
        if audit_id is not None:
            mapping = spec.mapping or None
            self.ctx.background(self, f"Drawing the sample from {path.name}…",
                                lambda uow, progress: draw_planned(uow, audit_id, path, mapping, seed=seed,
                                                                   exclusions=leave_out, progress=progress),
                                write=True, on_success=done)
            return
        self.ctx.background(self, f"Drawing the sample from {path.name}…",
                            lambda uow, progress: plan_and_draw(uow, spec, path, seed=seed, exclusions=leave_out,
                                                                progress=progress),
                            write=True, on_success=done)
