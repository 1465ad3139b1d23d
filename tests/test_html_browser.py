"""The HTML report in headless Debian chromium: renders, filters, looks right."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rapportkoll.findings import RunReport
from rapportkoll.reporters import render, write_atomic

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium not installed (run scripts/setup-browser.sh)",
    ),
]


@pytest.fixture(scope="module")
def reporting_browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def reporting_html(reporting_report: RunReport, tmp_path: Path) -> str:
    path = tmp_path / "rapportkoll.html"
    write_atomic(path, render(reporting_report, "html"))
    return path.as_uri()


def _open(browser: Any, url: str, *, js: bool = True) -> Any:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=js
    )
    # the report is self-contained: any request other than the file is a failure
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    assert requests == [url]
    return page


def _visible(page: Any) -> list[tuple[str, str, str]]:
    rows = page.eval_on_selector_all(
        "article.finding",
        "els => els.filter(e => e.offsetParent !== null)"
        ".map(e => [e.dataset.severity, e.dataset.rule, e.dataset.report])",
    )
    return [tuple(r) for r in rows]


def test_renders_every_finding(reporting_browser: Any, reporting_html: str) -> None:
    page = _open(reporting_browser, reporting_html)
    assert page.title() == ("Rapportkoll: 3 fel, 1 varning, 1 info")
    assert len(_visible(page)) == 6
    assert page.inner_text("#shown-count") == "6"
    assert page.is_visible("form#filters")
    marks = page.eval_on_selector_all("mark.rep", "els => els.map(e => e.textContent)")
    assert "505" in marks and "1" in marks  # the seeded 505 and the OCR total 1
    assert page.locator("svg.chart").count() >= 6


def test_filter_by_severity(reporting_browser: Any, reporting_html: str) -> None:
    page = _open(reporting_browser, reporting_html)
    page.uncheck("input[name=severity][value=error]")
    assert sorted(s for s, _, _ in _visible(page)) == ["info", "warning"]
    assert page.inner_text("#shown-count") == "2"
    page.check("input[name=severity][value=error]")
    page.uncheck("input[name=waived]")
    assert len(_visible(page)) == 5


def test_filter_by_rule_and_report(reporting_browser: Any, reporting_html: str) -> None:
    page = _open(reporting_browser, reporting_html)
    page.select_option("select[name=rule]", "uppdragsmatris-summerar")
    assert _visible(page) == [("error", "uppdragsmatris-summerar", "ks-2024-08")]
    page.select_option("select[name=rule]", "")
    page.select_option("select[name=report]", "ks-2025-04")
    assert {r for _, _, r in _visible(page)} == {"ks-2025-04"}
    assert len(_visible(page)) == 4


def test_without_javascript_everything_is_shown(
    reporting_browser: Any, reporting_html: str
) -> None:
    page = _open(reporting_browser, reporting_html, js=False)
    assert len(_visible(page)) == 6
    assert not page.is_visible("form#filters")


def test_screenshot_regions(reporting_browser: Any, reporting_html: str) -> None:
    from PIL import Image

    page = _open(reporting_browser, reporting_html)
    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    assert image.size == (1280, 900)
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # not blank
    assert image.getpixel((20, 20)) == (0x1D, 0x29, 0x39)  # dark header band
    tile = page.locator(".tile.error").bounding_box()
    border = image.getpixel((int(tile["x"]) + 2, int(tile["y"] + tile["height"] / 2)))
    assert border == (0xB4, 0x23, 0x18)  # the error tile's red edge
    card = page.locator("article.finding.error").first
    card.scroll_into_view_if_needed()
    shot = Image.open(io.BytesIO(card.screenshot())).convert("RGB")
    reds = sum(n for n, (r, g, b) in shot.getcolors(1 << 20) or [] if r > 180 > g + 60)
    assert reds > 200  # the discrepant (reported) bar is drawn in red


def test_print_hides_filters(reporting_browser: Any, reporting_html: str) -> None:
    page = _open(reporting_browser, reporting_html)
    page.emulate_media(media="print")
    assert not page.is_visible("form#filters")
    assert len(_visible(page)) == 6
