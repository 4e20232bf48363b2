"""End to end in Debian's headless Chromium, driven by Playwright (never `playwright install`).

Screenshots go to $NEWSMILL_SCREENSHOTS when set (docs/screenshots/ is made that way),
else to a temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.conftest import BLINKEN_TITLE, Store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Dialog, Page, expect, sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[tuple[Page, list[str]]]:
    """A fresh page; the list collects the message of every dialog (alert) that opens."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 860})
    tab = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab, dialogs
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("NEWSMILL_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_blinken(tab: Page, shots: Path) -> None:
    tab.goto("/search")
    tab.locator("main form input[name=q]").fill("NATO")
    tab.locator("main form input[name=q]").press("Enter")
    expect(tab.locator(".hit")).not_to_have_count(0)
    tab.screenshot(path=str(shots / "search.png"))
    tab.get_by_role("link", name=BLINKEN_TITLE).click()
    expect(tab.locator("h1")).to_have_text(BLINKEN_TITLE)


def test_search_then_article(page: tuple[Page, list[str]], shots: Path, store: Store) -> None:
    tab, dialogs = page
    open_blinken(tab, shots)
    expect(tab.locator(".captions figcaption")).not_to_have_count(0)
    expect(tab.locator(".copies li")).to_have_count(1)
    tab.screenshot(path=str(shots / "article.png"))
    assert dialogs == []


def test_speaker_link_shows_quotes(page: tuple[Page, list[str]], shots: Path, store: Store) -> None:
    if not store.enriched:
        pytest.skip("no quotes tables filled: the spaCy model is not installed")
    tab, _ = page
    open_blinken(tab, shots)
    speaker = tab.locator("table.quotes a.speaker", has_text="Blinken").first
    name = speaker.inner_text()
    speaker.click()
    expect(tab.locator("h1")).to_contain_text(name)
    expect(tab.locator("#quotes table.quotes tbody tr")).not_to_have_count(0)
    expect(tab.locator("svg.chart rect")).not_to_have_count(0)
    tab.screenshot(path=str(shots / "entity.png"), full_page=True)


def test_view_source_marks_chrome(page: tuple[Page, list[str]], shots: Path) -> None:
    tab, _ = page
    open_blinken(tab, shots)
    tab.get_by_role("link", name="View source").click()
    chrome = tab.locator("ol.source li.role-chrome")
    expect(chrome).not_to_have_count(0)
    expect(chrome.first.locator(".role")).to_have_text("chrome")
    assert chrome.first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    expect(tab.locator("ol.source li.mine")).not_to_have_count(0)
    expect(tab.locator("ol.source li.role-credit .role")).not_to_have_count(0)
    chrome.last.scroll_into_view_if_needed()
    tab.screenshot(path=str(shots / "source.png"))


def test_phone_layout(browser: Browser, base_url: str, shots: Path, store: Store) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(f"/article/{store.blinken}")
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling
    tab.screenshot(path=str(shots / "article-phone.png"))
    context.close()


def test_script_in_article_text_is_inert(page: tuple[Page, list[str]], store: Store) -> None:
    tab, dialogs = page
    tab.goto("/search?q=NATO&site=xss")
    tab.locator(".hit-title").first.click()
    expect(tab.locator(".body")).to_contain_text("<script>alert(1)</script>")
    expect(tab.locator(".body")).to_contain_text("<img src=x onerror=alert(1)>")
    expect(tab.locator(".body")).to_contain_text('<a href="javascript:alert(1)">this link</a>')
    assert tab.locator("script").count() == 0
    assert tab.locator("img").count() == 0
    assert tab.locator("a[href^='javascript']").count() == 0
    tab.get_by_role("link", name="View source").click()
    expect(tab.locator("ol.source")).to_contain_text("<script>alert(1)</script>")
    assert tab.locator("script").count() == 0
    assert dialogs == []
