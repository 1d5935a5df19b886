"""Inspection Readiness Workbench: HMICFRS PEEL findings to audits, evidence and signed packs."""

__version__ = "0.1.0"
