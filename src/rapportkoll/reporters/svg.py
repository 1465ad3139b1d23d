"""Inline SVG charts for the HTML report: expected vs reported bars, count tiles."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from rapportkoll.reporters.i18n import format_number, label

EXPECTED = "#98a2b3"
DISCREPANT = "#d92d20"
WAIVED = "#f79009"


@dataclass(frozen=True)
class Bar:
    """One row of a chart: a label, the expected and the reported value."""

    label: str
    expected: float
    reported: float
    waived: bool = False


def bars(rows: list[Bar], lang: str, *, title: str = "", labels: bool = True) -> str:
    """Horizontal paired bars per row, the reported bar marked when it deviates."""
    label_w, bar_w, row_h = (250 if labels else 8), 260, 40
    height = 26 + row_h * len(rows)
    scale = max((max(abs(r.expected), abs(r.reported)) for r in rows), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {label_w + bar_w + 90} {height}" '
        f'width="{label_w + bar_w + 90}" height="{height}">',
        f"<title>{escape(title or label(lang, 'charts'))}</title>",
        _legend(lang, label_w),
    ]
    for i, row in enumerate(rows):
        y = 26 + i * row_h
        if labels:
            parts.append(
                f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" '
                f'class="lbl">{escape(_short(row.label))}</text>'
            )
        colour = WAIVED if row.waived else DISCREPANT
        for j, (value, fill) in enumerate(
            ((row.expected, EXPECTED), (row.reported, colour))
        ):
            width = max(abs(value) / scale * bar_w, 1.5)
            top = y + 3 + j * 15
            parts.append(
                f'<rect x="{label_w}" y="{top}" width="{width:.1f}" height="12" '
                f'fill="{fill}" rx="2"/>'
                f'<text x="{label_w + width + 6:.1f}" y="{top + 10}" class="val">'
                f"{escape(format_number(value, lang))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _legend(lang: str, x: int) -> str:
    items = [(EXPECTED, label(lang, "expected")), (DISCREPANT, label(lang, "reported"))]
    out = []
    for i, (fill, text) in enumerate(items):
        left = x + i * 130
        out.append(
            f'<rect x="{left}" y="4" width="12" height="12" fill="{fill}" rx="2"/>'
            f'<text x="{left + 17}" y="14" class="val">{escape(text)}</text>'
        )
    return "".join(out)


def count_tiles(expected: float, reported: float, lang: str) -> str:
    """The summary matrix's value next to the count found in the listing."""
    tiles = [
        (label(lang, "matrix_value"), expected, EXPECTED),
        (label(lang, "count_found"), reported, DISCREPANT),
    ]
    parts = [
        '<svg class="chart tiles" role="img" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 360 84" width="360" height="84">',
        f"<title>{escape(tiles[0][0])} / {escape(tiles[1][0])}</title>",
    ]
    for i, (text, value, colour) in enumerate(tiles):
        x = 4 + i * 196
        parts.append(
            f'<rect x="{x}" y="4" width="156" height="76" rx="6" fill="#fff" '
            f'stroke="{colour}" stroke-width="2"/>'
            f'<text x="{x + 78}" y="48" text-anchor="middle" class="big" '
            f'fill="{colour}">{escape(format_number(value, lang))}</text>'
            f'<text x="{x + 78}" y="70" text-anchor="middle" class="val">'
            f"{escape(text)}</text>"
        )
    parts.append(
        '<text x="180" y="50" text-anchor="middle" class="big" fill="#475467">≠</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
