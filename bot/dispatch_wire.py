"""What the web server and its Bolt process (bot.dispatcher) say over their socket pair.

One JSON object a line. The web server sends a request to handle, with an id and what
it wants back:
  {"id": 7, "kind": "after_ack" | "answer", "body": …, "query": …, "headers": {…}}
  {"id": 8, "kind": "health"}
and Bolt's process says when each is done:
  {"id": 7}                                           an after_ack request handled
  {"id": 7, "status": 200, "body": …, "headers": {…}} an answer (Bolt's response)
  {"id": 7, "error": "<traceback>"}                   Bolt could not read the request
  {"id": 8, "healthy": true}
  {"ready": true}                                     once, when it can take requests
"""

import json
from typing import Any, Literal

from slack_bolt.response import BoltResponse

from bot.dispatch import SlackRequest

# The environment variable that gives the child its end of the socket pair.
DISPATCH_FD = "COUNTERSIGN_DISPATCH_FD"
# Slack's payloads stay far below this, but a view submission can pass asyncio's 64 KiB default.
LINE_LIMIT = 16 * 1024 * 1024

Kind = Literal["after_ack", "answer", "health"]


def encode(message: dict[str, Any]) -> bytes:
    # json.dumps escapes newlines inside strings, so a message is always one line.
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def request_message(request_id: int, kind: Kind, request: SlackRequest | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"id": request_id, "kind": kind}
    if request is not None:
        message |= {"body": request.body, "query": request.query, "headers": request.headers}
    return message


def slack_request(message: dict[str, Any]) -> SlackRequest:
    return SlackRequest(body=message["body"], query=message["query"], headers=message["headers"])


def answer_message(request_id: int, response: BoltResponse) -> dict[str, Any]:
    return {"id": request_id, "status": response.status, "body": response.body, "headers": response.headers}


def bolt_response(message: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=message["status"], body=message["body"], headers=message["headers"])
