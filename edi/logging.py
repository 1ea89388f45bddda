"""Structured logging with structlog; a processor keeps PHI out of every event."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

# Keys that may hold protected health information. Logs carry control numbers and claim ids, never these.
PHI_KEYS = frozenset({"patient_name", "name", "member_id", "subscriber_id", "dob", "birth_date", "address",
                      "ssn", "phone", "first_name", "last_name", "street", "city", "zip"})


def redact_phi(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The safety net: any PHI-named key is replaced before rendering."""
    for key in PHI_KEYS.intersection(event_dict):
        event_dict[key] = "[redacted]"
    return event_dict


def get_logger(name: str) -> Any:
    """A structlog logger. structlog is imported on first use (it costs ~70 ms), and set up quiet — warnings and
    up, PHI redacted — unless the application configured it."""
    import structlog

    if not structlog.is_configured():
        configure_logging()
    return structlog.get_logger(name)


def configure_logging(level: int = logging.WARNING) -> None:
    import structlog

    structlog.configure(
        processors=[structlog.processors.add_log_level, redact_phi, structlog.processors.TimeStamper(fmt="iso"),
                    structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=__import__("sys").stderr),
    )
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
