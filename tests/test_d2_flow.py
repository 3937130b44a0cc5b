"""The D-2 intake flow walked end to end from answers files: every end of the
script is reached, with the path, ticket and invoice a director expects."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from callflow.call.answers import load_answers
from callflow.call.driver import drive
from callflow.call.engine import Session
from callflow.call.events import Said, ToDo
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import Summary, summarize
from callflow.cli import app
from callflow.flow.loadedflow import LoadedFlow

ROOT = Path(__file__).resolve().parents[1]
D2_FLOW = ROOT / "flows" / "anything-computers-intake.yaml"
ANSWERS = ROOT / "tests" / "answers" / "d2"

PAYG_TICKET = {
    "priority": "2 Normal",
    "assignee": "Sam Ortiz",
    "issue_type": "Pay As You Go Plan – Remote Session Included",
}
HELP_DESK_TICKET = {"priority": "2 Normal", "assignee": "Sam Ortiz", "issue_type": "2 – Help Desk Plan"}
REMOTE_ACCESS_TICKET = {"priority": "2 Normal", "assignee": "Sam Ortiz", "issue_type": "3 – Remote Access Plan"}
ITEM_310 = ("310", "ONE-TIME REMOTE SESSION", 1, "35.00")
ITEM_320 = ("320", "PAY AS YOU GO REMOTE SESSION", 1, "20.00")
PAYG = ("D-2-1", "D-2-5", "D-2-13", "D-2-6")
HD = ("D-2-1", "D-2-5", "D-2-20", "D-2-18", "D-2-21")
MANAGED = ("D-2-1", "D-2-5", "D-2-27")
TEAM_LEADER_PAYG = ("Team Leader", "Pay As You Go member with more than one contact")
TEAM_LEADER_HD = ("Team Leader", "Help Desk / Remote Access member with more than one contact")


def managed_ticket(title: str, description: str, asset: str) -> dict[str, str]:
    return {
        "title": title,
        "issue_type": "4 – Managed Services Plan",
        "description": description,
        "assignee": "Sam Ortiz",
        "contact": "Pat Lee",
        "asset": asset,
    }


@dataclass(frozen=True)
class Expected:
    path: tuple[str, ...]
    outcome: str
    ticket: dict[str, str] = field(default_factory=dict)
    lines: tuple[tuple[str, str, int, str], ...] = ()
    past_due: str = "0.00"
    total: str = "0.00"
    paid: str = "0.00"
    notified: tuple[tuple[str, str], ...] = ()


EXPECTED: dict[str, Expected] = {
    "D-2-4-one-time-support.yaml": Expected(
        path=("D-2-1", "D-2-3", "D-2-4"),
        outcome="transferred_to_remote_agent",
        ticket={
            "title": "Laptop will not boot",
            "issue_type": "0 – One Time Remote Session",
            "description": "Windows update loop after restart; caller needs it for work today.",
            "assignee": "Sam Ortiz",
            "contact": "Pat Lee",
            "support_code": "048213",
        },
        lines=(ITEM_310,),
        total="35.00",
        paid="35.00",
        notified=(("Remote Agent", "Ticket #T-1001, one time remote session for Pat Lee"),),
    ),
    "D-2-9-payg-remote-session.yaml": Expected(
        path=(*PAYG, "D-2-7", "D-2-8", "D-2-9"),
        outcome="transferred_to_remote_agent",
        ticket=PAYG_TICKET,
        lines=(ITEM_320,),
        total="20.00",
        paid="20.00",
        notified=(("Remote Agent", "Ticket #T-1002"),),
    ),
    "D-2-9-payg-addon-and-balance.yaml": Expected(
        path=(*PAYG, "D-2-14", "D-2-15", "D-2-9"),
        outcome="transferred_to_remote_agent",
        ticket=PAYG_TICKET,
        lines=(ITEM_320,),
        past_due="45.50",
        total="65.50",
        paid="65.50",
        notified=(("Remote Agent", "Ticket #T-1003"),),
    ),
    "D-2-9-payg-basic-support.yaml": Expected(
        path=(*PAYG, "D-2-7", "D-2-10", "D-2-11", "D-2-9"),
        outcome="transferred_to_remote_agent",
        ticket=PAYG_TICKET,
        notified=(("Remote Agent", "Ticket #T-1004"),),
    ),
    "D-2-12-payg-no-support.yaml": Expected(path=(*PAYG, "D-2-7", "D-2-10", "D-2-12"), outcome="chat_ended"),
    "D-2-16-payg-balance-declined.yaml": Expected(path=(*PAYG, "D-2-14", "D-2-16"), outcome="chat_ended"),
    "D-2-17-payg-more-than-one-contact.yaml": Expected(
        path=("D-2-1", "D-2-5", "D-2-13", "D-2-17"), outcome="escalated_to_team_leader", notified=(TEAM_LEADER_PAYG,)
    ),
    "D-2-19-help-desk-chat.yaml": Expected(
        path=(*HD, "D-2-19"),
        outcome="transferred_to_remote_agent",
        ticket=HELP_DESK_TICKET,
        notified=(("Remote Agent", "Ticket #T-1005"),),
    ),
    "D-2-19-remote-access-chat.yaml": Expected(
        path=(*HD, "D-2-19"),
        outcome="transferred_to_remote_agent",
        ticket=REMOTE_ACCESS_TICKET,
        notified=(("Remote Agent", "Ticket #T-1006"),),
    ),
    "D-2-19-help-desk-balance-paid-in-chat.yaml": Expected(
        path=(*HD, "D-2-22", "D-2-19"),
        outcome="transferred_to_remote_agent",
        ticket=HELP_DESK_TICKET,
        past_due="1234.50",
        total="1234.50",
        paid="1234.50",
        notified=(("Remote Agent", "Ticket #T-1007"),),
    ),
    "D-2-24-help-desk-phone-no-balance.yaml": Expected(
        path=(*HD, "D-2-23", "D-2-24"),
        outcome="transferred_to_remote_agent",
        ticket=HELP_DESK_TICKET,
        notified=(("Remote Agent", "Ticket #T-1008"),),
    ),
    "D-2-24-remote-access-phone-balance-paid.yaml": Expected(
        path=(*HD, "D-2-23", "D-2-24"),
        outcome="transferred_to_remote_agent",
        ticket=REMOTE_ACCESS_TICKET,
        past_due="45.50",
        total="45.50",
        paid="45.50",
        notified=(("Remote Agent", "Ticket #T-1009"),),
    ),
    "D-2-25-help-desk-voicemail.yaml": Expected(
        path=(*HD, "D-2-23", "D-2-25"),
        outcome="voicemail_left",
        notified=(("Remote Agent", "Voicemail left; the member may call back."),),
    ),
    "D-2-26-help-desk-more-than-one-contact.yaml": Expected(
        path=("D-2-1", "D-2-5", "D-2-20", "D-2-26"), outcome="escalated_to_team_leader", notified=(TEAM_LEADER_HD,)
    ),
    "D-2-26-lead-says-member-remote-access.yaml": Expected(
        path=("D-2-1", "D-2-3", "D-2-5", "D-2-20", "D-2-26"),
        outcome="escalated_to_team_leader",
        notified=(TEAM_LEADER_HD,),
    ),
    "D-2-29-managed-chat-connect.yaml": Expected(
        path=(*MANAGED, "D-2-28", "D-2-29"),
        outcome="transferred_to_remote_agent",
        ticket=managed_ticket(
            "Shared drive U: not mapping",
            "Mapped drive fails for one user since the password change.",
            "FRONTDESK-PC-02",
        ),
        notified=(("Remote Agent", "Ticket #T-1010"),),
    ),
    "D-2-30-managed-chat-not-now.yaml": Expected(
        path=(*MANAGED, "D-2-30"),
        outcome="chat_ended",
        ticket=managed_ticket("Printer offline", "Office printer shows offline on two workstations.", "PRN-OFFICE-1"),
        notified=(("Remote Agent", "Ticket #T-1011"),),
    ),
    "D-2-30-managed-declines-connect.yaml": Expected(
        path=(*MANAGED, "D-2-28", "D-2-30"),
        outcome="chat_ended",
        ticket=managed_ticket("Slow email", "Outlook takes minutes to open.", "LAPTOP-PL"),
        notified=(("Remote Agent", "Ticket #T-1012"),),
    ),
    "D-2-30-managed-phone-not-now.yaml": Expected(
        path=(*MANAGED, "D-2-31", "D-2-30"),
        outcome="chat_ended",
        ticket=managed_ticket("VPN drops", "VPN disconnects every few minutes from home.", "LAPTOP-PL"),
        notified=(("Remote Agent", "Ticket #T-1013"),),
    ),
    "D-2-32-managed-phone-connect.yaml": Expected(
        path=(*MANAGED, "D-2-31", "D-2-32"),
        outcome="transferred_to_remote_agent",
        ticket=managed_ticket("Backup failed", "Nightly backup reports an error on the file server.", "FILESERVER-01"),
        notified=(("Remote Agent", "Ticket #T-1014"),),
    ),
    "D-2-33-managed-voicemail.yaml": Expected(
        path=(*MANAGED, "D-2-31", "D-2-33"),
        outcome="voicemail_left",
        ticket=managed_ticket("New hire setup", "Account and laptop for a new employee starting Monday.", "LAPTOP-NEW-07"),
        notified=(("Remote Agent", "Ticket #T-1015"),),
    ),
}

SEED_NODES = {"D-2-1", *(f"D-2-{n}" for n in range(3, 34))}


PROCEDURES = {"payment_options", "hand_over_ticket", "voicemail", "end_chat"}


def main_path(path: tuple[str, ...]) -> tuple[str, ...]:
    """A path with the procedures' nodes left out and the returns to the caller
    folded: the D-2 nodes a call went through, as the seed names them."""
    nodes = [n for n in path if "/" not in n]
    return tuple(n for i, n in enumerate(nodes) if i == 0 or nodes[i - 1] != n)


def walk_file(d2: LoadedFlow, name: str) -> tuple[Session, Summary]:
    answers = load_answers(str(ANSWERS / name))
    answers.check_known(d2.flow, d2.index)
    session = Session(d2.flow, d2.index, agent=answers.agent)
    drive(session, ScriptedFrontEnd(answers))
    return session, summarize(session)


def at(node_id: str) -> str:
    """The seed node a step belongs to: its own, or the node that called the
    procedure it is in (`D-2-9` for `D-2-9/hand_over_ticket/HAND-OVER`, `D-2-15#2`)."""
    return node_id.split("/")[0].split("#")[0]


def shown(session: Session, kind: type, node: str | None = None) -> list[str]:
    return [
        e.text
        for f in session.frames
        for e in f.events
        if isinstance(e, kind) and (node is None or at(e.node_id) == node)  # type: ignore[attr-defined]
    ]


# -- the answers files cover the script ----------------------------------------------------


def test_every_answers_file_has_an_expectation() -> None:
    assert sorted(p.name for p in ANSWERS.glob("*.yaml")) == sorted(EXPECTED)


def test_the_flow_has_every_node_of_the_seed(d2: LoadedFlow) -> None:
    assert set(d2.written.nodes) == SEED_NODES
    # What the script says in several places is written once, as procedures.
    assert set(d2.written.procedures) == PROCEDURES


def test_every_end_is_reached_by_an_answers_file_named_after_it(d2: LoadedFlow) -> None:
    ends = {node_id for node_id, node in d2.written.nodes.items() if node.end is not None}
    assert ends == {
        "D-2-4", "D-2-9", "D-2-12", "D-2-16", "D-2-17", "D-2-19", "D-2-24",
        "D-2-25", "D-2-26", "D-2-29", "D-2-30", "D-2-32", "D-2-33",
    }
    assert {e.path[-1] for e in EXPECTED.values()} == ends
    for name, expected in EXPECTED.items():
        assert name.startswith(expected.path[-1] + "-")


def test_the_answers_files_together_walk_every_node(d2: LoadedFlow) -> None:
    assert {node for e in EXPECTED.values() for node in e.path} == set(d2.written.nodes)
    walked = {node for name in EXPECTED for node in walk_file(d2, name)[1].path}
    procedure_nodes = {f"{name}/{node}" for name in PROCEDURES for node in d2.written.procedures[name].nodes}
    assert procedure_nodes <= walked


def test_d2_9_is_reached_from_each_of_its_ways_in() -> None:
    before = {e.path[e.path.index("D-2-9") - 1] for e in EXPECTED.values() if "D-2-9" in e.path}
    assert before == {"D-2-8", "D-2-11", "D-2-15"}


def test_the_help_desk_section_is_walked_for_both_plans() -> None:
    issue_types = {e.ticket.get("issue_type") for e in EXPECTED.values() if "D-2-20" in e.path}
    assert {"2 – Help Desk Plan", "3 – Remote Access Plan"} <= issue_types


# -- each answers file, walked ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_answers_file_walks_to_its_end(d2: LoadedFlow, name: str) -> None:
    expected = EXPECTED[name]
    _, summary = walk_file(d2, name)
    assert main_path(summary.path) == expected.path
    assert summary.outcome == expected.outcome
    assert {f.key: f.value for f in summary.ticket} == expected.ticket
    assert summary.ticket_missing == ()
    invoice = summary.invoice
    assert tuple((ln.code, ln.name, ln.quantity, str(ln.amount)) for ln in invoice.lines) == expected.lines
    assert (str(invoice.past_due), str(invoice.total), str(invoice.paid), str(invoice.due)) == (
        expected.past_due,
        expected.total,
        expected.paid,
        "0.00",
    )
    assert tuple((n.to, n.message) for n in summary.notifications) == expected.notified
    # Every answer in the file is used, once: no stale answers for another route.
    written = load_answers(str(ANSWERS / name)).answers
    assert Counter(a.field_id for a in summary.answers) == Counter({k: len(v) for k, v in written.items()})


def test_payg_member_with_past_due_pays_addon_and_balance(d2: LoadedFlow) -> None:
    session, summary = walk_file(d2, "D-2-9-payg-addon-and-balance.yaml")
    assert [line.code for line in summary.invoice.lines] == ["320"]
    assert summary.invoice.past_due == Decimal("45.50")
    assert summary.invoice.total == Decimal("65.50")
    assert [(at(p.node_id), p.amount, p.method, p.note) for p in summary.payments] == [
        ("D-2-15", Decimal("65.50"), "By phone: 888.615.HELP", "Past due amount + Add-on")
    ]
    said_14 = shown(session, Said, "D-2-14")
    assert said_14[0] == "Hello. My name is Dana. We received a message from you."
    assert "take payment for the $20.00 one-time Add-on." in said_14[1]
    assert said_14[2] == "At the same time, you have a past due amount of $45.50 that needs to be addressed first."
    assert "Your total is $65.50." in shown(session, Said, "D-2-15")
    assert shown(session, Said, "D-2-9") == [
        "Here is your ticket # T-1003.\nPlease hold again while I transfer you to a Remote Agent."
    ]


def test_payg_remote_session_without_balance_says_twenty_dollars(d2: LoadedFlow) -> None:
    session, summary = walk_file(d2, "D-2-9-payg-remote-session.yaml")
    assert "Your total is $20.00." in shown(session, Said, "D-2-8")
    assert shown(session, Said, "D-2-8")[-1] == (
        "There are several ways to make payment.\n"
        "– You can click on the Anything Computers.org Icon, and select Access your account.\n"
        "– You can also give me the information here in the chat.\n"
        "– You can also call 888.615.HELP."
    )
    assert [(p.amount, p.note) for p in summary.payments] == [(Decimal("20.00"), "Add-on")]


def test_one_time_support_charges_310_and_records_the_logmein_code(d2: LoadedFlow) -> None:
    session, summary = walk_file(d2, "D-2-4-one-time-support.yaml")
    assert shown(session, Said, "D-2-1") == [
        "Thank you for calling Anything Computers.org. This is Dana. Are you an existing member?"
    ]
    assert summary.ticket_value("support_code") == "048213"  # the leading zero stays
    assert [(p.amount, p.method) for p in summary.payments] == [
        (Decimal("35.00"), "Payment details given to me (chat or phone)")
    ]
    todo = shown(session, ToDo, "D-2-4")
    assert todo.index("Send One Time LogMeIn Support Ad Hoc Link") < todo.index("Transfer call to Remote Agent")


def test_phone_path_without_balance_says_no_past_due_words(d2: LoadedFlow) -> None:
    session, summary = walk_file(d2, "D-2-24-help-desk-phone-no-balance.yaml")
    assert shown(session, Said, "D-2-23") == [
        "Hello, My name is Dana from Anything Computers.org. We received a message from you."
    ]
    assert summary.payments == ()


def test_phone_path_with_balance_asks_for_it_before_the_ticket(d2: LoadedFlow) -> None:
    session, summary = walk_file(d2, "D-2-24-remote-access-phone-balance-paid.yaml")
    said = shown(session, Said, "D-2-23")
    assert said[1] == (
        "Before we can continue assisting you, there is the past due amount of $45.50 that needs to be addressed first."
    )
    assert [(at(p.node_id), p.amount, p.note) for p in summary.payments] == [
        ("D-2-23", Decimal("45.50"), "Past due amount")
    ]


def test_voicemail_with_a_balance_charges_nothing(d2: LoadedFlow) -> None:
    session, summary = walk_file(d2, "D-2-25-help-desk-voicemail.yaml")
    assert not any("past due" in text for text in shown(session, Said))
    assert shown(session, Said, "D-2-25") == [
        (
            "Hi. This is Dana from Anything Computers.org.\n"
            "We received an email from you.\n"
            "Please give us a call back at 888.615.HELP, or click on the Anything Computers.org icon for more options."
        )
    ]
    assert [f.text for f in summary.follow_ups] == ["Watch for the member's call back."]


def test_team_leader_is_told_with_a_follow_up(d2: LoadedFlow) -> None:
    for name in ("D-2-17-payg-more-than-one-contact.yaml", "D-2-26-help-desk-more-than-one-contact.yaml"):
        _, summary = walk_file(d2, name)
        assert [f.text for f in summary.follow_ups] == ["Team Leader decides which contact to reach."]
        assert not summary.ticket_started


def test_the_chat_is_ended_once(d2: LoadedFlow) -> None:
    by_chat, _ = walk_file(d2, "D-2-30-managed-chat-not-now.yaml")
    by_phone, _ = walk_file(d2, "D-2-30-managed-phone-not-now.yaml")
    assert shown(by_chat, ToDo).count("End Chat") == 1
    assert shown(by_phone, ToDo).count("End Chat") == 1
    assert "End Chat" in shown(by_chat, ToDo, "D-2-30")
    assert "End Chat" not in shown(by_phone, ToDo, "D-2-30")


def test_managed_services_gives_the_ticket_number_before_connecting(d2: LoadedFlow) -> None:
    session, _ = walk_file(d2, "D-2-29-managed-chat-connect.yaml")
    assert shown(session, Said, "D-2-28") == ["Great. Here is your ticket # T-1010.\nCan I connect you to a Remote Agent?"]


# -- the same files through the real CLI ------------------------------------------------------

runner = CliRunner()


def cli(*args: str) -> Any:
    return runner.invoke(app, ["run", str(D2_FLOW), *args])


@pytest.mark.parametrize(
    "name",
    ["D-2-9-payg-addon-and-balance.yaml", "D-2-4-one-time-support.yaml", "D-2-19-remote-access-chat.yaml"],
)
def test_cli_prints_the_same_summary_as_json(d2: LoadedFlow, tmp_path: Path, name: str) -> None:
    result = cli("--answers", str(ANSWERS / name), "--json", "--sessions-dir", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    expected = EXPECTED[name]
    assert main_path(tuple(data["path"])) == expected.path
    assert data["outcome"] == expected.outcome
    assert data["agent"] == "Dana"
    assert {f["key"]: f["value"] for f in data["ticket"]["fields"]} == expected.ticket
    lines = tuple((ln["code"], ln["name"], ln["quantity"], ln["amount"]) for ln in data["invoice"]["lines"])
    assert lines == expected.lines
    assert (data["invoice"]["past_due"], data["invoice"]["total"], data["invoice"]["paid"]) == (
        expected.past_due,
        expected.total,
        expected.paid,
    )
    _, summary = walk_file(d2, name)
    in_process = summary.to_dict()
    for key in ("path", "outcome", "answers", "ticket", "invoice", "payments", "notifications", "follow_ups"):
        assert data[key] == in_process[key]
    assert not (tmp_path / "sessions").exists()


def test_cli_required_example_in_json(tmp_path: Path) -> None:
    result = cli("--answers", str(ANSWERS / "D-2-9-payg-addon-and-balance.yaml"), "--json")
    invoice = json.loads(result.stdout)["invoice"]
    assert invoice == {
        "currency": "USD",
        "lines": [
            {"code": "320", "name": "PAY AS YOU GO REMOTE SESSION", "quantity": 1, "unit_price": "20.00", "amount": "20.00", "kind": "item"}
        ],
        "subtotal": "20.00",
        "past_due": "45.50",
        "total": "65.50",
        "paid": "65.50",
        "refunded": "0.00",
        "due": "0.00",
        "refund_due": "0.00",
    }


ONE_TIME = """\
answers:
  existing_member: "no"
  member_or_one_time: one_time
  issue_title: Laptop will not boot
  issue_description: Update loop
  remote_agent: Sam Ortiz
  customer_contact: Pat Lee
  payment_method: account
  ticket_number: T-1
  support_code: "048213"
