"""rapportkoll: consistency checks for Swedish municipal follow-up reports."""

__version__ = "0.1.0"
