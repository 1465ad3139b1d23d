"""The contract between ingest and rules: numbers with intervals, canonical tables."""
