"""Every language-model call: one interface (LLMClient), one backend per kind of model.

LocalClient runs the packaged model (starting and restarting its server, serialising requests because it
answers one at a time on 2 cores); OpenAIClient talks to any OpenAI-compatible endpoint. Both send the
same requests through the `openai` package. `llm_client(settings, mode)` picks one.
"""
from __future__ import annotations

import contextvars
import math
import socket
import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TypeVar

import httpx2
import openai
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from rag.errors import ConfigError, LLMBusy, LLMError, LLMUnavailable, ModelError
from rag.llm_server import LocalServer, get_local_server
from rag.model_files import MODEL_NAME
from rag.settings import Settings

T = TypeVar("T")
Messages = list[dict[str, str]]

_CONNECT_TIMEOUT_S = 10.0  # a host that does not accept a connection in 10 s is not there
_YES = "yes"
_NO = "no"


class ModelQueue:
    """One request at a time on the model, at most `max_waiting` more waiting; beyond that: busy.

    Failing fast beats letting the (n+1)-th user stare at a spinner for minutes.
    """

    def __init__(self) -> None:
        self._model = threading.Semaphore(1)
        self._lock = threading.Lock()
        self.waiting = 0

    @contextmanager
    def slot(self, max_waiting: int) -> Iterator[None]:
        with self._lock:
            got_it = self._model.acquire(blocking=False)
            if not got_it:
                if self.waiting >= max_waiting:
                    raise LLMBusy(
                        f"the local model is busy with {self.waiting + 1} requests; "
                        "try again in a moment"
                    )
                self.waiting += 1
        if not got_it:
            try:
                self._model.acquire()
            finally:
                with self._lock:
                    self.waiting -= 1
        try:
            yield
        finally:
            self._model.release()


LOCAL_QUEUE = ModelQueue()  # process-wide: every LocalClient shares the one model


class Cancelled(LLMError):
    """The caller cancelled (CancelScope.cancel): the model call was refused or cut off."""


_SCOPE: contextvars.ContextVar["CancelScope | None"] = contextvars.ContextVar("rag_llm_cancel", default=None)


class CancelScope:
    """Model calls made inside `with scope:` (in that thread) end when any thread calls cancel(): a call
    not yet sent raises Cancelled, and the connection of a call in flight is shut down, which is how the
    llama.cpp server learns to stop working on it (it has no cancel request). Used by the web UI's Stop.
    Only calls on new connections can be cut off, so the local client keeps none alive (loopback: cheap);
    the llama.cpp server notices at its next token, or at the end of the prompt batch it is reading.
    """

    def __init__(self) -> None:
        self.cancelled = False
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()

    def __enter__(self) -> "CancelScope":
        self._token = _SCOPE.set(self)
        return self

    def __exit__(self, *exc) -> None:
        _SCOPE.reset(self._token)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled("the answer was stopped")

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)
            cancelled = self.cancelled
        if cancelled:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # unlike close(), this wakes a thread blocked reading it
    except OSError:  # already closed
        pass


def _trace(event: str, info: dict) -> None:
    """httpcore's trace hook: hands each new connection's socket to the caller's cancel scope."""
    scope = _SCOPE.get()
    if scope is not None and event == "connection.connect_tcp.complete":
        sock = info["return_value"].get_extra_info("socket")
        if sock is not None:
            scope._track(sock)


def _add_trace(request: httpx2.Request) -> None:
    request.extensions = {**request.extensions, "trace": _trace}


def _cancelled() -> bool:
    scope = _SCOPE.get()
    return scope is not None and scope.cancelled


def _check_cancelled() -> None:
    scope = _SCOPE.get()
    if scope is not None:
        scope.check()


