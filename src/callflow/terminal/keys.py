"""Waiting for one key press (rehearsals advance a step per key)."""

from __future__ import annotations

from typing import Any


def wait_for_key(message: str, *, input: Any = None, output: Any = None) -> str:
    """Show `message` until a key is pressed; returns the key ("q", "enter"...,
    "c-c" for Ctrl-C). The message is erased afterwards."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.layout import FormattedTextControl, Layout, Window

    bindings = KeyBindings()

    @bindings.add(Keys.Any)
    def _any(event: Any) -> None:
        event.app.exit(result=event.key_sequence[0].data or str(event.key_sequence[0].key))

    @bindings.add("c-c")
    def _interrupt(event: Any) -> None:
        event.app.exit(result="c-c")

    @bindings.add("enter")
    def _enter(event: Any) -> None:
        event.app.exit(result="enter")

    app: Application[str] = Application(
        layout=Layout(Window(FormattedTextControl(message), height=1)),
        key_bindings=bindings,
        full_screen=False,
        erase_when_done=True,
        input=input,
        output=output,
    )
    return app.run()
