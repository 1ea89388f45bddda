"""edi — an X12 EDI engine for US healthcare claims (837P, 837I, 835, 999, TA1, 277CA)."""

import structlog as _structlog

from edi.logging import configure_logging as _configure_logging

if not _structlog.is_configured():
    _configure_logging()  # quiet (warnings and up, PHI redacted) unless the application configures structlog
