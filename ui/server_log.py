"""The server log: a request Gradio rejects (a value outside a component's choices, from a stale page or
a hand-made request) is one warning line, not a traceback that buries real failures.

Gradio prints `traceback.print_exc()` for every exception in an event, its own validation `Error`s
included (gradio/queueing.py); there is no setting for it. So the `traceback` name in that module is
pointed at a stand-in whose print_exc logs a gradio Error as one line and prints anything else in
full, as before. tests/test_ui_server_log.py fails if Gradio stops going through it.
"""
from __future__ import annotations

import logging
import sys
import traceback

log = logging.getLogger("ui.requests")


class _RejectionsInOneLine:
    def print_exc(self, *args, **kwargs) -> None:
        from gradio.exceptions import Error

        exc = sys.exc_info()[1]
        if isinstance(exc, Error):
            log.warning("request rejected: %s", " ".join(str(exc).split())[:300])
        else:
            traceback.print_exc(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(traceback, name)


def quiet_rejections() -> None:
    """Install the stand-in (idempotent)."""
    import gradio.queueing

    if not isinstance(gradio.queueing.traceback, _RejectionsInOneLine):
        gradio.queueing.traceback = _RejectionsInOneLine()
    if not logging.getLogger().handlers and not log.handlers:  # `rag ui` configures no logging
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
