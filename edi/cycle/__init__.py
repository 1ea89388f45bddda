"""The whole revenue cycle, simulated week by week (``edi cycle``, docs/cycle.md): encounters → scrub → build →
split by payer → payer simulator → acknowledgments and ERAs posted → corrections by rule (``mappings/cycle/``) →
secondary claims → patient statements, everything in the ledger.

    from edi.cycle import CycleOptions, run_cycle
    with open_ledger("cycle.db") as ledger:
        summary = run_cycle([Path("encounters.jsonl")], ledger, CycleOptions(Path("cycle")))
        page, kpis = write_report(ledger, Path("cycle"), summary.as_of)   # report.html, as of the last day
    print("\\n".join(summary.text()))
"""

from edi.cycle._report import write_report
from edi.cycle._run import CycleOptions, run_cycle
from edi.cycle._summary import CycleSummary, Week

__all__ = ["CycleOptions", "CycleSummary", "Week", "run_cycle", "write_report"]
