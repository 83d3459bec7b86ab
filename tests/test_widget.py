"""The preview widget's Python side: its synced state and the messages it sends."""

from __future__ import annotations

from typing import Any

from jupyter_fastpreview.widget import PreviewWidget


def test_state_is_synced_and_saved_with_the_notebook() -> None:
    widget = PreviewWidget(app_name="hello", src="fastpreview/preview/abc/tok/", height=300)
    state = widget.get_state()
    assert (state["app_name"], state["src"], state["height"]) == (
        "hello",
        "fastpreview/preview/abc/tok/",
        300,
    )
    assert (state["status"], state["latency_ms"], state["edit_mode"]) == ("connecting", None, False)
    assert "_esm" in state and "_css" in state


def test_reload_sends_a_reload_message(monkeypatch) -> None:
    widget = PreviewWidget(app_name="hello")
    sent: list[Any] = []
    monkeypatch.setattr(widget, "send", lambda content, buffers=None: sent.append(content))
    widget.reload()
    assert sent == [{"type": "reload"}]
