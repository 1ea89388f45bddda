"""The cycle's last step: the KPI report (``edi report``) of its ledger as of its last simulated day, written into
its folder as report.html."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from edi.ledger import Ledger
from edi.report import Kpis, compute, write_html


def write_report(ledger: Ledger, out_dir: Path, as_of: date) -> tuple[Path, Kpis]:
    """``out_dir``/report.html with the KPIs as of ``as_of`` (the cycle's last simulated day, so A/R aging and
    timely filing are judged in simulated time, not by today's date); the path and the KPIs."""
    kpis = compute(ledger, as_of)
    path = out_dir / "report.html"
    write_html(kpis, path)
    return path, kpis
