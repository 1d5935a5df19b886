"""Fuzz targets shared by the default test run (hypothesis, bounded) and ``benchmarks/fuzz.py`` (long).

Each target has genuine seed files and a ``run(path)`` that feeds one file to the importer.
A mutation is a list of (position, operation, bytes) drawn by hypothesis or a seeded random
generator: byte flips, inserted CSV/XML metacharacters, truncations, deletions, and, for zip
based formats, the same edits applied to the XML or JSON inside a member before re-zipping (so
the parser behind the zip is reached, not only the zip reader). A run passes when the importer
returns or raises a ``WorkbenchError``; anything else is a crash.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from workbench.errors import WorkbenchError

Mutation = tuple[int, int, bytes]  # (position seed, operation, payload)
SPECIAL = [b'"', b"\r", b"\n", b",", b";", b"\x00", b"\xff", b"\x9d", b"<", b">", b"&", b"[", b"{", b"=", b"PK"]


def mutate(data: bytes, mutations: Sequence[Mutation]) -> bytes:
    out = bytearray(data)
    for pos, op, payload in mutations:
        i = pos % (len(out) + 1)
        op %= 6
        if op == 0 and out:
            out[min(i, len(out) - 1)] ^= (payload[0] if payload else 0xFF) or 1
        elif op == 1:
            out[i:i] = payload or b'"'
        elif op == 2:
            out[i:i] = SPECIAL[pos % len(SPECIAL)]
        elif op == 3:
            del out[i:]
        elif op == 4:
            del out[i:i + 1 + (pos % 64)]
        else:
            out[i:i] = out[i:i + 1 + (pos % 32)] * (2 + pos % 8)  # repeat a slice (deep nesting, long lines)
    return bytes(out)


def mutate_zip(data: bytes, mutations: Sequence[Mutation]) -> bytes:
    """Apply the mutations to the raw zip when the first says so, else to one member, re-zipped."""
    if not mutations or mutations[0][1] % 3 == 0:
        return mutate(data, mutations)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
    target = mutations[0][0] % len(members)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for n, (info, content) in enumerate(members):
            out.writestr(info.filename, mutate(content, mutations[1:]) if n == target else content)
    return buf.getvalue()


@dataclass(frozen=True)
class Target:
    name: str
    suffixes: tuple[str, ...]
    zipped: bool
    seeds: Callable[[], list[bytes]]
    run: Callable[[Path], object]


def check(target: Target, data: bytes, folder: Path, suffix: str) -> BaseException | bool | None:
    """Feed one input: None if read, False if refused with a WorkbenchError, else the crash."""
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    try:
        target.run(path)
    except WorkbenchError:
        return False
    except Exception as exc:  # noqa: BLE001 - a crash is what we are looking for
        return exc
    return None


# -- report ---------------------------------------------------------------------------------------------
REPORT_TEXT = """Norfolk Constabulary PEEL 2023-25

Areas for improvement
Area for improvement 1: The force should improve how it answers emergency calls.
Area for improvement 2: The force should record crime accurately.

