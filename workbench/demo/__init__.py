"""Deterministic synthetic data for ``workbench demo``: extracts, fieldwork answers, measures,
evidence documents and action plans for Norfolk Constabulary's assurance team.

Pure generators: no database, no Qt.  Everything is drawn from ``random.Random(seed)`` so the
same seed gives byte-identical files.  All people, addresses and references are synthetic.
"""

from __future__ import annotations

from workbench.demo.errors import DemoError, FieldworkTargetError

__all__ = ["DemoError", "FieldworkTargetError"]
