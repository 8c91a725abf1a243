"""Answers in progress: at most one per browser session, each stoppable at once.

The engine's event stream runs on a worker thread and hands its events over a queue, so the page's
handler can wake every tick (elapsed seconds, a Stop press) even while the model is silent. Stopping
ends the turn for the user at once and cancels the worker's model calls (rag.llm.CancelScope: the
call in flight has its connection shut, so the local server stops working on it, and no further call
is made); the worker then closes the engine generator at its next event.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from rag.llm import CancelScope

DONE = ("done", None)  # the worker's last event, after the stream ended, failed or was stopped


class Run:
    """One answer being produced on a worker thread."""

    def __init__(self, events: Callable[[], Iterator[tuple[str, object]]]):
        self.stopped = threading.Event()
        self._scope = CancelScope()
        self.reason = ""  # why it was stopped: "stop" (the Stop button) or "cleared" (a new conversation)
        self._events: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._produce, args=(events,), name="answer", daemon=True)
        self._thread.start()

    def next(self, timeout_s: float) -> tuple[str, object] | None:
        """The next event, DONE at the end, or None if nothing came within timeout_s."""
        try:
            return self._events.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def stop(self, reason: str = "stop") -> None:
        if not self.stopped.is_set():
            self.reason = reason
        self.stopped.set()
        self._scope.cancel()

    def _produce(self, events: Callable[[], Iterator[tuple[str, object]]]) -> None:
        stream = None
        try:
            with self._scope:
                stream = events()
                for event in stream:
                    if self.stopped.is_set():
                        break
                    self._events.put(event)
        except Exception as err:  # handed to the page's handler, which reports it
            self._events.put(("error", err))
        finally:
            if stream is not None and hasattr(stream, "close"):
                stream.close()  # GeneratorExit inside the engine: its model stream closes its response
            self._events.put(DONE)


class Runs:
    """The run in progress per session key (Gradio's session hash: one per open page)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, Run] = {}

    def start(self, key: str, events: Callable[[], Iterator[tuple[str, object]]]) -> Run | None:
        """A new run, or None when this session already has one (the caller says so to the user)."""
        with self._lock:
            if key in self._runs:
                return None
            run = self._runs[key] = Run(events)
            return run

    def stop(self, key: str, reason: str = "stop") -> bool:
        with self._lock:
            run = self._runs.get(key)
        if run is not None:
            run.stop(reason)
        return run is not None

    def finish(self, key: str, run: Run) -> None:
        """Forget `run` (and stop its worker if the page went away before the end)."""
        run.stop("finished")
        with self._lock:
            if self._runs.get(key) is run:
                del self._runs[key]