Cause of concern
The force does not safeguard vulnerable people well enough.
Recommendations
We recommend that within six months the force:
\u2022 reviews its call handling.
"""


@functools.cache
def report_seeds() -> list[bytes]:
    from reportlab.pdfgen import canvas

    html = "<html><body><h2>Areas for improvement</h2><ul>" + "".join(
        f"<li>Area for improvement {i}: The force should improve item {i}.</li>" for i in (1, 2)) + "</ul></body></html>"
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for n, line in enumerate(REPORT_TEXT.splitlines()):
        c.drawString(72, 760 - 14 * n, line.replace("\u2022", "-"))
    c.save()
    return [REPORT_TEXT.encode(), html.encode(), buf.getvalue()]


def run_report(path: Path) -> object:
    from workbench.importers.report_source import read_report
    from workbench.importers.report_text import parse_report

    return parse_report(read_report(path))


# -- population -------------------------------------------------------------------------------------------
HEADERS = ["Incident No", "Call Date Time", "Dispatched", "Arrived", "Opening Grade", "Closing Grade",
           "Area Type", "Address"]
MAPPING = {"incident_ref": "Incident No", "call_time": "Call Date Time", "dispatch_time": "Dispatched",
           "arrival_time": "Arrived", "initial_grade": "Opening Grade", "final_grade": "Closing Grade",
           "area": "Area Type", "location": "Address"}


def population_rows(n: int = 12) -> list[list[str]]:
    out = []
    for i in range(n):
        call = datetime(2024, 1, 1) + timedelta(minutes=97 * i)
        grade = ("Emergency", "Priority", "Scheduled")[i % 3]
        out.append([f"INC{i:06d}", call.strftime("%d/%m/%Y %H:%M"),
                    (call + timedelta(minutes=3)).strftime("%d/%m/%Y %H:%M"),
                    (call + timedelta(minutes=9 + i)).strftime("%d/%m/%Y %H:%M"), grade, grade,
                    ("Urban", "Rural")[i % 2], f'{i} "High"\r Street'])
    return out


@functools.cache
def csv_seeds() -> list[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADERS)
    writer.writerows(population_rows())
    return [buf.getvalue().encode(), buf.getvalue().encode("cp1252").replace(b"\r\n", b"\n")]


@functools.cache
def xlsx_seeds() -> list[bytes]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(["Extract of incidents"])
    ws.append(HEADERS)
    for row in population_rows():
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return [buf.getvalue()]


def population_template():
    from workbench.templates import builtin_templates

    return next(t for t in builtin_templates() if t.key == "response-attendance")


def run_population(path: Path) -> object:
    from workbench.importers.population import read_cases, read_headers, scan_population

    template = population_template()
    read_headers(path)
    scan = scan_population(path, template, MAPPING, exclude_invalid=True)
    return read_cases(path, template, MAPPING, {"INC000001", "INC000005"}) if scan.rows else scan


# -- fieldwork workbook ----------------------------------------------------------------------------------
@functools.cache
def fieldwork_seeds() -> list[bytes]:
    import tempfile

    from tests.reports.fieldwork_data import write

    with tempfile.TemporaryDirectory() as folder:
        return [write(Path(folder)).read_bytes()]


def run_fieldwork(path: Path) -> object:
    from tests.reports.fieldwork_data import test_template
    from workbench.importers.fieldwork_xlsx import read_fieldwork_workbook

    return read_fieldwork_workbook(path, 7, test_template())


# -- template ---------------------------------------------------------------------------------------------
@functools.cache
def template_seeds() -> list[bytes]:
    from workbench.templates.loading import template_root

    names = sorted(e.name for e in template_root().iterdir() if e.name.endswith(".toml"))
    seeds = [(template_root() / n).read_bytes() for n in names[:2]]
    return seeds + [b"key = " + b"[" * 5000 + b"]" * 5000 + b"\n", b"a = " + b"{b = " * 3000 + b"1" + b"}" * 3000]


def run_template(path: Path) -> object:
    from workbench.templates import load_template

    return load_template(path)


# -- bundle and trust files ------------------------------------------------------------------------------
@functools.cache
def bundle_seeds() -> list[bytes]:
    import tempfile

    from tests.reports.signed_bundles import approve, new_key, seal

    approval = approve(new_key())
    with tempfile.TemporaryDirectory() as folder:
        full = seal(approval, "full", Path(folder) / "bundle.zip").read_bytes()
    deep = io.BytesIO()
    with zipfile.ZipFile(deep, "w") as zf:
        zf.writestr("manifest.json", "[" * 200_000 + "]" * 200_000)
        zf.writestr("manifest.json.p7s", b"\x30\x03\x02\x01\x01")
    return [full, deep.getvalue()]


def run_bundle(path: Path) -> object:
    from workbench.reports.bundle_verify import verify_bundle

    return verify_bundle(path, ("ab" * 32,))


@functools.cache
def trust_seeds() -> list[bytes]:
    from cryptography.hazmat.primitives.serialization import Encoding

    from tests.reports.signed_bundles import new_key
    from workbench.reports.signing import certificate_fingerprint

    key = new_key()
    pem = key.certificate.public_bytes(Encoding.PEM) if hasattr(key.certificate, "public_bytes") else b""
    listing = f"# trust list\n{certificate_fingerprint(key.certificate)}  reviewer\n".encode()
    return [listing + pem, listing]


def run_trust(path: Path) -> object:
    from workbench.reports.signing_cms import load_trust_file

    return load_trust_file(path)


TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("report", (".txt", ".html", ".pdf"), False, report_seeds, run_report),
    Target("population-csv", (".csv",), False, csv_seeds, run_population),
    Target("population-xlsx", (".xlsx", ".csv"), True, xlsx_seeds, run_population),
    Target("fieldwork-workbook", (".xlsx",), True, fieldwork_seeds, run_fieldwork),
    Target("template", (".toml",), False, template_seeds, run_template),
    Target("bundle", (".zip",), True, bundle_seeds, run_bundle),
    Target("trust-file", (".pem", ".txt"), False, trust_seeds, run_trust),
)}
