"""Reading untrusted zip files without extracting anything unsafe.

:func:`entry_problems` lists every unsafe member; :func:`safe_entries` raises
:class:`BundleError` naming the first. Refused: ``..`` components, absolute
paths, drive letters, backslashes, control characters, symlinks, duplicate
names (also differing only by case or Unicode form, which would collide when
extracted on Windows/macOS), encrypted members, overlapping members, and zip
bombs (too many members, too large a declared size in total or per member, a
compression ratio beyond the limit). :func:`iter_member` /
:func:`read_member` stream a member and stop as soon as it yields more bytes
than declared or allowed, whatever the headers claim.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import IO

from .bundle_format import BundleError

__all__ = [
    "DEFAULT_LIMITS",
    "ZipLimits",
    "entry_problems",
    "iter_member",
    "open_zip",
    "read_member",
    "safe_entries",
]

_CHUNK = 1 << 16


@dataclass(frozen=True)
class ZipLimits:
    max_members: int = 10_000
    max_member_size: int = 2 * 1024**3  # 2 GiB uncompressed per member
    max_total_size: int = 8 * 1024**3  # 8 GiB uncompressed in all
    max_ratio: float = 200.0  # uncompressed / compressed ...
    ratio_floor: int = 1024 * 1024  # ... checked only for members above 1 MiB


DEFAULT_LIMITS = ZipLimits()

_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def open_zip(path: str | os.PathLike[str] | IO[bytes]) -> zipfile.ZipFile:
    """Open a zip for reading; BundleError (not a traceback) if it is not one."""
    try:
        return zipfile.ZipFile(path, "r")
    except FileNotFoundError as exc:
        raise BundleError(f"Bundle {path} does not exist; check the path.", file=str(path)) from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise BundleError(
            f"{path} is not a readable zip file ({exc}); ask the force for a fresh copy.",
            file=str(path),
        ) from exc


def _name_problem(name: str) -> str | None:
    if not name:
        return "has an empty name"
    if _CONTROL_RE.search(name):
        return "has control characters in its name"
    if "\\" in name:
        return "uses a backslash in its name (a Windows path trick)"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE_RE.match(name):
        return "starts with a drive letter"
    parts = name.rstrip("/").split("/")
    if any(p == ".." for p in parts):
        return "climbs out of the folder with '..'"
    if any(p in ("", ".") for p in parts):
        return "has an empty or '.' path component"
    if any(":" in p for p in parts):
        return "has ':' in its name (a drive or alternate data stream on Windows)"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def entry_problems(
    zf: zipfile.ZipFile, limits: ZipLimits = DEFAULT_LIMITS
) -> list[BundleError]:
    """Every reason not to trust this zip's members, each naming its entry."""
    infos = zf.infolist()
    found: list[BundleError] = []

    def bad(info: zipfile.ZipInfo, what: str, fix: str) -> None:
        found.append(BundleError(f"Zip entry {info.filename!r} {what}; {fix}", entry=info.filename))

    if len(infos) > limits.max_members:
        found.append(
            BundleError(
                f"The zip has {len(infos)} entries, more than the limit of "
                f"{limits.max_members}; it is not a bundle this tool wrote.",
                entry="",
            )
        )
        return found

    refuse = "the bundle was not written by this tool or was tampered with; nothing was extracted."
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        name = info.filename
        # orig_filename is the raw name (zipfile rewrites "\\" to "/" on Windows)
        problem = _name_problem(info.orig_filename) or _name_problem(name)
        if problem:
            bad(info, problem, refuse)
            continue
        key = unicodedata.normalize("NFC", name.rstrip("/")).casefold()
        if key in seen:
            bad(info, f"duplicates the name {seen[key]!r}", refuse)
            continue
        seen[key] = name
        if _is_symlink(info):
            bad(info, "is a symbolic link", refuse)
            continue
        if info.flag_bits & 0x1:
            bad(info, "is encrypted", "bundles are never encrypted; " + refuse)
            continue
        if info.is_dir():
            continue
        if info.file_size > limits.max_member_size:
            bad(
                info,
                f"declares {info.file_size} bytes, over the {limits.max_member_size}-byte limit",
                "it may be a zip bomb; nothing was extracted.",
            )
            continue
        if (
            info.file_size > limits.ratio_floor
            and info.file_size > limits.max_ratio * max(info.compress_size, 1)
        ):
            bad(
                info,
                f"expands {info.file_size / max(info.compress_size, 1):.0f} times "
                f"(limit {limits.max_ratio:.0f})",
                "it may be a zip bomb; nothing was extracted.",
            )
            continue
        total += info.file_size
    if total > limits.max_total_size:
        found.append(
            BundleError(
                f"The zip's entries declare {total} bytes in all, over the "
                f"{limits.max_total_size}-byte limit; it may be a zip bomb.",
                entry="",
            )
        )
    found.extend(_overlaps(infos))
    return found


