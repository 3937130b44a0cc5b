"""The report as readable text at 80 columns (`callflow report`, the default).

Drawn from the same data `--format json` prints, section by section: what
was read, calls by flow and version, outcomes and call time, agents, days or
weeks, calls that did not end, money, time per node, paths, training.
Durations read as minutes:seconds, money as the receipts write it.
"""

from __future__ import annotations

from typing import Any

from callflow.report.columns import clock, heading, money, number, table, wrap

MAX_DAYS = 31
STOPPED_LISTED = 10
SKIPPED_LISTED = 5
ARROW = " › "


def _version(sha: str | None) -> str:
    return sha[:8] if sha else "not recorded"


def _outcome(outcome: str | None) -> str:
    return outcome if outcome is not None else "(not ended)"


def _agent(agent: str | None) -> str:
    return agent if agent else "(no name)"


def render_text(report: dict[str, Any]) -> str:
    lines = _head(report)
    calls = report["calls"]
    if calls["total"] == 0:
        lines.append("")
        lines.append("No calls match." if any(report["filters"].values()) else "No calls found.")
    else:
        lines += _flows(calls)
        lines += _outcomes(calls)
        lines += _agents(calls)
        lines += _periods(calls)
        lines += _stopped(report["stopped"])
        lines += _money(report["money"])
        lines += _nodes(report["nodes"])
        lines += _paths(report["paths"])
    lines += _training(report["training"])
    lines += _skipped(report["sources"]["skipped"])
    return "\n".join(lines) + "\n"


def _head(report: dict[str, Any]) -> list[str]:
    calls, period, sources = report["calls"], report["period"], report["sources"]
    parts = [f"{number(calls['ended'])} ended"]
    if calls["stopped"]:
        parts.append(f"{number(calls['stopped'])} stopped")
    if calls["in_progress"]:
        parts.append(f"{number(calls['in_progress'])} in progress")
    title = f"callflow report: {number(calls['total'])} call{'s' if calls['total'] != 1 else ''} ({', '.join(parts)})"
    lines = wrap(title)
    if period["first_day"]:
        lines.append(f"Days {period['first_day']} to {period['last_day']}")
    files = sources["files"]
    read = (
        f"Read {_count(files['receipts'], 'receipt')}, {_count(files['journals'], 'journal')} and "
        f"{_count(files['quiz_reports'], 'quiz report')} from {', '.join(sources['folders'])}"
    )
    skipped = sources["skipped"]["count"]
    if skipped:
        read += f"; {number(skipped)} file{'s' if skipped != 1 else ''} skipped (listed at the end)"
    lines += wrap(read)
    chosen = [f"--{k} {', '.join(v) if isinstance(v, list) else v}" for k, v in report["filters"].items() if v]
    if chosen:
        lines += wrap("Only " + " ".join(chosen))
    for folder in sources.get("unlistable", []):
        lines += wrap(f"A folder could not be listed: {folder}")
    return lines


def _flows(calls: dict[str, Any]) -> list[str]:
    rows = []
    for flow in calls["by_flow"]:
        for i, version in enumerate(flow["versions"]):
            rows.append(
                [flow["flow"] if i == 0 else "", _version(version["sha256"]), number(version["calls"]),
                 version["first_day"], version["last_day"]]
            )
        if len(flow["versions"]) > 1:
            rows.append(["", "all versions", number(flow["calls"]), "", ""])
    return heading("Calls by flow and version") + table(["flow", "version", "calls", "first day", "last day"], rows, right=[2])


def _outcomes(calls: dict[str, Any]) -> list[str]:
    rows = []
    durations = {flow["flow"]: flow["duration"] for flow in calls["by_flow"]}
    totals = {flow["flow"]: flow["calls"] for flow in calls["by_flow"]}
    last = None
    for row in calls["by_outcome"]:
        if row["flow"] != last:
            last = row["flow"]
            whole = durations[last]
            rows.append([last, number(totals[last]), "", clock(whole["median"]), clock(whole["p90"])])
        duration = row["duration"]
        rows.append(["  " + _outcome(row["outcome"]), number(row["calls"]), f"{row['share']:.1f} %",
                     clock(duration["median"]), clock(duration["p90"])])
    return heading("Outcomes and call time") + table(["flow and outcome", "calls", "share", "median", "p90"], rows, right=[1, 2, 3, 4])


