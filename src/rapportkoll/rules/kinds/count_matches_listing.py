"""CNT01 counts.count-matches-listing: a reported count must equal the rows it summarises.

What it checks:
    Each count cell (e.g. the summary matrix of uppdrag and nämndinitiativ by kind ×
    status × prognos) is compared with the number of detail rows (the items listed
    under each goal) whose keys match. Keys map count-table columns to listing
    columns, with an optional value map (enligt_plan → "Enligt plan"). Combinations
    found in the listing but absent from the count table are flagged too.

Why it matters:
    Summary tables are typed by hand or exported at another time than the detail
    listing; when they disagree the reader cannot know which one is true.

Example rule:
    - id: matris-stammer-med-listade-uppdrag
      kind: CNT01
      table: item_matrix
      where: "kind != 'total' and column != 'total'"
      params:
        keys:
          - {count: kind, listing: kind}
          - {count: status, listing: status}
          - {count: column, listing: prognos,
             map: {enligt_plan: Enligt plan, avvikelse: Avvikelse från plan}}
      title: Sammanställningen stämmer med listade uppdrag och initiativ

Example finding:
    Sammanställningen anger 2 för nämndinitiativ · Påbörjad · avvikelse men
    listningen har 3 (rad 180; listade på rad 1243, 1382, 1565)
"""  # noqa: E501 - printed verbatim by `explain` and in docs/rules.md

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from rapportkoll.rules import fmt
from rapportkoll.rules.context import KindResult, RuleContext
from rapportkoll.rules.kinds._common import reports_with_issues
from rapportkoll.rules.registry import RuleKind


class Key(BaseModel):
    model_config = ConfigDict(extra="forbid")
    count: str
    listing: str
    map: dict[str, str] = {}


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    keys: list[Key]
    listing_table: str = "items"
    listing_where: str | None = None
    empty_as_zero: bool = True
    check_unlisted: bool = True


def run(ctx: RuleContext) -> KindResult:
    p = ctx.params
    assert isinstance(p, Params)
    counts = ctx.rows()
    listing = ctx.rows(p.listing_table, p.listing_where)
    reports_with_counts = set(counts["report"]) if not counts.empty else set()
    if not reports_with_counts:
        return ctx.result
    listing = listing[listing["report"].isin(reports_with_counts)]
    key_cols = [f"_k{i}" for i in range(len(p.keys))]
    counts = counts.assign(
        **{
            c: counts[k.count].map(lambda v, m=k.map: m.get(str(v), v)).astype(str)
            for c, k in zip(key_cols, p.keys, strict=True)
        }
    )
    listing = listing.assign(
        **{
            c: listing[k.listing].astype(str)
            for c, k in zip(key_cols, p.keys, strict=True)
        }
    )
    lines = _lines_of(listing, key_cols)
    keys = zip(*(counts[c] for c in ["report", *key_cols]), strict=True)
    found = np.array([len(lines.get(key, ())) for key in keys], dtype=float)
    ctx.count(counts["report"])
    for i in np.flatnonzero(_differs(counts, found, p)):
        _compare(ctx, p, counts.iloc[i], key_cols, int(found[i]), lines)
    if p.check_unlisted:
        # A matrix row the reader could not read is absent; EXT01 reports that line.
        doubtful = reports_with_issues(ctx.bundle, str(ctx.spec.table))
        _unlisted(ctx, counts, key_cols, lines, doubtful)
    return ctx.result


Lines = dict[tuple[Any, ...], list[Any]]


def _lines_of(listing: pd.DataFrame, key_cols: list[str]) -> Lines:
    """The listed lines per (report, keys …), in the order they are printed (keys
    in the order they first appear); a key's count is its number of lines."""
    out: Lines = {}
    columns = [listing[c] for c in ["report", *key_cols, "line"]]
    for *key, line in zip(*columns, strict=True):
        out.setdefault(tuple(key), []).append(line)
    return out


def _differs(
    counts: pd.DataFrame, found: npt.NDArray[np.float64], p: Params
) -> npt.NDArray[np.bool_]:
    """Rows whose count may differ from the listing (``_compare`` decides)."""
    value = pd.to_numeric(counts["value"], errors="coerce").to_numpy(float)
    empty = np.isnan(value)
    said = np.trunc(np.where(empty, 0.0, value))
    differs: npt.NDArray[np.bool_] = (~empty | p.empty_as_zero) & (said != found)
    return differs


def _label(ctx: RuleContext, p: Params, row: pd.Series) -> str:
    return " · ".join(str(row[k.count]) for k in p.keys)


def _compare(
    ctx: RuleContext,
    p: Params,
    row: pd.Series,
    key_cols: list[str],
    n: int,
    lines: Lines,
) -> None:
    value = row["value"]
    if pd.isna(value):
        if not p.empty_as_zero:
            return
        value = 0.0
    if int(value) == n:
        return
    listed = lines.get((row["report"], *(row[c] for c in key_cols)), [])
    lang = ctx.lang
    label = _label(ctx, p, row)
    where = fmt.capped([str(x) for x in listed], 6, lang)
    message = ctx.t(
        f"Sammanställningen anger {int(value)} för {label} men listningen har {n} "
        f"(rad {row['line']}" + (f"; listade på rad {where})" if listed else ")"),
        f"The summary says {int(value)} for {label} but the listing has {n} "
        f"(line {row['line']}" + (f"; listed at lines {where})" if listed else ")"),
    )
    ctx.add(
        message=message,
        report=str(row["report"]),
        file=str(row["file"]),
        lines=[row["line"], *listed],
        labels=[row[k.count] for k in p.keys],
        expected=float(n),
        reported=float(value),
        difference=float(value) - n,
        tolerance=0.0,
    )


def _unlisted(
    ctx: RuleContext,
    counts: pd.DataFrame,
    key_cols: list[str],
    listed: Lines,
    doubtful: set[str],
) -> None:
    """A finding per listed key the summary has no row for (reports whose summary
    the reader doubted left out)."""
    known = set(zip(*(counts[c] for c in ["report", *key_cols]), strict=True))
    files: dict[Any, Any] = {}
    for report, file in zip(counts["report"], counts["file"], strict=True):
        files.setdefault(report, file)
    for key, lines in listed.items():
        report, *values = key
        if report in doubtful or key in known:
            continue
        n = len(lines)
        label = " · ".join(str(v) for v in values)
        where = fmt.capped([str(x) for x in lines], 6, ctx.lang)
        ctx.add(
            message=ctx.t(
                f"Listningen har {n} för {label} men "
                f"sammanställningen har ingen sådan rad (listade på rad {where})",
                f"The listing has {n} for {label} but the summary has no "
                f"such row (listed at lines {where})",
            ),
            report=str(report),
            file=str(files.get(report, "")),
            lines=list(lines),
            labels=values,
            expected=float(n),
            reported=0.0,
            difference=-float(n),
            tolerance=0.0,
        )


KIND = RuleKind("CNT01", "counts.count-matches-listing", Params, run, __doc__ or "")
