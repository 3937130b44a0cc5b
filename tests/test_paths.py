"""`callflow paths`: the routes of a flow (bounded when it loops), the answers
that take each one, and skeleton scenarios a trainer fills in."""

from __future__ import annotations

import json
from pathlib import Path

from scenariokit import FLOWS, LOOP, cli, shop, write

from callflow.flow.loadedflow import load_flow
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
    result = cli("paths", path)
    assert result.exit_code == 1
    assert result.output.splitlines()[5] == "     ! no answers found that take this route"
    assert result.output.count("! no answers found") == 1


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
    assert len(edges) == 38 and len(ends) == 13


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
    text = (out / "route-15-D-2-24-transferred-to-remote-agent.yaml").read_text(encoding="utf-8")
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
