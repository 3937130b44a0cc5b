"""Placeholder: the HTML page comes in the next step."""

from __future__ import annotations

from typing import Any


def render_html(report: dict[str, Any], maps: dict[str, Any]) -> str:
    return "<!doctype html><title>callflow report</title>"
