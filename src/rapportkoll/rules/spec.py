"""What users write: the rule-file spec (checks/*.yaml), validated with pydantic."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rapportkoll.findings import Severity

AREAS = (
    "arithmetic",
    "counts",
    "status",
    "assessment",
    "prose",
    "cross-report",
    "format",
    "extraction",
    "schema",
    "expectations",
    "other",
)


class Text(BaseModel):
    """A user-facing text in Swedish with an optional English version."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sv: str
    en: str | None = None

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.sv


def _text(value: Any) -> Any:
    return {"sv": value} if isinstance(value, str) else value


class RuleSpec(BaseModel):
    """One rule instance: a kind, a selection of canonical rows, parameters, texts."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,80}$")
    kind: str
    title: Text
    explanation: Text | None = None
    hint: Text | None = None
    severity: Severity = Severity.ERROR
    area: str = "other"
    table: str | None = None
    where: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True

    _normalise_texts = field_validator("title", "explanation", "hint", mode="before")(
        _text
    )

    @field_validator("area")
    @classmethod
    def _known_area(cls, value: str) -> str:
        if value not in AREAS:
            raise ValueError(f"unknown area {value!r}; one of {', '.join(AREAS)}")
        return value


class RuleFile(BaseModel):
    """A checks/*.yaml file: a list of rules (and optionally shared defaults)."""

    model_config = ConfigDict(extra="allow", frozen=True)
    rules: list[dict[str, Any]] = Field(default_factory=list)
