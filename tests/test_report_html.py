"""`callflow report --html`: one self-contained page, checked in a real
headless Chromium (Debian's, driven through ChromeDriver).

The layout is guarded by properties measured in the browser rather than by
comparing a screenshot with a reference image: text is drawn by whatever
fonts and Chromium the machine has, so a reference would differ pixel by
pixel on the next machine without the page being any worse. What is
checked instead holds on any machine: nothing wider than the window,
sections one below the other, each flow's graph with a box per node, and the
pixels inside a node's box and a chart's bar the colour the report gave
them (taken from element screenshots), before and after switching the
colouring to time.
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest
from browserkit import browser, close, colour, missing, pixels
from reportkit import Made, make_calls
from sessionkit import cli


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Made, Path, Path]:
    base = tmp_path_factory.mktemp("html")
    made = make_calls(base)
    whole, some = base / "report.html", base / "voicemail.html"
    for page, extra in ((whole, ()), (some, ("--outcome", "voicemail_left"))):
        ran = cli("report", str(made.sessions), str(made.receipts), "--html", str(page), "--format", "json", *extra)
        assert ran.returncode == 0, ran.stderr
    shot = os.environ.get("CALLFLOW_REPORT_SCREENSHOT")
    if shot:  # the README's picture: CALLFLOW_REPORT_SCREENSHOT=docs/report.png pytest tests/test_report_html.py
        Path(shot).with_suffix(".html").write_text(whole.read_text(encoding="utf-8"), encoding="utf-8")
    return made, whole, some


def test_the_page_needs_nothing_from_anywhere(pages: tuple[Made, Path, Path]) -> None:
    html = pages[1].read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html) is None
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert html.count('<svg class="graph"') == 5 and '<svg class="chart days"' in html and '<svg class="chart durations"' in html


def test_text_from_the_files_is_escaped(tmp_path: Path) -> None:
    from reportkit import walk

    from callflow.testing.scenario import load_scenario

    scenario = sorted(Path("flows").glob("anything-computers-intake.scenarios/*.yaml"))[0]
    from datetime import date

    walk(load_scenario(str(scenario)), 1, tmp_path / "s", tmp_path / "r", agent='<img src=x onerror="alert(1)">', day=date(2026, 11, 2))
    ran = cli("report", str(tmp_path / "s"), str(tmp_path / "r"), "--html", str(tmp_path / "p.html"))
    assert ran.returncode == 0
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


# On a developer's machine without Chromium the browser tests are skipped; in
# CI (.ci/run installs Chromium) a missing browser is a failure, not a skip.
needs_browser = pytest.mark.skipif(
    missing() is not None and os.environ.get("CI", "").lower() not in ("1", "true"), reason=str(missing())
)


@needs_browser
def test_the_page_loads_in_chromium_with_its_graphs_and_charts(pages: tuple[Made, Path, Path]) -> None:
    _, whole, some = pages
    with browser(1280, 1000) as page:
        page.open(whole.as_uri())
        assert page.run("return document.readyState") == "complete"
        assert [m for m in page.console() if m.get("level") in ("SEVERE", "WARNING")] == []
        assert page.run("return performance.getEntriesByType('resource').length") == 0  # nothing fetched
        found = page.run(
            """return {
                graphs: [...document.querySelectorAll('svg.graph')].map(g => [g.dataset.flow, g.querySelectorAll('g.node').length]),
                dayBars: document.querySelectorAll('svg.chart.days rect.bar').length,
                durationBars: document.querySelectorAll('svg.chart.durations rect.bar').length,
                tooWide: document.documentElement.scrollWidth > window.innerWidth,
                sections: [...document.querySelectorAll('section')].map(s => [s.id, s.getBoundingClientRect().top,
                           s.getBoundingClientRect().bottom, s.getBoundingClientRect().width]),
            }"""
        )
        assert dict(found["graphs"]) == {
            "anything-computers-intake": 36, "help-desk-go-live": 15, "remote-support-session": 14,
            "onsite-visit-non-managed": 22, "remote-offsite-engagement": 19,
        }
        assert found["dayBars"] >= 10 and found["durationBars"] >= 5
        assert not found["tooWide"]
        sections = found["sections"]
        assert [s[0] for s in sections] == ["charts", "calls", "stopped", "money", "flows", "paths"]
        for (_, _, bottom, _), (_, top, _, width) in itertools.pairwise(sections):
            assert top >= bottom - 1 and width > 600  # one below the other, none squeezed
        # The busiest node (D-2-1, the start) is drawn in the darkest colour of the visits scale ...
        start = 'svg[data-flow="anything-computers-intake"] g.node[data-node="D-2-1"] rect'
        assert close(middle(page.screenshot(start)), colour("#b5400b"))
        bar = "svg.chart.days rect.bar"
        assert close(middle(page.screenshot(bar)), colour(page.run(f"return document.querySelector('{bar}').getAttribute('fill')")))
        # ... and by time after the switch: D-2-1's median is short, so it turns pale blue.
        page.click('label[for="by-time"]')
        assert close(middle(page.screenshot(start)), colour("#dbeafe"))
        page.open(some.as_uri())
        never = page.run(
            "return [...document.querySelectorAll('svg[data-flow=\"anything-computers-intake\"] path.edge.never')]"
            ".map(p => getComputedStyle(p).stroke)"
        )
        assert len(never) > 20 and all(close(colour(stroke), colour("#d92d20")) for stroke in never)
        assert [m for m in page.console() if m.get("level") == "SEVERE"] == []
        shot = os.environ.get("CALLFLOW_REPORT_SCREENSHOT")
        if shot:
            page.open(whole.as_uri())
            page.size(1280, 2400)
            Path(shot).write_bytes(page.screenshot())


def middle(png: bytes) -> tuple[int, int, int]:
    """A pixel inside an element, clear of its text (which starts at the left)."""
    width, height, rows = pixels(png)
    return rows[height // 2][width - 16 if width > 40 else width // 2]