def _agents(calls: dict[str, Any]) -> list[str]:
    rows = [
        [_agent(a["agent"]), number(a["calls"]), number(a["ended"]), number(a["stopped"] + a["in_progress"]),
         clock(a["duration"]["median"]), clock(a["duration"]["p90"])]
        for a in calls["by_agent"]
    ]
    return heading("Calls by agent") + table(["agent", "calls", "ended", "not ended", "median", "p90"], rows, right=[1, 2, 3, 4, 5])


def _periods(calls: dict[str, Any]) -> list[str]:
    days = calls["by_day"]
    key, title, periods = ("day", "Calls by day", days) if len(days) <= MAX_DAYS else ("week", "Calls by week", calls["by_week"])
    rows = []
    for p in periods:
        top = ", ".join(f"{k} {v}" for k, v in list(p["outcomes"].items())[:2])
        rows.append([p[key] or "(no date)", number(p["calls"]), number(p["ended"]), number(p["stopped"] + p["in_progress"]), top])
    return heading(title) + table([key, "calls", "ended", "not ended", "most frequent outcomes"], rows, right=[1, 2, 3])


def _stopped(stopped: dict[str, Any]) -> list[str]:
    if not stopped["count"]:
        return []
    lines = heading("Calls that did not end")
    reasons = ", ".join(f"{n} {reason}" for reason, n in stopped["by_reason"].items())
    lines += wrap(f"{number(stopped['count'])} call{'s' if stopped['count'] != 1 else ''}: {reasons}")
    lines.append("")
    lines += table(["flow", "stands at", "calls"], [[s["flow"], s["node"], number(s["calls"])] for s in stopped["by_node"]], right=[2])
    newest = stopped["calls"][:STOPPED_LISTED]
    lines.append("")
    lines.append(f"The newest{' ' + str(len(newest)) if len(newest) > 1 else ''}:")
    lines += table(
        ["started", "agent", "flow", "ticket", "stands at", "why", "answers", "time"],
        [[(c["started_at"] or "")[:16].replace("T", " "), _agent(c["agent"]), c["flow"], c["ticket"] or "—", c["node"],
          c["reason"] or c["status"], number(c["answers"]), clock(c["seconds"])] for c in newest],
        right=[6, 7],
    )
    return lines


MONEY_ROWS = (
    ("calls with an invoice", "calls"),
    ("invoiced (the calls' own lines)", "invoiced"),
    ("past-due balances", "past_due"),
    ("paid", "paid"),
    ("  of which to past-due balances", "past_due_collected"),
    ("refunded", "refunded"),
    ("still due", "due"),
)


def _money(part: dict[str, Any]) -> list[str]:
    currencies = part["by_currency"]
    if not currencies:
        return []
    rows = [
        [label] + [number(c[key]) if key == "calls" else money(c[key]) for c in currencies] for label, key in MONEY_ROWS
    ]
    lines = heading("Money") + table(["", *(c["currency"] or "?" for c in currencies)], rows, right=list(range(1, len(currencies) + 1)))
    if part["by_item"]:
        lines += heading("Money by item")
        lines += table(
            ["code", "item", "lines", "quantity", "amount", ""],
            [[i["code"] or "(none)", i["name"], number(i["lines"]), number(i["quantity"]) if i["quantity"] % 1 else number(int(i["quantity"])),
              money(i["amount"]), i["currency"]] for i in part["by_item"]],
            right=[2, 3, 4],
        )
    if part["by_agent"]:
        lines += heading("Money by agent")
        lines += table(
            ["agent", "calls", "invoiced", "paid", "to past due", "refunded", "still due", ""],
            [[_agent(a["agent"]), number(a["calls"]), money(a["invoiced"]), money(a["paid"]), money(a["past_due_collected"]),
              money(a["refunded"]), money(a["due"]), a["currency"]] for a in part["by_agent"]],
            right=[1, 2, 3, 4, 5, 6],
        )
    return lines


