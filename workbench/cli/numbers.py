"""The numbers the commands take (ids, versions, sizes, years, seeds): whole, not negative, and
small enough for the database to hold (a larger one would end in an overflow deep in the driver:
record ids are 32-bit integers on PostgreSQL, seeds 64-bit)."""

from __future__ import annotations

import argparse

#: the largest record id, count or size a command takes (PostgreSQL INTEGER)
LARGEST = 2**31 - 1
#: the largest seed (stored as BIGINT)
LARGEST_SEED = 2**63 - 1


def _whole(text: str, largest: int, what: str) -> int:
    try:
        if "_" in text:  # int() accepts "1_000"; nobody writes a record number so
            raise ValueError(text)
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative: give 0 or more")
    if value > largest:
        raise argparse.ArgumentTypeError(f"{text} is too large: no {what} is above {largest:,}")
    return value


def whole_number(text: str) -> int:
    """An argparse type: a whole number from 0 to `LARGEST` (an id, a count, a size, a year)."""
    return _whole(text, LARGEST, "record number, count or size")


def seed_number(text: str) -> int:
    """An argparse type: a draw's seed, from 0 to `LARGEST_SEED`."""
    return _whole(text, LARGEST_SEED, "seed")
