"""The reader for Stratsys follow-up reports exported as PDF text (``READER``).

It reads one report into the canonical tables: the report row, the summary matrix
of uppdrag and nämndinitiativ, inriktningsmål with indicators and items, the
financial tables, the per-unit comment headers (claims), every prose line
(``text_lines``) and an ``extraction_issues`` row for every value it cannot read
with confidence. Everything the template prints (headings, vocabularies, column
names, row formulas) comes from the profile; see profiles/norrtalje-stratsys.yaml.
The parts live in stratsys_text (blocks), stratsys_items (items, matrix),
stratsys_goals (goals, indicators) and stratsys_finance (tables, claims).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from rapportkoll.ingest.numberwords import MONTH_NUMBERS
from rapportkoll.ingest.profile import Profile
from rapportkoll.ingest.source import Source
from rapportkoll.ingest.stratsys_finance import parse_finance, parse_unit_claims
from rapportkoll.ingest.stratsys_goals import goal_heading, parse_goals
from rapportkoll.ingest.stratsys_items import collect_known_ansvarig, parse_matrix
from rapportkoll.ingest.stratsys_text import (
    Block,
    Context,
    Vocabulary,
    build_blocks,
    clean_lines,
    folded,
    split_block,
    vocabulary_for,
)
from rapportkoll.model.bundle import Bundle, TableBuilder

SETTINGS = "stratsys"


@dataclass(frozen=True)
class ReportInfo:
    organisation: str | None
    title: str | None
    doc_type: str | None
    period_start: str | None
    period_end: str | None
    line: int


class StratsysPdfTextReader:
    """Reads Stratsys reports whose text was extracted from the PDF (not OCR)."""

    name = "stratsys-pdf-text"

    def score(self, source: Source, profile: Profile | None) -> float:
        """High for a Stratsys profile and PDF-extracted text.

        PDF text keeps one trailing space at every word-boundary line end; OCR text
        does not and shows '|' for table rules; Markdown starts lines with '#'/'|'.
        """
        if profile is None or SETTINGS not in profile.extra:
            return 0.0
        lines = [line for line in source.lines if line.strip()]
        if not lines:
            return 0.0
        share = len([x for x in lines if x.endswith(" ")]) / len(lines)
        pipes = len([x for x in lines if "|" in x]) / len(lines)
        markup = len([x for x in lines if x.lstrip().startswith(("#", "|"))]) / len(
            lines
        )
        return round(max(0.0, min(1.0, 0.3 + 0.65 * share - 3 * pipes - 3 * markup)), 3)

    def read(self, source: Source, profile: Profile | None) -> Bundle:
        if profile is None:
            return TableBuilder().build({source.path: source.lines})
        vocab = vocabulary_for(profile)
        lines = clean_lines(
            source.lines, vocab.setting_regex("pdf_text", "page_footer")
        )
        ctx = Context(
            source.path,
            source.report,
            vocab,
            build_blocks(lines),
            lines,
            TableBuilder(),
        )
        info = report_info(source, profile, vocab)
        ctx.organisation = info.organisation
        ctx.year = int(info.period_end[:4]) if info.period_end else None
        ctx.add(
            "reports",
            info.line,
            organisation=info.organisation,
            doc_type=info.doc_type,
            title=info.title,
            period_start=info.period_start,
            period_end=info.period_end,
            unit=profile.amount_unit,
            profile=profile.name,
        )
        _read_sections(ctx)
        _text_lines(ctx, source)
        return ctx.builder.build({source.path: source.lines})


def _find_block(
    ctx: Context, key: str, start: int = 0, *, prefix: bool = False
) -> int | None:
    """The block whose first line is the heading; a heading printed directly above
    its first line of content is split into a block of its own."""
    for i in range(start, len(ctx.blocks)):
        if ctx.vocab.is_heading(key, ctx.blocks[i].bodies[0], prefix=prefix):
            if len(ctx.blocks[i].numbers) > 1:
                split_block(ctx.blocks, ctx.lines, i, 1)
            return i
    return None


def _read_sections(ctx: Context) -> None:
    collect_known_ansvarig(ctx)
    matrix = _find_block(ctx, "matrix")
    if matrix is not None:
        parse_matrix(ctx, matrix)
    goals = _find_block(ctx, "goals_section")
    finance = _find_block(ctx, "finance_section", goals or 0)
    if goals is not None:
        parse_goals(ctx, goals + 1, finance if finance is not None else len(ctx.blocks))
    if finance is not None:
        parse_finance(ctx, ctx.blocks[finance].first)
        comments = _find_block(ctx, "unit_comments", finance, prefix=True)
        if comments is not None:
            ends = _find_block(ctx, "investments", comments)
            parse_unit_claims(
                ctx, comments, ends if ends is not None else len(ctx.blocks)
            )


def report_info(source: Source, profile: Profile, vocab: Vocabulary) -> ReportInfo:
    """Organisation, title, document type and period from the profile's patterns."""
    text = source.text
    organisation = _first_group(profile.organisation_patterns, text, "org")
    title, line = None, 1
    for pattern in vocab.setting_list(SETTINGS, "title_patterns"):
        m = re.search(pattern, text)
        if m:
            raw = m.group("title")
            title = raw[:1] + raw[1:].lower() if raw.isupper() else raw
            line = text.count("\n", 0, m.start()) + 1
            break
    doc_type = None
    for kind, phrases in profile.doc_types.items():
        if title and any(folded(p) in folded(title) for p in phrases):
            doc_type = kind
            break
    end = _period_end(profile.period_patterns, text)
    start = f"{end[:4]}-01-01" if end else None
    return ReportInfo(organisation, title, doc_type, start, end, line)


def _first_group(patterns: list[str], text: str, group: str) -> str | None:
    for pattern in patterns:
        m = re.search(pattern, text)
        if m and m.groupdict().get(group):
            return m.group(group).strip()
    return None


def _period_end(patterns: list[str], text: str) -> str | None:
    """The period's last day: a printed date, else the last day of 'april 2025'.
    Follow-up reports run from the start of the budget year, so the period starts
    on 1 January of the same year."""
    for pattern in patterns:
        m = re.search(pattern, text)
        if m is None:
            continue
        found = m.groupdict()
        if found.get("end"):
            return str(found["end"])
        month = MONTH_NUMBERS.get(str(found.get("month", "")).lower())
        if month and found.get("year"):
            year = int(found["year"])
            return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    return None


def _is_heading(block: Block) -> bool:
    text = block.text.strip()
    return (
        len(block.numbers) == 1
        and 0 < len(text.split()) <= 8
        and text[-1] not in ".,:;!?-"
        and (text[0].isupper() or text[0].isdigit())
    )


def _text_lines(ctx: Context, source: Source) -> None:
    """Every prose line not read as part of a table, with its section heading."""
    section: str | None = None
    for block in ctx.blocks:
        if goal_heading(ctx, block) is not None:
            section = " ".join(block.text.split())
            continue
        if ctx.consumed.issuperset(block.numbers):
            continue
        if _is_heading(block):
            section = block.text.strip()
            continue
        for number in block.numbers:
            if number not in ctx.consumed:
                ctx.add(
                    "text_lines",
                    number,
                    text=source.lines[number - 1].strip(),
                    section=section,
                )


READER = StratsysPdfTextReader()
