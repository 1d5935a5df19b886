"""Agreement: the second reviewer against the primary answers, and original against auditor grades."""

from __future__ import annotations

from workbench.gui.layouts import clear_layout
from workbench.gui.qt import QLabel, QVBoxLayout, QWidget
from workbench.gui.style import label
from workbench.gui.tables import TextTable
from workbench.services.agreement import Agreement, GradeTable


def kappa_words(kappa: float | None) -> str:
    """Cohen's kappa with the usual (Landis and Koch) description."""
    if kappa is None:
        return "not defined (every answer in one category)"
    bands = ((0.0, "poor"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial"))
    word = "almost perfect"
    for limit, name in bands:
        if kappa <= limit:
            word = name
            break
    return f"{kappa:.2f} ({word} agreement beyond chance)"


def has_agreement(a: Agreement | None) -> bool:
    return a is not None and (bool(a.criteria) or bool(a.grades))


class AgreementView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementView")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self.show_agreement(None)

    def text(self) -> str:
        labels = [w.text() for w in self.findChildren(QLabel)]
        tables = [" | ".join(row) for t in self.findChildren(TextTable) for row in t.texts()]
        return "\n".join(labels + tables)

    def show_agreement(self, a: Agreement | None) -> None:
        clear_layout(self._layout)
        lay = self._layout
        if not has_agreement(a):
            lay.addWidget(label("This round has no second review and no grades to compare. Agreement is shown "
                                "when a second reviewer re-checks a dip of cases, or when the template compares "
                                "the auditor's grade with the one originally given.", "muted", wrap=True))
            lay.addStretch(1)
            return
        assert a is not None
        for g in a.grades:
            self._grades(g)
        if a.criteria:
            lay.addWidget(label("Second review", "section"))
            overall = (f"{a.agreed} of {a.pairs} answer{'s' if a.pairs != 1 else ''} agree{'s' if a.pairs == 1 else ''}"
                       + (f" ({a.rate * 100:.1f} %)" if a.rate else ""))
            cases = f"{a.cases_reviewed} case{'s' if a.cases_reviewed != 1 else ''}"
            lay.addWidget(label(f"{cases} re-checked by a second reviewer; {overall}.", wrap=True))
            table = TextTable("secondReviewTable", ("Criterion", "Pairs", "Agree", "Rate", "Cohen's kappa"),
                              right=(1, 2, 3), spoken="Second review agreement by criterion")
            table.set_rows([(c.question, str(c.pairs), str(c.agreed),
                             f"{c.rate * 100:.1f} %" if c.rate is not None else "—", kappa_words(c.kappa))
                            for c in a.criteria])
            lay.addWidget(table)
        lay.addStretch(1)

    def _grades(self, g: GradeTable) -> None:
        lay = self._layout
        field = g.field_key.replace("_", " ")
        lay.addWidget(label(f"Grades: {field} (original) against the auditor's grade", "section"))
        headers = ["Original \\ Auditor", *g.categories, "Total"]
        table = TextTable("gradeTable", headers, stretch=None, right=tuple(range(1, len(headers))),
                          spoken="Original grades against the auditor's grades")
        rows, tones = [], {}
        for i, name in enumerate(g.categories):
            counts = g.matrix[i]
            rows.append([name, *(str(n) for n in counts), str(sum(counts))])
            tones[(i, i + 1)] = "blue"  # the diagonal: graded the same
        totals = [sum(g.matrix[i][j] for i in range(len(g.categories))) for j in range(len(g.categories))]
        rows.append(["Total", *(str(n) for n in totals), str(g.n)])
        table.set_rows(rows, tones)
        lay.addWidget(table)
        def share(count: int, rate) -> str:
            interval = "" if rate is None else f", 95 % interval {rate.low * 100:.1f} % to {rate.high * 100:.1f} %"
            return f"{count} of {g.n} ({count / g.n * 100:.1f} %{interval})"

        def spread(interval) -> str:
            return "" if interval is None else f" [95 % interval {interval.low:.2f} to {interval.high:.2f}]"

        summary = label(
            f"{g.agreed} of {g.n} cases graded the same ({g.rate * 100:.1f} %). Under-graded (original lower than "
            f"the auditor's — the risk: a victim at higher risk may not be safeguarded as such): "
            f"{share(g.under_graded, g.under_rate)}. Over-graded: {share(g.over_graded, g.over_rate)}. "
            f"Linear-weighted kappa (the grades are ordered) {kappa_words(g.weighted_kappa)}"
            f"{spread(g.weighted_kappa_interval)}; unweighted Cohen's kappa {kappa_words(g.kappa)}"
            f"{spread(g.kappa_interval)}.",
            wrap=True, selectable=True)
        summary.setObjectName("gradeSummary")
        lay.addWidget(summary)
        if g.missing:
            lay.addWidget(label(f"{g.missing} case{'s' if g.missing != 1 else ''} in use without both grades are "
                                "left out.", "muted", wrap=True))
