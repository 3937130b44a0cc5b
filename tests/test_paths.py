"""`callflow paths`: the routes of a flow (bounded when it loops), the answers
that take each one, and skeleton scenarios a trainer fills in."""

from __future__ import annotations

import json
from pathlib import Path

from scenariokit import FLOWS, LOOP, cli, shop, write

from callflow.flow.loadedflow import load_flow
from callflow.testing.edges import flow_edges
from callflow.testing.paths import covering, enumerate_routes
from callflow.testing.routesearch import find_answers

D2 = FLOWS / "anything-computers-intake.yaml"


def test_routes_of_a_small_flow_with_their_decisions(tmp_path: Path) -> None:
    result = cli("paths", shop(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{tmp_path}/flows/shop.yaml: 5 routes to 3 ends (each loop taken at most once)",
        "",
        "1. greet → repair → refuse  ⇒ refused",
        "     greet   wants = Repair",
        "     repair  if owed > 100",
        "2. greet → repair → pay  ⇒ paid",
        "     greet   wants = Repair",
        "     repair  else (not: owed > 100)",
        "3. greet → rush → repair → refuse  ⇒ refused",
        "     greet   wants = Rush repair (rush)",
        "     repair  if owed > 100",
        "4. greet → rush → repair → pay  ⇒ paid",
        "     greet   wants = Rush repair (rush)",
        "     repair  else (not: owed > 100)",
        "5. greet → bye  ⇒ no_sale",
        "     greet  wants = Nothing",
    ]


def test_the_answers_found_walk_each_route_through_the_engine(tmp_path: Path) -> None:
    loaded = load_flow(str(shop(tmp_path)))
    listing = enumerate_routes(loaded.flow)
    refuse = find_answers(loaded.flow, loaded.index, listing.routes[0])
    pay = find_answers(loaded.flow, loaded.index, listing.routes[1])
    assert [(a.field_id, a.value, a.chosen) for a in refuse.answers or []] == [
        ("wants", "repair", True),
        ("owed", "101.00", False),
    ]
    assert pay.answers is not None
    assert [(a.field_id, a.value) for a in pay.answers[:3]] == [("wants", "repair"), ("owed", "100.00"), ("method", "card")]
    code = pay.answers[3]
    assert code.field_id == "code" and len(code.value) == 4 and code.value.isdigit()  # drawn from [0-9]{4}
    assert pay.session is not None and list(pay.session.frames[-1].events)[-1].node_id == "pay"


def test_a_loop_is_taken_at_most_once_and_the_listing_ends(tmp_path: Path) -> None:
    loaded = load_flow(str(write(tmp_path, "loop.yaml", LOOP)))
    listing = enumerate_routes(loaded.flow)
    assert [r.nodes for r in listing.routes] == [["try", "done"], ["try", "again", "try", "done"]]
    assert listing.complete
    found = find_answers(loaded.flow, loaded.index, listing.routes[1])
    assert [(a.field_id, a.value) for a in found.answers or []] == [
        ("tried", "Sample tried"),
        ("fixed", "no"),
        ("tried", "Sample tried"),
        ("fixed", "yes"),
    ]


def test_a_loop_with_no_way_out_still_ends_the_listing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "trap.yaml",
        """\
        callflow: 1
        id: trap
        title: Trap
        start: a
        nodes:
          a:
            choose:
              id: again
              prompt: Again?
              options:
                - {label: "Yes", value: "yes", goto: b}
                - {label: "No", value: "no", goto: a}
          b:
            next: a
        """,
    )
    result = cli("paths", path)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f"{path}: 0 routes to 0 ends (each loop taken at most once)"


def test_limit_stops_the_listing_and_says_so(tmp_path: Path) -> None:
    result = cli("paths", shop(tmp_path), "--limit", "2")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{tmp_path}/flows/shop.yaml: 2 routes")
    assert lines[-1] == "Stopped after 2 routes (--limit); there are more."


