"""Deterministic synthetic data for ``workbench demo``: extracts, fieldwork answers, measures,
evidence documents and action plans for Norfolk Constabulary's assurance team.

Pure generators: no database, no Qt.  Everything is drawn from ``random.Random(seed)`` so the
same seed gives byte-identical files.  All people, addresses and references are synthetic.

Modules: ``incidents`` (CAD extract, calibrated attendance rate), ``domestic_abuse`` (DASH/DARA
extract), ``use_of_force`` (custody extract), ``fieldwork`` (scripted auditor answers and exact
compliance), ``measures`` (monthly KPI series), ``documents`` (marked evidence PDFs and a CSV),
``actions`` (action plan), ``afis`` (keys and phrases of the seed reports' AFIs).
"""

from __future__ import annotations

from workbench.demo.errors import DemoError, FieldworkTargetError

__all__ = ["DemoError", "FieldworkTargetError"]
