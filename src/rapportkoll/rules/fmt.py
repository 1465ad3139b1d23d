"""Numbers and lists in messages: Swedish or English formatting, capped lists."""

from __future__ import annotations

import math
from collections.abc import Sequence


def number(value: float | None, decimals: int = 0, lang: str = "sv") -> str:
    """'−108 433' / '14,9' in Swedish, '-108,433' / '14.9' in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    decimals = max(0, min(int(decimals), 6))
    text = f"{abs(value):,.{decimals}f}"
    if lang == "en":
        return ("-" if value < 0 and float(text.replace(",", "")) != 0 else "") + text
    text = text.replace(",", "\u00a0").replace(".", ",")
    return (
        "−"
        if value < 0 and float(text.replace("\u00a0", "").replace(",", ".")) != 0
        else ""
    ) + text


def decimals_for(*values: float | None) -> int:
    """Enough decimals to show the given values faithfully (0..3)."""
    best = 0
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        for d in range(0, 4):
            if abs(round(v, d) - v) < 1e-9:
                best = max(best, d)
                break
        else:
            best = 3
    return best


def capped(items: Sequence[str], limit: int = 5, lang: str = "sv") -> str:
    """'a, b, c … +12 till' — long lists are capped in messages (JSON keeps all)."""
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    if rest > 0:
        shown += f" … +{rest} {'till' if lang == 'sv' else 'more'}"
    return shown


def line_range(lines: Sequence[int], lang: str = "sv") -> str:
    """'rad 1737–1751' or 'rad 12, 40' for the lines of the values involved."""
    uniq = sorted(set(lines))
    word = "rad" if lang == "sv" else ("line" if len(uniq) == 1 else "lines")
    if not uniq:
        return ""
    if len(uniq) > 2 and uniq[-1] - uniq[0] <= 3 * len(uniq):
        return f"{word} {uniq[0]}–{uniq[-1]}"
    return f"{word} {capped([str(x) for x in uniq], 6, lang)}"
