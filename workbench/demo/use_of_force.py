"""A synthetic custody (arrest) extract for the use-of-force recording audit.

Realism choices (assumptions, not force data):

* Volume: about 30 arrests a day (~5,500 in six months), more at weekends and at night,
  booked into Norfolk's four custody suites by district.
* Force: the custody record shows force used (including handcuffing) in 62 % of arrests, none
  in 33 % and is unclear in 5 %.  Only ``form_rate`` of arrests with force used have a
  use-of-force form (default 0.5: the 2023-25 report estimates that Norfolk recorded 8,341 of
  about 17,270 incidents), and 30 % of the 'unknown' ones do.
* Forms: submitted a log-normal 6 hours (median) after the arrest, about one in eight after
  24 hours.  Tactics from handcuffing alone to Taser; the subject is injured in 8.1 % of
  forms (the report's figure) and an officer in 3 %.  Injury columns come from the form, so
  they are blank when there is none.
* Ethnicity: self-defined, ethnic minority groups 8.5 % of subjects (5.3 % of Norfolk's
  population); blank on 6 % of records.  Names are synthetic.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from workbench.demo import names
from workbench.demo.errors import DemoError
from workbench.demo.extracts import add_months, check_period, uk_datetime, write_csv
from workbench.demo.norfolk import DISTRICT_WEIGHTS, DISTRICTS
from workbench.progress import Progress

HEADER = (
    "Custody Number", "Arrest Date Time", "Custody Suite", "Arrest Reason", "Detainee",
    "Self Defined Ethnicity", "Force Used", "UoF Form Number", "UoF Submitted", "Tactics",
    "Subject Injury", "Officer Injury",
)
DAILY_MEAN = 30
_DISTRICT_CUM = tuple(accumulate(DISTRICT_WEIGHTS))
_HOURS = (5, 4.5, 4, 3, 2, 1.5, 1.5, 2, 2.5, 3, 3, 3, 3, 3, 3.5, 4, 4.5, 5, 5, 5.5, 6, 6, 6, 5.5)
_HOUR_CUM = tuple(accumulate(_HOURS))
_REASONS = ("Assault occasioning ABH", "Common assault", "Domestic assault", "Shoplifting",
            "Possession with intent to supply", "Public order offence", "Criminal damage",
            "Breach of bail", "Drink driving", "Burglary", "Wanted on warrant", "Robbery")
_ETHNICITY = (("White - British", 84.0), ("White - Other", 7.5), ("Black or Black British", 3.2),
              ("Asian or Asian British", 2.6), ("Mixed or Multiple ethnic groups", 2.0),
              ("Other ethnic group", 0.7))
_TACTICS = (("Handcuffing (compliant)", 40), ("Handcuffing (non-compliant)", 25),
            ("Handcuffing (non-compliant); Ground restraint", 12), ("Unarmed skills; Handcuffing", 10),
            ("Limb restraints; Handcuffing", 4), ("Spit and bite guard; Handcuffing", 3),
            ("PAVA drawn; Handcuffing", 2), ("Taser drawn; Handcuffing", 2.5),
            ("Taser red-dotted; Handcuffing", 1), ("Taser fired; Handcuffing; Ground restraint", 0.5))


def _pick(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _row(rng: random.Random, ref: str, arrested: datetime, form_rate: float, forms: list[int]) -> tuple[object, ...]:
    district = rng.choices(DISTRICTS, cum_weights=_DISTRICT_CUM)[0]
    ethnicity = "" if rng.random() < 0.06 else _pick(rng, _ETHNICITY)
    force = rng.choices(("Yes", "No", "Unknown"), weights=(62, 33, 5))[0]
    has_form = (force == "Yes" and rng.random() < form_rate) or (force == "Unknown" and rng.random() < 0.3)
    form = submitted = tactics = subject = officer = ""
    if has_form:
        forms[0] += 1
        form = f"UOF-{arrested:%y}-{forms[0]:05d}"
        hours = 6 * math.exp(rng.gauss(0, 1.1))
        submitted = uk_datetime(arrested + timedelta(minutes=round(hours * 60)))
        tactics = _pick(rng, _TACTICS)
        subject = "Yes" if rng.random() < 0.081 else "No"
        officer = "Yes" if rng.random() < 0.03 else "No"
    return (ref, uk_datetime(arrested), district.custody_suite, rng.choice(_REASONS), names.person(rng),
            ethnicity, force, form, submitted, tactics, subject, officer)


def write_uof_csv(path: str | Path, start: date, months: int = 6, seed: int = 2024,
                  form_rate: float = 0.5, progress: Progress | None = None) -> int:
    """Write about ``months`` x 900 synthetic arrests from ``start``; returns the row count.

    ``form_rate`` (0-1) is the share of arrests with force used that have a use-of-force form.
    """
    check_period(start, months)
    if isinstance(form_rate, bool) or not isinstance(form_rate, (int, float)) or not 0 <= form_rate <= 1:
        raise DemoError(f"expected a share from 0 to 1, got {form_rate!r}", field="form_rate")
    rng = random.Random(seed)
    end = add_months(start, months)

    def rows():
        seq, forms, day = 0, [0], start
        while day < end:
            weekend = 1.2 if day.weekday() >= 5 else 0.92
            count = max(1, round(rng.gauss(DAILY_MEAN * weekend, 4)))
            minutes = sorted(h * 60 + rng.randrange(60)
                             for h in rng.choices(range(24), cum_weights=_HOUR_CUM, k=count))
            for minute in minutes:
                seq += 1
                arrested = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
                yield _row(rng, f"CUS-{seq:06d}", arrested, float(form_rate), forms)
            day += timedelta(days=1)

    return write_csv(path, HEADER, rows(), total=None, progress=progress)
