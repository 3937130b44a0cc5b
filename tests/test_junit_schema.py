"""`callflow test --format junit` writes the JUnit XML dialect pytest's own
output follows: the Jenkins xUnit plugin's junit-10.xsd, which pytest's
junitxml cites and whose default family (xunit2) keeps a testcase to
classname, name and time.

This is a hand-written structural check against that XSD's element and
attribute rules, not a validation by an XSD processor (callflow has no lxml
or xmlschema dependency, and the schema is small): the rules are written out
in ELEMENTS below, one entry per element the XSD declares, with its allowed
children, its required and allowed attributes, whether it holds text, and the
SUREFIRE_TIME pattern of the testsuite(s) `time`. A test error is the
`<error>` element pytest writes (the Jenkins XSD's; pytest's vendored copy
spells it `errors`), so both spellings are accepted as the same element."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from scenariokit import FLOWS, REPAIR_PAID, RUSH_REFUSED, cli, shop

# xs:simpleType SUREFIRE_TIME
SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]{0,3})?")
PROBLEM = frozenset({"type", "message"})
RERUN_CHILDREN = frozenset({"stackTrace", "system-out", "system-err"})


@dataclass(frozen=True)
class Rule:
    children: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    allowed: frozenset[str] = frozenset()
    text: bool = False  # mixed content or xs:string
    timed: bool = False  # `time` is a SUREFIRE_TIME


def rule(children: str = "", required: str = "", optional: str = "", *, text: bool = False, timed: bool = False) -> Rule:
    need = frozenset(required.split())
    return Rule(frozenset(children.split()), need, need | frozenset(optional.split()), text, timed)


ELEMENTS = {
    "testsuites": rule("testsuite", optional="name time tests failures errors", timed=True),
    "testsuite": rule(
        "testsuite properties testcase system-out system-err",
        "name tests failures errors",
        "group time skipped timestamp hostname id package file log url version",
        timed=True,
    ),
    "properties": rule("property"),
    "property": rule(required="name value"),
    "testcase": rule(
        "skipped error errors failure rerunFailure rerunError flakyFailure flakyError system-out system-err",
        "name",
        "time classname group",
    ),
    "failure": rule(optional="type message", text=True),
    "error": rule(optional="type message", text=True),
    "errors": rule(optional="type message", text=True),
    "skipped": rule(optional="type message", text=True),
    "system-out": rule(text=True),
    "system-err": rule(text=True),
    "stackTrace": rule(text=True),
    **{
        name: rule("stackTrace system-out system-err", "type", "message", text=True)
        for name in ("rerunFailure", "rerunError", "flakyFailure", "flakyError")
    },
}


def problems_of(element: ET.Element, where: str = "") -> list[str]:
    here = f"{where}/{element.tag}"
    found = []
    known = ELEMENTS.get(element.tag)
    if known is None:
        return [f"{here}: no such element in junit-10.xsd"]
    attributes = set(element.attrib)
    found += [f"{here}: attribute {a!r} is not allowed" for a in sorted(attributes - known.allowed)]
    found += [f"{here}: attribute {a!r} is required" for a in sorted(known.required - attributes)]
    if known.timed and "time" in element.attrib and not SUREFIRE_TIME.fullmatch(element.attrib["time"]):
        found.append(f"{here}: time {element.attrib['time']!r} is not a SUREFIRE_TIME")
    if not known.text and (element.text or "").strip():
        found.append(f"{here}: holds text")
    for child in element:
        if child.tag not in known.children:
            found.append(f"{here}: {child.tag} cannot be inside {element.tag}")
        found += problems_of(child, here)
        if not known.text and (child.tail or "").strip():
            found.append(f"{here}: holds text")
    return found


def junit_problems(xml: str) -> list[str]:
    root = ET.fromstring(xml)
    if root.tag not in ("testsuites", "testsuite"):
        return [f"the root is {root.tag}, not testsuites or testsuite"]
    return problems_of(root)


def test_the_checker_refuses_what_the_schema_refuses() -> None:
    assert junit_problems('<testsuites><testsuite name="a" tests="1" failures="0" errors="0"/></testsuites>') == []
    assert junit_problems('<testsuites><testsuite name="a" tests="1" failures="0"/></testsuites>') == [
        "/testsuites/testsuite: attribute 'errors' is required"
    ]
    wrong_case = '<testsuite name="a" tests="1" failures="0" errors="0"><testcase name="x" file="f.yaml"/></testsuite>'
    assert junit_problems(wrong_case) == ["/testsuite/testcase: attribute 'file' is not allowed"]
    assert junit_problems('<testsuites time="1.2345"/>') == ["/testsuites: time '1.2345' is not a SUREFIRE_TIME"]
    assert junit_problems("<testsuites><testcase name='x'/></testsuites>") == [
        "/testsuites: testcase cannot be inside testsuites"
    ]


def test_pytests_own_junit_xml_passes_the_checker(tmp_path: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        def test_ok(): pass
        def test_bad(): assert 1 == 2
        @pytest.fixture
        def broken(): raise RuntimeError("x")
        def test_error(broken): pass
        @pytest.mark.skip(reason="no")
        def test_skipped(): pass
        """
    )
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    report = tmp_path / "pytest.xml"
    pytester.runpytest_inprocess(f"--junitxml={report}", "-p", "no:cacheprovider")
    xml = report.read_text(encoding="utf-8")
    assert {e.tag for e in ET.fromstring(xml).iter()} >= {"testsuites", "testsuite", "testcase", "failure", "error", "skipped"}
    assert junit_problems(xml) == []


def test_callflow_tests_junit_xml_follows_the_schema(tmp_path: Path) -> None:
    shop(
        tmp_path,
        ("a.yaml", REPAIR_PAID),
        ("b.yaml", RUSH_REFUSED.replace("outcome: refused", "outcome: paid")),
        ("c.yaml", "name: c\nanswers: {}\nexpect: {}\n"),
    )
    mixed = cli("test", str(tmp_path / "flows"), "--format", "junit", "--coverage", "--fail-under", "90")
    assert mixed.exit_code == 3
    assert junit_problems(mixed.stdout) == []
    root = ET.fromstring(mixed.stdout)
    assert {c.findtext("system-out") for c in root.iter("testcase")} >= {
        f"scenario: {tmp_path / 'flows/shop.scenarios/a.yaml'}"
    }
    shipped = cli("test", str(FLOWS), "--format", "junit")
    assert shipped.exit_code == 0
    assert junit_problems(shipped.stdout) == []
    assert {s.get("file") for s in ET.fromstring(shipped.stdout).iter("testsuite")} == {
        str(FLOWS / p.name) for p in FLOWS.glob("*.yaml")
    }


pytest_plugins = ["pytester"]
