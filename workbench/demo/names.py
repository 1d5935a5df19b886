"""Synthetic people and places: plausible first names, surnames and street names that are
plainly made up (Sampleton, Specimen Close ...), so no row can be mistaken for a real person.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Alex", "Amelia", "Ben", "Charlotte", "Chloe", "Daniel", "Ella", "Emily", "Freya", "George",
    "Grace", "Harry", "Isla", "Jack", "Jacob", "James", "Jessica", "Joshua", "Katie", "Leah",
    "Liam", "Lily", "Lucy", "Mason", "Megan", "Mia", "Noah", "Oliver", "Olivia", "Oscar",
    "Paige", "Poppy", "Reece", "Ruby", "Ryan", "Sam", "Sophie", "Thomas", "Tyler", "Zoe",
)
SURNAMES = (
    "Sampleton", "Exampleby", "Testwood", "Mockridge", "Dummington", "Placeholme", "Specimer",
    "Fictonby", "Madeupson", "Pretendley", "Synthwell", "Demoford", "Fakeley", "Notrealson",
    "Templeby", "Draftwick", "Prototon", "Mockhall", "Testerby", "Samplewell", "Examplehurst",
    "Pseudonym", "Inventon", "Imagineer", "Fabricott", "Dummyfield", "Trialsworth", "Stubbington",
)
_STREETS = ("Example", "Sample", "Specimen", "Placeholder", "Fictional", "Mock", "Demo", "Dummy",
            "Synthetic", "Pretend", "Madeup", "Imaginary")
_STREET_KINDS = ("Road", "Lane", "Close", "Street", "Way", "Drive", "Gardens", "Terrace")


def person(rng: random.Random) -> str:
    """A synthetic full name, e.g. 'Grace Sampleton'."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def address(rng: random.Random, town: str) -> str:
    """A synthetic street address in a real town, e.g. '14 Specimen Close, Dereham'."""
    return f"{rng.randint(1, 180)} {rng.choice(_STREETS)} {rng.choice(_STREET_KINDS)}, {town}"