def test_a_route_no_answers_can_take_is_marked(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "contradiction.yaml",
        """\
        callflow: 1
        id: contra
        title: Contradiction
        start: a
        fields:
          amount: {type: money, prompt: Amount}
        nodes:
          a:
            steps: [{ask: amount}]
            routes:
              - if: amount > 10
                goto: b
              - else: done
          b:
            routes:
              - if: amount < 5
                goto: done
              - else: done
          done:
            end: finished
        """,
    )
    # Normal where branches meet and branch again on the same answer: counted, not failed.
    result = cli("paths", path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{path}: 2 routes to 1 end (each loop taken at most once)"
    assert "! no answers found" not in result.output
    assert (
        "1 more combination of branches no answers can take is not listed (normal where branches meet and "
        "branch again on the same answer); --infeasible lists them." in lines
    )
    asked = cli("paths", path, "--infeasible")
    assert asked.exit_code == 0
    assert asked.output.splitlines()[5] == "     ! no answers found that take this route"
    assert asked.output.count("! no answers found") == 1


def test_json_lists_routes_with_decisions_and_example_answers(tmp_path: Path) -> None:
    result = cli("paths", shop(tmp_path), "--format", "json")
    data = json.loads(result.stdout)
    assert data["complete"] is True
    first = data["routes"][0]
    assert first["nodes"] == ["greet", "repair", "refuse"]
    assert first["outcome"] == "refused"
    assert [d["text"] for d in first["decisions"]] == ["wants = Repair", "if owed > 100"]
    assert first["example_answers"] == {"wants": "repair", "owed": "101.00"}


def test_minimal_keeps_few_routes_that_still_cover_everything() -> None:
    loaded = load_flow(str(D2))
    routes = enumerate_routes(loaded.flow).routes
    picked = covering(routes)
    assert len(routes) == 45
    assert len(picked) < len(routes)
    edges = {via for i in picked for via in routes[i].vias}
    ends = {routes[i].end for i in picked}
    # Every edge of the flat flow: each call site's copy of a procedure too.
    assert edges == {edge.via for edge in flow_edges(loaded.flow)}
    assert len(ends) == 13


def test_scaffold_writes_skeletons_that_fail_until_filled_in(tmp_path: Path) -> None:
    flow = shop(tmp_path)
    folder = tmp_path / "flows/shop.scenarios"
    result = cli("paths", flow, "--scaffold", folder)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "route-01-refuse-refused.yaml",
        "route-02-pay-paid.yaml",
        "route-03-refuse-refused.yaml",
        "route-04-pay-paid.yaml",
        "route-05-bye-no-sale.yaml",
    ]
    assert result.output.splitlines()[-1].startswith("5 skeleton scenarios written, 0 kept.")
    text = (folder / "route-02-pay-paid.yaml").read_text(encoding="utf-8")
    assert "flow:" not in text  # in the flow's own scenarios folder
    lines = text.splitlines()
    assert 'name: "Route 2 to pay: paid"' in lines
    answers = lines[lines.index("answers:") + 1 : lines.index("expect:")]
    assert [line.split("#")[0].strip() for line in answers] == [
        "wants: repair",
        "owed: TODO",
        "method: TODO",
        "code: TODO",
    ]
    assert answers[0].endswith("# greet: What do you want? → Repair")
    assert answers[1].endswith(
        "# TODO: repair: Amount owed; an amount; this route needs not (owed > 100) at repair, e.g. 100.00"
    )
    assert answers[2].endswith("# TODO: pay: Paid how?; one of: card, cash")
    assert answers[3].endswith("# TODO: pay: Code; four digits")
    assert "  path: [greet, repair, pay]" in lines
    assert "  outcome: paid" in lines
    assert "  #   kind: Repair" in lines

    tested = cli("test", folder)
    assert tested.exit_code == 1
    assert f"TODO  {folder}/route-02-pay-paid.yaml  Route 2 to pay: paid" in tested.output
    assert f"{folder}/route-02-pay-paid.yaml:7:9: answers.owed is still TODO: write the answer to 'Amount owed'" in tested.output
    assert f"PASS  {folder}/route-05-bye-no-sale.yaml  Route 5 to bye: no sale" in tested.output

    filled = text.replace("owed: TODO", "owed: 20").replace("method: TODO", "method: cash").replace("code: TODO", 'code: "0042"')
    (folder / "route-02-pay-paid.yaml").write_text(filled, encoding="utf-8")
    assert cli("test", folder / "route-02-pay-paid.yaml").exit_code == 0

    again = cli("paths", flow, "--scaffold", folder)
    assert again.output.splitlines()[-1].startswith("0 skeleton scenarios written, 5 kept.")
    assert (folder / "route-02-pay-paid.yaml").read_text(encoding="utf-8") == filled


