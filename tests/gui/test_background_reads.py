"""The views read in workers, never on the GUI thread: the latest request wins, a hidden page waits
until it is shown, and background writes run one at a time."""

from __future__ import annotations

import threading
import time
from itertools import pairwise

import pytest

from tests.gui.conftest import settled, wait_for_workers
from workbench.services.demo_workspace import OFFICER

pytestmark = pytest.mark.gui


@pytest.fixture
def host(qtbot):
    from workbench.gui.qt import QThreadPool, QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    pool = QThreadPool(widget)
    yield widget, pool
    pool.waitForDone()


# -- the loader ---------------------------------------------------------------------------------
def test_a_read_runs_in_a_worker_and_fills_the_view_on_the_main_thread(qtbot, host) -> None:
    from workbench.gui.workers import Loader

    widget, pool = host
    main = threading.get_ident()
    shown: list[tuple[str, bool]] = []
    read_in: list[int] = []
    loader = Loader(widget, pool, lambda result: shown.append((result, threading.get_ident() == main)))

    def work() -> str:
        read_in.append(threading.get_ident())
        return "rows"

    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.load(work)
    assert shown == [("rows", True)]
    assert read_in and read_in[0] != main
    assert not loader.busy


def test_an_older_result_never_overwrites_a_newer_one(qtbot, host) -> None:
    from workbench.gui.workers import Loader

    widget, pool = host
    shown: list[str] = []
    ran: list[str] = []
    release = threading.Event()
    loader = Loader(widget, pool, shown.append)

    def older() -> str:
        ran.append("older")
        release.wait(10)
        return "older"

    def newer() -> str:
        ran.append("newer")
        return "newer"

    loader.load(older)
    qtbot.waitUntil(lambda: ran == ["older"], timeout=10000)  # under way when the newer request comes
    loader.load(newer)
    loader.load(newer)  # a burst: only the newest waits
    assert loader.busy
    release.set()
    qtbot.waitUntil(lambda: not loader.busy, timeout=10000)
    assert shown == ["newer"]  # the older result arrived first and was dropped
    assert ran == ["older", "newer"]  # at most one read ran per loader while the newest waited


def test_an_error_of_the_latest_read_is_shown_and_an_older_ones_is_dropped(qtbot, host, boxes) -> None:
    from workbench.errors import InputError
    from workbench.gui.workers import Loader

    widget, pool = host
    failures: list[BaseException] = []
    release = threading.Event()
    loader = Loader(widget, pool, lambda _r: None, failures.append)

    def stale() -> None:
        release.wait(10)
        raise InputError("an old read failed", "nobody needs to know")

    def latest() -> None:
        raise InputError("the workspace cannot be read", "open it again")

    loader.load(stale)
    loader.load(latest)
    release.set()
    with qtbot.waitSignal(loader.failed, timeout=10000):
        pass
    assert [f.message for f in failures if isinstance(f, InputError)] == ["the workspace cannot be read"]
    assert [b.text for b in boxes] == ["the workspace cannot be read"] and boxes[0].hint == "open it again"


def test_the_busy_note_shows_only_while_a_slow_read_runs(qtbot, host) -> None:
    from workbench.gui.workers import Loader, busy_note

    widget, pool = host
    release = threading.Event()
    loader = Loader(widget, pool, lambda _r: None)
    note = busy_note(loader, delay_ms=10)
    note.setParent(widget)
    widget.show()
    loader.load(lambda: release.wait(10))
    qtbot.waitUntil(note.isVisible, timeout=5000)
    assert note.text() == "Loading…"
    release.set()
    qtbot.waitUntil(lambda: not note.isVisible(), timeout=10000)


def test_background_writes_run_one_at_a_time_in_order(qtbot, window) -> None:
    spans: list[tuple[str, float, float]] = []

    def write(name: str):
        def fn(uow, _progress) -> str:
            start = time.perf_counter()
            time.sleep(0.05)
            spans.append((name, start, time.perf_counter()))
            return name
        return fn

    done: list[str] = []
    for name in ("first", "second", "third"):
        window.ctx.background(window, f"Writing {name}", write(name), on_success=done.append)
    wait_for_workers(qtbot, window)
    assert done == ["first", "second", "third"] and [s[0] for s in spans] == done
    assert all(a[2] <= b[1] for a, b in pairwise(spans))  # never two at once