class LLMClient(ABC):
    """The interface every backend implements: chat, stream and yes/no-probability calls, `model_name`,
    and cancellation by CancelScope. Get one with `llm_client(settings, mode)`.

    The requests are the same for every backend (chat completions through the `openai` package); a
    backend says where the endpoint is, whether requests queue, how to explain an unreachable endpoint,
    and whether a failed call is worth one more try because its server restarts.
    """

    # Extra JSON for the yes/no request (a backend's own options); None sends nothing extra.
    yes_extra_body: dict | None = None

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client: openai.OpenAI | None = None

    @property
    @abstractmethod
    def model_name(self) -> str:
        """The model name sent with every request."""

    # ---- public calls ---------------------------------------------------------------------------

    def chat(
        self, messages: Messages, max_tokens: int = 512, temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> str:
        """The model's full reply to `messages`."""
        _check_cancelled()
        with self._slot():
            completion = self._run(lambda c: c.chat.completions.create(
                model=self.model_name, messages=messages, max_tokens=max_tokens,
                temperature=temperature, stop=stop or openai.omit,
            ))
        return _first_choice(completion).message.content or ""

    def stream(
        self, messages: Messages, max_tokens: int = 512, temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Iterator[str]:
        """The reply as text deltas. Failures before the first delta are retried like chat()."""
        _check_cancelled()
        with self._slot():
            deltas, first = self._run(lambda c: _open_stream(c.chat.completions.create(
                model=self.model_name, messages=messages, max_tokens=max_tokens,
                temperature=temperature, stop=stop or openai.omit, stream=True,
            )))
            try:
                if first:
                    yield first
                yield from deltas
            except openai.OpenAIError as e:
                _check_cancelled()
                # Part of the answer is already on the user's screen: retrying would repeat it.
                raise LLMError(
                    f"the language model at {self._url()} stopped in the middle of its reply "
                    f"({_reason(e)}); please ask again"
                ) from e
            finally:
                deltas.close()

    def yes_probability(self, messages: Messages) -> float:
        """P(Yes) / (P(Yes) + P(No)) for the first token of the reply; 0.5 if neither is likely."""
        _check_cancelled()
        with self._slot():
            completion = self._run(lambda c: c.chat.completions.create(
                model=self.model_name, messages=messages, max_tokens=1, temperature=0.0,
                logprobs=True, top_logprobs=10, extra_body=self.yes_extra_body,
            ))
        logprobs = _first_choice(completion).logprobs
        if not logprobs or not logprobs.content or not logprobs.content[0].top_logprobs:
            raise LLMError(
                f"the language model at {self._url()} returned no logprobs, which the yes/no "
                "check needs; use an endpoint that supports `logprobs`/`top_logprobs`"
            )
        first = logprobs.content[0]
        return yes_share([(t.token, t.logprob) for t in first.top_logprobs])

    # ---- what a backend provides ----------------------------------------------------------------

    @abstractmethod
    def _endpoint(self) -> tuple[str, str]:
        """(base URL, API key) for the next request."""

    @abstractmethod
    def _url(self) -> str:
        """The endpoint as named in error messages."""

    @abstractmethod
    def _unreachable(self, e: openai.OpenAIError) -> LLMUnavailable:
        """The error for an endpoint nothing answers at, saying what to do about it."""

    def _slot(self):
        """Held around each call; remote endpoints handle their own concurrency."""
        return nullcontext()

    def _http_options(self) -> dict:
        """Keyword arguments for the HTTP client."""
        return {}

    def _server_died(self) -> bool:
        """True if the backend's own server died (the next request restarts it: worth one more try)."""
        return False

    # ---- plumbing -------------------------------------------------------------------------------

    def _openai(self) -> openai.OpenAI:
        """An OpenAI client for the current endpoint (the local server's port changes on restart)."""
        url, key = self._endpoint()
        if self._client is None or str(self._client.base_url).rstrip("/") != url.rstrip("/"):
            # max_retries=0: retries are ours (below), so they are bounded and logged in one place.
            timeout = openai.Timeout(self.settings.llm_timeout_s, connect=_CONNECT_TIMEOUT_S)
            http = openai.DefaultHttpxClient(event_hooks={"request": [_add_trace]}, **self._http_options())
            self._client = openai.OpenAI(base_url=url, api_key=key, timeout=timeout, max_retries=0,
                                         http_client=http)
        return self._client

    def _run(self, call: Callable[[openai.OpenAI], T]) -> T:
        """call(client) with retries on transient failures, one more try after the backend's server
        died (it restarts), and every failure translated into an LLMError a user can act on."""
        try:
            return self._retrying(call)
        except openai.OpenAIError as e:
            _check_cancelled()
            if self._server_died():
                try:
                    return self._retrying(call)  # _openai() restarts the server first
                except openai.OpenAIError as e2:
                    raise self._translate(e2) from e2
            raise self._translate(e) from e

    def _retrying(self, call: Callable[[openai.OpenAI], T]) -> T:
        retrying = Retrying(
            stop=stop_after_attempt(self.settings.llm_retries + 1),
            wait=wait_exponential(multiplier=0.5, max=8),
            retry=retry_if_exception(lambda e: _is_transient(e) and not _cancelled()),
            reraise=True,
        )
        return retrying(lambda: call(self._openai()))

    def _translate(self, e: openai.OpenAIError) -> LLMError:
        if _is_unreachable(e):
            return self._unreachable(e)
        url = self._url()
        tries = self.settings.llm_retries + 1
        if isinstance(e, openai.APITimeoutError):
            return LLMError(
                f"the language model at {url} did not answer within {self.settings.llm_timeout_s:g} s "
                f"({tries} attempts); try again, or raise RAG_LLM_TIMEOUT_S"
            )
        if isinstance(e, openai.RateLimitError):
            return LLMError(
                f"the language model at {url} is rate-limiting us (HTTP 429, {tries} attempts); "
                "try again later"
            )
        if isinstance(e, openai.AuthenticationError):
            return LLMError(
                f"the language model at {url} rejected the API key (HTTP 401); set OPENAI_API_KEY"
            )
        if isinstance(e, openai.NotFoundError):
            return LLMError(
                f"the language model at {url} does not know model {self.model_name!r} or the path "
                f"(HTTP 404: {_reason(e)}); check RAG_LLM_MODEL and RAG_LLM_BASE_URL "
                "(usually ends in /v1)"
            )
        if isinstance(e, openai.APIStatusError):
            return LLMError(
                f"the language model at {url} failed with HTTP {e.status_code}: {_reason(e)}"
            )
        if isinstance(e, openai.APIConnectionError):
            return LLMError(
                f"the connection to the language model at {url} broke ({tries} attempts): "
                f"{_reason(e)}"
            )
        return LLMError(f"the language model at {url} failed: {_reason(e)}")


class LocalClient(LLMClient):
    """The packaged model, served by a llama.cpp child process (rag.llm_server) that this client starts on
    first use and restarts if it dies. It answers one request at a time on 2 cores: calls queue."""

    # Deterministic yes/no: a reply computed on a partly cached prompt differs in the 3rd decimal
    # from a fresh one, so prompt caching is off for that call.
    yes_extra_body = {"cache_prompt": False}

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self._server: LocalServer | None = None

    @property
    def model_name(self) -> str:
        return MODEL_NAME

    def _endpoint(self) -> tuple[str, str]:
        if self._server is None:
            try:
                self._server = get_local_server(self.settings)
            except ModelError as e:  # callers handle LLMError (e.g. fall back to extractive)
                raise LLMUnavailable(f"the local model cannot start: {e}") from e
        return self._server.ensure_running(), "local"

    def _url(self) -> str:
        return self._server.base_url if self._server and self._server.port else "the local model"

    def _unreachable(self, e: openai.OpenAIError) -> LLMUnavailable:
        log = self._server.log_path if self._server else "the server log"
        return LLMUnavailable(
            f"cannot reach the local model at {self._url()}: {_reason(e)} (it was restarted if it had "
            f"stopped; see {log}, or use RAG_MODE=extractive)"
        )

    def _slot(self):
        return LOCAL_QUEUE.slot(self.settings.llm_queue_size)

    def _http_options(self) -> dict:
        # CancelScope can cut off calls on new connections only; on loopback a new one per call is cheap.
        return {"limits": httpx2.Limits(max_keepalive_connections=0)}

    def _server_died(self) -> bool:
        return self._server is not None and self._server.has_died()


class OpenAIClient(LLMClient):
    """Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, a llama.cpp server): RAG_LLM_BASE_URL,
    RAG_LLM_MODEL, OPENAI_API_KEY."""

    def __init__(self, settings: Settings):
        if not settings.llm_base_url:
            raise ConfigError(
                "mode 'openai' needs an endpoint: set RAG_LLM_BASE_URL "
                "(e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1) "
                "and OPENAI_API_KEY if it needs one; or use RAG_MODE=local"
            )
        super().__init__(settings)

    @property
    def model_name(self) -> str:
        return self.settings.llm_model

    def _endpoint(self) -> tuple[str, str]:
        return self.settings.llm_base_url, self.settings.openai_api_key or "none"

    def _url(self) -> str:
        return self.settings.llm_base_url

    def _unreachable(self, e: openai.OpenAIError) -> LLMUnavailable:
        return LLMUnavailable(
            f"cannot reach the language model at {self._url()}: {_reason(e)} (is it running? set "
            "RAG_LLM_BASE_URL to a running OpenAI-compatible endpoint, or use RAG_MODE=local "
            "or RAG_MODE=extractive)"
        )


BACKENDS: dict[str, type[LLMClient]] = {"local": LocalClient, "openai": OpenAIClient}


def llm_client(settings: Settings, mode: str | None = None) -> LLMClient:
    """The client for `mode` (default: settings.mode): 'local' or 'openai'."""
    mode = mode or settings.mode
    if mode not in BACKENDS:
        raise ConfigError(f"mode {mode!r} uses no language model; use 'local' or 'openai'")
    return BACKENDS[mode](settings)


def yes_share(top_logprobs: list[tuple[str, float]]) -> float:
    """P(yes) / (P(yes) + P(no)) over candidate first tokens, any case or leading space."""
    p = {_YES: 0.0, _NO: 0.0}
    for token, logprob in top_logprobs:
        word = token.strip().lower()
        if word in p:
            p[word] += math.exp(logprob)
    total = p[_YES] + p[_NO]
    return p[_YES] / total if total > 0 else 0.5


def _open_stream(stream: openai.Stream) -> tuple[Iterator[str], str]:
    """(the remaining text deltas, the first non-empty delta). Reading up to the first delta here
    lets a failure before any text reaches the user be retried."""
    deltas = _text_deltas(stream)
    first = next(deltas, "")
    return deltas, first


def _text_deltas(stream: openai.Stream) -> Iterator[str]:
    finished = False
    try:
        for chunk in stream:
            if chunk.choices:
                choice = chunk.choices[0]
                finished = finished or choice.finish_reason is not None
                if choice.delta and choice.delta.content:
                    yield choice.delta.content
    finally:
        stream.close()
    if not finished:
        # Without chunked encoding a dropped connection looks like a normal end of the body;
        # every OpenAI-compatible stream ends with a finish_reason, so its absence means cut off.
        raise openai.APIConnectionError(
            message="the reply stream ended before the model finished",
            request=stream.response.request,
        )


def _first_choice(completion):
    if not hasattr(completion, "choices"):  # e.g. a stream sent back to a plain request
        raise LLMError("the language model's endpoint sent something that is not a chat completion")
    if not completion.choices:
        raise LLMError("the language model returned an empty reply (no choices)")
    return completion.choices[0]


def _is_unreachable(e: BaseException) -> bool:
    """Nothing listens (refused), the name does not resolve, or nothing answers the connect:
    retrying will not help, so say so at once."""
    return (
        isinstance(e, openai.APIConnectionError)
        and isinstance(e.__cause__, (httpx2.ConnectError, httpx2.ConnectTimeout))
    )


def _is_transient(e: BaseException) -> bool:
    """Worth retrying: timeouts, 5xx, 429, a connection dropped mid-reply."""
    if isinstance(e, openai.APIStatusError):
        return e.status_code >= 500 or e.status_code == 429
    return isinstance(e, openai.APIConnectionError) and not _is_unreachable(e)


def _reason(e: BaseException) -> str:
    """The most specific human-readable cause: the server's error message, or the socket error."""
    if isinstance(e, openai.APIStatusError):
        body = e.body  # the SDK already unwrapped {"error": {...}}
        if isinstance(body, dict) and body.get("message"):
            return str(body["message"])
        return e.message
    cause = e.__cause__ or e.__context__
    return str(cause) if cause and str(cause) else str(e)
