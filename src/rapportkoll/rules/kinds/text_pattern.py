"""TXT01 format.text-pattern: draft markers or cut-off sentences left in the text.

What it checks:
    Every line of prose (``text_lines``) is searched for the literal ``markers``
    (e.g. ``***``, ``TODO``, ``XX``, ``??``), matched as whole tokens where they are
    words. With ``cut_off: true`` a paragraph that ends without a full stop, colon
    or other closing mark while the next line starts a new block is flagged too.

Why it matters:
    Draft markers and half-written sentences in a published report undermine trust in
    every number around them.

Example rule:
    - id: utkastmarkeringar
      kind: TXT01
      table: text_lines
      params: {markers: ["***", "TODO", "XX"]}
      severity: warning
      title: Utkastmarkeringar kvar i texten

Example finding:
    Utkastmarkering «***» kvar i texten: «***Uppdragets hemvist diskuteras fortsatt…»
    — rad 1568
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import records
from rapportkoll.rules.registry import RuleKind

_END = re.compile(r"[.!?:;…)\]»”\"']\s*$")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    markers: list[str] = []
    cut_off: bool = False
    min_words: int = 4
    dangling_words: list[str] = [
        "än",
        "och",
        "att",
        "som",
        "för",
        "med",
        "till",
        "av",
        "på",
        "i",
        "en",
        "ett",
        "den",
        "det",
        "de",
        "om",
        "samt",
        "eller",
        "men",
        "vilket",
        "från",
        "är",
        "har",
    ]


def _pattern(marker: str) -> re.Pattern[str]:
    escaped = re.escape(marker)
    if marker.isalnum():
        return re.compile(rf"(?<![\w]){escaped}(?![\w])")
    return re.compile(escaped)


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    rows = ctx.rows()
    if rows.empty:
        return ctx.result
    ctx.count(rows["report"])
    if p.markers:
        _markers(ctx, p, rows)
    if p.cut_off:
        _cut_off(ctx, p, rows)
    return ctx.result


def _markers(ctx: RuleContext, p: Params, rows: pd.DataFrame) -> None:
    """A finding per line and marker, marker by marker."""
    # A marker's pattern only matches where the marker is printed: one pass of
    # plain substring tests finds the few lines worth a regular expression.
    printed = [any(m in t for m in p.markers) for t in rows["text"].astype(str)]
    marked = rows[np.array(printed, dtype=bool)]
    for marker in p.markers:
        hits = marked[marked["text"].astype(str).str.contains(_pattern(marker))]
        for _, row in hits.iterrows():
            text = str(row["text"]).strip()
            short = text if len(text) <= 80 else text[:77] + "…"
            ctx.add(
                message=ctx.t(
                    f"Utkastmarkering «{marker}» kvar i texten: «{short}» — "
                    f"rad {row['line']}",
                    f"Draft marker «{marker}» left in the text: «{short}» — "
                    f"line {row['line']}",
                ),
                report=str(row["report"]),
                file=str(row["file"]),
                lines=[row["line"]],
                labels=[marker, text[:60]],
            )


def _cut_off(ctx: RuleContext, p: Params, rows: pd.DataFrame) -> None:
    """A paragraph ending on a dangling word the next prose line does not continue."""
    ordered = rows[rows["text"].astype(str).str.strip() != ""].sort_values(
        ["file", "line"]
    )
    lines = records(ordered[["report", "file", "line", "text"]])
    dangling = {w.casefold() for w in p.dangling_words}
    # Only a line ending on a dangling word can be cut off: look at those closely.
    ends = [(str(c["text"]).rsplit(None, 1) or [""])[-1].casefold() for c in lines]
    for i in [i for i, end in enumerate(ends) if end in dangling]:
        cur, nxt = lines[i], lines[i + 1] if i + 1 < len(lines) else None
        text = str(cur["text"]).strip()
        words = text.split()
        if (
            len(words) < p.min_words
            or _END.search(text)
            or words[-1].casefold() not in dangling
        ):
            continue
        same_file = nxt is not None and nxt["file"] == cur["file"]
        following = str(nxt["text"]).strip() if nxt is not None and same_file else ""
        adjacent = same_file and int(nxt["line"]) == int(cur["line"]) + 1  # type: ignore[index]
        if adjacent or (following and not following[0].isupper()):
            continue
        ctx.add(
            message=ctx.t(
                f"Meningen verkar avbruten: «…{text[-60:]}» — rad {cur['line']}",
                f"The sentence seems cut off: «…{text[-60:]}» — line {cur['line']}",
            ),
            report=str(cur["report"]),
            file=str(cur["file"]),
            lines=[cur["line"]],
            labels=["cut-off", text[-60:]],
        )


KIND = RuleKind("TXT01", "format.text-pattern", Params, run, __doc__ or "")