"""


def test_cli_missing_answer_exits_4_naming_node_and_field(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(ONE_TIME.replace("  issue_description: Update loop\n", ""), encoding="utf-8")
    result = cli("--answers", str(path), "--json")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}: no answer for 'issue_description' (Complete Issue Description) asked at node D-2-4: "
        "add 'issue_description:' under answers\n"
    )


def test_cli_invalid_answer_exits_4_at_its_position(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(ONE_TIME.replace('support_code: "048213"', 'support_code: "04821"'), encoding="utf-8")
    result = cli("--answers", str(path), "--json")
    assert result.exit_code == 4
    assert result.stderr == (
        f"{path}:10:3: the answer to 'support_code' at node D-2-4 does not fit: "
        "'04821' does not fit: the LogMeIn code is six digits, e.g. 123456\n"
    )


def test_cli_invalid_money_answer_exits_4(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(
        'answers:\n  existing_member: "yes"\n  member_plan: Help Desk\n  hd_more_than_one_contact: "no"\n'
        "  past_due_amount: forty\n",
        encoding="utf-8",
    )
    result = cli("--answers", str(path))
    assert result.exit_code == 4
    assert result.stderr == (
        f"{path}:5:3: the answer to 'past_due_amount' at node D-2-18 does not fit: "
        "'forty' is not an amount (type it like 45.50)\n"
    )


def test_cli_unknown_field_id_exits_3_with_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(ONE_TIME.replace("  remote_agent:", "  remote_agnet:"), encoding="utf-8")
    result = cli("--answers", str(path), "--json")
    assert result.exit_code == 3
    assert result.stderr == (
        f"{path}:6:3: CF012 error: 'remote_agnet' is not a question of flow 'anything-computers-intake' "
        "(did you mean 'remote_agent'?)\n"
    )


def test_cli_answers_for_another_flow_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("flow: onsite-visit\n" + ONE_TIME, encoding="utf-8")
    result = cli("--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"{path}:1:1: CF010 error: these answers are for flow 'onsite-visit', not 'anything-computers-intake'\n"
    )


def test_cli_misspelt_answers_key_exits_3_with_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(ONE_TIME.replace("answers:", "answer:"), encoding="utf-8")
    result = cli("--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr == f"{path}:1:1: CF012 error: unknown key 'answer' (did you mean 'answers'?)\n"


@pytest.mark.parametrize(
    ("plan", "asked_at"),
    [("pay_as_you_go", "D-2-13"), ("help_desk", "D-2-20")],
)
def test_more_than_one_contact_opens_on_no(d2: LoadedFlow, plan: str, asked_at: str) -> None:
    """Asked on every call of the plan: a reflex Enter takes the common answer,
    it does not escalate to the Team Leader."""
    session = Session(d2.flow, d2.index, agent="Dana")
    session.answer("yes")
    session.answer(plan)
    prompt = session.prompt
    assert prompt is not None and prompt.node_id == asked_at
    assert prompt.default == "no"
