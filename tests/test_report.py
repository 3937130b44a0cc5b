"""`callflow report` over every shipped scenario walked with a fixed clock:
exact figures in text, JSON and CSV (issue 13)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from reportkit import AGENTS, FLOWS, Made, make_calls, scenario_files
from sessionkit import CALLFLOW, Ran, cli

GOLDEN = Path(__file__).parent / "report" / "shipped-flows.txt"
UPDATE = os.environ.get("CALLFLOW_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    return make_calls(tmp_path_factory.mktemp("calls"))


def report(made: Made, *args: str) -> Ran:
    """The report run from the folder holding `sessions` and `receipts`, so paths read short."""
    here = os.getcwd()
    os.chdir(made.sessions.parent)
    try:
        return cli("report", *args)
    finally:
        os.chdir(here)


def as_json(made: Made, *args: str) -> dict[str, Any]:
    ran = report(made, "sessions", "receipts", "--format", "json", *args)
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def test_the_text_report_of_every_shipped_scenario_is_as_recorded(made: Made) -> None:
    ran = report(made, "sessions", "receipts")
    assert ran.returncode == 0, ran.stderr
    if UPDATE:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(ran.stdout, encoding="utf-8")
    assert ran.stdout == GOLDEN.read_text(encoding="utf-8"), (
        "the report changed: read the difference, and if it is right, run the test with CALLFLOW_UPDATE_GOLDEN=1"
    )
    assert max(len(line) for line in ran.stdout.splitlines()) <= 80


def test_calls_by_flow_and_outcome_are_those_walked(made: Made) -> None:
    data = as_json(made)
    per_flow = Counter(c["flow"]["id"] for c in made.calls)
    per_flow["anything-computers-intake"] += len(made.stopped)
    assert {f["flow"]: f["calls"] for f in data["calls"]["by_flow"]} == dict(per_flow)
    assert data["calls"]["total"] == len(scenario_files()) + 4 == sum(per_flow.values())
    assert (data["calls"]["ended"], data["calls"]["stopped"], data["calls"]["in_progress"]) == (len(made.calls), 2, 0)
    outcomes = Counter((c["flow"]["id"], c["outcome"]) for c in made.calls)
    assert {(r["flow"], r["outcome"]): r["calls"] for r in data["calls"]["by_outcome"] if r["outcome"]} == dict(outcomes)
    assert {a["agent"] for a in data["calls"]["by_agent"]} == set(AGENTS)
    assert sum(d["calls"] for d in data["calls"]["by_day"]) == data["calls"]["total"]
    assert [w["week"] for w in data["calls"]["by_week"]] == ["2026-W45", "2026-W46"]
    version = data["calls"]["by_flow"][0]["versions"][0]["sha256"]
    assert len(version) == 64


def test_money_adds_up_to_the_receipts(made: Made) -> None:
    money = as_json(made)["money"]
    (usd,) = money["by_currency"]
    total = {k: sum(Decimal(c["invoice"][k]) for c in made.calls) for k in ("subtotal", "past_due", "paid", "refunded", "due")}
    assert usd["calls"] == len(made.calls)
    assert Decimal(usd["invoiced"]) == total["subtotal"]
    assert Decimal(usd["past_due"]) == total["past_due"]
    assert Decimal(usd["paid"]) == total["paid"]
    assert Decimal(usd["refunded"]) == total["refunded"]
    assert Decimal(usd["due"]) == total["due"]
    items: Counter[tuple[str, str]] = Counter()
    for c in made.calls:
        for line in c["invoice"]["lines"]:
            items[(line["code"], line["name"])] += Decimal(line["amount"])
    assert {(i["code"], i["name"]): Decimal(i["amount"]) for i in money["by_item"]} == dict(items)
    assert sum(Decimal(a["paid"]) for a in money["by_agent"]) == total["paid"]


def test_node_visits_are_the_paths_walked_and_the_edges_never_taken_are_two_returns(made: Made) -> None:
    data = as_json(made)
    visits = Counter((c["flow"]["id"], node) for c in made.calls for node in c["path"])
    assert {(n["flow"], n["node"]): n["visits"] for n in data["nodes"] if n["visits"]} == dict(visits)
    backs = {(n["node"], n["backs"]) for n in data["nodes"] if n["backs"]}
    changes = {(n["node"], n["changes"]) for n in data["nodes"] if n["changes"]}
    assert (backs, changes) == ({("D-2-5", 1)}, {("D-2-1", 2)})  # the extra call: back after answer 2, D-2-1 changed twice
    never = {p["flow"]: [(e["from"], e["to"], e["way"]) for e in p["edges_never_taken"]] for p in data["paths"]}
    # The scenarios take every edge but two: leave_computer is called from RO-12 and from RO-13, and each
    # caller's calls left it by one of its two last nodes only.
    assert never == {
        "anything-computers-intake": [], "help-desk-go-live": [], "remote-support-session": [],
        "onsite-visit-non-managed": [],
        "remote-offsite-engagement": [("leave_computer/LEAVE-4", "RO-12", "return"),
                                      ("leave_computer/LEAVE-5", "RO-13", "return")],
    }
    for part in data["paths"]:
        assert part["nodes_never_reached"] == []
        assert sum(p["calls"] for p in part["most_frequent"]) <= part["calls"]


def quantile(values: list[float], p: float) -> float:
    """PERCENTILE.INC, as a spreadsheet computes it."""
    ordered = sorted(values)
    rank = p * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (rank - low), 1)


def test_time_per_node_is_the_receipts_time_per_node(made: Made) -> None:
    """Median and p90 of the seconds each call spent at a node, as its receipt says."""
    seconds: dict[tuple[str, str], list[float]] = {}
    for call in made.calls:
        for entry in call["time_per_node"]:
            seconds.setdefault((call["flow"]["id"], entry["node"]), []).append(entry["seconds"])
    nodes = {(n["flow"], n["node"]): n for n in as_json(made)["nodes"]}
    assert {k for k, n in nodes.items() if n["timed"]} == set(seconds)
    for key, values in seconds.items():
        node = nodes[key]
        assert (node["timed"], node["median"], node["p90"]) == (len(values), quantile(values, 0.5), quantile(values, 0.9)), key
    d21 = nodes[("anything-computers-intake", "D-2-1")]
    assert (d21["visits"], d21["timed"], d21["median"], d21["p90"]) == (21, 21, 10.0, 20.0)


def test_the_stopped_calls_say_where_they_stand_and_why(made: Made) -> None:
    stopped = as_json(made)["stopped"]
    assert stopped["count"] == 2
    assert stopped["by_reason"] == {"ctrl-c": 1, "cut off": 1}
    assert {c["session"] for c in stopped["calls"]} == set(made.stopped)
    assert all(c["answers"] == 2 and c["agent"] == "Sam" for c in stopped["calls"])


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_csv_has_one_row_per_call_that_a_spreadsheet_reads(made: Made) -> None:
    ran = report(made, "sessions", "receipts", "--format", "csv")
    assert ran.returncode == 0
    raw = subprocess.run(
        [str(CALLFLOW), "report", "receipts", "--format", "csv"], cwd=made.sessions.parent, capture_output=True, check=True
    ).stdout
    assert raw.startswith(b"\xef\xbb\xbfsession,") and raw.count(b"\r\n") == len(made.calls) and b"\n" not in raw.replace(b"\r\n", b"")
    table = rows(ran.stdout)
    assert len(table) == len(made.calls) + 2
    by_session = {r["session"]: r for r in table}
    for call in made.calls:
        row = by_session[call["session"]]
        assert row["outcome"] == call["outcome"]
        assert row["paid"] == call["invoice"]["paid"]
        assert row["path"] == " > ".join(call["path"])
        assert float(row["duration_seconds"]) == call["duration_seconds"]
    assert sorted(r["status"] for r in table).count("stopped") == 2


def test_csv_per_node_has_one_row_per_visit(made: Made) -> None:
    ran = report(made, "sessions", "receipts", "--format", "csv", "--per", "node", "--flow", "help-desk-go-live")
    table = rows(ran.stdout)
    calls = [c for c in made.calls if c["flow"]["id"] == "help-desk-go-live"]
    assert len(table) == sum(len(c["path"]) for c in calls)
    first = table[0]
    assert (first["position"], first["node"]) == ("1", "HD-1") and float(first["seconds"]) > 0


def test_filters_keep_what_they_name(made: Made) -> None:
    data = as_json(made, "--agent", "dana", "--since", "2026-11-03", "--until", "2026-11-05")
    kept = [c for c in made.calls if c["agent"] == "Dana" and "2026-11-03" <= c["today"] <= "2026-11-05"]
    assert data["calls"]["total"] == len(kept) > 0
    assert data["filters"] == {"flow": [], "agent": ["dana"], "outcome": [], "since": "2026-11-03", "until": "2026-11-05"}
    only = as_json(made, "--outcome", "voicemail_left", "--flow", str(FLOWS / "anything-computers-intake.yaml"))
    assert only["calls"]["total"] == sum(1 for c in made.calls if c["outcome"] == "voicemail_left")
    none = report(made, "sessions", "--agent", "Nobody")
    assert none.returncode == 0 and "No calls match." in none.stdout


def files_of(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_the_report_writes_nothing_where_it_reads(made: Made, tmp_path: Path) -> None:
    before = files_of(made.sessions.parent)
    for args in ((), ("--format", "json"), ("--format", "csv"), ("--html", str(tmp_path / "r.html"))):
        assert report(made, "sessions", "receipts", *args).returncode == 0
    assert files_of(made.sessions.parent) == before
    refused = report(made, "sessions", "receipts", "--html", "receipts/report.html")
    assert refused.returncode == 2 and "never writes there" in refused.stderr
    assert files_of(made.sessions.parent) == before


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--format", "text", "--per", "node"), 2, "--per node goes with --format csv"),
        (("--since", "2026-11-05", "--until", "2026-11-01"), 2, "is after --until"),
        (("--since", "yesterday"), 2, "'yesterday'"),
        (("--format", "yaml"), 2, "yaml"),
        (("no-such-folder",), 3, "no-such-folder: no such folder or file"),
        (("--flow", "flows/missing.yaml"), 3, "flows/missing.yaml: no such flow file"),
    ],
)
def test_a_mistake_gets_one_message_and_its_exit_code(made: Made, args: tuple[str, ...], code: int, words: str) -> None:
    ran = report(made, *args)
    assert ran.returncode == code
    assert words in ran.stderr
    assert "Traceback" not in ran.stderr + ran.stdout
