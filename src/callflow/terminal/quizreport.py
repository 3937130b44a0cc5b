"""The quiz's deviation report, on screen (rich) and as Markdown."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from callflow.flow.controls import visible
from callflow.terminal.deviation import Deviation
from callflow.terminal.screen import words

ARROW = " → "


def _cell(text: object) -> str:
    return visible(text if text is not None else "—").replace("|", "\\|").replace("\n", "<br>")


def deviation_renderable(report: Deviation) -> Group:
    parts: list[object] = [Rule(Text("Rehearsal report", style="bold"), style="magenta")]
    head = Table(box=None, show_header=False, padding=(0, 2))
    head.add_column(style="dim")
    head.add_column()
    head.add_row("Scenario", words(report.scenario_name))
    score_style = "bold green" if report.score == 100 else "bold yellow" if report.score >= 50 else "bold red"
    head.add_row(
        "Score",
        Text(f"{report.score} %  ({report.matched} of {report.expected_answers} answers as the scenario)", style=score_style),
    )
    left = report.left_path_words()
    head.add_row("Path", words(("followed the scenario" if left is None else f"left it {left}", "green" if left is None else "red")))
    if left is not None:
        head.add_row("Expected", words(ARROW.join(report.expected_path)))
        head.add_row("Taken", words(ARROW.join(report.actual_path)))
    if not report.ended:
        head.add_row("", Text("The rehearsal stopped before the call ended.", style="yellow"))
    parts.append(head)
    if report.answers:
        table = Table(title="Answers", title_justify="left", box=box.SIMPLE_HEAVY)
        table.add_column("Node")
        table.add_column("Question")
        table.add_column("Given")
        table.add_column("Scenario")
        table.add_column("")
        for a in report.answers:
            mark = Text("✓", style="green") if a.matches else Text("✗", style="red")
            table.add_row(words(a.node_id), words(a.prompt), words(a.given), words(a.expected or "not asked"), mark)
        parts.append(table)
    if report.differences:
        parts.append(Text("What the call produced differently:", style="bold"))
        for d in report.differences:
            parts.append(words(f"  • {d.what}: {d.message}"))
    else:
        parts.append(Text("The call produced the same ticket, invoice, payments and notifications.", style="green"))
    return Group(*parts)  # type: ignore[arg-type]


def deviation_markdown(report: Deviation) -> str:
    left = report.left_path_words()
    lines = [
        f"# Rehearsal report: {visible(report.scenario_name)}",
        "",
        "A quiz of the scenario, not a real call.",
        "",
        "| | |",
        "|---|---|",
        f"| Scenario | {_cell(report.scenario_path)} |",
        f"| Score | {report.score} % ({report.matched} of {report.expected_answers} answers as the scenario) |",
        f"| Path | {'followed the scenario' if left is None else _cell('left it ' + left)} |",
        "",
        f"**Expected path:** {visible(ARROW.join(report.expected_path))}",
        "",
        f"**Path taken:** {visible(ARROW.join(report.actual_path))}",
        "",
        "## Answers",
        "",
        "| Node | Question | Given | Scenario | |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {_cell(a.node_id)} | {_cell(a.prompt)} | {_cell(a.given)} | {_cell(a.expected or 'not asked')} | {'✓' if a.matches else '✗'} |"
        for a in report.answers
    ]
    lines += ["", "## Differences", ""]
    lines += [f"- {d.what}: {_cell(d.message)}" for d in report.differences] or ["None."]
    return "\n".join(lines) + "\n"
