"""One fixture per rule: tests/lint/fixtures/<CODE>/bad.yaml fails with exactly
the problems its `# expect: LINE:COL CODE [words of the message]` lines name,
and good.yaml, its passing twin, has no problem at all (warnings included)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from callflow.flow.diagnostics import Severity
from callflow.lint import ALL_RULES, lint_paths
from callflow.lint.rules import usage

# CF4xx come from real calls (`lint --usage`), not from a flow file alone:
# tests/test_report_usage.py checks them.
STATIC_RULES = {code: rule for code, rule in ALL_RULES.items() if rule not in usage.RULES}

FIXTURES = Path(__file__).parent / "fixtures"
RULE_DIRS = sorted(p for p in FIXTURES.iterdir() if p.is_dir())
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (CF\d{3})(?: (.*))?$")


def expectations(path: Path) -> list[tuple[int, int, str, str]]:
    text = path.read_bytes().decode("utf-8", errors="replace")
    found = []
    for line in text.splitlines():
        match = EXPECT.match(line)
        if match:
            found.append((int(match[1]), int(match[2]), match[3], match[4] or ""))
    return found


def test_every_rule_has_a_fixture_and_every_fixture_a_rule() -> None:
    assert {p.name for p in RULE_DIRS} == set(STATIC_RULES)


@pytest.mark.parametrize("rule_dir", RULE_DIRS, ids=lambda p: p.name)
def test_bad_fixture_reports_its_rule_where_expected(rule_dir: Path) -> None:
    bad = rule_dir / "bad.yaml"
    expected = expectations(bad)
    assert any(code == rule_dir.name for _, _, code, _ in expected), "the fixture must expect its own rule"
    report = lint_paths([str(bad)])
    got = [(d.line, d.col, d.code) for d in report.diagnostics]
    assert got == [(line, col, code) for line, col, code, _ in expected]
    for diagnostic, (_, _, _, words) in zip(report.diagnostics, expected, strict=True):
        assert words in diagnostic.message
        assert diagnostic.severity is ALL_RULES[diagnostic.code].severity
        assert diagnostic.path == str(bad)


@pytest.mark.parametrize("rule_dir", RULE_DIRS, ids=lambda p: p.name)
def test_good_twin_has_no_problem(rule_dir: Path) -> None:
    report = lint_paths([str(rule_dir / "good.yaml")])
    assert report.diagnostics == []
    assert report.unreadable == []


def test_codes_are_grouped_by_kind_and_severities_are_set() -> None:
    for code, rule in ALL_RULES.items():
        assert re.fullmatch(r"CF[0-4]\d\d", code)
        assert code.startswith("CF4") == (rule in usage.RULES)
        assert rule.code == code
        assert rule.severity in (Severity.ERROR, Severity.WARNING)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    names = [rule.name for rule in ALL_RULES.values()]
    assert len(names) == len(set(names))