def _overlaps(infos: list[zipfile.ZipInfo]) -> list[BundleError]:
    """Members whose data overlaps another's (the 'overlapping files' bomb)."""
    out: list[BundleError] = []
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for prev, cur in pairwise(ordered):
        # local header is at least 30 bytes + name; data follows it
        end = prev.header_offset + 30 + len(prev.orig_filename.encode("utf-8", "replace"))
        end += prev.compress_size
        if cur.header_offset < end:
            out.append(
                BundleError(
                    f"Zip entry {cur.filename!r} overlaps the data of {prev.filename!r}; "
                    "it may be a zip bomb; nothing was extracted.",
                    entry=cur.filename,
                )
            )
    return out


def safe_entries(
    zf: zipfile.ZipFile, limits: ZipLimits = DEFAULT_LIMITS
) -> list[zipfile.ZipInfo]:
    """The zip's file members (directories left out), or BundleError naming
    the first unsafe entry."""
    problems = entry_problems(zf, limits)
    if problems:
        raise problems[0]
    return [i for i in zf.infolist() if not i.is_dir()]


def iter_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits = DEFAULT_LIMITS
) -> Iterator[bytes]:
    """Stream one member's bytes, refusing more than declared or allowed.

    A damaged member (bad CRC, bad compressed data) raises BundleError.
    """
    cap = min(info.file_size, limits.max_member_size)
    got = 0
    try:
        with zf.open(info, "r") as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if got > cap:
                    raise BundleError(
                        f"Zip entry {info.filename!r} holds more data than it declares; "
                        "it may be a zip bomb.",
                        entry=info.filename,
                    )
                yield chunk
    except BundleError:
        raise
    except Exception as exc:  # BadZipFile (bad CRC), zlib.error, EOFError, RuntimeError...
        raise BundleError(
            f"Zip entry {info.filename!r} is damaged ({exc}); ask the force for a fresh copy.",
            entry=info.filename,
        ) from exc


def read_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo | str,
    limits: ZipLimits = DEFAULT_LIMITS,
    *,
    max_size: int | None = None,
) -> bytes:
    """Read one member into memory (checked as :func:`iter_member` does).

    ``max_size`` caps this read further (e.g. for a manifest).
    """
    if isinstance(info, str):
        name = info
        try:
            info = zf.getinfo(name)
        except KeyError as exc:
            raise BundleError(f"Zip entry {name!r} is missing.", entry=name) from exc
    problem = _name_problem(info.filename)
    if problem:
        raise BundleError(f"Zip entry {info.filename!r} {problem}.", entry=info.filename)
    if max_size is not None and info.file_size > max_size:
        raise BundleError(
            f"Zip entry {info.filename!r} declares {info.file_size} bytes, over the "
            f"{max_size}-byte limit for it.",
            entry=info.filename,
        )
    return b"".join(iter_member(zf, info, limits))