# -- the pages ----------------------------------------------------------------------------------
@pytest.fixture
def reads(monkeypatch):
    """Every unit of work the window opens, with whether it was opened on the GUI thread."""
    from workbench.store.workspace import Workspace

    seen: list[tuple[bool, bool]] = []  # (on the main thread, write)
    original = Workspace.unit_of_work
    recording = [False]

    def unit_of_work(self, *args, **kwargs):
        if recording[0]:
            write = kwargs.get("write", args[1] if len(args) > 1 else True)
            seen.append((threading.current_thread() is threading.main_thread(), bool(write)))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Workspace, "unit_of_work", unit_of_work)
    yield seen, recording


def test_every_page_and_selection_reads_off_the_gui_thread(qtbot, open_window, demo_ws, reads) -> None:
    seen, recording = reads
    window = open_window(demo_ws, OFFICER)
    recording[0] = True
    for page in ("Findings", "Audits", "Measures", "Packs", "Overview"):
        window.show_page(page)
        wait_for_workers(qtbot, window)
    window.show_page("Audits")
    audits = window.audits
    for row in range(audits.proxy.rowCount()):
        audits.table.selectRow(row)
        wait_for_workers(qtbot, window)
    assert audits.cases.model.rowCount() > 0 and audits.current is not None
    window.show_page("Findings")
    window.findings.detail_tabs.setCurrentIndex(1)
    for row in range(3):
        window.findings.table.selectRow(row)
        wait_for_workers(qtbot, window)
    assert window.findings.progress.progress is not None
    window.refresh()
    wait_for_workers(qtbot, window)
    assert seen, "the pages read nothing"
    assert not [s for s in seen if s[0]], "a unit of work was opened on the GUI thread"


def test_the_audits_page_fills_through_its_worker(qtbot, open_window, demo_ws) -> None:
    window = open_window(demo_ws, OFFICER)
    page = window.audits
    assert page.model.rowCount() == 0 and page.loader.generation == 0  # not read before it is shown
    window.show_page("Audits")
    assert page.busy  # asked for, not read on the spot
    qtbot.waitUntil(lambda: settled(window) and page.model.rowCount() == 4, timeout=180_000)
    assert page.count.text().startswith("4 audit rounds")
    assert page.select_round("Response attendance", 2)
    qtbot.waitUntil(lambda: settled(window) and page.cases.model.rowCount() == 82, timeout=180_000)
    assert page.cases.count.text() == "82 cases in use · 82 complete"


@pytest.mark.parametrize("name", ["Findings", "Measures", "Packs"])
def test_each_page_fills_through_its_worker(qtbot, open_window, demo_ws, name) -> None:
    window = open_window(demo_ws, OFFICER)
    page = getattr(window, name.lower())
    assert page.model.rowCount() == 0  # a page not shown yet has read nothing
    window.show_page(name)
    assert page.busy
    qtbot.waitUntil(lambda: settled(window) and page.model.rowCount() > 0, timeout=180_000)


def test_a_hidden_page_does_not_refresh_until_it_is_shown(qtbot, open_window, demo_ws) -> None:
    from workbench.gui.changes import ALL_VIEWS

    window = open_window(demo_ws, OFFICER)
    pages = [window.findings, window.audits, window.measures, window.packs]
    for page in pages:
        window.show_page(page.__class__.__name__.removesuffix("Page"))
        wait_for_workers(qtbot, window)
    window.show_page("Overview")
    asked = {id(p): p.loader.generation for p in pages}
    window.changes.notify(ALL_VIEWS)  # everything changed, while only the overview is shown
    assert all(p.loader.generation == asked[id(p)] for p in pages)  # nothing read for hidden pages
    assert window.overview.busy  # the page shown reads again
    wait_for_workers(qtbot, window)
    window.show_page("Audits")
    assert window.audits.loader.generation == asked[id(window.audits)] + 1  # read once shown
    wait_for_workers(qtbot, window)
    assert window.findings.loader.generation == asked[id(window.findings)]  # still waiting to be shown


def test_a_selection_made_while_the_rounds_are_read_is_kept(qtbot, open_window, demo_ws) -> None:
    window = open_window(demo_ws, OFFICER)
    window.show_page("Audits")
    wait_for_workers(qtbot, window)
    page = window.audits
    target = next(page.model.audit(r).info for r in range(page.model.rowCount())
                  if page.model.audit(r).info.title.startswith("DA primary"))
    page.refresh()
    assert page.select_audit(target.id)  # the rounds are being read: selected once they are in
    wait_for_workers(qtbot, window)
    assert page.current is not None and page.current.info.id == target.id
    assert page.heading.text().startswith("DA primary")
