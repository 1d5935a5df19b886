"""A synthetic Norfolk command-and-control (CAD) incident extract for the attendance audit.

Realism choices (each a plain, documented assumption, not force data):

* Volume: about 160 incidents a day (~30,000 in six months), higher on Fridays and Saturdays
  and in summer, with a daily wobble of a few per cent.  Calls peak from mid-afternoon to late
  evening and are fewest between 03:00 and 06:00.
* Geography: the seven Norfolk districts with a demand share and an urban share each (see
  ``norfolk``); Norwich is almost all urban, North Norfolk mostly rural.
* Grades at opening: emergency 30 %, priority 45 %, scheduled 17 %, resolution without
  deployment 8 %.  The opening code depends on the grade (domestic incidents and concern for
  safety are common emergencies; theft and criminal damage mostly scheduled).
* Regrades: 9 % of emergencies are downgraded to priority and 7 % of priority incidents to
  scheduled, always with a regrade reason (about one in six of those reasons is resource
  availability alone, which an auditor should challenge); 2 % of priority incidents are
  upgraded to emergency.
* Times: call to dispatch and dispatch to arrival are log-normal.  Dispatch waits are longer
  for priority than emergency incidents and longer at night (20:00-06:00) and at weekends
  (fewer resources, more demand); travel is longer in rural areas and for priority incidents
  (no blue lights).  One scale factor on both delays ("resource pressure") is then set by
  bisection so that, with the default force settings (clock from the call; emergency 15 min
  urban / 20 rural; priority 60), the share of emergency and priority incidents attended within
  target is ``attendance_rate``.  It is measured on whole minutes, as the extract writes them,
  and on the final grade, as the template's rule does.
* Some emergency/priority incidents are stood down after dispatch (2 %: no arrival); scheduled
  incidents are attended by appointment hours or days later (10 % resolved without attending);
  resolution without deployment has no dispatch or arrival.
* Callers and addresses are synthetic (``names``); 5 % of callers are anonymous and alarm
  activations come from an alarm receiving centre.  Values are clean, so the import reports
  no problems.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from workbench.demo import names
from workbench.demo.errors import DemoError
from workbench.demo.extracts import add_months, check_period, uk_datetime, write_csv
from workbench.demo.norfolk import DISTRICT_WEIGHTS, DISTRICTS
from workbench.progress import Progress

HEADER = (
    "Incident Number", "Call Date Time", "Opening Grade", "Opening Code", "Division", "Area Type",
    "Incident Address", "Caller", "Dispatched", "Arrived", "Closing Grade", "Regrade Reason",
)
GRADES = ("Emergency", "Priority", "Scheduled", "Resolution without deployment")
GRADE_MIX = (0.30, 0.45, 0.17, 0.08)
DAILY_MEAN = 158
#: Attendance targets the calibration assumes (the default force settings).
TARGETS = {("Emergency", "Urban"): 15, ("Emergency", "Rural"): 20,
           ("Priority", "Urban"): 60, ("Priority", "Rural"): 60}

_WEEKDAY = (0.95, 0.93, 0.95, 0.97, 1.08, 1.14, 1.00)
_HOURS = (3.0, 2.4, 1.9, 1.5, 1.2, 1.1, 1.4, 2.2, 3.2, 3.9, 4.3, 4.5,
          4.6, 4.7, 4.8, 5.1, 5.5, 5.7, 5.6, 5.4, 5.1, 4.8, 4.3, 3.6)
# opening code: weights for (emergency, priority, scheduled, resolution without deployment)
_CODES = {
    "Domestic Incident": (22, 14, 6, 3), "Concern for Safety": (16, 12, 2, 4),
    "Violence Against the Person": (15, 9, 8, 2), "Road Related Traffic Collision": (10, 6, 2, 6),
    "Suspicious Circumstances": (6, 10, 4, 8), "Burglary Dwelling": (7, 6, 12, 2),
    "Mental Health": (8, 8, 3, 8), "Missing Person": (6, 8, 2, 1), "Sudden Death": (2, 4, 0, 0),
    "Anti-Social Behaviour": (3, 12, 10, 18), "Theft": (1, 5, 18, 22), "Criminal Damage": (1, 4, 14, 14),
    "Public Safety": (4, 6, 3, 8), "Alarm Activation": (2, 3, 2, 5),
}
_CODE_NAMES = tuple(_CODES)
_CODE_CUM = tuple(tuple(accumulate(w[i] for w in _CODES.values())) for i in range(4))
_GRADE_CUM = tuple(accumulate(GRADE_MIX))
_HOUR_CUM = tuple(accumulate(_HOURS))
_DISTRICT_CUM = tuple(accumulate(DISTRICT_WEIGHTS))
_DOWN_E_TO_P = (
    "Suspect left scene on caller's call-back; no ongoing threat. THRIVE reassessed",
    "Ambulance on scene; no immediate threat to life for police",
    "Further information: injured party now safe with family",
    "Caller confirms no weapons and parties separated",
    "No resources available; regraded pending availability",
)
_DOWN_P_TO_S = (
    "Caller agreed appointment; no vulnerability identified on research",
    "Offender not known; no forensic opportunity lost by delay",
    "Caller requested attendance tomorrow; risk reviewed by supervisor",
    "No resources available; appointment offered",
    "Caller happy to wait; THRIVE reassessed as low risk",
)
_UP_P_TO_E = ("Further call: weapon now seen", "Caller reports threats escalating; suspect returned")


@dataclass(frozen=True)
class _Incident:
    ref: str
    call: datetime
    opening: str
    code: str
    district: str
    area: str
    address: str
    caller: str
    closing: str
    reason: str
    wait: float  # call to dispatch, minutes, before the pressure scale
    travel: float  # dispatch to arrival, minutes, before the pressure scale
    stood_down: bool


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _daily_counts(rng: random.Random, start: date, end: date) -> list[tuple[date, int]]:
    out, day = [], start
    while day < end:
        season = 1 + 0.08 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 196) / 365)
        mean = DAILY_MEAN * _WEEKDAY[day.weekday()] * season * rng.gauss(1.0, 0.04)
        out.append((day, max(1, round(mean))))
        day += timedelta(days=1)
    return out


def _regrade(rng: random.Random, opening: str) -> tuple[str, str]:
    roll = rng.random()
    if opening == "Emergency" and roll < 0.09:
        return "Priority", rng.choice(_DOWN_E_TO_P)
    if opening == "Priority" and roll < 0.07:
        return "Scheduled", rng.choice(_DOWN_P_TO_S)
    if opening == "Priority" and roll < 0.09:
        return "Emergency", rng.choice(_UP_P_TO_E)
    return opening, ""


def _delays(rng: random.Random, grade: str, area: str, call: datetime) -> tuple[float, float]:
    night = call.hour >= 20 or call.hour < 6
    weekend = call.weekday() >= 5 or (call.weekday() == 4 and call.hour >= 18)
    pressure = (1.35 if night else 1.0) * (1.2 if weekend else 1.0)
    rural = area == "Rural"
    if grade == "Emergency":
        wait = _lognormal(rng, 2.5 * pressure, 0.8)
        travel = _lognormal(rng, 12.0 if rural else 7.0, 0.55 if rural else 0.5)
    else:
        wait = _lognormal(rng, 14.0 * pressure, 0.9)
        travel = _lognormal(rng, 26.0 if rural else 18.0, 0.7)
    return wait, travel


def _incidents(rng: random.Random, start: date, months: int) -> list[_Incident]:
    out = []
    for day, count in _daily_counts(rng, start, add_months(start, months)):
        minutes = sorted(
            h * 60 + rng.randrange(60) for h in rng.choices(range(24), cum_weights=_HOUR_CUM, k=count)
        )
        for seq, minute in enumerate(minutes, start=1):
            call = datetime(day.year, day.month, day.day) + timedelta(minutes=minute)
            grade_index = rng.choices(range(4), cum_weights=_GRADE_CUM)[0]
            opening = GRADES[grade_index]
            code = rng.choices(_CODE_NAMES, cum_weights=_CODE_CUM[grade_index])[0]
            district = rng.choices(DISTRICTS, cum_weights=_DISTRICT_CUM)[0]
            area = "Urban" if rng.random() < district.urban_share else "Rural"
            roll = rng.random()
            if code == "Alarm Activation":
                caller = "Alarm Receiving Centre"
            elif roll < 0.05:
                caller = "Anonymous"
            else:
                caller = names.person(rng)
            closing, reason = _regrade(rng, opening)
            wait, travel = _delays(rng, closing, area, call) if closing in ("Emergency", "Priority") else (0, 0)
            out.append(_Incident(
                ref=f"NC-{day:%Y%m%d}-{seq:04d}", call=call, opening=opening, code=code,
                district=district.name, area=area, address=names.address(rng, rng.choice(district.towns)),
                caller=caller, closing=closing, reason=reason, wait=wait, travel=travel,
                stood_down=closing in ("Emergency", "Priority") and rng.random() < 0.02,
            ))
    return out


def _scaled(i: _Incident, k: float) -> tuple[int, int]:
    wait = round(i.wait * k)
    return wait, wait + max(1, round(i.travel * k))


def _calibrate(incidents: list[_Incident], rate: float) -> float:
    """The pressure scale at which ``rate`` of the attended emergency/priority incidents meet target.

    A first guess from the unrounded times is refined by bisection on whole minutes.
    """
    timed = [(i.wait, i.travel, TARGETS[(i.closing, i.area)]) for i in incidents if i.wait and not i.stood_down]
    if not timed:
        return 1.0
    wanted = rate * len(timed)
    ratios = sorted((g / (w + t) for w, t, g in timed), reverse=True)
    guess = ratios[min(len(ratios) - 1, max(0, math.ceil(wanted) - 1))]

    def met(k: float) -> int:  # falls as k grows
        return sum(1 for w, t, g in timed if round(w * k) + max(1, round(t * k)) <= g)

    low, high = guess / 1.2, guess * 1.2
    while met(low) < wanted and low > 1e-3:
        low /= 1.5
    while met(high) >= wanted and high < 1e3:
        high *= 1.5
    for _ in range(18):
        mid = math.sqrt(low * high)
        low, high = (mid, high) if met(mid) >= wanted else (low, mid)
    return low


def _scheduled_times(rng: random.Random, call: datetime) -> tuple[datetime | None, datetime | None]:
    if rng.random() < 0.10:
        return None, None
    arrival = call + timedelta(minutes=rng.randint(4 * 60, 72 * 60))
    return arrival - timedelta(minutes=rng.randint(10, 60)), arrival


def _row(rng: random.Random, i: _Incident, k: float) -> tuple[str, ...]:
    dispatched = arrived = None
    if i.wait:
        wait, total = _scaled(i, k)
        dispatched = i.call + timedelta(minutes=wait)
        arrived = None if i.stood_down else i.call + timedelta(minutes=total)
    elif i.closing == "Scheduled":
        dispatched, arrived = _scheduled_times(rng, i.call)
    return (i.ref, uk_datetime(i.call), i.opening, i.code, i.district, i.area, i.address, i.caller,
            uk_datetime(dispatched), uk_datetime(arrived), i.closing, i.reason)


def write_incidents_csv(path: str | Path, start: date, months: int = 6, seed: int = 2024,
                        attendance_rate: float = 0.65, progress: Progress | None = None) -> int:
    """Write about ``months`` x 5,000 synthetic incidents from ``start``; returns the row count.

    ``attendance_rate`` (0.05-0.99) is the share of attended emergency and priority incidents
    within target under the default force settings.  Same arguments, same bytes.
    """
    check_period(start, months)
    if isinstance(attendance_rate, bool) or not isinstance(attendance_rate, (int, float)) \
            or not 0.05 <= attendance_rate <= 0.99:
        raise DemoError(f"expected a share from 0.05 to 0.99, got {attendance_rate!r}", field="attendance_rate")
    rng = random.Random(seed)
    incidents = _incidents(rng, start, months)
    k = _calibrate(incidents, float(attendance_rate))
    rows = (_row(rng, i, k) for i in incidents)
    return write_csv(path, HEADER, rows, total=len(incidents), progress=progress)
