"""Running a scenario: a pass when the call produces what is expected, and
exactly the differing expectation, at its line, when it does not."""

from __future__ import annotations

from pathlib import Path

from scenariokit import LOOP, REPAIR_PAID, RUSH_REFUSED, shop, write

from callflow.call.answers import AnswerSet
from callflow.call.driver import drive
from callflow.call.engine import Session
from callflow.call.scripted import ScriptedFrontEnd
from callflow.call.summary import summarize
from callflow.flow.loadedflow import load_flow
from callflow.testing.invariants import (
    BLANK_SHOWN,
    TICKET_INCOMPLETE,
    blank_names,
    check_invariants,
)
from callflow.testing.scenario import load_scenario
from callflow.testing.scenariorun import ERROR, FAILED, PASSED, ScenarioResult, run_scenario


def run(path: Path) -> ScenarioResult:
    scenario = load_scenario(str(path))
    return run_scenario(scenario, load_flow(scenario.flow_path))


def messages(result: ScenarioResult) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.message) for p in result.problems]


def test_a_scenario_whose_call_matches_passes(tmp_path: Path) -> None:
    shop(tmp_path, ("a.yaml", REPAIR_PAID), ("b.yaml", RUSH_REFUSED))
    for name in ("a.yaml", "b.yaml"):
        result = run(tmp_path / "flows/shop.scenarios" / name)
        assert (result.status, result.problems) == (PASSED, [])
        assert result.reached is not None


def test_a_wrong_total_reports_exactly_that_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, "flows/shop.scenarios/a.yaml", REPAIR_PAID.replace("total: 50.00", "total: 55.00"))
    shop(tmp_path)
    result = run(path)
    assert result.status == FAILED
    assert messages(result) == [(15, 5, "invoice.total: expected $55.00, got $50.00")]
    [problem] = result.problems
    assert (problem.what, problem.expected, problem.actual) == ("invoice.total", "$55.00", "$50.00")


