"""The one shape of a progress report, for every long piece of work.

Long work (imports, draws, scoring, packs, bundles, the demo) takes an optional `progress` callable
and calls it as `progress(done, total)`: `done` units so far out of `total`, or `total=None` when
the whole is not known yet. The command line passes a progress bar (`cli/progress.py`), the GUI a
worker's signal (`gui/workers.py`). It sits below every layer, so each of them may name it.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Report that `done` of `total` units are finished (`total` None: not known yet)."""

    def __call__(self, done: int, total: int | None, /) -> None: ...