def _nodes(nodes: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    flows = list(dict.fromkeys(n["flow"] for n in nodes))
    for flow in flows:
        rows = [
            [n["node"], number(n["visits"]), number(n["timed"]), _seconds(n["median"]), _seconds(n["p90"]),
             number(n["backs"]), number(n["changes"]), number(n["ended_here"]), number(n["stopped_here"])]
            for n in nodes
            if n["flow"] == flow and (n["visits"] or n["backs"] or n["changes"] or n["stopped_here"])
        ]
        if not rows:
            continue
        lines += heading(f"Time per node: {flow}")
        lines += table(["node", "visits", "timed", "median", "p90", "backs", "chg", "ended", "stop"], rows,
                       right=list(range(1, 9)))
    if lines:
        lines += wrap("(median and p90: the seconds a call spent at the node, all its visits, from the receipts' time "
                      "per node or else the journals; backs: how often the director went back from the node; chg: "
                      "answers there changed with Ctrl-R; ended, stop: calls that ended there, or stopped there)")
    return lines


def _count(n: int, what: str) -> str:
    return f"{number(n)} {what}{'s' if n != 1 else ''}"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _paths(paths: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for part in paths:
        if not part["most_frequent"]:
            continue
        lines += heading(f"Paths: {part['flow']} ({number(part['distinct'])} different in {number(part['calls'])} ended calls)")
        for entry in part["most_frequent"]:
            lines += wrap(ARROW.join(entry["path"]), indent=f"{number(entry['calls']):>6} {entry['share']:5.1f} %  ")
        if part["flow_problem"]:
            lines += wrap(f"Edges and nodes no call took: unknown, the flow file is not at hand ({part['flow_problem']})")
            continue
        never = part["edges_never_taken"]
        lines.append("")
        lines.append(f"Edges no call took ({len(never)} of {len(part['edges'])}):" if never else "Every edge was taken.")
        for edge in never:
            label = f" ({edge['label']})" if edge["label"] else ""
            target = edge["to"] if edge["way"] != "return" else "the caller"
            lines += wrap(f"{edge['from']} → {target}{label}", indent="  ")
        unreached = part["nodes_never_reached"]
        if unreached:
            lines += wrap("Nodes no call reached: " + ", ".join(unreached))
    return lines


def _training(training: dict[str, Any]) -> list[str]:
    if not training["quizzes"]:
        return []
    lines = heading(f"Training: {number(training['quizzes'])} quiz{'zes' if training['quizzes'] != 1 else ''}")
    lines += table(
        ["trainee", "quizzes", "first day", "last day", "mean", "last"],
        [[_agent(t["trainee"]), number(t["quizzes"]), t["first_day"], t["last_day"], f"{t['mean_score']:.1f} %", f"{t['last_score']} %"]
         for t in training["trainees"]],
        right=[1, 4, 5],
    )
    lines.append("")
    for trainee in training["trainees"]:
        scores = " · ".join(f"{s['day']} {s['score']} %" for s in trainee["scores"])
        lines += wrap(f"{_agent(trainee['trainee'])}: {scores}")
    if training["deviations"]:
        lines.append("")
        lines.append("Where trainees leave the scenario:")
        lines += table(
            ["flow", "node", "left the path after it", "answered otherwise"],
            [[d["flow"], d["node"], number(d["left_path"]), number(d["wrong_answers"])] for d in training["deviations"]],
            right=[2, 3],
        )
    return lines


def _skipped(skipped: dict[str, Any]) -> list[str]:
    if not skipped["count"]:
        return []
    lines = heading(f"Skipped: {number(skipped['count'])} file{'s' if skipped['count'] != 1 else ''}")
    for reason, n in skipped["by_reason"].items():
        lines += wrap(f"{number(n)} {reason}")
    for entry in skipped["files"][:SKIPPED_LISTED]:
        lines += wrap(f"{entry['path']}: {entry['reason']}", indent="  ")
    return lines

