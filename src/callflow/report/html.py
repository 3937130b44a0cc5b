"""The report as one self-contained HTML page (`callflow report --html FILE`).

One file, opened from a disk or an e-mail with no network: the styles are
inline, the charts and graphs inline SVG, there is no script at all, and a
Content-Security-Policy forbids the page to load anything (no font, no
image, no script), so nothing in it can reach out. The switch between
colouring the graph by visits and by time is two radio buttons and CSS.
Every text from a file is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from callflow.report.columns import clock, money, number
from callflow.report.flowmap import FlowMap
from callflow.report.svg import TIMES, VISITS, day_chart, duration_chart, flow_graph

POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
MAX_DAYS = 62

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1e293b;margin:0;background:#f8fafc}
main{max-width:1180px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #cbd5e1;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}p{margin:4px 0}.muted{color:#64748b}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:#64748b;font-size:12px}
table{border-collapse:collapse;background:#fff;margin:6px 0 10px;font-size:13px}
th,td{border-bottom:1px solid #e2e8f0;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f1f5f9;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;max-width:100%}
svg{background:#fff;border:1px solid #e2e8f0;border-radius:8px;max-width:100%;height:auto}
svg text{font-family:inherit}.tick{font-size:11px;fill:#64748b}
.legend{font-size:12px;color:#475569}.key{margin-right:12px;white-space:nowrap}
.key i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px;vertical-align:-1px}
.node rect{fill:var(--v)}.node text{fill:var(--vi)}.node .id{font-weight:600;font-size:12px}
.node .figures,.node .marks{font-size:11px}
#by-time:checked~.graphs .node rect{fill:var(--t)}#by-time:checked~.graphs .node text{fill:var(--ti)}
.switch{margin:6px 12px 6px 0}.graphs .graph{display:block;margin:8px 0 4px}
.scale{display:inline-block;margin-left:8px}.scale i{display:inline-block;width:18px;height:10px}
.never{color:#d92d20}
"""


def _cell(value: object, numeric: bool = False) -> str:
    text = "—" if value is None else str(value)
    return f'<td class="n">{escape(text)}</td>' if numeric else f"<td>{escape(text)}</td>"


def table(header: Sequence[str], rows: Sequence[Sequence[object]], numeric: Sequence[int] = (), css: str = "") -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(v, i in numeric) for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="scroll"><table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def render_html(report: dict[str, Any], maps: dict[str, FlowMap | str]) -> str:
    calls = report["calls"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>callflow report</title>",
        f"<style>{STYLE}</style></head><body><main>",
        "<h1>callflow report</h1>",
        _intro(report),
        _cards(report),
    ]
    if calls["total"]:
        parts += [_charts(calls), _calls(calls), _stopped(report["stopped"]), _money(report["money"])]
        parts.append(_graphs(report, maps))
        parts.append(_paths(report["paths"]))
    parts.append(_training(report["training"]))
    parts.append("</main></body></html>")
    return "\n".join(p for p in parts if p) + "\n"


def _intro(report: dict[str, Any]) -> str:
    period, sources = report["period"], report["sources"]
    files = sources["files"]
    text = (
        f"{number(files['receipts'])} receipts, {number(files['journals'])} journals and {number(files['quiz_reports'])} "
        f"quiz reports from {', '.join(sources['folders'])}"
    )
    days = f"Days {period['first_day']} to {period['last_day']}. " if period["first_day"] else ""
    skipped = sources["skipped"]["count"]
    note = f" {number(skipped)} files skipped: " + ", ".join(
        f"{n} {reason}" for reason, n in sources["skipped"]["by_reason"].items()
    ) + "." if skipped else ""
    chosen = [f"--{k} {', '.join(v) if isinstance(v, list) else v}" for k, v in report["filters"].items() if v]
    only = f" Only {' '.join(chosen)}." if chosen else ""
    return f'<p class="muted">{escape(days + "Read " + text + "." + note + only)}</p>'