def test_a_path_that_parts_shows_both_paths_and_the_step(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(tmp_path, "flows/shop.scenarios/a.yaml", REPAIR_PAID.replace("[greet, repair, pay]", "[greet, rush, repair, pay]"))
    result = run(path)
    [problem] = result.problems
    assert (problem.line, problem.col) == (9, 17)
    assert problem.message == "path: the path differs at step 2: expected rush, got repair"
    assert problem.detail == (
        "expected: greet → rush → repair → pay",
        "actual:   greet → repair → pay",
    )


def test_a_path_that_stops_early_says_what_comes_next(tmp_path: Path) -> None:
    shop(tmp_path)
    text = REPAIR_PAID.replace("[greet, repair, pay]", "[greet, repair]")
    result = run(write(tmp_path, "flows/shop.scenarios/a.yaml", text))
    assert [p.message for p in result.problems] == [
        "path: the path goes on after repair: expected 2 steps, got 3"
    ]


def test_path_includes_is_a_subsequence_in_order(tmp_path: Path) -> None:
    shop(tmp_path)
    ok = RUSH_REFUSED
    wrong_order = RUSH_REFUSED.replace("[rush, refuse]", "[refuse, rush]")
    missing = RUSH_REFUSED.replace("[rush, refuse]", "[rush, pay]")
    assert run(write(tmp_path, "flows/shop.scenarios/ok.yaml", ok)).status == PASSED
    assert [p.message for p in run(write(tmp_path, "flows/shop.scenarios/order.yaml", wrong_order)).problems] == [
        "path_includes: the path passes rush, but not after refuse"
    ]
    assert [p.message for p in run(write(tmp_path, "flows/shop.scenarios/miss.yaml", missing)).problems] == [
        "path_includes: the path does not pass pay after rush"
    ]


def test_every_kind_of_expectation_reports_its_own_difference(tmp_path: Path) -> None:
    shop(tmp_path)
    path = write(
        tmp_path,
        "flows/shop.scenarios/a.yaml",
        """\
        name: everything wrong
        agent: Dana
        answers:
          wants: Repair
          owed: "0"
          method: card
          code: "1234"
        expect:
          path_excludes: [pay]
          outcome: refused
          ticket: {kind: Rush}
          invoice:
            lines:
              - {code: "100", quantity: 2, amount: 100.00}
            past_due: 5
          payments:
            - {amount: 50.00, method: Cash, node: greet}
          notifications:
            - {to: Boss}
          follow_ups: [Call back]
        """,
    )
    assert messages(run(path)) == [
        (9, 19, "path_excludes: the path passes pay, which it must not"),
        (10, 3, "outcome: expected refused, got paid"),
        (11, 12, "ticket.kind: expected 'Rush', got 'Repair'"),
        (14, 23, "invoice.lines[1].quantity: expected 2, got 1"),
        (14, 36, "invoice.lines[1].amount: expected $100.00, got $50.00"),
        (15, 5, "invoice.past_due: expected $5.00, got $0.00"),
        (17, 23, "payments[1].method: expected 'Cash', got 'Card'"),
        (17, 37, "payments[1].node: expected greet, got pay"),
        (18, 3, "notifications: expected 1 notification(s), got 0"),
        (20, 3, "follow_ups: expected 1 follow-up(s), got 0"),
    ]


def test_an_answer_never_asked_fails_the_scenario(tmp_path: Path) -> None:
    shop(tmp_path)
    text = RUSH_REFUSED.replace("  owed: 150\n", "  owed: 150\n  code: \"1234\"\n")
    result = run(write(tmp_path, "flows/shop.scenarios/a.yaml", text))
    assert messages(result) == [
        (6, 3, "answers.code is never asked on this path: remove it, or check the path the call takes")
    ]


def test_answers_that_stop_the_call_point_at_the_answer(tmp_path: Path) -> None:
    shop(tmp_path)
    text = REPAIR_PAID.replace('code: "1234"', 'code: "12"')
    result = run(write(tmp_path, "flows/shop.scenarios/a.yaml", text))
    [problem] = result.problems
    assert (problem.kind, problem.line, problem.col) == ("answers", 7, 3)
    assert problem.message == (
        "the answers stop the call: the answer to 'code' at node pay does not fit: '12' does not fit: four digits"
    )
    assert problem.detail == ("path so far: greet → repair → pay",)


def test_a_missing_answer_names_the_question_and_node(tmp_path: Path) -> None:
    shop(tmp_path)
    text = REPAIR_PAID.replace('  code: "1234"\n', "")
    [problem] = run(write(tmp_path, "flows/shop.scenarios/a.yaml", text)).problems
    assert problem.message.startswith("the answers stop the call: no answer for 'code' (Code) asked at node pay")


def test_a_todo_scenario_fails_naming_each_todo_and_its_question(tmp_path: Path) -> None:
    shop(tmp_path)
    text = REPAIR_PAID.replace('owed: "0"', "owed: TODO").replace("method: card", "method: TODO card or cash")
    result = run(write(tmp_path, "flows/shop.scenarios/a.yaml", text))
    assert result.status == FAILED
    assert messages(result) == [
        (5, 9, "answers.owed is still TODO: write the answer to 'Amount owed'"),
        (6, 11, "answers.method is still TODO: write the answer to 'Paid how?' (card or cash)"),
    ]


def test_a_loop_takes_one_answer_per_time_round(tmp_path: Path) -> None:
    write(tmp_path, "flows/loop.yaml", LOOP)
    path = write(
        tmp_path,
        "flows/loop.scenarios/twice.yaml",
        """\
        name: fixed on the second try
        answers:
          tried: [Restart, Update the driver]
          fixed: ["no", "yes"]
        expect:
          path: [try, again, try, done]
          outcome: fixed
        """,
    )
    result = run(path)
    assert result.status == PASSED
    assert result.summary is not None
    assert [a.display for a in result.summary.answers] == ["Restart", "No", "Update the driver", "Yes"]


def test_a_flow_that_shows_a_blank_fails_every_scenario_through_it(tmp_path: Path) -> None:
    write(
        tmp_path,
        "flows/blank.yaml",
        """\
        callflow: 1
        id: blank
        title: Blank
        start: a
        fields:
          nickname: {prompt: Nickname?, required: false}
        nodes:
          a:
            steps:
              - ask: nickname
              - say: "Hi {nickname}! Fill in _____ on the form."
            end: done
        """,
    )
    skipped = write(tmp_path, "flows/blank.scenarios/skip.yaml", 'name: skip\nanswers: {nickname: ""}\nexpect: {outcome: done}\n')
    given = write(tmp_path, "flows/blank.scenarios/given.yaml", "name: given\nanswers: {nickname: Bo}\nexpect: {outcome: done}\n")
    assert run(given).status == PASSED  # the literal _____ of the words is not a blank
    [problem] = run(skipped).problems
    assert problem.kind == "invariant"
    assert problem.message == (
        'call invariant broken at a: a blank is shown ({nickname} had no value): '
        '"Hi _____! Fill in _____ on the form." [blank-shown]'
    )


def _walk(tmp_path: Path, flow_text: str, answers: dict[str, object]) -> Session:
    loaded = load_flow(str(write(tmp_path, "f.yaml", flow_text)))
    session = Session(loaded.flow, loaded.index, agent="Dana")
    drive(session, ScriptedFrontEnd(AnswerSet.from_mapping(answers)))
    return session


def test_a_line_after_a_payment_is_due_next_and_a_missing_ticket_field_is_reported(tmp_path: Path) -> None:
    session = _walk(
        tmp_path,
        """\
        callflow: 1
        id: bad
        title: Bad order
        start: a
        catalog: {"1": {name: Thing, price: 10.00}}
        ticket_fields:
          kind: {required: true}
          owner: {label: Owner, required: true}
        nodes:
          a:
            steps:
              - ticket: {kind: Sale}
              - payment: {amount: due}
              - item: "1"
            end: done
        """,
        {},
    )
    summary = summarize(session)
    violations = check_invariants(session, summary)
    # Several payments in one call are normal: the line after the payment is simply due.
    assert [(v.rule, v.node_id, v.message) for v in violations] == [
        (TICKET_INCOMPLETE, "a", "the call ends (done) with the ticket missing: Owner"),
    ]
    assert summary.invoice.due == 10


def test_no_agent_given_is_not_a_blank_of_the_flow(tmp_path: Path) -> None:
    loaded = load_flow(str(write(tmp_path, "f.yaml", "callflow: 1\nid: x\ntitle: X\nstart: a\nnodes:\n  a:\n    steps: [{say: 'This is {agent}.'}]\n    end: done\n")))
    session = Session(loaded.flow, loaded.index)
    drive(session, ScriptedFrontEnd(AnswerSet.from_mapping({})))
    assert check_invariants(session, summarize(session)) == []
    named = Session(loaded.flow, loaded.index, agent="Dana")
    drive(named, ScriptedFrontEnd(AnswerSet.from_mapping({})))
    assert check_invariants(named, summarize(named)) == []


def test_blank_names_tells_a_placeholder_from_a_written_blank() -> None:
    assert blank_names("Owed: _____", ["Owed: {owed}"]) == ["owed"]
    assert blank_names("Sign: _____", ["Sign: _____"]) == []
    assert blank_names("Something else", ["Owed: {owed}"]) is None
    assert BLANK_SHOWN == "blank-shown"


def test_an_unloadable_scenario_is_an_error_result_through_the_suite(tmp_path: Path) -> None:
    from callflow.testing.suite import run_suite

    shop(tmp_path, ("a.yaml", REPAIR_PAID), ("broken.yaml", "name: [unclosed\n"))
    suite = run_suite([str(tmp_path / "flows")])
    assert [(Path(r.path).name, r.status) for r in suite.results] == [("a.yaml", PASSED), ("broken.yaml", ERROR)]
    [error] = suite.results[1].errors
    assert error.startswith(str(tmp_path / "flows/shop.scenarios/broken.yaml") + ":")
    assert "CF001" in error
