"""The numbers the commands take (ids, versions, sizes, years): whole, not negative, and small
enough for the database to hold (a larger one would end in an overflow deep in the driver)."""

from __future__ import annotations

import argparse

#: the largest integer SQLite and PostgreSQL (BIGINT) hold
LARGEST = 2**63 - 1


def whole_number(text: str) -> int:
    """An argparse type: a whole number from 0 to `LARGEST`, or a usage error saying why."""
    try:
        if "_" in text:  # int() accepts "1_000"; no record number is written so
            raise ValueError(text)
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative: give 0 or more")
    if value > LARGEST:
        raise argparse.ArgumentTypeError(f"{text} is too large: no record has a number above {LARGEST:,}")
    return value
