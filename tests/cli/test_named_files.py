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
