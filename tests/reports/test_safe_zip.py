"""The zip reader's defences: unsafe names, links, duplicates, encryption, bombs, overlaps."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from workbench.reports.bundle import BundleError, verify_bundle
from workbench.reports.safe_zip import ZipLimits, read_member, safe_entries

# ---------------------------------------------------------------- safe zip


def _hostile_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data)
    return path


@pytest.mark.parametrize(
    "name,what",
    [
        ("../evil", "'..'"),
        ("/etc/passwd", "absolute"),
        ("C:/Windows/evil.dll", "drive letter"),
        ("evidence\\..\\evil", "backslash"),
        ("a/./b", "'.'"),
        ("bell\x07name", "control"),
    ],
)
def test_unsafe_names_are_refused(tmp_path, name, what):
    path = _hostile_zip(tmp_path / "h.zip", [("ok.txt", b"fine"), (name, b"bad")])
    with zipfile.ZipFile(path) as zf:
        with pytest.raises(BundleError) as info:
            safe_entries(zf)
    assert info.value.entry == zipfile.ZipInfo(name).filename
    assert what in str(info.value)


def test_verify_names_every_unsafe_entry_and_extracts_nothing(tmp_path):
    before = set(tmp_path.iterdir())
    path = _hostile_zip(
        tmp_path / "h.zip",
        [("manifest.json", b"{}"), ("../evil", b"x"), ("/abs/evil", b"y")],
    )
    report = verify_bundle(path)
    assert not report.ok and report.checked == 0
    assert [p.path for p in report.problems] == ["../evil", "/abs/evil"]
    assert set(tmp_path.iterdir()) == before | {path}
    assert not (tmp_path.parent / "evil").exists()


def test_symlink_duplicate_and_encrypted_are_refused(tmp_path):
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as zf:
        link = zipfile.ZipInfo("link")
        link.create_system = 3
        link.external_attr = (0o120777) << 16
        zf.writestr(link, "/etc/passwd")
    with zipfile.ZipFile(path) as zf, pytest.raises(BundleError, match="symbolic link"):
        safe_entries(zf)

    dup = _hostile_zip(tmp_path / "d.zip", [("Notes.txt", b"a"), ("notes.TXT", b"b")])
    with zipfile.ZipFile(dup) as zf, pytest.raises(BundleError, match="duplicates") as info:
        safe_entries(zf)
    assert info.value.entry == "notes.TXT"

    enc = tmp_path / "e.zip"
    with zipfile.ZipFile(enc, "w") as zf:
        zf.writestr("secret.txt", b"data")
    raw = bytearray(enc.read_bytes())
    # set the "encrypted" flag bit in both the local and the central header
    raw[6] |= 1
    central = raw.index(b"PK\x01\x02")
    raw[central + 8] |= 1
    enc.write_bytes(bytes(raw))
    with zipfile.ZipFile(enc) as zf, pytest.raises(BundleError, match="encrypted"):
        safe_entries(zf)


def test_zip_bombs_are_refused(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.bin", b"\0" * (4 * 1024 * 1024))
    with zipfile.ZipFile(bomb) as zf:
        with pytest.raises(BundleError, match="expands") as info:
            safe_entries(zf)
        assert info.value.entry == "zeros.bin"
        small = ZipLimits(max_member_size=1024, max_ratio=1e9)
        with pytest.raises(BundleError, match="over the 1024-byte limit"):
            safe_entries(zf, small)
        with pytest.raises(BundleError, match="over the 100-byte limit"):
            read_member(zf, "zeros.bin", ZipLimits(max_ratio=1e9), max_size=100)
        total = ZipLimits(max_total_size=1000, max_ratio=1e9)
        with pytest.raises(BundleError, match="in all"):
            safe_entries(zf, total)


def test_member_lying_about_its_size_is_stopped(tmp_path):
    path = tmp_path / "lie.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("a.txt", b"0123456789")
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("a.txt")
        info.file_size = 4  # the central directory claims fewer bytes than stored
        with pytest.raises(BundleError) as err:
            read_member(zf, info)
    assert err.value.entry == "a.txt"


def test_overlapping_members_are_refused(tmp_path):
    path = tmp_path / "overlap.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt", b"A" * 100)
        zf.writestr("b.txt", b"B" * 100)
    raw = bytearray(path.read_bytes())
    second = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 4)
    raw[second + 42 : second + 46] = (0).to_bytes(4, "little")  # b.txt -> a.txt's data
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as zf, pytest.raises(BundleError, match="overlaps") as info:
        safe_entries(zf)
    assert info.value.entry in {"a.txt", "b.txt"}
