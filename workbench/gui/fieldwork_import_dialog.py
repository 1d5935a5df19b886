"""What a fieldwork workbook would change, from a dry run: changed, unchanged, conflicts, problems.

Nothing is written until the user presses Import; a workbook with any conflict or problem cannot
be imported at all (the service refuses it too), so the dialog then only explains what to fix.
"""

from __future__ import annotations

from pathlib import Path

from workbench.gui.display_text import uk_date
from workbench.gui.layouts import import_buttons, scrolling
from workbench.gui.qt import QDialog, QGridLayout, Qt, QVBoxLayout, QWidget, named
from workbench.gui.style import card, label, tag
from workbench.gui.tables import TextTable
from workbench.services.fieldwork_io import FieldworkImportResult

SHOWN = 200  # rows per table; the counts above always give the whole


def _value(v: str | None) -> str:
    return "(blank)" if v in (None, "") else str(v)


class FieldworkImportDialog(QDialog):
    def __init__(self, result: FieldworkImportResult, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldworkImportDialog")
        self.setWindowTitle(f"Import fieldwork — {path.name}")
        self.import_result = result
        problems = result.problem_total or len(result.problems)
        importable = result.ok and result.changed > 0

        summary = card()
        grid = QGridLayout(summary)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(24)
        counts = (("Would change", result.changed), ("Unchanged", result.unchanged),
                  ("Kept as in the workspace", result.kept_database),
                  ("Conflicts", len(result.conflicts)), ("Problems", problems))
        self.counts: dict[str, str] = {}
        for col, (words, n) in enumerate(counts):
            value = label(f"{n:,}", "statValue")
            value.setObjectName(f"count-{words.split()[0].lower()}")
            grid.addWidget(value, 0, col)
            grid.addWidget(label(words, "statCaption"), 1, col)
            self.counts[words] = f"{n:,}"
        if not result.ok:
            verdict = tag("Cannot import: nothing will be written", "red")
            advice = ("Resolve each conflict (an answer changed both in the workspace and in the workbook since "
                      "the export) and each problem, then import the workbook again. Until then the workspace "
                      "keeps its answers.")
        elif importable:
            verdict = tag("Ready to import", "green")
            advice = (f"Press Import to record {result.changed:,} answer{'s' if result.changed != 1 else ''}. "
                      "All are recorded together, or none.")
        else:
            verdict = tag("Nothing to import", "neutral")
            advice = "The workbook holds no answer that differs from the workspace."
        verdict.setObjectName("importVerdict")

        body = named(QWidget(), "importBody")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 8, 0)
        lay.setSpacing(8)
        if result.conflicts:
            lay.addWidget(label("Conflicts", "section"))
            self.conflicts = TextTable("conflictsTable", ("Case", "Criterion", "Cell", "In the workspace",
                                                          "Changed by", "In the workbook"), stretch=3,
                                       spoken="Conflicts between the workbook and the workspace")
            self.conflicts.set_rows([
                (c.case_ref, c.criterion.replace("_", " "), c.cell, _value(c.database_value),
                 f"{c.changed_by} {uk_date(c.changed_at.date()) if c.changed_at else ''}".strip(),
                 _value(c.workbook_value)) for c in result.conflicts[:SHOWN]],
                tones={(r, 5): "amber" for r in range(min(SHOWN, len(result.conflicts)))})
            lay.addWidget(self.conflicts)
        if result.problems:
            lay.addWidget(label("Problems", "section"))
            table = TextTable("problemsTable", ("Where", "Problem"), stretch=1, spoken="Problems in the workbook")
            table.set_rows([(p.cell or "Workbook", p.message) for p in result.problems[:SHOWN]])
            lay.addWidget(table)
            if problems > len(result.problems):
                lay.addWidget(label(f"… and {problems - len(result.problems):,} more problems.", "muted"))
        if result.changes:
            lay.addWidget(label("Answers that would change", "section"))
            table = TextTable("changesTable", ("Case", "Criterion", "Cell", "Now", "From the workbook"), stretch=4,
                              spoken="Answers that would change")
            table.set_rows([(c.case_ref, c.criterion.replace("_", " "), c.cell, _value(c.before), _value(c.after))
                            for c in result.changes[:SHOWN]])
            lay.addWidget(table)
        lay.addStretch(1)
        scroll = scrolling(body)
        buttons, self.apply = import_buttons(self, "applyImport", f"Import {result.changed:,} answers", importable)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(label("Checked without writing anything (a dry run).", "muted"))
        layout.addWidget(summary)
        layout.addWidget(verdict, 0, Qt.AlignmentFlag.AlignLeft)
        self.advice = label(advice, wrap=True)
        layout.addWidget(self.advice)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(820, 560)
