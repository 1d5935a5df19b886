"""A file named on the command line that is a pipe, a device or too large is refused at once with
the reason (a pipe given as an anchor once hung `log verify`)."""
from __future__ import annotations

import os
import threading

import pytest

from tests.cli.passphrases import main_as
from workbench.limits import read_input


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("argv", [
    ["log", "verify", "--anchor", "{fifo}"],
    ["verify", "bundle.zip", "--trust", "{fifo}"],
    ["import-report", "r.txt", "--corrections", "{fifo}"],
    ["import-report", "r.txt", "--area-rules", "{fifo}"],
    ["templates", "import", "{fifo}"],
    ["import-report", "{fifo}", "--dry-run"],
])
def test_a_pipe_named_as_an_input_file_is_refused_not_waited_on(tmp_path, capsys, argv) -> None:
    ws = str(tmp_path / "w.sqlite")
    assert main_as(["init", "--workspace", ws, "--user", "ann.admin"]) == 0
    (tmp_path / "r.txt").write_text("Areas for improvement\n\n- The force should record crime accurately.\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    args = [a.replace("{fifo}", str(fifo)) for a in argv]
    args = [str(tmp_path / a) if a in ("r.txt", "bundle.zip") else a for a in args]
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(main_as([*args, "--workspace", ws, "--user", "ann.admin"])),
                              daemon=True)
    worker.start()
    worker.join(60)
    if worker.is_alive():  # let the blocked reader go before failing
        with open(fifo, "wb"):
            pass
        pytest.fail(f"{argv[0]} waited on a pipe")
    capsys.readouterr()
    assert done and done[0] != 0


def test_read_input_limits(tmp_path) -> None:
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    assert read_input(big, 101) == b"x" * 101
    with pytest.raises(OSError, match="larger than 100 bytes"):
        read_input(big, 100)
    with pytest.raises(OSError, match="not a regular file"):
        read_input(tmp_path, 100)


@pytest.mark.parametrize("argv, name", [
    (["log", "verify", "--anchor", "{f}"], "anchor.json"),
    (["import-report", "r.txt", "--dry-run", "--corrections", "{f}"], "corrections.json"),
    (["import-report", "r.txt", "--dry-run", "--area-rules", "{f}"], "rules.toml"),
])
def test_deeply_nested_input_is_refused_in_words(tmp_path, capsys, argv, name) -> None:
    ws = str(tmp_path / "w.sqlite")
    assert main_as(["init", "--workspace", ws, "--user", "ann.admin"]) == 0
    (tmp_path / "r.txt").write_text("Areas for improvement\n\n- The force should record crime accurately.\n")
    deep = tmp_path / name
    deep.write_text("x = " + "[" * 100_000 + "]" * 100_000 if name.endswith(".toml") else "[" * 100_000 + "]" * 100_000)
    args = [a.replace("{f}", str(deep)) for a in argv]
    args = [str(tmp_path / a) if a == "r.txt" else a for a in args]
    capsys.readouterr()
    assert main_as([*args, "--workspace", ws, "--user", "ann.admin"]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and ("deep" in err or "not JSON" in err or "TOML" in err)
