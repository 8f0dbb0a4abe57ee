"""What the thread is told when the model could not answer: what failed and what to fix.

Workflow code (pure). A model call's failure reaches the workflow as a chain of Temporal
errors, each an `ApplicationError` named for the exception the activity raised
(`NotFoundError`, `APIConnectionError`…) with its message ("Error code: 404 - Not Found").
"""

import re

from temporalio.exceptions import ApplicationError
from temporalio.exceptions import TimeoutError as ActivityTimeoutError

NO_ANSWER = "The model gave no answer; nothing was done."
NO_ANSWER_AFTER_ACTIONS = "The model gave no answer; nothing else was done."
_STATUS = re.compile(r"Error code: (\d{3})(?: - (.+))?")
# What openai and httpx raise when no connection could be made to OPENAI_BASE_URL.
_CONNECTION_ERRORS = {"APIConnectionError", "ConnectError", "ConnectTimeout"}


def no_answer(actions_taken: bool) -> str:
    """The line for an empty answer; the thread reply's record says what did happen."""
    return NO_ANSWER_AFTER_ACTIONS if actions_taken else NO_ANSWER


def too_slow(seconds: int, actions_taken: bool) -> str:
    done = "nothing else was done" if actions_taken else "nothing was done"
    return f"The model did not answer within {seconds} s; {done}."


def timed_out(err: BaseException) -> bool:
    """Whether the model activity itself gave up on time (its own timeouts)."""
    return any(isinstance(e, ActivityTimeoutError) for e in _chain(err))


def what_failed(err: BaseException, api_style: str) -> str:
    """The failure in one line, naming the setting to fix when there is one; no full stop."""
    chain = _chain(err)
    kinds = {e.type for e in chain if isinstance(e, ApplicationError)}
    if kinds & _CONNECTION_ERRORS:
        return "could not connect to the model server; check OPENAI_BASE_URL"
    status, said = _status(chain)
    detail = f" ({said})" if said else ""
    if status == 404 and api_style == "responses":
        return (
            f"the model server answered HTTP 404{detail} to the Responses API; a server without "
            "it (Ollama, vLLM, LiteLLM, llama.cpp) needs OPENAI_API_STYLE=chat_completions"
        )
    if status == 404:
        return (
            f"the model server answered HTTP 404{detail}; check OPENAI_BASE_URL (it usually "
            "ends in /v1) and AGENT_MODEL"
        )
    if status in (401, 403):
        why = f": {said}" if said else ""
        return f"the model server refused the API key (HTTP {status}{why}); check OPENAI_API_KEY"
    if status:
        return f"the model server answered HTTP {status}" + (f": {said}" if said else "")
    return _sentence_end(_deepest(chain))


def _chain(err: BaseException) -> list[BaseException]:
    chain = [err]
    while chain[-1].__cause__ is not None:
        chain.append(chain[-1].__cause__)
    return chain


def _status(chain: list[BaseException]) -> tuple[int | None, str | None]:
    for e in reversed(chain):
        message = e.message if isinstance(e, ApplicationError) else str(e)
        if found := _STATUS.search(message):
            said = found.group(2)
            return int(found.group(1)), _sentence_end(said.splitlines()[0]) if said else None
    return None, None


def _deepest(chain: list[BaseException]) -> str:
    err = chain[-1]
    text = f"{err.type}: {err.message}" if isinstance(err, ApplicationError) and err.type else str(err)
    return (text.splitlines() or [type(err).__name__])[0][:300]


def _sentence_end(text: str) -> str:
    """Without the full stop or colon it ends with: the caller ends the sentence."""
    return text.strip().rstrip(".:").strip()
