"""A synthetic domestic abuse (DA) occurrence extract for the DASH / DARA risk-grading audit.

Realism choices (assumptions, not force data):

* Volume: about 20 DA occurrences a day (~3,600 in six months), more at weekends and in the
  evening.  Occurrence numbers follow the '36/nnnnn/yy' shape (36 is Norfolk's force code).
* Tool: the College of Policing DARA replaces DASH during the period (DARA from 20 % of
  assessments in the first month to 75 % in the last); 3 % have no assessment at all.
* Officer's grade: standard 70 %, medium 22 %, high 8 %.  'Yes' answers rise with the grade
  (standard about 4, medium 9, high 15, MARAC threshold 14) and so do previous DA incidents in
  the last 12 months; a victim with any is flagged as a repeat victim.
* Completion: in person 86 %, by telephone 9 %, victim declined 5 %; 12 % of assessments leave
  questions unanswered.  Assessment 40 minutes to 5 hours after the report.
* Supervisor review: log-normal, median 9 hours after the assessment; about one in eight
  after 24 hours and 5 % never reviewed.
* Children in the household: yes 38 %, no 52 %, unknown 10 %.  Names are synthetic.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from workbench.demo import names
from workbench.demo.extracts import add_months, check_period, uk_datetime, write_csv
from workbench.demo.norfolk import DISTRICT_WEIGHTS, DISTRICTS
from workbench.progress import Progress

HEADER = (
    "Occurrence Number", "Reported Date Time", "Division", "Victim", "Suspect", "Attending Officer",
    "Risk Assessment Type", "Completion Method", "Yes Answers", "Questions Unanswered",
    "Officer Risk Grade", "Risk Assessment Completed", "Supervisor Reviewed",
    "Children in Household", "Repeat Victim", "Previous Incidents",
)
GRADES = ("Standard", "Medium", "High")
GRADE_MIX = (0.70, 0.22, 0.08)
DAILY_MEAN = 20
_HOURS = (4, 3, 2, 1.5, 1, 1, 1, 1.5, 2, 2.5, 3, 3, 3, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 6.5, 6, 5)
_HOUR_CUM = tuple(accumulate(_HOURS))
_DISTRICT_CUM = tuple(accumulate(DISTRICT_WEIGHTS))
_TICKS = {"Standard": (4, 2.2, 0, 11), "Medium": (9, 2.2, 4, 16), "High": (15, 2.8, 9, 24)}
# previous DA incidents in 12 months: weights for 0, 1, 2, 3, 4, 5
_PREVIOUS = {"Standard": (55, 24, 11, 6, 3, 1), "Medium": (30, 28, 20, 12, 6, 4), "High": (15, 20, 22, 18, 13, 12)}


def _day_count(rng: random.Random, day: date) -> int:
    weekend = 1.25 if day.weekday() >= 5 else 0.92
    return max(1, round(rng.gauss(DAILY_MEAN * weekend, 3)))


def _dara_share(day: date, start: date, end: date) -> float:
    progress = (day - start).days / max(1, (end - start).days)
    return 0.20 + 0.55 * progress


def _row(rng: random.Random, ref: str, reported: datetime, dara_share: float) -> tuple[object, ...]:
    district = rng.choices(DISTRICTS, cum_weights=_DISTRICT_CUM)[0]
    grade = rng.choices(GRADES, weights=GRADE_MIX)[0]
    roll = rng.random()
    tool = "None" if roll < 0.03 else ("DARA" if rng.random() < dara_share else "DASH")
    mean, sd, low, high = _TICKS[grade]
    ticks = min(high, max(low, round(rng.gauss(mean, sd))))
    previous = rng.choices(range(6), weights=_PREVIOUS[grade])[0]
    method = rng.choices(("In person", "Telephone", "Victim declined"), weights=(86, 9, 5))[0]
    unanswered = rng.randint(1, 5) if rng.random() < 0.12 else 0
    assessed = reviewed = None
    if tool != "None":
        assessed = reported + timedelta(minutes=rng.randint(40, 300))
        if rng.random() >= 0.05:
            reviewed = assessed + timedelta(minutes=round(540 * math.exp(rng.gauss(0, 0.8))))
    children = rng.choices(("Yes", "No", "Unknown"), weights=(38, 52, 10))[0]
    return (
        ref, uk_datetime(reported), district.name, names.person(rng), names.person(rng),
        f"PC {rng.randint(100, 2999)}", tool, "" if tool == "None" else method,
        "" if tool == "None" else ticks, "" if tool == "None" else unanswered, grade,
        uk_datetime(assessed), uk_datetime(reviewed), children, "Y" if previous else "N", previous,
    )


def write_da_csv(path: str | Path, start: date, months: int = 6, seed: int = 2024,
                 progress: Progress | None = None) -> int:
    """Write about ``months`` x 600 synthetic DA occurrences from ``start``; returns the row count."""
    check_period(start, months)
    rng = random.Random(seed)
    end = add_months(start, months)

    def rows():
        seq: dict[int, int] = {}
        day = start
        while day < end:
            count = _day_count(rng, day)
            minutes = sorted(h * 60 + rng.randrange(60)
                             for h in rng.choices(range(24), cum_weights=_HOUR_CUM, k=count))
            share = _dara_share(day, start, end)
            for minute in minutes:
                seq[day.year] = seq.get(day.year, 0) + 1
                ref = f"36/{seq[day.year]:05d}/{day:%y}"
                reported = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
                yield _row(rng, ref, reported, share)
            day += timedelta(days=1)

    return write_csv(path, HEADER, rows(), total=None, progress=progress)
