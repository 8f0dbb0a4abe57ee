"""A fake OpenAI-compatible model server on loopback, answering from a script.

Serves POST /v1/responses (the Responses API) and POST /v1/chat/completions, non-streaming,
in the shapes the real `openai` client and openai-agents' OpenAIResponsesModel /
OpenAIChatCompletionsModel parse. Point `AsyncOpenAI(base_url=fake.base_url)` (or
OPENAI_BASE_URL) at it.

Each request takes the next turn of the script: tool calls, or a final message. A turn
may be a function of the request, to answer from what the model was shown. Every request
is recorded, so a test can assert what the model saw (tool results, rejection reasons).

It can also act like the servers that are not OpenAI (`FakeOpenAI(like="llama.cpp")`):
no Responses API (404), and a 500 "Input should be a valid string" for an assistant
message whose `content` is null, as llama-cpp-python's `llama_cpp.server` answers.
"""

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from tests.fakes.changes import Changes

Api = Literal["responses", "chat"]


@dataclass
class ToolCall:
    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    """A dict is sent as JSON; a str is sent as is (to send malformed JSON)."""


@dataclass
class Turn:
    """One model answer: tool calls, or (when there are none) a final message."""

    tool_calls: list[ToolCall] = field(default_factory=list)
    text: str = ""
    delay: float = 0
    """Seconds the answer takes (a slow or hung model)."""


def tool_call(name: str, arguments: dict[str, Any] | str | None = None) -> Turn:
    return Turn(tool_calls=[ToolCall(name, {} if arguments is None else arguments)])


def tool_calls(*calls: ToolCall) -> Turn:
    return Turn(tool_calls=list(calls))


def message(text: str, *, delay: float = 0) -> Turn:
    return Turn(text=text, delay=delay)


@dataclass
class ModelRequest:
    """One request as the model server received it."""

    api: Api
    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    """What the fake answered."""

    @property
    def tools(self) -> list[str]:
        """Names of the tools the model was offered."""
        tools = self.body.get("tools") or []
        return [t["name"] if self.api == "responses" else t["function"]["name"] for t in tools]

    @property
    def tool_outputs(self) -> list[str]:
        """What each tool call returned, as the model was shown it, oldest first."""
        if self.api == "responses":
            items = self.body.get("input") if isinstance(self.body.get("input"), list) else []
            return [_text(i.get("output")) for i in items if i.get("type") == "function_call_output"]
        return [_text(m.get("content")) for m in self.body.get("messages", []) if m.get("role") == "tool"]

    @property
    def instructions(self) -> str:
        if self.api == "responses":
            return self.body.get("instructions") or ""
        system = [m for m in self.body.get("messages", []) if m.get("role") in ("system", "developer")]
        return _text(system[0].get("content")) if system else ""

    @property
    def user_messages(self) -> list[str]:
        if self.api == "responses":
            items = self.body.get("input")
            if isinstance(items, str):
                return [items]
            return [_text(i.get("content")) for i in items if i.get("role") == "user"]
        return [_text(m.get("content")) for m in self.body.get("messages", []) if m.get("role") == "user"]

    @property
    def null_contents(self) -> list[dict[str, Any]]:
        """Chat messages sent with `"content": null` (valid for OpenAI beside tool calls,
        refused by stricter servers)."""
        return [m for m in self.body.get("messages", []) if "content" in m and m["content"] is None]


ScriptItem = Turn | Callable[[ModelRequest], Turn]

Like = Literal["openai", "llama.cpp"]
# What llama-cpp-python 0.3.36's server answers for an assistant message with null content:
# pydantic's errors, one per member of the messages union, in a 500.
LLAMA_CPP_NULL_CONTENT = (
    "7 validation errors:\n"
    "  {'type': 'string_type', 'loc': ('body', 'messages', 2, 'typed-dict', 'content'), "
    "'msg': 'Input should be a valid string', 'input': None}\n"
    "  {'type': 'missing', 'loc': ('body', 'messages', 2, 'typed-dict', 'tool_call_id'), "
    "'msg': 'Field required', 'input': {'role': 'assistant', 'content': None}}"
)

_ERRORS = {
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    429: ("rate_limit_error", "rate_limit_exceeded", "Rate limit reached. Please try again later."),
    500: ("server_error", None, "The server had an error while processing your request."),
}