def _cards(report: dict[str, Any]) -> str:
    calls = report["calls"]
    cards = [("calls", number(calls["total"])), ("ended", number(calls["ended"])),
             ("did not end", number(calls["stopped"] + calls["in_progress"]))]
    for currency in report["money"]["by_currency"]:
        cards.append((f"paid, {currency['currency']}", money(currency["paid"])))
        cards.append((f"still due, {currency['currency']}", money(currency["due"])))
    if report["training"]["quizzes"]:
        cards.append(("quizzes", number(report["training"]["quizzes"])))
    inner = "".join(f'<div class="card"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for k, v in cards)
    return f'<div class="cards">{inner}</div>'


def _charts(calls: dict[str, Any]) -> str:
    by_day = calls["by_day"]
    key, periods = ("day", by_day) if len(by_day) <= MAX_DAYS else ("week", calls["by_week"])
    outcomes: dict[str, int] = {}
    for period in periods:
        for outcome, n in period["outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + n
    ordered = sorted(outcomes, key=lambda o: (-outcomes[o], o))
    histogram = calls["duration_histogram"]
    return (
        f'<section id="charts"><h2>Calls per {key}, by outcome</h2>{day_chart(periods, key, ordered)}'
        f'<h2>How long calls take</h2>{duration_chart(histogram["counts"], histogram["bin_seconds"])}'
        f'<p class="legend">Ended calls, in spans of {histogram["bin_seconds"]} s; the last bar holds the rest.</p></section>'
    )


def _calls(calls: dict[str, Any]) -> str:
    versions = [
        [flow["flow"], flow["title"], (v["sha256"] or "not recorded")[:12], number(v["calls"]), v["first_day"], v["last_day"]]
        for flow in calls["by_flow"] for v in flow["versions"]
    ]
    outcomes = [
        [r["flow"], r["outcome"] or "(not ended)", number(r["calls"]), f"{r['share']:.1f} %", clock(r["duration"]["median"]),
         clock(r["duration"]["p90"])]
        for r in calls["by_outcome"]
    ]
    agents = [
        [a["agent"] or "(no name)", number(a["calls"]), number(a["ended"]), number(a["stopped"] + a["in_progress"]),
         clock(a["duration"]["median"]), clock(a["duration"]["p90"])]
        for a in calls["by_agent"]
    ]
    return (
        '<section id="calls"><h2>Calls</h2><h3>By flow and version</h3>'
        + table(["flow", "title", "version", "calls", "first day", "last day"], versions, [3])
        + "<h3>Outcomes and call time</h3>"
        + table(["flow", "outcome", "calls", "share", "median", "p90"], outcomes, [2, 3, 4, 5])
        + "<h3>By agent</h3>"
        + table(["agent", "calls", "ended", "did not end", "median", "p90"], agents, [1, 2, 3, 4, 5])
        + "</section>"
    )


def _stopped(stopped: dict[str, Any]) -> str:
    if not stopped["count"]:
        return ""
    rows = [
        [(c["started_at"] or "")[:16].replace("T", " "), c["agent"], c["flow"], c["ticket"], c["node"], c["question"],
         c["reason"] or c["status"], number(c["answers"]), clock(c["seconds"])]
        for c in stopped["calls"]
    ]
    return (
        f'<section id="stopped"><h2>Calls that did not end ({number(stopped["count"])})</h2>'
        + table(["flow", "stands at", "calls"], [[s["flow"], s["node"], number(s["calls"])] for s in stopped["by_node"]], [2])
        + table(["started", "agent", "flow", "ticket", "stands at", "question", "why", "answers", "time"], rows, [7, 8])
        + "</section>"
    )


def _money(part: dict[str, Any]) -> str:
    if not part["by_currency"]:
        return ""
    keys = ("calls", "invoiced", "past_due", "paid", "past_due_collected", "refunded", "due")
    totals = [[c["currency"], *(number(c[k]) if k == "calls" else money(c[k]) for k in keys)] for c in part["by_currency"]]
    items = [[i["currency"], i["code"] or "(none)", i["name"], i["kind"], number(i["lines"]), i["quantity"], money(i["amount"])]
             for i in part["by_item"]]
    agents = [[a["agent"] or "(no name)", a["currency"], *(number(a[k]) if k == "calls" else money(a[k]) for k in keys if k != "past_due")]
              for a in part["by_agent"]]
    header = ["currency", "calls", "invoiced", "past-due balances", "paid", "of it to past due", "refunded", "still due"]
    return (
        '<section id="money"><h2>Money</h2>'
        + table(header, totals, range(1, 8))
        + "<h3>By item</h3>"
        + table(["currency", "code", "item", "kind", "lines", "quantity", "amount"], items, [4, 5, 6])
        + "<h3>By agent</h3>"
        + table(["agent", "currency", "calls", "invoiced", "paid", "to past due", "refunded", "still due"], agents, range(2, 8))
        + "</section>"
    )


def _scale(palette: Sequence[str]) -> str:
    return '<span class="scale">' + "".join(f'<i style="background:{c}"></i>' for c in palette) + "</span>"


def _graphs(report: dict[str, Any], maps: dict[str, FlowMap | str]) -> str:
    drawn = []
    for part in report["paths"]:
        flow_map = maps.get(part["flow"])
        if not isinstance(flow_map, FlowMap) or part["edges"] is None:
            drawn.append(f"<h3>{escape(part['flow'])}</h3><p class=\"muted\">No graph: {escape(str(part['flow_problem']))}</p>")
            continue
        nodes = [n for n in report["nodes"] if n["flow"] == part["flow"]]
        rows = [
            [n["node"], number(n["visits"]), number(n["timed"]), n["median"], n["p90"], number(n["backs"]),
             number(n["changes"]), number(n["ended_here"]), number(n["stopped_here"]), n["expected_seconds"]]
            for n in nodes
        ]
        drawn.append(
            f"<h3>{escape(part['flow'])}</h3>"
            + flow_graph(part["flow"], nodes, part["edges"], flow_map.start, list(flow_map.nodes))
            + table(["node", "visits", "timed", "median s", "p90 s", "backs", "changes", "ended here", "stopped here",
                     "expected s"], rows, range(1, 10), css="nodes")
        )
    return (
        '<section id="flows"><h2>The flows, coloured by what calls did</h2>'
        '<p class="muted">Each box: the node, its visits · median seconds a call spent there; ↩ back-presses, ■ calls that ended or '
        'stopped there (a red dot: the director went back from it). Edges are as thick as they are taken; a dashed red edge '
        "no call took.</p>"
        '<input type="radio" name="colour" id="by-visits" checked><label class="switch" for="by-visits">colour by visits'
        f"{_scale(VISITS)}</label>"
        '<input type="radio" name="colour" id="by-time"><label class="switch" for="by-time">colour by median time'
        f"{_scale(TIMES)}</label>"
        f'<div class="graphs">{"".join(drawn)}</div></section>'
    )


def _paths(paths: list[dict[str, Any]]) -> str:
    out = ['<section id="paths"><h2>Paths</h2>']
    for part in paths:
        out.append(f"<h3>{escape(part['flow'])}: {number(part['distinct'])} different paths in {number(part['calls'])} ended calls</h3>")
        out.append(table(["calls", "share", "path"], [[number(p["calls"]), f"{p['share']:.1f} %", " › ".join(p["path"])]
                                                       for p in part["most_frequent"]], [0, 1]))
        never = part["edges_never_taken"]
        if never:
            out.append(table(["edge no call took", "taken when"], [[f"{e['from']} → {e['to']}", e["label"] or e["way"]] for e in never],
                             css="never"))
        if part["nodes_never_reached"]:
            out.append(f'<p class="never">Nodes no call reached: {escape(", ".join(part["nodes_never_reached"]))}</p>')
    out.append("</section>")
    return "".join(out)


def _training(training: dict[str, Any]) -> str:
    if not training["quizzes"]:
        return ""
    trainees = [[t["trainee"] or "(no name)", number(t["quizzes"]), t["first_day"], t["last_day"], f"{t['mean_score']:.1f} %",
                 f"{t['last_score']} %", " · ".join(f"{s['day']} {s['score']} %" for s in t["scores"])] for t in training["trainees"]]
    deviations = [[d["flow"], d["node"], number(d["left_path"]), number(d["wrong_answers"])] for d in training["deviations"]]
    return (
        f'<section id="training"><h2>Training ({number(training["quizzes"])} quizzes)</h2>'
        + table(["trainee", "quizzes", "first day", "last day", "mean", "last", "scores over time"], trainees, [1, 4, 5])
        + "<h3>Where trainees leave the scenario</h3>"
        + table(["flow", "node", "left the path after it", "answered otherwise"], deviations, [2, 3])
        + "</section>"
    )
