"""The audit wizard's population step: choose (or drop) the extract, see the column mapping suggested
from its names and contents, read the validation report by row and column, and either leave the
invalid rows out with a recorded reason or fix the file and check it again."""

from __future__ import annotations

from pathlib import Path

from workbench.gui.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
    named,
)
from workbench.gui.style import label, set_tone, tag
from workbench.services.audit_planning import ExtractCheck, check_extract
from workbench.services.population_exclusions import Exclusions
from workbench.templates import Template

EXTRACT_FILTER = "Extracts (*.csv *.xlsx *.xlsm *.txt);;All files (*)"
NOT_MAPPED = "— not mapped —"
SHOWN_PROBLEMS = 200


class PopulationPage(QWizardPage):
    """Complete when the extract, as mapped and less any exclusions, can be drawn from."""

    def __init__(self, wizard: object) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Population extract")
        self.setSubTitle("Choose the incident or crime extract (CSV or Excel) — or drop it here. The columns are "
                         "matched to the template's fields by their names and contents; check the matches and "
                         "the validation report before you size the sample.")
        self.setAcceptDrops(True)
        self.template: Template | None = None
        self.check: ExtractCheck | None = None
        self.path = named(QLineEdit(readOnly=True), "extractPath")
        self.path.setPlaceholderText("No extract chosen yet")
        self.path.setAccessibleName("Population extract file")
        self.browse = named(QPushButton("Choose extract…"), "chooseExtract")
        self.reload = named(QPushButton("Check again"), "recheckExtract")
        self.reload.setToolTip("Read the file again after fixing it, or after changing the mapping")
        self.reload.setEnabled(False)
        self.mapping = named(QTableWidget(0, 3), "mappingTable")
        self.mapping.setHorizontalHeaderLabels(["Template field", "Extract column", "Why / example values"])
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.mapping.setColumnWidth(0, 200)
        self.mapping.setColumnWidth(1, 210)
        self.mapping.setAccessibleName("Column mapping")
        self.summary = label("", wrap=True)
        self.summary.setObjectName("extractSummary")
        self.verdict = tag("", "neutral")
        self.verdict.setObjectName("extractVerdict")
        self.problems = named(QTableWidget(0, 4), "problemsTable")
        self.problems.setHorizontalHeaderLabels(["Row", "Column", "Value", "Problem"])
        self.problems.verticalHeader().setVisible(False)
        self.problems.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setAccessibleName("Validation report: problems by row and column")
        self.exclude = named(QCheckBox("Leave the rows with problems out of the population"), "excludeInvalid")
        self.reason = named(QLineEdit(), "exclusionReason")
        self.reason.setPlaceholderText("Why they are left out — recorded with the audit and printed in the methodology")
        self.reason.setAccessibleName("Reason for leaving the invalid rows out")
        self.exclude.setToolTip("The rows stay in the file; the draw skips them and records how many and why")

        top = QHBoxLayout()
        top.addWidget(self.path, 1)
        top.addWidget(self.browse)
        top.addWidget(self.reload)
        fix = QHBoxLayout()
        fix.addWidget(self.exclude)
        fix.addWidget(self.reason, 1)
        verdict = QHBoxLayout()
        verdict.addWidget(self.verdict, 0, Qt.AlignmentFlag.AlignTop)
        verdict.addWidget(self.summary, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(label("Column mapping", "section"))
        lay.addWidget(self.mapping, 3)
        lay.addWidget(label("Validation report", "section"))
        lay.addLayout(verdict)
        lay.addWidget(self.problems, 2)
        lay.addLayout(fix)
        self.browse.clicked.connect(self.choose)
        self.reload.clicked.connect(self.run_check)
        self.exclude.toggled.connect(self._exclusion_changed)
        self.reason.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.reason.editingFinished.connect(self._reason_done)
        self._show_check(None)

    # -- choosing the file ----------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        template = self.owner.template()  # type: ignore[attr-defined]
        if self.template is None or template is None or template.key != self.template.key:
            self.template = template
            self.check = None
            self._fill_mapping(self.owner.spec_mapping())  # type: ignore[attr-defined]
            if self.path.text():
                self.run_check()
            else:
                self._show_check(None)

    def choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose the population extract", self.owner.folder(),  # type: ignore[attr-defined]
                                                EXTRACT_FILTER)
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> None:
        """Use `path` as the extract: the mapping is suggested afresh and the file checked."""
        self.path.setText(str(path))
        self._fill_mapping({})
        self.run_check(fresh=True)

    def dragEnterEvent(self, event: object) -> None:  # noqa: N802
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []  # type: ignore[attr-defined]
        if len(urls) == 1 and urls[0].isLocalFile():
            event.acceptProposedAction()  # type: ignore[attr-defined]

    def dropEvent(self, event: object) -> None:  # noqa: N802
        urls = event.mimeData().urls()  # type: ignore[attr-defined]
        if urls and urls[0].isLocalFile():
            self.load(Path(urls[0].toLocalFile()))
            event.acceptProposedAction()  # type: ignore[attr-defined]

    # -- mapping --------------------------------------------------------------------------
    def chosen_mapping(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for row in range(self.mapping.rowCount()):
            item = self.mapping.item(row, 0)
            combo = self.mapping.cellWidget(row, 1)
            if item is not None and isinstance(combo, QComboBox) and combo.count():
                out[str(item.data(Qt.ItemDataRole.UserRole))] = combo.currentData()
        return out

    def _fill_mapping(self, mapping: dict[str, str | None]) -> None:
        self.mapping.setRowCount(0)
        if self.template is None:
            return
        suggestion = self.check.suggestion if self.check is not None else None
        headers = suggestion.headers if suggestion is not None else ()
        chosen = suggestion.mapping if suggestion is not None else mapping
        self.mapping.setRowCount(len(self.template.fields))
        for row, f in enumerate(self.template.fields):
            need = " (reference)" if f.reference else " (required)" if f.required else ""
            item = QTableWidgetItem(f.label + need)
            item.setData(Qt.ItemDataRole.UserRole, f.key)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(f"{f.key}: {f.type}" + (f", one of {', '.join(f.choices)}" if f.choices else ""))
            self.mapping.setItem(row, 0, item)
            combo = QComboBox()
            combo.setAccessibleName(f"Extract column for {f.label}")
            combo.addItem(NOT_MAPPED, None)
            for h in headers:
                combo.addItem(h, h)
            if (column := chosen.get(f.key)) and combo.findData(column) < 0:
                combo.addItem(column, column)
            combo.setCurrentIndex(max(0, combo.findData(chosen.get(f.key))) if chosen.get(f.key) else 0)
            combo.setEnabled(bool(headers))
            combo.currentIndexChanged.connect(lambda _i: self._mapping_edited())
            self.mapping.setCellWidget(row, 1, combo)
            why = ""
            if suggestion is not None:
                column = chosen.get(f.key)
                why = suggestion.reasons.get(f.key, "") if column else ("needed: map it to a column"
                                                                        if f.required or f.reference else "")
                examples = suggestion.samples.get(column or "", ())
                if examples:
                    why += (" · " if why else "") + "e.g. " + ", ".join(examples)
            reason = QTableWidgetItem(why)
            reason.setFlags(reason.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping.setItem(row, 2, reason)

    def _mapping_edited(self) -> None:
        self.reload.setEnabled(bool(self.path.text()))
        self.verdict.setText("Mapping changed")
        set_tone(self.verdict, "amber")
        self.summary.setText("Check again to validate the extract with this mapping.")
        self.check = ExtractCheck(self.check.suggestion if self.check else None, None, "changed")
        self.completeChanged.emit()

    # -- checking -------------------------------------------------------------------------
    def exclusions(self) -> Exclusions:
        return Exclusions(self.reason.text().strip(), self.exclude.isChecked())

    def _exclusion_changed(self, _on: bool) -> None:
        if self.exclude.isChecked() and not self.reason.text().strip():
            self.reason.setFocus()
        if self.check is not None and self.check.scan is not None:
            self.run_check()
        self.completeChanged.emit()

    def _reason_done(self) -> None:
        if self.exclude.isChecked() and self.check is not None and self.check.scan is not None \
                and not self.check.scan.ok:
            self.run_check()

    def run_check(self, fresh: bool = False) -> None:
        if not self.path.text() or self.template is None:
            return
        path, key = Path(self.path.text()), self.template.key
        mapping = None if fresh else self.chosen_mapping()
        stratify = None
        leave_out = Exclusions("(checking)", True) if self.exclude.isChecked() else Exclusions()
        self.owner.ctx.background(  # type: ignore[attr-defined]
            self, f"Checking {path.name}…",
            lambda uow, progress: check_extract(uow, key, path, mapping, stratify, leave_out, progress),
            write=False, on_success=self._checked)

    def _checked(self, check: ExtractCheck) -> None:
        self.check = check
        self._fill_mapping(check.suggestion.mapping if check.suggestion else {})
        self._show_check(check)
        self.reload.setEnabled(True)
        self.completeChanged.emit()

    def _show_check(self, check: ExtractCheck | None) -> None:
        self.problems.setRowCount(0)
        scan = check.scan if check is not None else None
        has_problems = scan is not None and scan.problem_total > 0
        self.exclude.setVisible(has_problems or self.exclude.isChecked())
        self.reason.setVisible(has_problems or self.exclude.isChecked())
        if check is None:
            self.verdict.setText("No extract")
            set_tone(self.verdict, "neutral")
            self.summary.setText("Choose an extract or drop the file on this page. Nothing is stored until the "
                                 "sample is drawn at the last step.")
            return
        if scan is None:
            self.verdict.setText("Cannot use this file")
            set_tone(self.verdict, "red")
            self.summary.setText(f"{check.error}. {check.hint}".strip())
            return
        words = (f"{scan.rows:,} rows, {scan.cases:,} distinct cases ({scan.file_kind}, header on row "
                 f"{scan.header_row}).")
        if scan.excluded_rows:
            words += f" {len(scan.excluded_rows):,} row(s) with problems will be left out."
        for warning in scan.warnings:
            words += f" Note: {warning}."
        if scan.ok:
            self.verdict.setText("Ready to draw")
            set_tone(self.verdict, "green")
        elif scan.excluded_rows and scan.blocking == 0:
            self.verdict.setText("Give a reason")
            set_tone(self.verdict, "amber")
        else:
            self.verdict.setText(f"{scan.problem_total:,} problem(s)")
            set_tone(self.verdict, "red")
            words += (" Correct the mapping above, fix the file and check it again." if scan.excluded_rows else
                      " Fix the file and check it again, correct the mapping, or leave the rows with problems "
                      "out with a reason.")
        self.summary.setText(words)
        shown = scan.problems[:SHOWN_PROBLEMS]
        self.problems.setRowCount(len(shown))
        for r, p in enumerate(shown):
            for c, text in enumerate(("" if p.row is None else str(p.row), p.column or p.field or "", p.value,
                                      p.message)):
                self.problems.setItem(r, c, QTableWidgetItem(text))
        self.problems.resizeColumnToContents(0)

    def isComplete(self) -> bool:  # noqa: N802
        scan = self.check.scan if self.check is not None else None
        if scan is None:
            return False
        if scan.ok and not scan.excluded_rows:
            return True
        return scan.blocking == 0 and self.exclude.isChecked() and bool(self.reason.text().strip())

    def cases(self) -> int:
        scan = self.check.scan if self.check is not None else None
        return scan.cases if scan is not None else 0

