"""Smoke test of the built desktop program (`bash scripts/package` runs it).

    python packaging/smoke.py dist/workbench/workbench

Runs the frozen program as a user would, in a scratch home folder: `--version`; `demo --no-gui`
offscreen, whose bundle it then verifies with the frozen `verify`; and the window, opened for real
on a virtual X server (Xvfb), which must show a top-level window and stay alive. Prints the
folder's size and the start times; exits 1 naming the step that failed.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WINDOW_TITLES = ("Inspection Readiness Workbench", "Sign in")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run(cmd: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def fail(step: str, done: subprocess.CompletedProcess[str] | None = None) -> int:
    print(f"smoke test FAILED at: {step}")
    if done is not None:
        print(f"  exit code {done.returncode}\n  stdout: {done.stdout[-2000:]}\n  stderr: {done.stderr[-2000:]}")
    return 1


def scratch_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QT_", "XDG_", "WORKBENCH_")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), CI="true", **extra)
    return env


def start_xvfb() -> tuple[subprocess.Popen[bytes], str] | None:
    if shutil.which("Xvfb") is None:
        return None
    for number in range(120, 160):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                return server, f":{number}"
            time.sleep(0.05)
        server.kill()
    return None


def window_titles(display: str) -> list[str]:
    done = subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True, timeout=10)
    return re.findall(r'"([^"]+)"', done.stdout)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    program = Path(argv[0]).resolve()
    if not program.is_file():
        return fail(f"no built program at {program} (build it with: bash scripts/package)")
    size_mb = folder_size(program.parent) / 1e6
    with tempfile.TemporaryDirectory(prefix="workbench-smoke-") as tmp:
        home = Path(tmp)
        env = scratch_env(home, QT_QPA_PLATFORM="offscreen")
        times = []
        for _ in range(3):
            began = time.perf_counter()
            done = run([str(program), "--version"], env, 120)
            times.append(time.perf_counter() - began)
            if done.returncode != 0 or not done.stdout.startswith("workbench "):
                return fail("--version", done)
        print(f"--version: {done.stdout.strip()} (median start {statistics.median(times):.2f} s)")

        out = home / "demo"
        began = time.perf_counter()
        done = run([str(program), "demo", "--no-gui", "--out", str(out)], env, 900)
        demo_s = time.perf_counter() - began
        if done.returncode != 0 or "verify: passed" not in done.stdout:
            return fail("demo --no-gui", done)
        bundle = out / "evidence-bundle-pseudonymised.zip"
        fingerprint = re.search(r"signer certificate SHA-256: ([0-9a-f]{64})", done.stdout)
        if not bundle.is_file() or fingerprint is None:
            return fail("demo output (bundle and fingerprint)", done)
        print(f"demo --no-gui: packs and bundle built and verified in {demo_s:.0f} s")
        done = run([str(program), "verify", str(bundle), "--trust", fingerprint.group(1)], env, 300)
        if done.returncode != 0 or "VERIFIED" not in done.stdout:
            return fail("verify of the demo bundle", done)
        print("verify: VERIFIED by the frozen program")

        server = start_xvfb()
        if server is None:
            print("window: not tried (Xvfb is not installed: apt-get install xvfb x11-utils)")
            return fail("window under Xvfb")
        xvfb, display = server
        workspace = next(out.glob("*.sqlite"), None)
        if workspace is None:
            return fail("the demo workspace file")
        gui_env = scratch_env(home, DISPLAY=display)
        began = time.perf_counter()
        app = subprocess.Popen([str(program), "--workspace", str(workspace), "gui"], env=gui_env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            shown = None
            while time.perf_counter() - began < 90 and app.poll() is None:
                titles = [t for t in window_titles(display) if t.startswith(WINDOW_TITLES)]
                if titles:
                    shown = titles[0]
                    break
                time.sleep(0.2)
            window_s = time.perf_counter() - began
            if shown is None:
                stdout, stderr = ("", "")
                if app.poll() is not None:
                    stdout, stderr = app.communicate(timeout=10)
                return fail("window under Xvfb", subprocess.CompletedProcess(app.args, app.returncode or 0,
                                                                             stdout, stderr))
            time.sleep(2)
            if app.poll() is not None:
                stdout, stderr = app.communicate(timeout=10)
                return fail("window stayed open", subprocess.CompletedProcess(app.args, app.returncode, stdout,
                                                                              stderr))
            print(f"window: '{shown}' shown on {display} after {window_s:.1f} s and still running")
        finally:
            app.kill()
            app.wait(10)
            xvfb.terminate()
            xvfb.wait(10)
    print(f"built folder: {size_mb:.0f} MB")
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
