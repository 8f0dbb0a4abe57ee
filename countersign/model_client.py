"""The OpenAI client the model activity uses, shaped for the widest range of servers.

openai-agents writes requests the way OpenAI accepts them; servers that only speak
OpenAI's protocol are stricter or say less:

- an assistant message that only calls tools carries `"content": null`, which
  llama-cpp-python's server refuses (HTTP 500, "Input should be a valid string"); `""`
  means the same to every server, so chat requests carry that instead;
- an error's message is "Error code: 404" when the server puts its reason elsewhere than
  OpenAI does (FastAPI's `{"detail": …}`, pydantic's list of errors); the server's first
  message is added, so the thread can quote it.

Subclasses of the `openai` client's own classes, not a fork of openai-agents: the request
openai-agents builds goes through unchanged otherwise.
"""

import re
from functools import cached_property
from typing import Any

from openai import APIStatusError, AsyncOpenAI
from openai.resources.chat import AsyncChat
from openai.resources.chat.completions import AsyncCompletions

# A message longer than this is cut: it ends up in one line in a Slack thread.
SERVER_MESSAGE_MAX = 200
# pydantic's errors, as FastAPI servers (llama-cpp-python, vLLM) print them in a message.
_PYDANTIC_MSG = re.compile(r"""'msg': (['"])(.+?)\1""")


class CompatibleOpenAI(AsyncOpenAI):
    """AsyncOpenAI whose chat requests never carry null content, and whose errors quote
    the server's first message."""

    @cached_property
    def chat(self) -> AsyncChat:
        return _Chat(self)

    def _make_status_error(self, err_msg: str, *, body: object, response: Any) -> APIStatusError:
        # The one place the client turns an HTTP error into an exception, for every endpoint.
        if said := server_message(body):
            err_msg = f"Error code: {response.status_code} - {said}"
        return super()._make_status_error(err_msg, body=body, response=response)


class _Chat(AsyncChat):
    @cached_property
    def completions(self) -> AsyncCompletions:
        return _Completions(self._client)


class _Completions(AsyncCompletions):
    async def create(self, *args: Any, messages: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return await super().create(*args, messages=[string_content(m) for m in messages], **kwargs)


def string_content(message: Any) -> Any:
    """An assistant message with `"content": null` (beside tool calls) as `""`."""
    if isinstance(message, dict) and message.get("role") == "assistant" and message.get("content") is None:
        return {**message, "content": ""}
    return message


def server_message(body: object) -> str | None:
    """The first thing the server said about why, in one line: OpenAI's `error.message`,
    FastAPI's `detail`, or the first of pydantic's validation errors."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return _first_line(error["message"])
        if isinstance(error, str):
            return _first_line(error)
        detail = body.get("detail")
        if isinstance(detail, str):
            return _first_line(detail)
        if isinstance(detail, list) and detail and isinstance(detail[0], dict) and "msg" in detail[0]:
            where = ".".join(str(part) for part in detail[0].get("loc", []))
            return _first_line(f"{detail[0]['msg']} ({where})" if where else str(detail[0]["msg"]))
        return None
    return _first_line(body) if isinstance(body, str) else None


def _first_line(text: str) -> str | None:
    if found := _PYDANTIC_MSG.search(text):
        return found.group(2)[:SERVER_MESSAGE_MAX]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:SERVER_MESSAGE_MAX] if lines else None
