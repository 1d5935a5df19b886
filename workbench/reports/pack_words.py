"""The words a pack prints the same in its PDF and its HTML version: how each audit was done,
the notable-case summary, the notes on results and the methodology appendix. Pure text from
plain pack data; no renderer here."""

from __future__ import annotations

from workbench.reports.pack_data import AuditResult, CaseRow

READINESS_WORD = {"ready": "Ready", "partly ready": "Partly ready", "not ready": "Not ready"}
STATUS_WORD = {"draft": "Draft", "submitted": "Submitted for sign-off", "approved": "Approved",
               "superseded": "Superseded"}


NOTABLE_LIMIT = 10  # not-compliant cases listed in a pack; the workbook lists every case


def notable_shown(audit: AuditResult) -> tuple[tuple[CaseRow, ...], int]:
    """The notable cases a pack lists (the first ``NOTABLE_LIMIT``) and how many more there are."""
    shown = audit.notable_cases[:NOTABLE_LIMIT]
    return shown, len(audit.notable_cases) - len(shown)


def notable_intro(audit: AuditResult, shown: int, more: int) -> str:
    total = len(audit.notable_cases)
    if more:
        return (f"{total:,} cases not compliant; the first {shown} are listed here and the other {more:,} in the "
                "workbook that goes with this pack, which lists every case with its answers.")
    return f"{total} case{'s' if total != 1 else ''} not compliant:"


def about_audit(audit: AuditResult) -> tuple[tuple[str, str], ...]:
    """How the audit was done, as label and words (the PDF and HTML packs print the same)."""
    rows = [("Template", f"{audit.template} (version {audit.template_version})"),
            ("Round", str(audit.round)),
            ("Extract period", audit.extract_period or "not recorded"),
            ("Inclusion criteria", audit.inclusion or "not recorded"),
            ("Population", audit.population),
            ("Population size", f"{audit.population_size:,} cases" if audit.population_size else "not recorded"),
            ("Sampling method", audit.method),
            ("Sample size", f"{audit.sample_size} cases"),
            ("Fieldwork", audit.fieldwork or "not recorded"),
            ("Auditors", audit.auditors or "not recorded"),
            ("Second review", audit.second_review or "not recorded"),
            ("Seed", audit.seed),
            ("Population fingerprint", audit.population_fingerprint)]
    return tuple(rows)



RESULTS_NOTE = (
    "Readiness and RAG ratings are written in words as well as shown in colour. A sample rate is "
    "shown with its Wilson 95 % interval and a weighted (stratified) estimate with its Korn–Graubard "
    "95 % interval, and says that it is weighted. A target is rated green only when the one-sided exact "
    "lower bound at the plan's confidence reaches it: the same test that sized the sample, so a sample "
    "that meets its plan meets its target. A change from the inspection baseline is called confirmed "
    "only when the 95 % Newcombe interval of the difference excludes zero; \u201ccannot confirm\u201d means "
    "that interval still includes no change, not that nothing changed.")

METHODOLOGY = (
    ("Scope and compliance",
     "Screening questions decide whether a case is in an audit's scope; a case out of scope (for example an "
     "arrest in which no force was used) is counted as out of scope, never as compliant, and the screening "
     "question itself is not scored. A case in scope is compliant when every critical criterion is met. "
     "Not-applicable answers are excluded from a criterion's rate, and a criterion that depends on another "
     "(for example \u201csubmitted within 24 hours\u201d where a form exists) counts only where that other "
     "criterion applies."),
    ("Comparison with the inspection",
     "An inspection figure is compared with the measure that counts the same thing: a single criterion "
     "(for example attendance within the required time) or, when none is chosen, the case compliance. "
     "The difference has Newcombe's hybrid score 95 % interval (method 10, 1998)."),
    ("Rating against the target",
     "Attribute sampling sizes a sample as the smallest n for which seeing no more than the expected "
     "deviations shows, at the stated confidence, that the deviation rate is below the tolerable rate. "
     "Ratings use the dual of that test: the one-sided exact (Clopper\u2013Pearson) lower bound on the "
     "compliance rate, hypergeometric when every case is in scope and the population size is known, "
     "the Korn\u2013Graubard bound for a stratified sample. Green: the lower bound reaches the target; "
     "amber: only the estimate does; red: the estimate is below it. A sample too small to confirm the "
     "target even if every case complied (ten files never confirm a target above 74 %) is not given a "
     "colour: it is reported as indicative, a small sample, with its two-sided exact 95 % interval. "
     "Checking every case (a census) has no sampling error."),
    ("Stratified estimates",
     "Each stratum's rate is weighted by its share of the population (in scope). The variance uses the "
     "unbiased within-stratum variance (n\u2095 \u2212 1), and the interval is Clopper\u2013Pearson on an "
     "effective sample size adjusted for the degrees of freedom and never larger than the cases sampled "
     "(Korn & Graubard 1998)."),
    ("Grading agreement",
     "Grades are ordered, so agreement is given as the linear-weighted kappa with its 95 % interval beside "
     "the unweighted Cohen's kappa (Fleiss, Cohen & Everitt 1969 variance); under- and over-grading are "
     "given as shares of the cases with Wilson 95 % intervals. Under-grading a high-risk victim is the risk."),
    ("Redrawing a sample",
     "Every case reference, after trimming spaces (and, for whole-number spreadsheet cells, written without "
     "a decimal point), gets the priority HMAC-SHA256(key = the seed in decimal digits, message = the "
     "reference in UTF-8), compared as a 256-bit number. Simple random: the smallest priorities are the "
     "sample, the next ones the reserves. Stratified: the sample, then the reserves, are shared between "
     "strata (names compared exactly, case-sensitive, in code-point order) by the largest-remainder method "
     "in proportion to stratum size, every stratum getting at least one when there are enough, and each "
     "stratum's smallest priorities are drawn. Systematic: the references in UTF-8 byte order, every "
     "(N/n)-th from a start derived from HMAC-SHA256(seed, empty message); reserves by priority. When the "
     "plan does not give the number of reserves it is 10 % of the sample rounded up, at least 5 (for a "
     "stratified plan at least two per stratum), and never more than the cases left."),
    ("Population fingerprint",
     "Each row's mapped values, in the template's field order, are normalised as for the draw and joined "
     "with the unit separator (U+001F); the SHA-256 of each row is taken, the row hashes are sorted, and "
     "the fingerprint is SHA-256 over \u201cpopulation-v2\u201d, the field list, the row count and the sorted "
     "hashes. It names the rows in the mapped columns whatever their order; the SHA-256 of the file itself "
     "is recorded separately."),
)
