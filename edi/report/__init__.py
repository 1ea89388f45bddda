"""Revenue-cycle KPIs from the ledger and the report a billing manager reads (docs/kpis.md).

    from datetime import date
    from edi.ledger import open_ledger
    from edi.report import compute, headline, write_html

    with open_ledger("edi.db") as ledger:
        kpis = compute(ledger, date(2026, 12, 5))
    write_html(kpis, Path("report.html"))       # one self-contained page: no network, opens from disk
    print("\\n".join(headline(kpis)))

``kpis`` is a msgspec Struct (``to_json(kpis)`` gives the ``--format json`` document, the page's numbers).
"""

from edi.report._html import write_html
from edi.report._kpis import compute
from edi.report._model import Kpis
from edi.report._text import headline, to_json

__all__ = ["Kpis", "compute", "headline", "to_json", "write_html"]
