"""The error users can act on: bad input or rule file, named down to file and line."""

from __future__ import annotations


class UserError(Exception):
    """Bad input, rule file, profile or configuration (exit code 2, no traceback).

    ``where`` names the file (and line or key path) so the message can be acted on.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message
