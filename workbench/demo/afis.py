"""The seed reports' areas for improvement, named by a short key and a phrase that occurs once
in the report text, so the demo can attach measures, actions and evidence to imported findings
(``phrase in finding.text``, ignoring case).
"""

from __future__ import annotations

#: key -> (report year, phrase found in the AFI's text)
AFI_PHRASES: dict[str, tuple[str, str]] = {
    "use_of_force": ("2023-25", "use of force is accurately recorded"),
    "digital_tools": ("2023-25", "training in specialist digital tools"),
    "supervisors": ("2023-25", "supervisors have the necessary training and skills"),
    "demand": ("2023-25", "should do more to manage and address demand"),
    "attendance": ("2023-25", "attend calls for service within its own set attendance times"),
    "abandonment": ("2023-25", "reduce the number of non-emergency calls the caller abandons"),
    "allocation": ("2023-25", "investigations are allocated to officers and teams with sufficient skills"),
    "outcomes": ("2023-25", "consistently achieve appropriate outcomes for victims"),
    "preventative_orders": ("2023-25", "consideration and use of preventative orders"),
    "da_governance": ("2023-25", "governance and oversight of all domestic abuse incidents"),
    "mash": ("2023-25", "multi-agency safeguarding hub has enough trained personnel"),
    "offender_ratio": ("2023-25", "reduce the ratio of offenders to offender managers"),
    "investigation_skills_2018": ("2018", "staff with the right skills are investigating crimes thoroughly"),
    "allocation_2018": ("2018", "improve how it allocates crime"),
    "supervision_2018": ("2018", "regular and active supervision of the quality and progress of investigations"),
}

#: key -> the finding's owner in the force (a role, as force trackers name them)
AFI_OWNERS: dict[str, str] = {
    "use_of_force": "Head of Professional Standards",
    "digital_tools": "Head of Public Protection",
    "supervisors": "Head of Learning and Development",
    "demand": "Head of Strategic Planning and Performance",
    "attendance": "Head of Contact and Control Room",
    "abandonment": "Head of Contact and Control Room",
    "allocation": "Head of Crime Investigation",
    "outcomes": "Head of Crime Investigation",
    "preventative_orders": "Head of Public Protection",
    "da_governance": "Head of Public Protection",
    "mash": "Head of Safeguarding (MASH)",
    "offender_ratio": "Head of Offender Management",
    "investigation_skills_2018": "Head of Crime Investigation",
    "allocation_2018": "Head of Crime Investigation",
    "supervision_2018": "Head of Crime Investigation",
}


def afi_key_for(text: str) -> str | None:
    """The key of the AFI whose phrase occurs in ``text`` (ignoring case and spacing), if any."""
    flat = " ".join(str(text).replace("\u2019", "'").split()).casefold()
    for key, (_year, phrase) in AFI_PHRASES.items():
        if phrase.casefold() in flat:
            return key
    return None
