"""Reader for reports written as markdown (a tjänsteskrivelse and its kin).

Headings (``#``, ``**bold line**``) open sections; prose lines become
``text_lines``; a bullet list introduced by a sentence naming an assessment
("De 4 av 21 inriktningsmål som inte nås … är:") becomes ``goals``; a table
(tab-separated or pipe) whose first header is an uppdrag/initiativ header becomes
``items``, one row per line, the prognos taken from the column its date is in.
What the headers and phrases mean comes from the profile's vocabularies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from rapportkoll.ingest.normalize import (
    fold,
    match_vocabulary,
    period_from_groups,
    swedish_date,
)
from rapportkoll.ingest.profile import Profile
from rapportkoll.ingest.rows import SourceRows
from rapportkoll.ingest.source import Source
from rapportkoll.model.bundle import Bundle, TableBuilder

_HEADING_RE: Final = re.compile(r"^\s{0,3}(#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_BOLD_LINE_RE: Final = re.compile(r"^\s*\*\*(?P<text>[^*]+)\*\*\s*$")
_BULLET_RE: Final = re.compile(r"^\s*[-*+•]\s+(?P<text>.+)$")
_GOAL_RE: Final = re.compile(r"^(?P<goal>\d+(?:\.\d+)*)\.?\s+(?P<title>.+?)\s*$")
_TAG_RE: Final = re.compile(r"</?[a-zA-Z][^>]*>")
_PIPE_RULE_RE: Final = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_YEAR_RE: Final = re.compile(r"\b(19|20)\d\d\b")


def clean(text: str) -> str:
    """A line without markdown/HTML emphasis markers and surrounding spaces."""
    text = _TAG_RE.sub("", text)
    return text.replace("**", "").replace("__", "").strip()


def heading_of(line: str) -> str | None:
    """The heading text of a markdown heading or a line that is all bold."""
    for pattern in (_HEADING_RE, _BOLD_LINE_RE):
        m = pattern.match(line)
        if m:
            return clean(m.group("text"))
    return None


def split_cells(line: str) -> list[str] | None:
    """Cells of a tab-separated or pipe table row; None for a line of prose."""
    if "\t" in line:
        return [clean(c) for c in line.split("\t")]
    stripped = line.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        return [clean(c) for c in stripped.strip("|").split("|")]
    return None


@dataclass
class _State(SourceRows):
    """What the reader has seen so far in one file."""

    source: Source
    profile: Profile | None
    builder: TableBuilder = field(default_factory=TableBuilder)
    section: str | None = None
    title: tuple[int, str] | None = None
    goal_bedomning: str | None = None
    table_header: list[str] | None = None

    def provenance(self) -> tuple[str, str]:
        return self.source.report, self.source.path


class MarkdownReader:
    """A TextReader for markdown reports (``READER``)."""

    name = "markdown"

    def score(self, source: Source, profile: Profile | None) -> float:
        if profile is not None and "markdown" in profile.extra:
            return 0.9
        headings = sum(1 for line in source.lines[:400] if _HEADING_RE.match(line))
        if source.path.lower().endswith((".md", ".markdown")) or headings >= 2:
            return 0.5
        return 0.0

    def read(self, source: Source, profile: Profile | None) -> Bundle:
        from rapportkoll.ingest.generic import emit_tables

        state = _State(source=source, profile=profile)
        unit = profile.amount_unit if profile else None
        numeric = emit_tables(state.builder, source, unit)
        for number, line in enumerate(source.lines, start=1):
            if number not in numeric:
                _read_line(state, number, line)
        _add_report(state)
        return state.builder.build({source.path: source.lines})


def _read_line(state: _State, number: int, line: str) -> None:
    if not line.strip():
        state.table_header = None  # a list may follow its intro after a blank line
        return
    cells = split_cells(line)
    if cells is not None:
        _table_line(state, number, cells, line)
        return
    heading = heading_of(line)
    if heading is not None:
        state.section = heading
        if state.title is None and _HEADING_RE.match(line):
            state.title = (number, heading)
        state.add("text_lines", number, text=heading, section=heading)
        return
    bullet = _BULLET_RE.match(line)
    if bullet and state.goal_bedomning and _goal(state, number, bullet["text"]):
        state.add("text_lines", number, text=clean(line), section=state.section)
        return
    state.goal_bedomning = _introduced_assessment(state, line)
    state.add("text_lines", number, text=clean(line), section=state.section)


def _introduced_assessment(state: _State, line: str) -> str | None:
    """The bedömning a list is introduced with ('… som inte nås … är:')."""
    if not line.rstrip().endswith(":") or state.profile is None:
        return None
    vocabulary = state.profile.vocabularies.get("bedomning", {})
    folded = fold(line)
    for canonical, phrases in vocabulary.items():
        if any(fold(p) in folded for p in phrases):
            return canonical
    return None


def _goal(state: _State, number: int, text: str) -> bool:
    m = _GOAL_RE.match(clean(text))
    if m is None:
        return False
    state.add(
        "goals",
        number,
        goal=m["goal"],
        title=m["title"].rstrip("."),
        bedomning=state.goal_bedomning,
    )
    return True


def _table_line(state: _State, number: int, cells: list[str], line: str) -> None:
    if _PIPE_RULE_RE.match(line):
        return
    if state.table_header is None:
        state.table_header = cells
        return
    header = state.table_header
    if not _is_item_table(state.profile, header):
        state.add("text_lines", number, text="\t".join(cells), section=state.section)
        return
    _item_row(state, number, header, cells)


def _is_item_table(profile: Profile | None, header: list[str]) -> bool:
    if profile is None or not header:
        return False
    titles = profile.extra.get("markdown", {}).get("item_title_headers", [])
    return fold(header[0]) in {fold(t) for t in titles}


def _item_row(state: _State, number: int, header: list[str], cells: list[str]) -> None:
    assert state.profile is not None
    vocab = state.profile.vocabularies
    kind = match_vocabulary(header[0], vocab.get("kind", {})) or "okänd"
    filled = [
        (header[i] if i < len(header) else "", cell)
        for i, cell in enumerate(cells[1:], start=1)
        if cell
    ]
    title = cells[0].strip()
    if len(filled) != 1:
        state.add(
            "extraction_issues",
            number,
            issue="ambiguous",
            table="items",
            text="\t".join(cells),
            message="raden har inget eller flera datum: prognos kan inte avgöras",
            candidates="; ".join(f"{h}: {c}" for h, c in filled) or None,
        )
        return
    column, text = filled[0]
    prognos = match_vocabulary(column, vocab.get("prognos", {}))
    slutdatum = swedish_date(text)
    if slutdatum is None:
        state.add(
            "extraction_issues",
            number,
            issue="ambiguous",
            table="items",
            text=text,
            message="tidplanen anger inget fullständigt datum (dag, månad och år)",
        )
    state.add(
        "items",
        number,
        kind=kind,
        title=title,
        prognos=prognos,
        slutdatum=slutdatum,
        comment=text,
        title_line=number,
        comment_line=number,
    )
    if prognos is None:
        state.add(
            "extraction_issues",
            number,
            issue="unreadable",
            table="items",
            text=column,
            message=f"kolumnrubriken {column!r} finns inte i profilens prognos-ord",
        )


def _add_report(state: _State) -> None:
    source, profile = state.source, state.profile
    title_line, title = state.title or (1, None)
    organisation = _first_group(source, profile, "organisation_patterns", "org")
    doc_type = _doc_type(title or "", profile)
    start, end = _period(source, profile, title)
    state.add(
        "reports",
        title_line,
        organisation=organisation,
        doc_type=doc_type,
        title=title,
        period_start=start,
        period_end=end,
        unit=profile.amount_unit if profile else None,
        profile=profile.name if profile else None,
    )


def _first_group(
    source: Source, profile: Profile | None, attr: str, group: str
) -> str | None:
    if profile is None:
        return None
    for pattern in getattr(profile, attr):
        regex = re.compile(pattern, re.MULTILINE)
        m = regex.search(source.text)
        if m and m.groupdict().get(group):
            return clean(m[group])
    return None


def _doc_type(title: str, profile: Profile | None) -> str | None:
    if profile is None:
        return None
    folded = fold(title)
    for doc_type, phrases in profile.doc_types.items():
        if any(fold(p) in folded for p in phrases):
            return doc_type
    return None


def _period(
    source: Source, profile: Profile | None, title: str | None
) -> tuple[str | None, str | None]:
    if profile is None:
        return None, None
    texts = [title] if title else []
    texts.append(source.text)
    for text in texts:
        for pattern in profile.period_patterns:
            m = re.search(pattern, text, re.MULTILINE)
            if m:
                start, end = period_from_groups(m.groupdict())
                if end:
                    return start, end
    return None, None


READER: Final = MarkdownReader()
