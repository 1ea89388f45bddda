"""Structured logging with structlog; a processor keeps PHI out of every event."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

# Keys that may hold protected health information. Logs carry control numbers and claim ids, never these.
PHI_KEYS = frozenset({"patient_name", "name", "member_id", "subscriber_id", "dob", "birth_date", "address",
                      "ssn", "phone", "first_name", "last_name", "street", "city", "zip"})
_level = logging.WARNING  # the level our default set-up uses (configure_logging), applied when structlog loads


def redact_phi(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """The safety net: any PHI-named key is replaced before rendering."""
    for key in PHI_KEYS.intersection(event_dict):
        event_dict[key] = "[redacted]"
    return event_dict


def get_logger(name: str) -> Any:
    """A structlog logger, set up quiet — warnings and up, PHI redacted — unless the application configured
    structlog. Until something imports structlog (~40 ms), events our default set-up would drop are dropped
    without importing it; any other event imports it and goes through."""
    if "structlog" not in sys.modules and _level > logging.INFO:
        return _Deferred(name)
    return _structlog_logger(name)


def configure_logging(level: int = logging.WARNING) -> None:
    """Our default set-up: JSON events on standard error from ``level`` up, PHI redacted. At the default level
    structlog is set up when first needed; pyx12's own logger is silenced either way."""
    global _level
    _level = level
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)
    if level <= logging.INFO or "structlog" in sys.modules:
        _configure(level)


def _configure(level: int) -> None:
    import structlog

    structlog.configure(
        processors=[structlog.processors.add_log_level, redact_phi, structlog.processors.TimeStamper(fmt="iso"),
                    structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )


def _structlog_logger(name: str) -> Any:
    import structlog

    if not structlog.is_configured():
        _configure(_level)
    return structlog.get_logger(name)


class _Deferred:
    """Stands in for a structlog logger while structlog is not loaded and our quiet default applies."""

    def __init__(self, name: str) -> None:
        self._name = name

    def debug(self, *args: Any, **kw: Any) -> None:
        return None

    info = debug

    def __getattr__(self, method: str) -> Any:  # warning, error, exception, bind …: the real logger's
        return getattr(_structlog_logger(self._name), method)
