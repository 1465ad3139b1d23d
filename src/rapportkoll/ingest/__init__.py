"""Readers: turn sources (text, OCR, markdown, PDF, CSV/XLSX) into canonical tables."""
