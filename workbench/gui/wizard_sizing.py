"""The audit wizard's sizing and method steps: a sample-size planner whose numbers follow every change
(confidence, tolerable and expected deviation rates, the allowed deviations, a census), then the
selection method, the strata (only fields that suit them: choices, or few distinct values) and the
reserve. When the wizard draws an audit planned earlier, both pages show its plan, locked."""

from __future__ import annotations

import math
from fractions import Fraction

from workbench.gui.qt import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    QWizardPage,
    named,
)
from workbench.gui.style import label
from workbench.services.audit_planning import ExtractCheck, check_extract, strata_fields
from workbench.stats import StatsError, attribute_sample_size

CONFIDENCES = (0.80, 0.90, 0.95, 0.99)
ATTRIBUTE, FIXED, CENSUS = range(3)
METHOD_WORDS = {
    "simple": "Simple random: every case has the same chance.",
    "systematic": "Systematic: every k-th case from a random start, in a seeded random order.",
    "stratified": "Stratified: a sample from each group (e.g. district or grade), weighted by its share.",
}


def _pct_box(value: float, maximum: float, name: str, accessible: str) -> QDoubleSpinBox:
    box = named(QDoubleSpinBox(), name)
    box.setRange(0.0, maximum)
    box.setDecimals(1)
    box.setSingleStep(0.5)
    box.setSuffix(" %")
    box.setValue(value * 100)
    box.setAccessibleName(accessible)
    return box


def allowed_deviations(expected: float, n: int) -> int:
    """Deviations the sample may show and still support the conclusion: expected × n, rounded up."""
    return math.ceil(Fraction(str(expected)) * n)


