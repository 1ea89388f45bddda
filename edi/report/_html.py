"""The report as one self-contained HTML page: inline CSS, charts as inline SVG (edi.report._charts), no script
and nothing fetched, so it opens from disk anywhere. Every number shown from the KPIs is an element with
``data-kpi`` (its path in the ``--format json`` document) and ``data-value`` (the value there), so a test can
check the page and the JSON agree."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Any

from edi.errors import EdiError
from edi.report import _charts
from edi.report._model import ALL_PAYERS, PATIENT, TOTAL, Group, Kpis, Rate
from edi.report._text import headline, money, percent

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f5f7fa}
header{background:#1d3557;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;opacity:.85}main{padding:8px 28px 40px;max-width:1250px}
section{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:14px 18px;margin:16px 0}
h2{font-size:17px;margin:0 0 10px}.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{flex:1 1 170px;border:1px solid #dde3ea;border-radius:8px;padding:10px 12px;background:#fbfcfe}
.tile .v{font-size:24px;font-weight:600}.tile .l{color:#55606e;font-size:12px}
.good{color:#2b7a3d}.bad{color:#b3261e}.muted{color:#6b7785;fill:#6b7785}
.grid{display:flex;flex-wrap:wrap;gap:18px}figure.chart{margin:0}figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:12px;fill:#1d2733}svg text.small{font-size:11px}
table{border-collapse:collapse;width:100%;margin-top:8px}th,td{text-align:left;padding:4px 8px;
border-bottom:1px solid #e7ebf0;vertical-align:top}th{background:#f0f3f7;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}ul.headline{margin:0;padding-left:18px}
tr.sum td{font-weight:600}.flag-over{color:#b3261e;font-weight:600}.flag-under{color:#9a6700;font-weight:600}
"""


