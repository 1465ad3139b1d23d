"""Synthetic national batches of reports and the ``rapportkoll bench`` benchmark.

Nothing in the checking pipeline imports this package: it writes report files that
the ordinary readers read, and measures ``rapportkoll check`` from the outside.
"""
