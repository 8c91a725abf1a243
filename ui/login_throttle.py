"""Login throttling for the web UI: password guessing gets slower and slower, per client address.

The first FREE_FAILURES wrong logins from an address are answered at once (people mistype); after
that the address must wait BASE_DELAY_S, then twice as long after each further failure, up to
MAX_DELAY_S. An attempt inside the wait is refused with HTTP 429 and Retry-After, without checking
the password, so a guesser gains nothing by hammering. A successful login clears the address.

It is ASGI middleware in front of Gradio's own POST /login, so Gradio's credential check is unchanged.
Behind a reverse proxy every client has the proxy's address: the proxy should throttle instead.
"""
from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.middleware import Middleware

FREE_FAILURES = 5
BASE_DELAY_S = 1.0
MAX_DELAY_S = 300.0
MAX_CLIENTS = 10_000  # addresses remembered; the longest-idle are forgotten first


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    """Failure counts and wait times per client address (thread-safe)."""

    def __init__(self, free: int = FREE_FAILURES, base_s: float = BASE_DELAY_S, max_s: float = MAX_DELAY_S,
                 clock: Callable[[], float] = time.monotonic):
        self.free, self.base_s, self.max_s, self.clock = free, base_s, max_s, clock
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait_s(self, client: str) -> float:
        """Seconds before `client` may try again (0: now)."""
        with self._lock:
            r = self._records.get(client)
            return max(0.0, r.locked_until - self.clock()) if r else 0.0

    def delay_after(self, failures: int) -> float:
        """The wait after the n-th failure in a row: none, then 1 s, 2 s, 4 s ... up to the maximum."""
        if failures < self.free:
            return 0.0
        return min(self.max_s, self.base_s * 2 ** (failures - self.free))

    def failed(self, client: str) -> float:
        """Record a failure; returns the wait it imposes."""
        now = self.clock()
        with self._lock:
            r = self._records.setdefault(client, _Record())
            r.failures += 1
            r.last = now
            delay = self.delay_after(r.failures)
            r.locked_until = now + delay
            self._forget_oldest()
            return delay

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._records.pop(client, None)

    def _forget_oldest(self) -> None:
        if len(self._records) > MAX_CLIENTS:
            for client, _ in sorted(self._records.items(), key=lambda kv: kv[1].last)[: len(self._records) // 10]:
                del self._records[client]


def throttle_middleware(throttle: LoginThrottle | None = None) -> Middleware:
    """For FastAPI(middleware=[...]), i.e. Gradio's launch(app_kwargs=...)."""
    return Middleware(LoginThrottleMiddleware, throttle=throttle)


def is_login(scope: dict) -> bool:
    return scope["type"] == "http" and scope["method"] == "POST" and scope["path"].rstrip("/").endswith("/login")


class LoginThrottleMiddleware:
    """ASGI middleware: refuses throttled logins with 429 and counts Gradio's answers to the others."""

    def __init__(self, app, throttle: LoginThrottle | None = None):
        self.app = app
        self.throttle = throttle or LoginThrottle()

    async def __call__(self, scope, receive, send):
        if not is_login(scope):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.throttle.wait_s(client)
        if wait > 0:
            return await _too_many(send, wait)
        status: list[int] = []

        async def watch(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if status and status[0] in (400, 401, 403):  # Gradio answers a wrong password with 400
            self.throttle.failed(client)
        elif status and status[0] < 300:
            self.throttle.succeeded(client)


async def _too_many(send, wait: float) -> None:
    seconds = math.ceil(wait)
    body = json.dumps({"detail": f"Too many failed logins from this address; try again in {seconds} s."}).encode()
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json"), (b"retry-after", str(seconds).encode()),
        (b"content-length", str(len(body)).encode()),
    ]})
    await send({"type": "http.response.body", "body": body})
