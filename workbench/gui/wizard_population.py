"""The audit wizard's population step: choose (or drop) the extract, see the column mapping suggested
from its names and contents, read the validation report by row and column, and either leave the
invalid rows out with a recorded reason or fix the file and check it again. Specific rows can be
left out each with its own reason — picked in the report, typed, or from an exclusions file of
ROW,REASON lines, as ``workbench audit draw --exclusions`` takes them."""

from __future__ import annotations

from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.gui.messages import show_error
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
from workbench.services.audit_planning import ExtractCheck, check_extract, parse_row_numbers, read_exclusions_file
from workbench.services.population_exclusions import Exclusions
from workbench.templates import Template
from workbench.wording import counted

EXTRACT_FILTER = "Extracts (*.csv *.xlsx *.xlsm *.txt);;All files (*)"
EXCLUSIONS_FILTER = "Exclusions (ROW,REASON lines) (*.csv *.txt);;All files (*)"
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
        self.problems.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.problems.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.problems.setAccessibleName("Validation report: problems by row and column")
        self.problems.setToolTip("Select rows here to leave just those out, each with a reason (below)")
        self.exclude = named(QCheckBox("Leave the rows with problems out of the population"), "excludeInvalid")
        self.reason = named(QLineEdit(), "exclusionReason")
        self.reason.setPlaceholderText("Why they are left out — recorded with the audit and printed in the methodology")
        self.reason.setAccessibleName("Reason for leaving the invalid rows out")
        self.exclude.setToolTip("The rows stay in the file; the draw skips them and records how many and why")
        # specific rows, each with its own reason (workbench audit draw --exclusions ROWS.csv)
        self.row_numbers = named(QLineEdit(), "excludeRowNumbers")
        self.row_numbers.setPlaceholderText("Rows, e.g. 14, 27-30")
        self.row_numbers.setAccessibleName("Spreadsheet rows to leave out")
        self.row_numbers.setToolTip("Spreadsheet row numbers (the header is row 1); selecting rows in the "
                                    "report above fills them in")
        self.row_reason = named(QLineEdit(), "excludeRowsReason")
        self.row_reason.setPlaceholderText("Why these rows do not belong, e.g. test incident")
        self.row_reason.setAccessibleName("Reason for leaving these rows out")
        self.leave_rows = named(QPushButton("Leave these rows out"), "excludeRows")
        self.leave_rows.setToolTip("Leave the rows out of the population with this reason (recorded with the audit)")
        self.load_rows = named(QPushButton("Load exclusions file…"), "loadExclusions")
        self.load_rows.setToolTip("A CSV of ROW,REASON lines, as workbench audit draw --exclusions takes")
        self.excluded = named(QTableWidget(0, 2), "excludedRows")
        self.excluded.setHorizontalHeaderLabels(["Row", "Why it is left out"])
        self.excluded.verticalHeader().setVisible(False)
        self.excluded.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.excluded.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.excluded.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.excluded.setAccessibleName("Rows left out by number, with their reasons")
        self.excluded.setMaximumHeight(110)
        self.put_back = named(QPushButton("Put back"), "restoreRows")
        self.put_back.setToolTip("Put the selected rows back into the population")
        self.row_exclusions: dict[int, str] = {}

        top = QHBoxLayout()
        top.addWidget(self.path, 1)
        top.addWidget(self.browse)
        top.addWidget(self.reload)
        fix = QHBoxLayout()
        fix.addWidget(self.exclude)
        fix.addWidget(self.reason, 1)
        rows = QHBoxLayout()
        rows.addWidget(self.row_numbers, 1)
        rows.addWidget(self.row_reason, 2)
        rows.addWidget(self.leave_rows)
        rows.addWidget(self.load_rows)
        left_out = QHBoxLayout()
        left_out.addWidget(self.excluded, 1)
        left_out.addWidget(self.put_back, 0, Qt.AlignmentFlag.AlignTop)
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
        self.rows_words = label("Or leave chosen rows out, each with its reason: select them in the report, type "
                                "their numbers, or load a file of ROW,REASON lines.", "muted", wrap=True)
        lay.addWidget(self.rows_words)
        lay.addLayout(rows)
        lay.addLayout(left_out)
        self.browse.clicked.connect(self.choose)
        self.reload.clicked.connect(lambda: self.run_check())
        self.exclude.toggled.connect(self._exclusion_changed)
        self.reason.textChanged.connect(lambda _t: self._reason_changed())
        self.reason.editingFinished.connect(self._reason_done)
        self.problems.itemSelectionChanged.connect(self._problems_selected)
        self.leave_rows.clicked.connect(lambda: self.leave_out_rows())
        self.load_rows.clicked.connect(self.choose_exclusions)
        self.put_back.clicked.connect(self.restore_rows)
        self.excluded.itemSelectionChanged.connect(lambda: self.put_back.setEnabled(bool(self._excluded_selected())))
        self._fill_excluded()
        self._show_check(None)

    # -- choosing the file ----------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802
        template = self.owner.template()  # type: ignore[attr-defined]
        if self.template is None or template is None or template.key != self.template.key:
            self.template = template
            self.check = None
            self._fill_mapping(self.owner.spec_mapping())  # type: ignore[attr-defined]
            if self.path.text():
                # another template has other fields: suggest its mapping afresh from the columns'
                # names and contents (the table just emptied holds no choice of the user's)
                self.run_check(fresh=True)
            else:
                self._show_check(None)

    def choose(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose the population extract", self.owner.folder(),  # type: ignore[attr-defined]
                                                EXTRACT_FILTER)
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> None:
        """Use `path` as the extract: the mapping is suggested afresh and the file checked (rows left
        out by number belong to the file they were picked in, so they are dropped)."""
        self.path.setText(str(path))
        self.row_exclusions = {}
        self._fill_excluded()
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
        """The mapping as shown; empty while no extract's columns are known (a table with nothing to
        choose from holds no choice)."""
        out: dict[str, str | None] = {}
        for row in range(self.mapping.rowCount()):
            item = self.mapping.item(row, 0)
            combo = self.mapping.cellWidget(row, 1)
            if item is not None and isinstance(combo, QComboBox) and combo.count() > 1:
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

    # -- exclusions -----------------------------------------------------------------------
    def exclusions(self) -> Exclusions:
        """What the draw leaves out: the invalid rows (when ticked) and the rows left out by number."""
        return Exclusions(self.reason.text().strip(), self.exclude.isChecked(), dict(self.row_exclusions))

    def _checking_exclusions(self) -> Exclusions:
        """The exclusions to check the file with (a reason still to be typed does not stop the check)."""
        reason = self.reason.text().strip() or ("(checking)" if self.exclude.isChecked() else "")
        return Exclusions(reason, self.exclude.isChecked(), dict(self.row_exclusions))

    def _exclusion_changed(self, _on: bool) -> None:
        if self.exclude.isChecked() and not self.reason.text().strip():
            self.reason.setFocus()
        if self.check is not None and self.check.scan is not None:
            self.run_check()
        self._show_verdict()
        self.completeChanged.emit()

    def _reason_changed(self) -> None:
        self._show_verdict()
        self.completeChanged.emit()

    def _reason_done(self) -> None:
        if self.exclude.isChecked() and self.check is not None and self.check.scan is not None \
                and not self.check.scan.ok:
            self.run_check()

    def _problems_selected(self) -> None:
        rows = sorted({int(item.text()) for item in self.problems.selectedItems()
                       if item.column() == 0 and item.text().isdigit()})
        if rows:
            self.row_numbers.setText(", ".join(map(str, rows)))

    def leave_out_rows(self, rows: list[int] | None = None, reason: str | None = None) -> bool:
        """Leave `rows` (else those typed) out with `reason` (else the one typed), and check again."""
        why = (self.row_reason.text() if reason is None else reason).strip()
        try:
            chosen = parse_row_numbers(self.row_numbers.text()) if rows is None else rows
            Exclusions("", False, dict.fromkeys(chosen, why)).checked()  # the service's rule: a data row, a reason
        except WorkbenchError as exc:
            show_error(self, exc)
            return False
        self.add_row_exclusions(dict.fromkeys(chosen, why))
        self.row_numbers.clear()
        return True

    def choose_exclusions(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Choose an exclusions file (ROW,REASON lines)",
                                                self.owner.folder(), EXCLUSIONS_FILTER)  # type: ignore[attr-defined]
        if chosen:
            self.load_exclusions(Path(chosen))

    def load_exclusions(self, path: Path) -> bool:
        """Add the rows of an exclusions file, read as the command line reads ``--exclusions``."""
        try:
            rows = read_exclusions_file(path)
            Exclusions("", False, rows).checked()
        except WorkbenchError as exc:
            show_error(self, exc)
            return False
        self.add_row_exclusions(rows)
        return True

    def add_row_exclusions(self, rows: dict[int, str]) -> None:
        self.row_exclusions.update(rows)
        self.row_exclusions = dict(sorted(self.row_exclusions.items()))
        self._fill_excluded()
        self.run_check()

    def _excluded_selected(self) -> list[int]:
        items = (self.excluded.item(i.row(), 0) for i in self.excluded.selectedIndexes())
        return sorted({int(item.text()) for item in items if item is not None})

    def restore_rows(self) -> None:
        for row in self._excluded_selected():
            self.row_exclusions.pop(row, None)
        self._fill_excluded()
        self.run_check()

    def _fill_excluded(self) -> None:
        self.excluded.setRowCount(len(self.row_exclusions))
        for r, (row, why) in enumerate(self.row_exclusions.items()):
            self.excluded.setItem(r, 0, QTableWidgetItem(str(row)))
            self.excluded.setItem(r, 1, QTableWidgetItem(why))
        self.excluded.resizeColumnToContents(0)
        self.excluded.setVisible(bool(self.row_exclusions))
        self.put_back.setVisible(bool(self.row_exclusions))
        self.put_back.setEnabled(bool(self._excluded_selected()))

    # -- checking -------------------------------------------------------------------------
    def run_check(self, fresh: bool = False) -> None:
        """Check the file in a worker: with the mapping as shown, or (`fresh`) suggested afresh."""
        if not self.path.text() or self.template is None:
            return
        path, key = Path(self.path.text()), self.template.key
        mapping = None if fresh else (self.chosen_mapping() or None)
        stratify = None
        leave_out = self._checking_exclusions()
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
        self._show_verdict()
        if scan is None:
            return
        shown = scan.problems[:SHOWN_PROBLEMS]
        self.problems.setRowCount(len(shown))
        for r, p in enumerate(shown):
            for c, text in enumerate(("" if p.row is None else str(p.row), p.column or p.field or "", p.value,
                                      p.message)):
                self.problems.setItem(r, c, QTableWidgetItem(text))
        self.problems.resizeColumnToContents(0)

    def _show_verdict(self) -> None:
        """The badge and its words, from the last check and the reason as typed now."""
        check = self.check
        if check is not None and check.scan is None and check.error == "changed":
            return  # "Mapping changed" stays until the file is checked again
        scan = check.scan if check is not None else None
        has_problems = scan is not None and scan.problem_total > 0
        excluded = scan is not None and bool(scan.excluded_rows)
        self.exclude.setVisible(has_problems or excluded or self.exclude.isChecked())
        self.reason.setVisible(has_problems or excluded or self.exclude.isChecked())
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
            words += f" {counted(len(scan.excluded_rows), 'row')} with problems will be left out."
        if self.row_exclusions:
            n = len(self.row_exclusions)
            words += f" {n:,} row{'s' if n != 1 else ''} left out by number (listed below)."
        for warning in scan.warnings:
            words += f" Note: {warning}."
        needs_reason = self.exclude.isChecked() and not self.reason.text().strip()
        if scan.ok and needs_reason:
            self.verdict.setText("Give a reason")
            set_tone(self.verdict, "amber")
            words += (" Say why the rows with problems are left out, in the box beside the tick: the reason is "
                      "recorded with the audit and printed in the methodology.")
        elif scan.ok:
            self.verdict.setText("Ready to draw")
            set_tone(self.verdict, "green")
        else:
            self.verdict.setText(counted(scan.problem_total, "problem"))
            set_tone(self.verdict, "red")
            words += (" Correct the mapping above, fix the file and check it again." if scan.excluded_rows else
                      " Fix the file and check it again, correct the mapping, or leave the rows with problems "
                      "out with a reason (all of them with the tick, or chosen rows below).")
        self.summary.setText(words)

    def isComplete(self) -> bool:  # noqa: N802
        scan = self.check.scan if self.check is not None else None
        if scan is None:
            return False
        if self.exclude.isChecked() and not self.reason.text().strip():
            return False  # the service refuses an exclusion without a reason
        if scan.ok and not scan.excluded_rows:
            return True
        return scan.blocking == 0 and self.exclude.isChecked()

    def cases(self) -> int:
        scan = self.check.scan if self.check is not None else None
        return scan.cases if scan is not None else 0

