"""Norfolk's policing geography as the demo uses it: districts, towns, urban share, custody.

Shares are rough and rounded: Norwich carries the most demand and is almost all urban;
North Norfolk and Breckland are mostly rural.  Town names are real (they locate an incident),
street names and house numbers never are (see ``names``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class District:
    name: str
    demand_share: float  # share of the force's incidents
    urban_share: float  # share of the district's incidents in an urban area
    towns: tuple[str, ...]
    custody_suite: str


DISTRICTS: tuple[District, ...] = (
    District("Norwich", 0.24, 0.95, ("Norwich",), "Norwich (Aylsham Road) PIC"),
    District("Great Yarmouth", 0.12, 0.70, ("Great Yarmouth", "Gorleston-on-Sea", "Caister-on-Sea"),
             "Great Yarmouth PIC"),
    District("King's Lynn & West Norfolk", 0.15, 0.45, ("King's Lynn", "Downham Market", "Hunstanton"),
             "King's Lynn PIC"),
    District("Breckland", 0.13, 0.35, ("Thetford", "Dereham", "Swaffham", "Attleborough", "Watton"),
             "Wymondham PIC"),
    District("Broadland", 0.12, 0.40, ("Sprowston", "Hellesdon", "Aylsham", "Acle", "Reepham"),
             "Norwich (Aylsham Road) PIC"),
    District("North Norfolk", 0.11, 0.20, ("Cromer", "North Walsham", "Fakenham", "Holt", "Sheringham"),
             "Norwich (Aylsham Road) PIC"),
    District("South Norfolk", 0.13, 0.30, ("Wymondham", "Diss", "Costessey", "Harleston", "Loddon"),
             "Wymondham PIC"),
)

DISTRICT_WEIGHTS = tuple(d.demand_share for d in DISTRICTS)