def write_html(kpis: Kpis, path: Path) -> Path:
    """Write the page (under a temporary name, renamed when whole); returns the path."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")      # created with the umask's mode, as any file
    if not path.parent.is_dir():
        raise EdiError(f"{path}: the folder {path.parent} does not exist; create it or give another --out")
    tmp.write_text(render(kpis), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _kpi(path: str, value: Any, shown: str) -> str:
    raw = "" if value is None else str(value)
    return f'<span data-kpi="{path}" data-value="{escape(raw)}">{escape(shown)}</span>'


def _rate(path: str, rate: Rate) -> str:
    return _kpi(f"{path}.rate", rate.rate, percent(rate.rate))


def _tile(value: str, label: str, detail: str = "", css: str = "") -> str:
    return (f'<div class="tile"><div class="v {css}">{value}</div><div class="l">{escape(label)}</div>'
            f'<div class="l">{detail}</div></div>')


def _count(path: str, rate: Rate, what: str) -> str:
    return f'{_kpi(f"{path}.numerator", rate.numerator, str(rate.numerator))} of ' \
           f'{_kpi(f"{path}.denominator", rate.denominator, str(rate.denominator))} {escape(what)}'


def render(kpis: Kpis) -> str:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        f"<title>Revenue cycle report {kpis.as_of}</title><style>{CSS}</style></head>",
        "<body data-ready='1'><header><h1>Revenue cycle report</h1>",
        f"<p>as of {_kpi('as_of', kpis.as_of, str(kpis.as_of))} · ledger {escape(kpis.ledger)} · "
        f"{_kpi('claims', kpis.claims, str(kpis.claims))} claims · definitions: docs/kpis.md</p></header><main>",
        _summary(kpis), _front_end(kpis), _denials(kpis), _receivables(kpis), _collections(kpis),
        _underpayments(kpis), _timely(kpis), _em(kpis), "</main></body></html>\n",
    ]
    return "".join(parts)


def _summary(k: Kpis) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in headline(k))
    return f'<section id="headline"><h2>Headline</h2><ul class="headline">{items}</ul></section>'


def _front_end(k: Kpis) -> str:
    clean = k.clean_claim.rate
    css = "" if clean is None else ("good" if clean >= 0.98 else "bad")
    return ('<section id="front-end"><h2>Getting claims out clean</h2><div class="tiles">'
            + _tile(_rate("clean_claim", k.clean_claim), "clean-claim rate (target 98%+)",
                    _count("clean_claim", k.clean_claim, "encounters passed the scrubber first time"), css)
            + _tile(_rate("first_pass_acceptance", k.first_pass_acceptance), "first-pass acceptance (999/277CA)",
                    _count("first_pass_acceptance", k.first_pass_acceptance, "claims accepted, none rejected"))
            + _tile(_rate("first_pass_payment", k.first_pass_payment), "first-pass payment rate",
                    _count("first_pass_payment", k.first_pass_payment, "claims paid on the first remittance"))
            + "</div></section>")


def _groups_table(groups: list[Group], path: str, head: str, rate: bool = False) -> str:
    rows = []
    for n, g in enumerate(groups):
        p = f"{path}[{n}]"
        rows.append(f"<tr><td>{_kpi(f'{p}.key', g.key, g.key)}</td><td class='n'>{_kpi(f'{p}.items', g.items, str(g.items))}"
                    f"</td><td class='n'>{_kpi(f'{p}.claims', g.claims, str(g.claims))}</td>"
                    f"<td class='n'>{_kpi(f'{p}.amount', g.amount, money(g.amount))}</td>"
                    + (f"<td class='n'>{_kpi(f'{p}.rate', g.rate, percent(g.rate))}</td>" if rate else "") + "</tr>")
    extra = "<th class='n'>initial denial rate</th>" if rate else ""
    return (f"<table><tr><th>{escape(head)}</th><th class='n'>items</th><th class='n'>claims</th>"
            f"<th class='n'>amount</th>{extra}</tr>{''.join(rows)}</table>")


def _denials(k: Kpis) -> str:
    d = k.denials
    reasons = "".join(
        f"<tr><td>{_kpi(f'denials.top_reasons[{n}].code', r.code, r.code)}</td><td>{escape(r.root_cause)}</td>"
        f"<td>{escape(r.action)}</td><td class='n'>{_kpi(f'denials.top_reasons[{n}].items', r.items, str(r.items))}"
        f"</td><td class='n'>{_kpi(f'denials.top_reasons[{n}].amount', r.amount, money(r.amount))}</td>"
        f"<td>{escape(r.fix)}</td></tr>" for n, r in enumerate(d.top_reasons))
    charts = [
        _charts.bars("denials-by-root-cause", "Denials by root cause (work items)",
                     [(g.key, g.items, f"{g.items} · {money(g.amount)}") for g in d.by_root_cause]),
        _charts.bars("denials-by-payer", "Initial denial rate by payer",
                     [(g.key, g.rate or 0.0, percent(g.rate)) for g in d.by_payer], _charts.PALETTE[4]),
        _charts.bars("denials-by-carc", "Denials by group-CARC",
                     [(g.key, g.items, f"{g.items} · {money(g.amount)}") for g in d.by_carc[:10]],
                     _charts.PALETTE[3]),
    ]
    return ('<section id="denials"><h2>Denials</h2><div class="tiles">'
            + _tile(_rate("denials.initial", d.initial), "initial denial rate (claims)",
                    _count("denials.initial", d.initial, "claims remitted were denied (claim or a line)"))
            + _tile(_kpi("denials.amount_rate", d.amount_rate, percent(d.amount_rate)), "initial denial rate ($)",
                    f"{_kpi('denials.initial_amount', d.initial_amount, money(d.initial_amount))} of "
                    f"{_kpi('denials.charges_remitted', d.charges_remitted, money(d.charges_remitted))} charged "
                    "on the claims remitted")
            + f'</div><div class="grid">{"".join(charts)}</div>'
            + "<h3>Top denial reasons and their fix</h3><table><tr><th>group-CARC RARC</th><th>root cause</th>"
            "<th>next action</th><th class='n'>items</th><th class='n'>amount</th><th>fix (the work queue's)</th></tr>"
            f"{reasons}</table><h3>By root cause</h3>"
            + _groups_table(d.by_root_cause, "denials.by_root_cause", "root cause")
            + "<h3>By payer</h3>" + _groups_table(d.by_payer, "denials.by_payer", "payer", rate=True)
            + "<h3>By group-CARC</h3>" + _groups_table(d.by_carc, "denials.by_carc", "group-CARC")
            + "</section>")


def _receivables(k: Kpis) -> str:
    r = k.receivables
    owed = [row for row in r.aging if row.payer not in (ALL_PAYERS, TOTAL) and row.total]   # payers, the patient
    chart = _charts.stacked("ar-aging-by-payer", "A/R aging by payer and patient (days from the last date of "
                            "service; the patient's from the last payer's remittance)",
                            r.bucket_names, [(row.payer, [float(b) for b in row.buckets]) for row in owed])
    head = "".join(f"<th class='n'>{escape(b)}</th>" for b in r.bucket_names)
    rows = "".join(
        f"<tr{' class=sum' if row.payer in (ALL_PAYERS, TOTAL) else ''}><td>{escape(_row_name(row.payer))}</td>"
        + "".join(f"<td class='n'>{_kpi(f'receivables.aging[{n}].buckets[{b}]', v, money(v))}</td>"
                  for b, v in enumerate(row.buckets))
        + f"<td class='n'>{_kpi(f'receivables.aging[{n}].total', row.total, money(row.total))}</td></tr>"
        for n, row in enumerate(r.aging))
    days = "n/a" if r.days_in_ar is None else f"{r.days_in_ar:.1f}"
    return ('<section id="receivables"><h2>Accounts receivable</h2><div class="tiles">'
            + _tile(_kpi("receivables.days_in_ar", r.days_in_ar, days), "days in A/R",
                    f"total A/R {_kpi('receivables.total', r.total, money(r.total))} ÷ "
                    f"{_kpi('receivables.average_daily_net_revenue', r.average_daily_net_revenue, money(r.average_daily_net_revenue))}"
                    " a day (net revenue of the last 90 days ÷ 90)")
            + _tile(_kpi("receivables.aged_over_90_rate", r.aged_over_90_rate, percent(r.aged_over_90_rate)),
                    "A/R over 90 days", f"{_kpi('receivables.aged_over_90', r.aged_over_90, money(r.aged_over_90))}")
            + _tile(_kpi("receivables.insurance", r.insurance, money(r.insurance)), "insurance A/R",
                    f"{_kpi('receivables.insurance_claims', r.insurance_claims, str(r.insurance_claims))} claims open "
                    "at a payer")
            + _tile(_kpi("receivables.patient", r.patient, money(r.patient)), "patient A/R",
                    f"{_kpi('receivables.patient_claims', r.patient_claims, str(r.patient_claims))} claims left to "
                    "the patient (patient payments are not recorded yet)")
            + f"</div>{chart}<table><tr><th>payer</th>{head}<th class='n'>total</th></tr>{rows}</table></section>")


def _row_name(name: str) -> str:
    return {ALL_PAYERS: "insurance (all payers)", PATIENT: "patient", TOTAL: "total A/R"}.get(name, name)


def _collections(k: Kpis) -> str:
    c = k.collections
    return ('<section id="collections"><h2>Collections</h2><div class="tiles">'
            + _tile(_kpi("collections.net_collection_rate", c.net_collection_rate, percent(c.net_collection_rate)),
                    "net collection rate", "payments ÷ (charges − contractual adjustments)")
            + _tile(_kpi("collections.gross_collection_rate", c.gross_collection_rate,
                         percent(c.gross_collection_rate)), "gross collection rate", "payments ÷ charges")
            + _tile(_kpi("collections.gross_charges", c.gross_charges, money(c.gross_charges)), "gross charges")
            + _tile(_kpi("collections.contractual", c.contractual, money(c.contractual)),
                    "contractual adjustments (CO-45, CO-253)")
            + _tile(_kpi("collections.payments", c.payments, money(c.payments)), "insurance payments")
            + _tile(_kpi("collections.patient_responsibility", c.patient_responsibility,
                         money(c.patient_responsibility)), "left to the patient by the last payer",
                    "patient payments are not recorded yet: this is patient A/R")
            + "</div></section>")


def _underpayments(k: Kpis) -> str:
    u = k.underpayments
    chart = _charts.bars("underpayments-by-payer", "Underpaid below contract, by payer",
                         [(g.key, float(g.amount), money(g.amount)) for g in u.by_payer], _charts.PALETTE[5])
    rows = "".join(
        f"<tr><td>{escape(x.claim)}</td><td>{escape(x.payer)}</td><td class='n'>{x.line}</td><td>{escape(x.procedure)}"
        f"</td><td class='n'>{money(x.expected)}</td><td class='n'>{money(x.allowed)}</td>"
        f"<td class='n'>{_kpi(f'underpayments.top[{n}].short', x.short, money(x.short))}</td>"
        f"<td>{escape(x.reasons)}</td></tr>" for n, x in enumerate(u.top))
    return ('<section id="underpayments"><h2>Underpayments (allowed below the contracted amount)</h2>'
            f"<p>{_kpi('underpayments.lines', u.lines, str(u.lines))} of "
            f"{_kpi('underpayments.lines_checked', u.lines_checked, str(u.lines_checked))} paid lines were allowed "
            f"{_kpi('underpayments.amount', u.amount, money(u.amount))} less than the payer profile's fee schedule.</p>"
            f"{chart}<table><tr><th>claim</th><th>payer</th><th class='n'>line</th><th>code</th>"
            "<th class='n'>contract</th><th class='n'>allowed</th><th class='n'>short</th><th>adjustments</th></tr>"
            f"{rows}</table></section>")


def _timely(k: Kpis) -> str:
    rows = "".join(
        f"<tr><td>{escape(r.claim)}</td><td>{escape(r.payer)}</td><td>{r.service_date}</td><td>{r.deadline}</td>"
        f"<td class='n {'bad' if r.days_left < 0 else ''}'>{_kpi(f'timely_filing[{n}].days_left', r.days_left, str(r.days_left))}"
        f"</td><td>{escape(r.status)}</td></tr>" for n, r in enumerate(k.timely_filing))
    return ('<section id="timely-filing"><h2>Claims at risk of timely filing</h2>'
            f"<p>{len(k.timely_filing)} claims the payer has no acceptable claim for (held, rejected, or denied "
            "to be corrected) within 30 days of the payer's filing limit, or past it.</p>"
            "<table><tr><th>claim</th><th>payer</th><th>service date</th><th>limit</th><th class='n'>days left</th>"
            f"<th>status</th></tr>{rows}</table></section>")


def _em(k: Kpis) -> str:
    charts, rows = [], []
    for n, p in enumerate(k.em_levels):
        title = f"{p.provider} {p.category}, {sum(p.counts.values())} visits: {p.flag}"
        charts.append(_charts.against(f"em-levels-{p.provider}-{p.category}", title,
                                      [(code, share, p.benchmark.get(code) if p.benchmark else None)
                                       for code, share in p.shares.items()]))
        css = "flag-over" if "over" in p.flag else "flag-under" if "under" in p.flag else ""
        bench = "n/a" if p.benchmark_level is None else f"{p.benchmark_level:.2f}"
        rows.append(f"<tr><td>{escape(p.provider)}</td><td>{escape(p.category)}</td><td>{escape(p.specialty)}</td>"
                    f"<td class='n'>{sum(p.counts.values())}</td>"
                    f"<td class='n'>{_kpi(f'em_levels[{n}].mean_level', p.mean_level, f'{p.mean_level:.2f}')}</td>"
                    f"<td class='n'>{_kpi(f'em_levels[{n}].benchmark_level', p.benchmark_level, bench)}</td>"
                    f"<td class='{css}'>{_kpi(f'em_levels[{n}].flag', p.flag, p.flag)}</td></tr>")
    return ('<section id="em-levels"><h2>E/M level distribution against the benchmark</h2>'
            f"<p>Bars: the provider's share of each level; red ticks: the benchmark "
            f"({escape(k.em_benchmark_source)}: real CMS-based shares for new patients of some specialties and for "
            "family medicine's established patients; the fallback established-patient rows of other specialties are "
            "<b>fictional</b> until replaced). A mean level 0.5 or more above or below "
            "the benchmark's, over 10 or more visits, is flagged.</p>"
            "<table><tr><th>provider (NPI)</th><th>category</th><th>benchmark specialty</th><th class='n'>visits</th>"
            "<th class='n'>mean level</th><th class='n'>benchmark</th><th>flag</th></tr>"
            f"{''.join(rows)}</table><div class='grid'>{''.join(charts)}</div></section>")
