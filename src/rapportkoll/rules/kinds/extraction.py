"""EXT01 extraction.unreadable-value: a value could not be read with confidence.

What it checks:
    Every row of ``extraction_issues`` (selected by ``where``, e.g. the issue kind)
    becomes a finding at its line: unreadable OCR tokens, cells whose digit grouping
    is ambiguous, files that could not be read at all. Nothing is silently guessed.

Why it matters:
    A check is only as good as what it read. Saying plainly what could not be read
    tells the controller exactly which lines to verify by hand.

Example rule:
    - id: oläsliga-värden
      kind: EXT01
      table: extraction_issues
      where: "issue != 'unreadable_file'"
      severity: warning
      title: Värden som inte kunde läsas säkert

Example finding:
    Tvetydig rad: «5 565 596 0 0 8 529 0» kan läsas på 3 sätt (t.ex. 5 565 | 596 | 0 |
    0 | 8 529 | 0) — rad 259
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import first_str
from rapportkoll.rules.registry import RuleKind

ISSUE_WORDS = {
    "ambiguous": ("Tvetydigt värde", "Ambiguous value"),
    "unreadable": ("Oläsligt värde", "Unreadable value"),
    "unreadable_file": ("Filen kunde inte läsas", "The file could not be read"),
}


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


def run(ctx: RuleContext) -> KindResult:
    rows = ctx.rows()
    if rows.empty:
        return ctx.result
    ctx.count(rows["report"])
    for _, row in rows.iterrows():
        issue = str(row["issue"])
        sv, en = ISSUE_WORDS.get(issue, (issue, issue))
        text = first_str(row.get("text"))
        quoted = f" «{text[:80]}»" if text else ""
        detail = first_str(row.get("message"))
        table = first_str(row.get("table"))
        ctx.add(
            message=ctx.t(
                f"{sv}{quoted}: {detail} — rad {row['line']}",
                f"{en}{quoted}: {detail} — line {row['line']}",
            ),
            report=str(row["report"]),
            file=str(row["file"]),
            lines=[row["line"]],
            labels=[issue, table, text[:60]],
            table=table or "extraction_issues",
            reported=text or None,
            expected=first_str(row.get("candidates")) or None,
        )
    return ctx.result


KIND = RuleKind("EXT01", "extraction.unreadable-value", Params, run, __doc__ or "")
