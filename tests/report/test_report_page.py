"""`edi report` on the fixed ledger (tests/report/ledger.py): the JSON document and the HTML page carry the same
numbers; the page in a real browser (Debian's Chromium driven by Playwright, nothing downloaded) renders every
chart with data and logs no console error; a screenshot is saved."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from edi.cli import cli
from edi.ledger import open_ledger
from edi.report import compute, write_html
from tests.report.ledger import AS_OF, build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def ledger_files(tmp_path: Path) -> tuple[str, Path, Path]:
    url = f"sqlite:///{tmp_path}/edi.db"
    with open_ledger(url) as ledger:
        payers, bench = build(ledger, tmp_path)
    return url, payers, bench


class _Kpis(HTMLParser):
    """The page's (data-kpi, data-value, text shown) triples."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[list[str]] = []
        self.open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "data-kpi" in a:
            self.open = [a["data-kpi"] or "", a.get("data-value") or "", ""]
            self.found.append(self.open)

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.open[2] += data

    def handle_endtag(self, tag: str) -> None:
        self.open = None


def _at(doc: Any, path: str) -> Any:
    for name, index in re.findall(r"([a-z_0-9]+)|\[(\d+)\]", path):
        doc = doc[name] if name else doc[int(index)]
    return doc


def test_json_gives_the_numbers_the_page_shows(ledger_files: tuple[str, Path, Path], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url, payers, bench = ledger_files
    monkeypatch.setenv("EDI_MAPPINGS", str(_mappings(tmp_path, payers, bench)))
    runner = CliRunner()
    page = tmp_path / "report.html"
    made = runner.invoke(cli, ["report", "--db", url, "--out", str(page), "--as-of", str(AS_OF)])
    assert made.exit_code == 0, made.output
    assert made.output.splitlines()[1].startswith("Clean-claim rate 90.0% (9 of 10")    # the headline follows
    dumped = runner.invoke(cli, ["report", "--db", url, "--format", "json", "--as-of", str(AS_OF)])
    assert dumped.exit_code == 0, dumped.output
    doc = json.loads(dumped.output)
    parser = _Kpis()
    parser.feed(page.read_text(encoding="utf-8"))
    assert len(parser.found) > 60
    for path, value, shown in parser.found:
        expected = _at(doc, path)
        assert ("" if expected is None else str(expected)) == value, path
    shown = {path: text for path, _, text in parser.found}
    # spot checks of how numbers read: the values are the hand-checked ones of test_kpis.py
    assert ("90.0%", "64.0", "$668.00", "$650.00", "$18.00", "15.6%") == \
        (shown["clean_claim.rate"], shown["receivables.days_in_ar"], shown["receivables.total"],
         shown["receivables.insurance"], shown["receivables.patient"], shown["collections.net_collection_rate"])
    assert "0.9" == str(doc["clean_claim"]["rate"]) and "668.00" == doc["receivables"]["total"]


def _mappings(tmp_path: Path, payers: Path, bench: Path) -> Path:
    """A mappings folder for the command: the test's payer profile and benchmark where the shipped ones are."""
    root = tmp_path / "mappings"
    (root / "benchmarks").mkdir(parents=True)
    shutil.copytree(payers, root / "payers")
    shutil.copy(bench, root / "benchmarks" / "em-levels.csv")
    return root


def test_report_needs_out_for_html_and_names_a_bad_ledger(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(cli, ["report", "--db", f"sqlite:///{tmp_path}/x.db"])
    assert missing.exit_code == 2 and "--out is required" in missing.output
    bad = runner.invoke(cli, ["report", "--db", "nosuchdriver://x", "--out", str(tmp_path / "r.html")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output, bad.output


@pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium (apt-get install chromium): the browser test is "
                    "SKIPPED")
def test_the_page_renders_every_chart_with_data_in_chromium(ledger_files: tuple[str, Path, Path],
                                                           tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, payers, bench = ledger_files
    with open_ledger(url) as ledger:
        kpis = compute(ledger, AS_OF, payers=payers, benchmark_file=bench)
    page_file = write_html(kpis, tmp_path / "report.html")
    assert "http://" not in page_file.read_text().replace('xmlns="http://www.w3.org/2000/svg"', "")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        errors: list[str] = []
        requests: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:") else None)
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready='1']")
        charts = page.eval_on_selector_all("svg[data-chart]", """svgs => svgs.map(svg => ({
            name: svg.dataset.chart,
            points: [...svg.querySelectorAll('.point')].filter(p => {
                const box = p.getBoundingClientRect(); return box.width > 0 && box.height > 0; }).length}))""")
        page.screenshot(path=str(tmp_path / "edi-report.png"), full_page=True)
        browser.close()
    names = {c["name"] for c in charts}
    assert {"denials-by-root-cause", "denials-by-payer", "denials-by-carc", "ar-aging-by-payer",
            "underpayments-by-payer", "em-levels-1234567893-established"} == names
    # each chart's drawn data points: 2 root causes, 1 payer, 2 CARCs, 3 aging buckets with money at the payer
    # and 1 of the patient, 1 payer short, 5 E/M levels (a zero share is still drawn, 1 px wide)
    assert {"denials-by-root-cause": 2, "denials-by-payer": 1, "denials-by-carc": 2, "ar-aging-by-payer": 4,
            "underpayments-by-payer": 1, "em-levels-1234567893-established": 5} == \
        {c["name"]: c["points"] for c in charts}
    assert [] == errors and [] == requests
    assert (tmp_path / "edi-report.png").stat().st_size > 10_000
