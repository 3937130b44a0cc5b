"""The path rules (CF207, CF211, CF301-CF303) judge each path without listing
paths: branches are kept apart where a later `when:` depends on them, steps
under `when:` count only under their condition, loops settle, and thousands
of diamonds cost nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from callflow.flow.diagnostics import Diagnostic
from callflow.flow.loadedflow import load_flow
from callflow.lint import lint_flow, lint_paths

ROOT = Path(__file__).resolve().parents[2]
D2 = ROOT / "flows" / "anything-computers-intake.yaml"


def lint_text(tmp_path: Path, text: str) -> list[Diagnostic]:
    path = tmp_path / "flow.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return lint_paths([str(path)]).diagnostics


def codes(diagnostics: list[Diagnostic]) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in diagnostics]


def test_the_d2_flow_is_clean_and_lint_flow_returns_sorted_diagnostics() -> None:
    assert lint_flow(load_flow(str(D2))) == []


def test_d2_without_the_remote_access_issue_type_fails_at_the_end_of_d_2_19(tmp_path: Path) -> None:
    text = D2.read_text(encoding="utf-8")
    step = '      - ticket: {issue_type: "3 – Remote Access Plan"}\n        when: member_plan == \'remote_access\'\n'
    assert text.count(step) == 2  # D-2-19 and D-2-24
    broken = text.replace(step, "", 1)
    path = tmp_path / "intake.yaml"
    path.write_text(broken, encoding="utf-8")
    found = lint_paths([str(path)]).diagnostics
    assert [(d.code, d.severity.value) for d in found] == [("CF302", "error")]
    line = broken.splitlines()[found[0].line - 1]
    assert line.strip() == "end: transferred_to_remote_agent"
    assert "'issue_type' (Issue Type)" in found[0].message


def test_a_value_set_on_one_branch_and_read_on_both_is_reported_with_the_branch(tmp_path: Path) -> None:
    found = lint_text(
        tmp_path,
        """\
        id: f
        title: F
        start: A
        fields:
          name: {prompt: Name}
        nodes:
          A:
            choose:
              id: member
              prompt: Member?
              options:
                - {label: "Yes", goto: B}
                - {label: "No", goto: C}
          B:
            steps:
              - ask: name
            next: D
          C:
            next: D
          D:
            steps:
              - say: "Thanks, {name}."
            end: done
        """,
    )
    assert codes(found) == [(22, "CF207")]
    assert "on the way from node 'C'" in found[0].message
    assert found[0].col == 23


def test_branches_are_kept_apart_where_a_later_when_depends_on_them(tmp_path: Path) -> None:
    # The seed pattern of remote-support-session RS-6: the ticket's connection
    # is set under the answer of whichever question led here.
    text = """\
        id: f
        title: F
        start: A
        ticket_fields:
          connection: {required: true}
          technician: {}
        nodes:
          A:
            choose:
              id: scheduled_now
              prompt: Scheduled?
              options:
                - {label: "Yes", value: "yes", goto: C}
                - {label: "No", value: "no", goto: B}
          B:
            choose:
              id: permission
              prompt: Permission?
              options:
                - {label: "Yes", value: "yes", goto: C}
                - {label: "No", value: "no", goto: Z}
          C:
            steps:
              - ticket: {technician: Sam}
              - ticket: {connection: Scheduled}
                when: scheduled_now == 'yes'
              - ticket: {connection: Permission}
                when: permission == 'yes'
            next: Y
          Y:
            end: done
          Z:
            end: not_connected
        """
    assert lint_text(tmp_path, text) == []
    # Letting "No" to permission through to C leaves the connection empty there.
    found = lint_text(tmp_path, text.replace('value: "no", goto: Z', 'value: "no", goto: C'))
    assert codes(found) == [(31, "CF302"), (32, "CF103")]
    assert "'connection'" in found[0].message


def test_a_step_under_when_counts_only_under_its_condition(tmp_path: Path) -> None:
    text = """\
        id: f
        title: F
        start: A
        catalog:
          "1": {name: ITEM, price: 5}
        fields:
          amount: {type: money, prompt: Amount}
          method: {prompt: Method}
          phone_answered: {type: yesno, prompt: Answered?}
        nodes:
          A:
            steps:
              - ask: amount
              - ask: phone_answered
              - item: "1"
                when: phone_answered and amount > 0
              - ask: method
                when: phone_answered and amount > 0
              - payment: {amount: due, method: "{method}"}
                when: amount > 0 and phone_answered
              - say: "Paid by {method}."
            end: done
        """
    found = lint_text(tmp_path, text)
    # The payment has the same condition as the item and the ask; the last say has none.
    assert codes(found) == [(21, "CF207")]
    assert "not asked on every path" in found[0].message
    # A payment under a weaker condition may come without the invoice line or the method.
    weaker = text.replace("when: amount > 0 and phone_answered", "when: phone_answered")
    assert codes(lint_text(tmp_path, weaker)) == [(19, "CF301"), (19, "CF207"), (21, "CF207")]


def test_complementary_conditions_cover_every_path(tmp_path: Path) -> None:
    found = lint_text(
        tmp_path,
        """\
        id: f
        title: F
        start: A
        ticket_fields:
          outcome: {required: true}
        fields:
          amount: {type: money, prompt: Amount}
        nodes:
          A:
            steps:
              - ask: amount
              - ticket: {outcome: Owes}
                when: amount > 0
              - ticket: {outcome: Nothing owed}
                when: not amount > 0
            end: done
        """,
    )
    assert found == []


def test_a_ticket_started_under_a_condition_needs_its_fields_only_then(tmp_path: Path) -> None:
    text = """\
        id: f
        title: F
        start: A
        ticket_fields:
          title: {required: true}
          kind: {required: true}
        fields:
          wants_ticket: {type: yesno, prompt: Ticket?}
        nodes:
          A:
            steps:
              - ask: wants_ticket
              - ticket: {title: Support}
                when: wants_ticket
              - ticket: {kind: Remote}
                when: wants_ticket
            end: done
        """
    assert lint_text(tmp_path, text) == []
    without_kind = textwrap.dedent(text).replace("      - ticket: {kind: Remote}\n        when: wants_ticket\n", "")
    found = lint_text(tmp_path, without_kind)
    assert [d.code for d in found] == ["CF214", "CF302"]  # kind is never set at all, and
    assert "'kind'" in found[1].message  # the ticket can end without it


def test_a_field_asked_inside_a_loop_is_known_after_it(tmp_path: Path) -> None:
    found = lint_text(
        tmp_path,
        """\
        id: f
        title: F
        start: A
        fields:
          code: {prompt: Code}
        nodes:
          A:
            next: B
          B:
            steps:
              - ask: code
            choose:
              id: code_works
              prompt: Does {code} work?
              options:
                - {label: "Yes", goto: C}
                - {label: "No, try again", goto: B}
          C:
            steps:
              - say: "Connected with {code}; it worked: {code_works}."
            end: done
        """,
    )
    assert found == []


def test_a_choose_answer_is_known_only_after_its_node(tmp_path: Path) -> None:
    found = lint_text(
        tmp_path,
        """\
        id: f
        title: F
        start: A
        nodes:
          A:
            steps:
              - say: "You said {plan}."
            choose:
              id: plan
              prompt: Plan?
              options:
                - {label: Basic, goto: B}
          B:
            steps:
              - say: "You said {plan}."
            end: done
        """,
    )
    assert codes(found) == [(7, "CF207")]
    assert "never" not in found[0].message


def test_a_when_that_never_holds_where_it_stands_is_a_warning(tmp_path: Path) -> None:
    found = lint_text(
        tmp_path,
        """\
        id: f
        title: F
        start: A
        nodes:
          A:
            choose:
              id: plan
              prompt: Plan?
              options:
                - {label: Basic, value: basic, goto: B}
                - {label: Premium, value: premium, goto: C}
          B:
            steps:
              - say: Premium members get a callback.
                when: plan == 'premium'
            end: done
          C:
            end: done
        """,
    )
    assert [(d.line, d.code, d.severity.value) for d in found] == [(15, "CF211", "warning")]
    assert "'plan' can only be 'basic' here" in found[0].message


def test_a_route_shadowed_by_one_above_is_never_taken(tmp_path: Path) -> None:
    found = lint_text(
        tmp_path,
        """\
        id: f
        title: F
        start: A
        fields:
          answered: {type: yesno, prompt: Answered?}
        nodes:
          A:
            steps:
              - ask: answered
            routes:
              - if: answered or not answered
                goto: B
              - if: answered
                goto: C
              - else: B
          B:
            end: done
          C:
            end: done
        """,
    )
    assert codes(found) == [(13, "CF211")]
    assert "a route above always holds first" in found[0].message


def test_thousands_of_diamonds_are_judged_without_listing_paths(tmp_path: Path) -> None:
    # 2**600 paths: only an analysis that never lists them can finish. The
    # blank planted at the very end must still be found, and only it.
    blocks = 600
    lines = ["id: f", "title: F", "start: Q-0", "fields:", "  late: {prompt: Late}", "  early: {prompt: Early}", "nodes:"]
    lines += ["  Q-0:", "    steps:", "      - ask: early", "    next: Q-1"]
    for k in range(1, blocks + 1):
        nxt = f"Q-{k + 1}" if k < blocks else "END"
        lines += [
            f"  Q-{k}:",
            "    choose:",
            f"      id: c_{k}",
            "      prompt: Which way?",
            "      options:",
            f"        - {{label: Left, goto: L-{k}}}",
            f"        - {{label: Right, goto: R-{k}}}",
            f"  L-{k}:",
            '    steps:\n      - say: "Left, {early}."',
            f"    next: {nxt}",
            f"  R-{k}:",
            "    steps:\n      - ask: late" if k == blocks else '    steps:\n      - say: "Right, {early}."',
            f"    next: {nxt}",
        ]
    lines += ["  END:", "    steps:", '      - say: "Bye, {late}."', "    end: done"]
    path = tmp_path / "diamonds.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = lint_paths([str(path)]).diagnostics
    assert [(d.code, d.message.split(":")[0]) for d in found] == [("CF207", "{late} would show as a blank")]
    assert "on the way from node 'L-600'" in found[0].message


def test_a_computed_value_is_recorded_only_where_it_is_computed(tmp_path: Path) -> None:
    text = """\
        id: c
        title: C
        start: A
        catalog:
          "1": {name: ONE, price: 5}
        fields:
          bottles: {type: number, prompt: Bottles}
          wants: {type: yesno, prompt: Wants?}
        nodes:
          A:
            steps:
              - ask: wants
              - ask: bottles
              - set: {fee: bottles * catalog.1.price}
                when: wants
              - say: "The fee is {fee}."
              - item: {code: "1", quantity: bottles, price: fee}
                when: wants
            end: done
        """
    found = lint_text(tmp_path, text)
    # The item has the set's condition; the words have none.
    assert codes(found) == [(16, "CF207")]
    assert found[0].message == "{fee} would show as a blank: it is not computed on every path to here; compute it on every path"
    # Computed from a value not asked yet: the set is reported where it reads it.
    early = textwrap.dedent(text).replace("      - ask: bottles\n", "")
    found = lint_text(tmp_path, early)
    assert (13, "CF207") in codes(found)
    first = next(d for d in found if d.code == "CF207")
    assert first.message == "'bottles' may not be recorded here (it would have no value): no node asks it: add '- ask: bottles' on the way here"


SECOND_SALE = """\
    id: second-sale
    title: Second sale
    start: A
    catalog:
      A1: {name: FIRST, price: 60.00}
      B1: {name: SECOND, price: 120.00}
    fields:
      seats: {type: number, prompt: Seats?, min: 0, max: 50}
    nodes:
      A:
        steps:
          - item: A1
          - payment: {amount: due}
          - ask: seats
          - item: {code: B1, quantity: seats}
          - payment: {amount: due}
            when: WHEN
        end: sold
    """


@pytest.mark.parametrize("when", ["due > 0", "due > 0.00", "0 < due", "due != 0", "due >= 0.01"])
def test_a_payment_of_what_is_due_under_due_above_zero_settles_every_line(tmp_path: Path, when: str) -> None:
    # Where the payment does not run nothing is due: no line is left unpaid.
    assert codes(lint_text(tmp_path, SECOND_SALE.replace("WHEN", when))) == []


@pytest.mark.parametrize("when", ["due > 10", "seats > 2", "due >= 1"])
def test_a_payment_under_another_condition_can_leave_a_line_unpaid(tmp_path: Path, when: str) -> None:
    assert codes(lint_text(tmp_path, SECOND_SALE.replace("WHEN", when))) == [(15, "CF303")]
