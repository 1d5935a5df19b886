"""Report import accuracy on the real HMICFRS corpus (``../shared/reports`` beside the repository).

For every ``.txt`` in the corpus with an entry in ``expected.json``, and every ``.html``/``.pdf``
of the same name, prints: findings recall and precision per kind, titles right, cited-figure
precision and recall, PEEL areas right, and whether each format agrees with the ``.txt``.
Targets (issue 10): recall >= 95 %, precision >= 98 %, titles >= 95 %, figure precision >= 90 %
with recall 100 %, every format agreeing.

    python benchmarks/report_import_accuracy.py [CORPUS_DIR]
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from workbench.importers.key_figures import CITED_KINDS
from workbench.importers.report_source import ReportImportError, read_report
from workbench.importers.report_text import parse_report

KINDS = {"afi": "AFI", "cause_of_concern": "cause of concern", "recommendation": "recommendation"}
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "reports"


def parse(path: Path):
    try:
        return parse_report(read_report(path))
    except ReportImportError:
        return None


def signature(report) -> list[tuple[str, str]]:
    return [] if report is None else [(f.kind, f.title) for f in report.findings]


def cited(report) -> Counter:
    figures: Counter = Counter()
    for f in report.findings if report else ():
        for fig in f.figures:
            if fig.kind in CITED_KINDS and fig.value is not None:
                figures[(fig.kind, round(fig.value, 3))] += 1
    return figures


def measure(corpus: Path) -> dict[str, float]:
    expected = json.loads((corpus / "expected.json").read_text(encoding="utf-8"))
    tot: Counter[str] = Counter()
    print(f"{'file':<52} {'found':>5} {'exp':>4} {'titles':>7} {'figs':>7} {'areas':>6}  formats")
    for name, exp in sorted(expected.items()):
        report = parse(corpus / name)
        found = Counter(KINDS[f.kind] for f in report.findings) if report else Counter()
        want = Counter({k: v for k, v in exp["counts"].items() if v})
        tp = sum(min(found[k], want[k]) for k in want)
        tot["tp"] += tp
        tot["found"] += sum(found.values())
        tot["expected"] += sum(want.values())
        titles = set(f.title for f in report.findings) if report else set()
        right = sum(1 for t in exp.get("titles", []) if t in titles)
        tot["titles"] += len(exp.get("titles", []))
        tot["titles_right"] += right
        got_f = cited(report)
        want_f = Counter((fig["kind"], round(float(fig["value"]), 3)) for fig in exp.get("figures", []))
        match = sum((got_f & want_f).values())
        tot["fig_found"] += sum(got_f.values())
        tot["fig_expected"] += sum(want_f.values())
        tot["fig_match"] += match
        areas = [f.area for f in report.findings] if report else []
        want_a = exp.get("areas", [])
        # found and expected lists may differ in length: the shorter one bounds what is compared
        area_right = sum(1 for a, b in zip(areas, want_a, strict=False) if a == b)
        tot["areas"] += len(want_a)
        tot["areas_right"] += area_right
        formats = []
        base = signature(report)
        for other in sorted(corpus.glob(Path(name).stem + ".*")):
            if other.suffix in (".html", ".pdf"):
                same = signature(parse(other)) == base
                formats.append(f"{other.suffix[1:]}:{'ok' if same else 'DIFFERS'}")
                tot["formats"] += 1
                tot["formats_ok"] += same
        if exp.get("variant_of"):
            same = signature(parse(corpus / exp["variant_of"])) == base
            formats.append(f"variant:{'ok' if same else 'DIFFERS'}")
            tot["formats"] += 1
            tot["formats_ok"] += same
        print(f"{name:<52} {sum(found.values()):>5} {sum(want.values()):>4} "
              f"{right:>3}/{len(exp.get('titles', [])):<3} {match:>3}/{sum(want_f.values()):<3} "
              f"{area_right:>2}/{len(want_a):<3}  {' '.join(formats)}")

    def pct(a: str, b: str) -> float:
        return 100.0 * tot[a] / tot[b] if tot[b] else 100.0

    result = {
        "findings recall": pct("tp", "expected"), "findings precision": pct("tp", "found"),
        "titles right": pct("titles_right", "titles"), "figure precision": pct("fig_match", "fig_found"),
        "figure recall": pct("fig_match", "fig_expected"), "areas right": pct("areas_right", "areas"),
        "formats agreeing": pct("formats_ok", "formats"),
    }
    print()
    for key, value in result.items():
        print(f"{key:<20} {value:6.1f} %")
    return result


if __name__ == "__main__":
    measure(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS)