def test_scaffold_elsewhere_names_the_flow_and_fills_answers_the_route_decides(tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    result = cli("paths", D2, "--scaffold", out, "--minimal")
    assert result.exit_code == 0, result.output
    files = sorted(out.iterdir())
    assert len(files) == 18
    [route] = out.glob("route-*-D-2-24-transferred-to-remote-agent.yaml")
    text = route.read_text(encoding="utf-8")
    flow_line = next(line for line in text.splitlines() if line.startswith("flow: "))
    assert (out / flow_line.split(": ", 1)[1].strip('"')).resolve() == D2.resolve()
    # The route through D-2-23 to D-2-24 needs a member who does not answer the chat
    # but answers the phone: those yes/no answers are filled in, not left TODO.
    assert 'chat_response: "no"' in text
    assert 'phone_answered: "yes"' in text
    assert "past_due_amount: TODO" in text


def test_minimal_on_a_flow_with_too_many_routes_to_list_still_covers_every_edge(tmp_path: Path) -> None:
    lines = ["callflow: 1", "id: big", "title: Big", "start: n0", "nodes:"]
    for i in range(22):  # 2**22 routes
        lines += [
            f"  n{i}:",
            "    choose:",
            f"      id: q{i}",
            "      prompt: Which?",
            "      options:",
            f"        - {{label: A, value: a, goto: n{i + 1}}}",
            f"        - {{label: B, value: b, goto: n{i + 1}}}",
        ]
    lines += ["  n22:", "    end: done"]
    flow = write(tmp_path, "big.yaml", "\n".join(lines) + "\n")
    listed = cli("paths", flow, "--format", "json")
    assert json.loads(listed.stdout)["stopped_by"] == "limit"
    data = json.loads(cli("paths", flow, "--minimal", "--format", "json").stdout)
    taken = {(d["node"], d["index"]) for route in data["routes"] for d in route["decisions"]}
    assert len(taken) == 44  # every option of every question
    assert len(data["routes"]) <= 44
    assert all(route["found"] for route in data["routes"])


def test_routes_go_through_procedures_and_round_a_limited_loop_to_its_limit(tmp_path: Path) -> None:
    from deskkit import desk

    flow = desk(tmp_path)
    result = cli("paths", flow)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{flow}: 4 routes to 2 ends (each loop taken at most once; a loop with at_most until its limit)",
        "",
        "1. D-1 → pay/P-1 → D-1 → D-2 → pay/P-1 → D-2 → D-3 → D-4  ⇒ done",
        "     D-1  checked = Yes",
        "     D-3  fixed = Yes",
        "2. D-1 → pay/P-1 → D-1 → D-2 → pay/P-1 → D-2 → D-3 → D-3 → D-4  ⇒ done",
        "     D-1  checked = Yes",
        "     D-3  fixed = No",
        "     D-3  fixed = Yes",
        "3. D-1 → pay/P-1 → D-1 → D-2 → pay/P-1 → D-2 → D-3 → D-3 → D-5  ⇒ escalated",
        "     D-1  checked = Yes",
        "     D-3  fixed = No",
        "     D-3  fixed = No",
        "     D-3  at most 2 times",
        "4. D-1 → pay/P-1 → D-1 → D-4  ⇒ done",
        "     D-1  checked = No",
    ]
    loaded = load_flow(str(flow))
    for route in enumerate_routes(loaded.flow).routes:
        found = find_answers(loaded.flow, loaded.index, route)
        assert found.found, route.shown_nodes
        assert found.session is not None
        from callflow.call.summary import summarize

        assert list(summarize(found.session).path) == route.shown_nodes


