"""edi html in a real browser: Debian's headless Chromium driven by Playwright (pointed at /usr/bin/chromium;
nothing downloads a browser). Pages for the samples (an 837 with its 999, 277CA and 835), a file with findings
and a 10k-claim file: no console errors, a loop expands, a CLM01 search reveals its claim, a finding leads to its
element, claim cards link to their acknowledgment and payment; screenshots saved; the 10k page's open and search
times printed (reported in the notes; the bounds here only catch a page that stops working at size)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLES
from edi.cli import cli
from edi.synth import write_synth

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium (apt-get install chromium): "
                                "the browser tests are SKIPPED")
STORY = [SAMPLES / n for n in ("837p-office-visits.x12", "999-ack.x12", "277ca-claim-ack.x12", "835-remittance.x12")]


def _page(tmp: Path, name: str, *files: Path) -> Path:
    out = tmp / name
    result = CliRunner().invoke(cli, ["html", *map(str, files), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.errors = errors
    yield page
    assert errors == [], errors        # no console errors on any page
    page.close()


def _open(page: object, path: Path) -> float:
    start = time.perf_counter()
    page.goto(path.as_uri())  # type: ignore[attr-defined]
    page.wait_for_selector("body[data-ready='1']")  # type: ignore[attr-defined]
    return time.perf_counter() - start


def test_the_claims_story_page(page: object, tmp_path: Path) -> None:
    _open(page, _page(tmp_path, "story.html", *STORY))
    heads = page.locator(".node > .head")
    assert heads.count() == 4                                    # one interchange per file, closed
    first = heads.nth(0)
    first.click()                                                # expand a loop
    assert first.get_attribute("aria-expanded") == "true"
    assert page.locator(".node.open > .kids > div > .seg").first.inner_text().startswith("ISA*")
    page.fill("#q", "PCN1002")
    page.press("#q", "Enter")
    hit = page.locator(".seg.hit")
    hit.wait_for()
    assert hit.inner_text().startswith("CLM*PCN1002*125")        # the sample's second claim, CLM02 125
    hit.click()                                                  # its elements with names and meanings
    table = page.locator("table.els").first
    assert "Patient Control Number" in table.inner_text() and "Office" in table.inner_text()   # CLM05-1 11
    page.click("header nav button[data-view='claims']")
    assert page.locator(".card").all_inner_texts()[0].startswith("Claim PCN1002")   # the search filters cards
    page.fill("#q", "")
    page.press("#q", "Escape")
    card = page.locator(".card", has_text="Claim PCN1001").first
    card.wait_for()
    links = card.locator(".story a").all_inner_texts()
    assert "999: IK501 A" in links and "277CA: STC01 A2:20:PR" in links
    assert any(t.startswith("835: CLP02 1, paid 125.22") for t in links)   # the 835 sample pays PCN1001 125.22
    payment = page.locator(".card", has_text="Claim payment PCN1001").first
    assert "✓ charge = paid + adjustments" in payment.inner_text()
    page.screenshot(path=str(tmp_path / "claims.png"))
    card.locator(".story a", has_text="835:").click()              # the payment's CLP in the tree
    assert page.locator(".seg.hit").inner_text().startswith("CLP*PCN1001*1*235")


def test_a_finding_leads_to_its_element(page: object, tmp_path: Path) -> None:
    broken = tmp_path / "broken.x12"   # the 837P sample with an NPI whose check digit is wrong (NM109 of 2010AA)
    text = STORY[0].read_text()
    npi = text.split("NM1*85*2*", 1)[1].split("~", 1)[0].split("*")[-1]
    broken.write_text(text.replace(npi, npi[:-1] + str((int(npi[-1]) + 1) % 10), 1))
    _open(page, _page(tmp_path, "broken.html", broken))
    assert "1 error(s)" in page.locator("header .stats").inner_text()
    page.locator("#findings a").first.click()
    element = page.locator(".el.hit")
    element.wait_for()
    assert element.inner_text() != npi and element.get_attribute("data-el") == "9"   # NM109
    assert page.locator(".finding.error").first.is_visible()
    page.keyboard.press("n")                                     # keyboard: the next finding (the only one)
    assert page.locator(".el.hit").count() == 1
    page.screenshot(path=str(tmp_path / "finding.png"))


def test_a_10k_claim_page_opens_and_searches(page: object, tmp_path: Path) -> None:
    big = tmp_path / "p10k.x12"
    with big.open("wb") as stream:
        write_synth("837p", 10_000, 1, stream)
    html = _page(tmp_path, "p10k.html", big)
    opened = _open(page, html)
    assert page.locator(".seg").count() < 50                     # lazy: nothing past the closed interchange
    start = time.perf_counter()
    page.fill("#q", "P000010009877")                             # the 9,877th claim's CLM01 in synth seed 1
    page.press("#q", "Enter")
    page.locator(".seg.hit").wait_for()
    searched = time.perf_counter() - start
    assert page.locator(".seg.hit").inner_text().startswith("CLM*P000010009877*")
    print(f"\n10k-claim page ({html.stat().st_size / 1e6:.1f} MB): opened in {opened:.2f} s, "
          f"CLM01 found and shown in {searched:.2f} s")
    assert opened < 30 and searched < 30
    page.screenshot(path=str(tmp_path / "p10k.png"))
