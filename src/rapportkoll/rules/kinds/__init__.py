"""One module per rule kind; each exposes ``KIND``."""