LOOP3 = """\
callflow: 1
id: loop3
title: Three tries
start: T-1
fields:
  tried: {prompt: What did you try?}
nodes:
  T-1:
    at_most: {times: 3, then: ESC}
    steps:
      - ask: tried
    choose:
      id: fixed
      prompt: Fixed?
      options:
        - {label: "Yes", value: "yes", goto: DONE}
        - {label: "No", value: "no", goto: T-2}
  T-2:
    steps:
      - say: Let us try something else.
    next: T-1
  DONE:
    end: fixed
  ESC:
    end: escalated
"""


def test_a_loop_of_two_nodes_is_gone_round_until_its_limit(tmp_path: Path) -> None:
    loaded = load_flow(str(write(tmp_path, "loop3.yaml", LOOP3)))
    listing = enumerate_routes(loaded.flow)
    ends = [(r.shown_nodes, r.outcome) for r in listing.routes]
    assert (["T-1", "T-2", "T-1", "T-2", "T-1", "T-2", "ESC"], "escalated") in ends
    assert len(ends) == 4  # fixed on the first, second or third try, or escalated
    assert all(find_answers(loaded.flow, loaded.index, r).found for r in listing.routes)


def test_minimal_on_too_many_routes_still_reaches_a_limit(tmp_path: Path) -> None:
    from callflow.testing.paths import covering_routes

    loaded = load_flow(str(write(tmp_path, "loop3.yaml", LOOP3)))
    routes = covering_routes(loaded.flow)
    limited = [r for r in routes if r.outcome == "escalated"]
    assert [r.shown_nodes for r in limited] == [["T-1", "T-2", "T-1", "T-2", "T-1", "T-2", "ESC"]]
    assert find_answers(loaded.flow, loaded.index, limited[0]).found


MEET_AGAIN = """\
callflow: 1
id: meet
title: Branches meet and branch again
start: a
fields:
  member: {type: yesno, prompt: Member?}
nodes:
  a:
    steps: [{ask: member}]
    routes:
      - if: member
        goto: m
      - else: g
  m: {steps: [{say: Welcome back.}], next: z}
  g: {steps: [{say: Welcome.}], next: z}
  z:
    routes:
      - if: member
        goto: pm
      - else: pg
  pm: {end: member_served}
  pg: {end: guest_served}
"""


def test_branches_that_meet_and_branch_again_on_the_same_answer_exit_0(tmp_path: Path) -> None:
    flow = write(tmp_path, "meet.yaml", MEET_AGAIN)
    result = cli("paths", flow)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{flow}: 2 routes to 2 ends (each loop taken at most once)"
    assert [line for line in lines if line[:2] in ("1.", "4.")] == ["1. a → m → z → pm  ⇒ member_served", "4. a → g → z → pg  ⇒ guest_served"]
    assert "2 more combinations of branches no answers can take are not listed" in result.output
    assert "No answers were found" not in result.output
    data = json.loads(cli("paths", flow, "--format", "json").stdout)
    assert (data["infeasible_not_listed"], len(data["routes"]), data["not_walked"]) == (2, 2, {"edges": [], "ends": []})
    everything = json.loads(cli("paths", flow, "--format", "json", "--infeasible").stdout)
    assert [r["found"] for r in everything["routes"]] == [True, False, False, True]
    scaffolded = cli("paths", flow, "--scaffold", tmp_path / "drafts")
    assert scaffolded.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "drafts").iterdir()) == [
        "route-01-pm-member-served.yaml",
        "route-04-pg-guest-served.yaml",
    ]


def test_an_edge_no_answers_walk_is_named_and_a_dead_end_fails(tmp_path: Path) -> None:
    never = MEET_AGAIN.replace("      - else: pg\n", "      - if: not member and member\n        goto: pm\n      - else: pg\n")
    flow = write(tmp_path, "never.yaml", never)
    result = cli("paths", flow)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "No answers were found that walk these (`callflow lint` says whether a condition can hold):",
        "  z → pm (if not member and member)",
    ]
    dead = write(tmp_path, "dead.yaml", MEET_AGAIN.replace("  pg: {end: guest_served}\n", "  pg: {steps: [{say: Bye.}]}\n"))
    failed = cli("paths", dead)
    assert failed.exit_code == 1
    assert "4. a → g → z → pg  ⇒ dead end: no way on" in failed.output
    assert failed.output.splitlines()[-1] == (
        "A route stops where the flow has no way on: a defect of the flow (callflow lint reports it)."
    )


