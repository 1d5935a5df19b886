"""A link planted where the workbench keeps its partial files is never followed: writing refuses
it, and the sweep of leftovers (which deletes what no live writer owns) never reaches the folder
it points to."""
from __future__ import annotations

import os

import pytest

from workbench.files import PARTIAL_DIR, FileWriteError, sweep_partial, write_bytes_atomically


def test_a_linked_partial_folder_is_refused_and_never_swept(tmp_path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("someone's file")
    (elsewhere / "sub").mkdir()
    os.chmod(elsewhere, 0o755)
    out = tmp_path / "out"
    out.mkdir()
    (out / PARTIAL_DIR).symlink_to(elsewhere, target_is_directory=True)
    assert sweep_partial(out) == 0
    with pytest.raises(FileWriteError, match="not the workbench's own folder"):
        write_bytes_atomically(out / "report.pdf", b"%PDF")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt", "sub"]
    assert oct(os.stat(elsewhere).st_mode & 0o777) == "0o755"
    assert not (out / "report.pdf").exists()


def test_opening_a_workspace_beside_a_linked_partial_folder_leaves_it_alone(sqlite_workspace, tmp_path) -> None:
    from workbench.store.workspace import Workspace

    folder = sqlite_workspace.location.path.parent
    sqlite_workspace.close()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("someone's file")
    (folder / PARTIAL_DIR).symlink_to(elsewhere, target_is_directory=True)
    Workspace.open(sqlite_workspace.location).close()
    assert (elsewhere / "keep.txt").read_text() == "someone's file"
