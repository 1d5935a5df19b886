"""The one way the workbench writes a file: whole, private while partial, never left behind.

:func:`atomic_output` yields a temporary path inside a private folder (mode 0700) next to the
target, ``<folder>/.workbench-partial/``; on success the file is flushed to disk and renamed
over the target in one step (same file system, so a reader sees the old file or the new one,
never half of one); on any failure or interruption it is removed. A process killed mid-write
cannot remove its own file, so every temporary name carries the writer's process id and start
time, and :func:`sweep_partial` (run before each write into a folder, and when a workspace is
opened) removes files whose writer is gone, and the private folder itself once empty.
:func:`write_bytes_atomically` is the short form for bytes in memory.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from workbench.errors import WorkbenchError

__all__ = ["PARTIAL_DIR", "FileWriteError", "atomic_output", "discard", "publish", "staging_folder", "sweep_partial",
           "write_bytes_atomically"]

PARTIAL_DIR = ".workbench-partial"
_PROCESS_START = time.time()


def _started_again() -> None:
    """A forked child is another writer: its partial files carry its own start, not its parent's
    (else another process would take it for a recycled pid and sweep its files)."""
    global _PROCESS_START
    _PROCESS_START = time.time()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_started_again)


class FileWriteError(WorkbenchError, OSError):
    """A file could not be written; nothing was left in its place."""


def _is_own_folder(private: Path) -> bool:
    """Whether `private` is a real folder (not a link to one) of this user's: only then is it ours
    to write partial files in and sweep (a link planted there would point the sweep elsewhere)."""
    try:
        info = os.lstat(private)
    except OSError:
        return False
    owned = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owned


def _private_dir(folder: Path) -> Path:
    private = folder / PARTIAL_DIR
    try:
        if not os.path.lexists(private):
            private.mkdir(mode=0o700)
    except FileExistsError:
        pass  # another writer made it meanwhile
    except OSError as exc:
        raise FileWriteError(f"cannot write into {folder}: {exc.strerror or exc}; nothing was written",
                             "choose a folder you can write to") from None
    if not _is_own_folder(private):
        raise FileWriteError(f"{private} is not the workbench's own folder (a link, a file, or another user's); "
                             "nothing was written", f"remove {private} (the workbench makes its own), or choose "
                             "another folder")
    try:
        os.chmod(private, 0o700, follow_symlinks=False)  # whatever the umask, and an older folder too
    except (OSError, NotImplementedError):
        with contextlib.suppress(OSError):
            os.chmod(private, 0o700)
    return private


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_partial(folder: Path) -> int:
    """Remove partial files that no running writer owns; returns how many were removed."""
    private = Path(folder) / PARTIAL_DIR
    if not _is_own_folder(private):  # absent, or a link or file planted there: never swept
        return 0
    removed = 0
    for entry in private.iterdir():
        if _stale(entry):
            with contextlib.suppress(OSError):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed += 1
    with contextlib.suppress(OSError):
        private.rmdir()  # only when empty
    return removed


def _process_start_of(pid: int) -> float:
    """When the process now holding ``pid`` started (a recycled pid is not the old writer)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22 of proc(5): start time in clock ticks after boot
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime"))
        return boot + ticks / os.sysconf("SC_CLK_TCK") - 1.0  # a second of slack for rounding
    except (OSError, ValueError, IndexError, StopIteration):
        return 0.0


def _stale(entry: Path) -> bool:
    owner = entry.name.split("-", 2)
    try:
        pid, started = int(owner[0]), float(owner[1])
    except (ValueError, IndexError):
        return True
    if pid == os.getpid() and abs(started - _PROCESS_START) < 1e-3:
        return False  # this process's own write in progress
    if os.name != "posix":  # no safe liveness probe (os.kill would end the process): go by age
        with contextlib.suppress(OSError):
            return time.time() - entry.stat().st_mtime > 12 * 3600
        return False
    return not _alive(pid) or started < _process_start_of(pid)


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str], *, mode: int = 0o600) -> Iterator[Path]:
    """Yield a private temporary path; on success it replaces ``target`` whole."""
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise FileWriteError(f"the folder {folder} does not exist; nothing was written", "create it or choose another")
    sweep_partial(folder)
    private = _private_dir(folder)
    tmp = private / f"{os.getpid()}-{_PROCESS_START:.3f}-{secrets.token_hex(4)}-{target.name}"
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        _sync_dir(folder)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, WorkbenchError):
            raise
        raise FileWriteError(f"cannot write {target}: {exc.strerror or exc}; nothing was written",
                             "check the folder exists, has space and you may write to it") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        with contextlib.suppress(OSError):
            private.rmdir()


def write_bytes_atomically(target: str | os.PathLike[str], data: bytes, *, mode: int = 0o600) -> Path:
    """Write ``data`` to ``target`` whole (see :func:`atomic_output`)."""
    with atomic_output(target, mode=mode) as tmp:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    return Path(target)


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def staging_folder(folder: str | os.PathLike[str]) -> Path:
    """A new private folder inside ``folder``'s partial folder, for files that become final only
    once something else (a database commit) has happened: :func:`publish` them, or
    :func:`discard` the folder; a killed writer's folder is swept like any partial file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    sweep_partial(folder)
    staged = _private_dir(folder) / f"{os.getpid()}-{_PROCESS_START:.3f}-{secrets.token_hex(4)}-staged"
    staged.mkdir(mode=0o700)
    return staged


@contextlib.contextmanager
def scratch_folder(private: Path) -> Iterator[Path]:
    """A folder for a library's working files inside the private folder `private` (the parent of
    an :func:`atomic_output` path), named as this process's own so that no other writer's sweep
    takes it; removed with whatever is in it however the block ends (and swept if killed)."""
    with tempfile.TemporaryDirectory(dir=private, prefix=f"{os.getpid()}-{_PROCESS_START:.3f}-") as folder:
        yield Path(folder)


def publish(staged: Path, target: Path) -> Path:
    """Move a whole staged file into place (one rename on the same file system)."""
    os.replace(staged, target)
    _sync_dir(target.parent)
    return target


def discard(path: Path) -> None:
    """Remove a staged file or folder and, when empty, the partial folder holding it."""
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    with contextlib.suppress(OSError):
        path.parent.rmdir()