class FakeOpenAI:
    """Serve with `await start()`; `base_url` ends in /v1 like the real API's."""

    def __init__(self, *script: ScriptItem, api_key: str | None = None, like: Like = "openai") -> None:
        self.requests: list[ModelRequest] = []
        self.like = like
        self._stopping = asyncio.Event()
        self._script: list[ScriptItem] = list(script)
        self._failures: list[int] = []
        self._api_key = api_key
        self._ids = itertools.count(1)
        self._changes = Changes()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> "FakeOpenAI":
        app = web.Application()
        app.router.add_post("/v1/responses", self._responses)
        app.router.add_post("/v1/chat/completions", self._chat)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self

    async def stop(self) -> None:
        self._stopping.set()  # a hung answer ends now, not when the test's runner gives up
        if self._runner:
            await self._runner.cleanup()

    def then(self, *script: ScriptItem) -> "FakeOpenAI":
        """Adds turns to the end of the script."""
        self._script.extend(script)
        return self

    def fail(self, status: int, *, times: int = 1, text: str | None = None) -> None:
        """The next `times` requests get this error, as OpenAI words it (or as `text`);
        the script waits."""
        self._failures.extend([(status, text)] * times)

    @property
    def answered(self) -> list[ModelRequest]:
        return [r for r in self.requests if r.status == 200]

    async def wait_for(self, predicate: Callable[[], Any], *, timeout: float = 10) -> Any:
        """Waits until predicate() is truthy (re-checked on every request) and returns it."""
        return await self._changes.wait_for(
            predicate,
            timeout=timeout,
            describe=lambda: f"Timed out waiting on the model; {len(self.requests)} requests",
        )

    async def _responses(self, request: web.Request) -> web.Response:
        if self.like == "llama.cpp":
            # FastAPI's answer for a route it does not have.
            self.requests.append(ModelRequest("responses", await request.json(), dict(request.headers), 404))
            await self._changes.notify()
            return web.json_response({"detail": "Not Found"}, status=404)
        return await self._answer("responses", request)

    async def _chat(self, request: web.Request) -> web.Response:
        return await self._answer("chat", request)

    async def _answer(self, api: Api, request: web.Request) -> web.Response:
        recorded = ModelRequest(api, await request.json(), dict(request.headers))
        self.requests.append(recorded)
        try:
            status, body, delay = self._next(recorded)
            if delay:
                await self._notify_and_wait(delay)
            recorded.status = status
            headers = {"retry-after-ms": "10"} if status == 429 else {}
            return web.json_response(body, status=status, headers=headers)
        finally:
            await self._changes.notify()

    async def _notify_and_wait(self, delay: float) -> None:
        await self._changes.notify()  # the request is seen while its answer is still coming
        try:
            await asyncio.wait_for(self._stopping.wait(), delay)
        except TimeoutError:
            pass

    def _next(self, request: ModelRequest) -> tuple[int, dict[str, Any], float]:
        if self._api_key and request.headers.get("Authorization") != f"Bearer {self._api_key}":
            return (*_error(401), 0)
        if self._failures:
            return (*_error(*self._failures.pop(0)), 0)
        if request.body.get("stream"):
            return (*_error(400, "The fake model server does not stream; use a non-streaming run."), 0)
        if self.like == "llama.cpp" and request.null_contents:
            return (*_error(500, LLAMA_CPP_NULL_CONTENT), 0)
        if not self._script:
            no_turn = f"The fake model's script has no turn left for request {len(self.requests)}."
            return (*_error(400, no_turn), 0)
        item = self._script.pop(0)
        turn = item(request) if callable(item) else item
        model = request.body.get("model", "fake")
        if request.api == "responses":
            return 200, self._response(turn, model), turn.delay
        return 200, self._chat_completion(turn, model), turn.delay

    def _response(self, turn: Turn, model: str) -> dict[str, Any]:
        output: list[dict[str, Any]] = [
            {
                "type": "function_call",
                "id": f"fc_{next(self._ids)}",
                "call_id": f"call_{next(self._ids)}",
                "name": call.name,
                "arguments": _arguments(call),
                "status": "completed",
            }
            for call in turn.tool_calls
        ]
        if not turn.tool_calls:
            output.append(
                {
                    "type": "message",
                    "id": f"msg_{next(self._ids)}",
                    "role": "assistant",
                    "status": "completed",
                    "content": [
                        {"type": "output_text", "text": turn.text, "annotations": [], "logprobs": []}
                    ],
                }
            )
        return {
            "id": f"resp_{next(self._ids)}",
            "object": "response",
            "created_at": int(time.time()),
            "status": "completed",
            "model": model,
            "output": output,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "error": None,
            "incomplete_details": None,
            "instructions": None,
            "metadata": {},
            "temperature": 1.0,
            "top_p": 1.0,
            "text": {"format": {"type": "text"}},
            "usage": {
                "input_tokens": 10,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": 5,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": 15,
            },
        }

    def _chat_completion(self, turn: Turn, model: str) -> dict[str, Any]:
        answer: dict[str, Any] = {"role": "assistant", "content": turn.text or None, "refusal": None}
        if turn.tool_calls:
            answer["tool_calls"] = [
                {
                    "id": f"call_{next(self._ids)}",
                    "type": "function",
                    "function": {"name": call.name, "arguments": _arguments(call)},
                }
                for call in turn.tool_calls
            ]
        return {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "tool_calls" if turn.tool_calls else "stop",
                    "logprobs": None,
                    "message": answer,
                }
            ],
            "usage": {
                "prompt_tokens": 10,
                "completion_tokens": 5,
                "total_tokens": 15,
                "prompt_tokens_details": {"cached_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0},
            },
        }


def _arguments(call: ToolCall) -> str:
    return call.arguments if isinstance(call.arguments, str) else json.dumps(call.arguments)


def _error(status: int, text: str | None = None) -> tuple[int, dict[str, Any]]:
    kind, code, default = _ERRORS.get(status, ("invalid_request_error", None, "Bad request."))
    return status, {"error": {"message": text or default, "type": kind, "param": None, "code": code}}


def _text(content: Any) -> str:
    # Inputs and outputs are a string, or a list of parts each carrying text.
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return "" if content is None else json.dumps(content)
