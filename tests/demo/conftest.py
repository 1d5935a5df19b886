"""Demo extracts generated once per test session (each takes about a second)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.demo.domestic_abuse import write_da_csv
from workbench.demo.incidents import write_incidents_csv
from workbench.demo.use_of_force import write_uof_csv

ROUND1_START = date(2024, 4, 1)
ROUND2_START = date(2025, 4, 1)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="session")
def incidents_round1(demo_dir: Path) -> Path:
    path = demo_dir / "incidents-round1.csv"
    write_incidents_csv(path, ROUND1_START, seed=11, attendance_rate=0.65)
    return path


@pytest.fixture(scope="session")
def incidents_round2(demo_dir: Path) -> Path:
    path = demo_dir / "incidents-round2.csv"
    write_incidents_csv(path, ROUND2_START, seed=12, attendance_rate=0.85)
    return path


@pytest.fixture(scope="session")
def da_extract(demo_dir: Path) -> Path:
    path = demo_dir / "da.csv"
    write_da_csv(path, ROUND1_START, seed=21)
    return path


@pytest.fixture(scope="session")
def uof_extract(demo_dir: Path) -> Path:
    path = demo_dir / "uof.csv"
    write_uof_csv(path, ROUND1_START, seed=31, form_rate=0.5)
    return path