class SizePage(QWizardPage):
    def __init__(self, wizard: object) -> None:
        super().__init__()
        self.owner = wizard
        self.locked = False
        self.setTitle("Sample size")
        self.setSubTitle("Attribute sampling sizes the sample so that, if no more deviations are found than "
                         "allowed, the deviation rate is below the tolerable rate at the chosen confidence.")
        self.choice = QButtonGroup(self)
        self.attribute = named(QRadioButton("Attribute sampling (recommended)"), "sizeAttribute")
        self.fixed = named(QRadioButton("A fixed number of cases"), "sizeFixed")
        self.census = named(QRadioButton("Every case (a census)"), "sizeCensus")
        for i, b in enumerate((self.attribute, self.fixed, self.census)):
            self.choice.addButton(b, i)
        self.attribute.setChecked(True)
        self.confidence = named(QComboBox(), "sizeConfidence")
        for c in CONFIDENCES:
            self.confidence.addItem(f"{c:.0%}", c)
        self.confidence.setCurrentIndex(CONFIDENCES.index(0.95))
        self.confidence.setAccessibleName("Confidence")
        self.tolerable = _pct_box(0.05, 50.0, "sizeTolerable", "Tolerable deviation rate")
        self.expected = _pct_box(0.0, 49.5, "sizeExpected", "Expected deviation rate")
        self.fixed_size = named(QSpinBox(), "sizeFixedCases")
        self.fixed_size.setRange(1, 1_000_000)
        self.fixed_size.setValue(82)
        self.fixed_size.setAccessibleName("Fixed sample size")
        self.result = label("", "statValue")
        self.result.setObjectName("sizeResult")
        self.explain = label("", "muted", wrap=True)
        self.explain.setObjectName("sizeExplain")
        form = QFormLayout()
        for text, box in (("&Confidence", self.confidence), ("&Tolerable deviation rate", self.tolerable),
                          ("&Expected deviation rate", self.expected)):
            name = QLabel(text)
            name.setBuddy(box)
            form.addRow(name, box)
        fixed = QHBoxLayout()
        fixed.addWidget(self.fixed)
        fixed.addWidget(self.fixed_size)
        fixed.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.attribute)
        holder = QWidget()
        holder.setLayout(form)
        holder.setContentsMargins(24, 0, 0, 0)
        self.form = holder
        lay.addWidget(holder)
        lay.addLayout(fixed)
        lay.addWidget(self.census)
        lay.addSpacing(10)
        lay.addWidget(self.result)
        lay.addWidget(self.explain)
        lay.addStretch(1)
        for signal in (self.confidence.currentIndexChanged, self.tolerable.valueChanged, self.expected.valueChanged,
                       self.fixed_size.valueChanged, self.choice.idToggled):
            signal.connect(lambda *_: self.update_numbers())

    def start_from(self, spec: object) -> None:
        if getattr(spec, "size", None) is not None:
            self.fixed.setChecked(True)
            self.fixed_size.setValue(int(spec.size))  # type: ignore[attr-defined]
        else:
            conf = getattr(spec, "confidence", None) or 0.95
            if conf in CONFIDENCES:
                self.confidence.setCurrentIndex(CONFIDENCES.index(conf))
            self.tolerable.setValue((getattr(spec, "tolerable", None) or 0.05) * 100)
            self.expected.setValue((getattr(spec, "expected", None) or 0.0) * 100)

    def lock(self, why: str) -> None:
        """Show the plan's sizing without letting it change (an audit planned earlier keeps its plan)."""
        self.locked = True
        self.setSubTitle(why)
        for b in (self.attribute, self.fixed, self.census):
            b.setEnabled(False)
        self.update_numbers()

    def initializePage(self) -> None:  # noqa: N802
        self.update_numbers()

    def population(self) -> int:
        return self.owner.population_page.cases()  # type: ignore[attr-defined]

    def mode(self) -> int:
        return self.choice.checkedId()

    def sizing(self) -> dict[str, float | int | None]:
        """The arguments of the plan: a fixed size, or the attribute-sampling rates."""
        if self.mode() == ATTRIBUTE:
            return {"size": None, "confidence": self.confidence.currentData(),
                    "tolerable": round(self.tolerable.value() / 100, 6), "expected": round(self.expected.value() / 100, 6)}
        size = self.population() if self.mode() == CENSUS else self.fixed_size.value()
        return {"size": size, "confidence": None, "tolerable": None, "expected": None}

    def planned_size(self) -> int | None:
        n = self.population()
        if self.mode() == CENSUS:
            return n
        if self.mode() == FIXED:
            return self.fixed_size.value()
        s = self.sizing()
        try:
            return attribute_sample_size(s["confidence"], s["tolerable"], s["expected"], n or None)  # type: ignore[arg-type]
        except StatsError:
            return None

    def update_numbers(self) -> None:
        n = self.population()
        self.form.setEnabled(self.mode() == ATTRIBUTE and not self.locked)
        self.fixed_size.setEnabled(self.mode() == FIXED and not self.locked)
        if n:
            self.fixed_size.setMaximum(max(1, n))
        planned = self.planned_size()
        if planned is None:
            s = self.sizing()
            self.result.setText("—")
            self.explain.setText(f"The expected rate ({s['expected']:.1%}) must be below the tolerable rate "
                                 f"({s['tolerable']:.1%}), and the tolerable rate above 0.")
        elif self.mode() == ATTRIBUTE:
            s = self.sizing()
            k = allowed_deviations(float(s["expected"] or 0), planned)
            census = n and planned >= n
            self.result.setText(f"{planned:,} cases" + (f" of {n:,}" if n else ""))
            self.explain.setText(
                f"At {s['confidence']:.0%} confidence with a tolerable deviation rate of {s['tolerable']:.1%} and "
                f"{s['expected']:.1%} expected, {planned:,} cases are needed"
                + (f" from a population of {n:,} (hypergeometric)" if n else "") + ". "
                + (f"The conclusion holds if the sample shows no more than {k} deviation{'s' if k != 1 else ''}."
                   if k else "The conclusion holds only if the sample shows no deviation at all.")
                + (" That is every case: a census." if census else ""))
        else:
            self.result.setText(f"{planned:,} cases" + (f" of {n:,}" if n else ""))
            self.explain.setText("Every case in the population is examined." if self.mode() == CENSUS else
                                 "A fixed size gives no statistical assurance by itself: the score's intervals "
                                 "will show how precise the result is.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        planned = self.planned_size()
        return planned is not None and planned >= 1 and (not self.population() or planned <= self.population())


class MethodPage(QWizardPage):
    def __init__(self, wizard: object) -> None:
        super().__init__()
        self.owner = wizard
        self.locked = False
        self.setTitle("Selection method and strata")
        self.setSubTitle("How the cases are picked. The draw is seeded, so anyone with the same extract can "
                         "redraw exactly the same sample.")
        self.method = named(QComboBox(), "sampleMethod")
        for m in METHOD_WORDS:
            self.method.addItem(m.capitalize(), m)
        self.method.setAccessibleName("Selection method")
        self.method_words = label("", "muted", wrap=True)
        self.stratify = named(QComboBox(), "stratifyBy")
        self.stratify.setAccessibleName("Stratify by field")
        self.allocation = named(QComboBox(), "allocation")
        self.allocation.addItem("Proportional to each stratum's size", "proportional")
        self.allocation.addItem("Equal in each stratum", "equal")
        self.allocation.setAccessibleName("Allocation between strata")
        self.strata = label("", "muted", wrap=True)
        self.strata.setObjectName("strataPreview")
        self.default_reserve = named(QCheckBox("Default reserve (10 % of the sample, at least 5; two per stratum)"), "defaultReserve")
        self.default_reserve.setChecked(True)
        self.reserve = named(QSpinBox(), "reserveCases")
        self.reserve.setRange(0, 10_000)
        self.reserve.setValue(5)
        self.reserve.setEnabled(False)
        self.reserve.setAccessibleName("Reserve cases")
        form = QFormLayout(self)
        for text, widget in (("&Method", self.method), ("", self.method_words), ("&Stratify by", self.stratify),
                             ("&Allocation", self.allocation), ("", self.strata),
                             ("&Reserve", self.default_reserve), ("Reserve &cases", self.reserve)):
            name = QLabel(text)
            if text:
                name.setBuddy(widget)
            form.addRow(name, widget)
        self.method.currentIndexChanged.connect(lambda _i: self._method_changed())
        self.stratify.currentIndexChanged.connect(lambda _i: self._preview_strata())
        self.default_reserve.toggled.connect(lambda on: self.reserve.setEnabled(not on and not self.locked))
        self._strata_check: ExtractCheck | None = None

    def start_from(self, spec: object) -> None:
        self._start = spec

    def lock(self, why: str) -> None:
        """Show the plan's method, strata and reserve without letting them change."""
        self.locked = True
        self.setSubTitle(why)

    def initializePage(self) -> None:  # noqa: N802
        template = self.owner.template()  # type: ignore[attr-defined]
        check = self.owner.population_page.check  # type: ignore[attr-defined]
        spec = getattr(self, "_start", None)
        self.stratify.blockSignals(True)
        self.stratify.clear()
        for f in strata_fields(template, check) if template is not None else ():
            self.stratify.addItem(f.label, f.key)
            self.stratify.setItemData(self.stratify.count() - 1, f"Suits strata: {f.why}",
                                      Qt.ItemDataRole.ToolTipRole)
        wanted = getattr(spec, "stratify_by", None)
        if wanted and self.stratify.findData(wanted) < 0 and template is not None:
            plan_field = next((f for f in template.fields if f.key == wanted), None)  # the plan's, kept as it is
            self.stratify.addItem(plan_field.label if plan_field else wanted, wanted)
        self.stratify.blockSignals(False)
        if spec is not None:
            self.method.setCurrentIndex(max(0, self.method.findData(spec.method)))
            if spec.stratify_by:
                self.stratify.setCurrentIndex(max(0, self.stratify.findData(spec.stratify_by)))
            self.allocation.setCurrentIndex(max(0, self.allocation.findData(spec.allocation)))
            if spec.reserve is not None:
                self.default_reserve.setChecked(False)
                self.reserve.setValue(int(spec.reserve))
            self._start = None if not self.locked else spec
        self._method_changed()

    def _method_changed(self) -> None:
        method = self.method.currentData()
        self.method_words.setText(METHOD_WORDS[method])
        stratified = method == "stratified"
        self.method.setEnabled(not self.locked)
        self.stratify.setEnabled(stratified and self.stratify.count() > 0 and not self.locked)
        self.allocation.setEnabled(stratified and not self.locked)
        self.default_reserve.setEnabled(not self.locked)
        self.reserve.setEnabled(not self.locked and not self.default_reserve.isChecked())
        if stratified and not self.stratify.count():
            self.strata.setText("No field that suits strata is mapped (a choice such as the grade, or a column "
                                "with few distinct values such as the district): map one first.")
        elif stratified:
            self._preview_strata()
        else:
            self.strata.setText("")
        self.completeChanged.emit()

    def _preview_strata(self) -> None:
        if self.method.currentData() != "stratified" or self.stratify.currentData() is None:
            return
        page = self.owner.population_page  # type: ignore[attr-defined]
        key, field = self.owner.template().key, self.stratify.currentData()  # type: ignore[attr-defined]
        path, mapping, leave_out = page.path.text(), page.chosen_mapping(), page.exclusions()
        if leave_out.exclude_invalid:
            leave_out = type(leave_out)(leave_out.reason or "(checking)", True)
        self.strata.setText("Counting the strata…")
        self.owner.ctx.background(  # type: ignore[attr-defined]
            self, "Counting the strata…",
            lambda uow, progress: check_extract(uow, key, path, mapping, field, leave_out, progress),
            write=False, on_success=self._strata_counted)

    def _strata_counted(self, check: ExtractCheck) -> None:
        self._strata_check = check
        strata = check.scan.strata if check.scan is not None else {}
        if not strata:
            self.strata.setText(check.error or "No strata found.")
            return
        self.strata.setText("Strata in the population: " + ", ".join(f"{k} {v:,}" for k, v in strata.items()))

    def plan(self) -> dict[str, object]:
        stratified = self.method.currentData() == "stratified"
        return {"method": self.method.currentData(),
                "stratify_by": self.stratify.currentData() if stratified else None,
                "allocation": self.allocation.currentData() if stratified else "proportional",
                "reserve": None if self.default_reserve.isChecked() else self.reserve.value()}

    def isComplete(self) -> bool:  # noqa: N802
        return self.method.currentData() != "stratified" or self.stratify.currentData() is not None
