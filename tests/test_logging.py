"""Logs are structured events without PHI: control numbers and counts, never names, member ids or dates of birth."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from structlog.testing import capture_logs

from conftest import SAMPLES
from edi.logging import PHI_KEYS, configure_logging, redact_phi
from edi.validate import validate


def test_validation_logs_counts_and_control_numbers_only() -> None:
    configure_logging(logging.INFO)
    try:
        with capture_logs() as events:
            validate(SAMPLES / "837p-office-visits.x12")
    finally:
        configure_logging()
    assert events, "validation logs one event per file"
    assert not any(PHI_KEYS & event.keys() for event in events)
    text = repr(events)
    for phi in ("DOE", "FAKE00000001", "19800101", "TEST LANE"):
        assert phi not in text, f"{phi} leaked into the logs"
    assert ["0001"] == events[-1]["controls"]


def test_the_safety_net_redacts_phi_named_keys() -> None:
    """A PHI-named key that slips into an event is replaced before rendering."""
    assert {"event": "x", "member_id": "[redacted]", "claim": "A1"} == redact_phi(
        None, "info", {"event": "x", "member_id": "M123", "claim": "A1"})


def test_the_quiet_default_drops_info_without_loading_structlog_and_still_shows_warnings() -> None:
    """In a fresh process with our default set-up, validating a file imports no structlog (its info event would
    be dropped); a warning then loads it and is written, redacted, to standard error."""
    script = (
        "import sys; from pathlib import Path\n"
        "from edi.logging import configure_logging, get_logger\n"
        "from edi.validate import validate\n"
        "configure_logging()\n"
        f"validate(Path({str(SAMPLES / '837p-office-visits.x12')!r}))\n"
        "assert 'structlog' not in sys.modules, 'structlog was imported for a dropped event'\n"
        "get_logger('edi.test').warning('shown', claim='A1', member_id='M123')\n"
        "assert 'structlog' in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert 0 == done.returncode, done.stderr
    (line,) = [json.loads(text) for text in done.stderr.splitlines() if text.startswith("{")]
    assert ("shown", "warning", "A1", "[redacted]") == (line["event"], line["level"], line["claim"], line["member_id"])
