"""Reading back everything a release copy shows, and finding secrets in it.

``release_texts`` gathers every text a recipient can see: the PDF's text (pypdf, every page, and
its metadata), the workbook's cells, sheet names, cell comments, print headers and footers and
document properties (openpyxl), and from a bundle its manifest, index, README and member names.
``leaks`` says which secrets appear anywhere in them, in any letter case and also with the
whitespace removed (a PDF can break a reference across lines).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

BUNDLE_TEXT_FILES = ("manifest.json", "index.html", "README.txt")


def pdf_texts(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    out = [page.extract_text() or "" for page in reader.pages]
    meta: Mapping[str, object] = reader.metadata or {}
    out += [str(v) for v in meta.values()]
    for item in reader.outline or ():
        out.append(str(getattr(item, "title", item)))
    return out


def workbook_texts(data: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(data))
    out = list(wb.sheetnames)
    props = wb.properties
    out += [str(getattr(props, k) or "") for k in ("title", "creator", "subject", "keywords", "description")]
    for ws in wb.worksheets:
        for part in (ws.oddHeader, ws.oddFooter):
            if part is not None:
                out += [part.left.text or "", part.center.text or "", part.right.text or ""]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    out.append(str(cell.value))
                if cell.comment is not None:
                    out.append(cell.comment.text)
    return out


def bundle_texts(path: Path) -> dict[str, list[str]]:
    """name -> texts for the bundle's own files, its member names, and its pack PDF / workbook."""
    out: dict[str, list[str]] = {"member names": []}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            out["member names"].append(name)
            base = name.rsplit("/", 1)[-1]
            if base in BUNDLE_TEXT_FILES:
                out[name] = [zf.read(name).decode("utf-8")]
            elif base.endswith(".pdf") and "/" not in name:
                out[name] = pdf_texts(zf.read(name))
            elif base.endswith(".xlsx") and "/" not in name:
                out[name] = workbook_texts(zf.read(name))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


def leaks(secrets: Iterable[str], sources: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(secret, where) for every secret found in any source text."""
    wanted = sorted({s.strip() for s in secrets if s and s.strip()})
    found = []
    for where, texts in sources.items():
        joined = "\n".join(texts)
        plain, squashed = re.sub(r"\s+", " ", joined).casefold(), _squash(joined)
        for secret in wanted:
            if re.sub(r"\s+", " ", secret).casefold() in plain or _squash(secret) in squashed:
                found.append((secret, where))
    return found