VOUCHER = """\
callflow: 1
id: voucher
title: Voucher
start: V-1
catalog:
  "310": {name: SESSION, price: 35.00}
fields:
  caller: {prompt: Caller?}
nodes:
  V-1:
    steps:
      - ask: caller
      - item: "310"
      - payment: {amount: due, method: card}
      - set: {goodwill: "catalog.310.price / 7"}
      - credit: {label: Goodwill, amount: goodwill}
      - refund: {amount: refund_due}
      - do: Log the admin account out
        confirm: logged_out
    end: done
"""


def test_a_scaffold_suggests_the_credits_payments_and_refunds_the_route_fixes(tmp_path: Path) -> None:
    flow = write(tmp_path, "voucher.yaml", VOUCHER)
    assert cli("paths", flow, "--scaffold", tmp_path / "drafts").exit_code == 0
    text = (tmp_path / "drafts" / "route-01-V-1-done.yaml").read_text(encoding="utf-8")
    assert '  logged_out: TODO  # TODO: V-1: Log the admin account out; done, or "not done: <why>"' in text
    suggested = text.split("expect:\n", 1)[1].splitlines()
    assert suggested[2:] == [
        "  # TODO: add what this call must produce (docs/scenarios.md). This route's steps set, e.g.:",
        "  # invoice:",
        "  #   lines:",
        '  #     - {code: "310", kind: item, quantity: 1, amount: 35.00}',
        "  #     - {kind: credit, name: Goodwill, quantity: 1, amount: -5.00}",
        "  #   total: 30.00",
        "  #   refund_due: 0.00",
        "  # payments:",
        "  #   - {amount: 35.00}",
        "  # refunds:",
        "  #   - {amount: 5.00}",
        "  # values:",
        '  #   goodwill: "5.00"',
    ]
    filled = text.replace("caller: TODO", "caller: Jane").replace("logged_out: TODO", "logged_out: done")
    for line in suggested[3:]:
        filled = filled.replace(line, line.replace("  # ", "  ", 1))
    (tmp_path / "drafts" / "route-01-V-1-done.yaml").write_text(filled, encoding="utf-8")
    tested = cli("test", tmp_path / "drafts" / "route-01-V-1-done.yaml")
    assert tested.exit_code == 0, tested.output


def test_a_scaffold_marks_where_the_answers_decide_a_line_and_keeps_the_order(tmp_path: Path) -> None:
    flow = write(
        tmp_path,
        "seats.yaml",
        """\
        callflow: 1
        id: seats
        title: Seats
        start: S-1
        catalog:
          LIC: {name: Licence, price: 10.00}
          SET: {name: Set-up, price: 25.00}
        fields:
          seats: {type: number, prompt: Seats?, min: 1, max: 20}
        nodes:
          S-1:
            steps:
              - item: SET
              - ask: seats
              - item: {code: LIC, quantity: seats}
              - credit: {code: SET}
            end: sold
        """,
    )
    assert cli("paths", flow, "--scaffold", tmp_path / "drafts").exit_code == 0
    text = (tmp_path / "drafts" / "route-01-S-1-sold.yaml").read_text(encoding="utf-8")
    assert text.split("expect:\n", 1)[1].splitlines()[2:] == [
        "  # TODO: add what this call must produce (docs/scenarios.md). This route's steps set, e.g.:",
        "  # invoice:",
        "  #   lines:",
        "  #     - {code: SET, kind: item, quantity: 1, amount: 25.00}",
        "  #     - ...  (a line the answers decide)",
        "  #     - {code: SET, kind: credit, name: Set-up, quantity: 1, amount: -25.00}",
        "  #   total: ...",
    ]
