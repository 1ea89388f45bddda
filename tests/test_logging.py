"""Logs are structured events without PHI: control numbers and counts, never names, member ids or dates of birth."""

from __future__ import annotations

import logging

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
