"""Counts in words, for every layer: "1 finding", "3 findings", "no actions"."""

from __future__ import annotations


def counted(count: int, one: str, many: str | None = None) -> str:
    """'1 finding', '3 findings', '0 findings' (with thousands separators)."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 action', '3 actions', 'no actions'."""
    return counted(count, one, many) if count else f"no {many or one + 's'}"
