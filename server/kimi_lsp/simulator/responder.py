"""Choosing the answer: responders, the simulator's honest default, and fitting a turn to
what the request allows.

A *responder* is any callable from a :class:`~.request.ChatRequest` to a
:class:`~.script.Turn`, or None to pass. When none answers, :func:`default_turn` does,
honestly: explain gets a fixed note naming the selection, a rewrite the selection
unchanged in one fenced block, ghost text an empty completion, anything else a note.

:func:`fit_turn` then makes any turn (scripted or not) one the real API could send:

* no tool is offered or ``tool_choice`` is ``"none"``: tool calls are dropped and the
  answer is the turn's content (the default's content if it has none);
* ``tool_choice`` ``"required"`` or a named function: the answer is a call (the turn's
  calls to that function, or one call with arguments made from its ``parameters``);
* ``response_format`` ``json_object`` / ``json_schema``: a turn with no content gets
  ``{"note": ...}`` or a small value that fits the schema. Content that is not valid JSON
  (an object for ``json_object``) or does not fit the schema is refused: the request is
  answered 500 ``server_error``, as a provider reports output it could not produce in
  the required format. A turn cut by ``max_tokens`` is sent as it is, truncated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from .errors import ApiError
from .request import ChatRequest
from .schema import example, problem
from .script import ToolCallSpec, Turn

Responder = Callable[[ChatRequest], Turn | None]
NOTE = "This answer comes from the Kimi simulator: no answer was scripted for this request."


def fenced(language: str, code: str) -> str:
    """One Markdown code block holding exactly ``code`` (its fence longer than any inside)."""
    longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def _json_answer(body: dict[str, Any]) -> str | None:
    """The default content under a JSON ``response_format`` (None without one)."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_object":
        return json.dumps({"note": NOTE})
    if fmt.get("type") == "json_schema":
        schema = fmt["json_schema"].get("schema") or {"type": "object"}
        return json.dumps(example(schema, schema))
    return None


def default_turn(request: ChatRequest) -> Turn:
    """The simulator's own answer when nothing was scripted for ``request``."""
    reasoning = "Nothing is scripted for this request, so the simulator gives its default."
    json_answer = _json_answer(request.body)
    if json_answer is not None:
        return Turn(reasoning=reasoning, content=json_answer)
    if request.kind == "ghost_text":
        return Turn(reasoning=reasoning, content="<completion></completion>")
    if request.kind == "rewrite":
        selection = request.selection or ""
        return Turn(reasoning=reasoning, content=fenced(request.language, selection))
    if request.kind == "explain":
        lines = (request.selection or "").splitlines()
        first = next((line.strip() for line in lines if line.strip()), "")
        where = f" of {request.path}" if request.path else ""
        start = f", starting with `{first[:60]}`" if first else ""
        plural = "" if len(lines) == 1 else "s"
        content = f"{NOTE}\n\nThe selection is {len(lines)} line{plural}{where}{start}.\n"
        return Turn(reasoning=reasoning, content=content)
    return Turn(reasoning=reasoning, content=NOTE)


def _forced_call(body: dict[str, Any], name: str) -> ToolCallSpec:
    """A call of tool ``name`` (the first tool if "") with arguments that fit it."""
    tools = [t["function"] for t in body["tools"]]
    tool = next((t for t in tools if t["name"] == name), tools[0])
    schema = tool.get("parameters") or {"type": "object"}
    return ToolCallSpec(name=tool["name"], arguments=json.dumps(example(schema, schema)))


def _fit_tools(turn: Turn, request: ChatRequest) -> Turn:
    """Drop calls no tool allows; make the call a forced ``tool_choice`` asks for."""
    body = request.body
    if not body.get("tools") or body.get("tool_choice") == "none":
        if not turn.tool_calls:
            return turn
        finish = None if turn.finish_reason == "tool_calls" else turn.finish_reason
        content = turn.content or default_turn(request).content
        return turn.model_copy(
            update={"tool_calls": [], "finish_reason": finish, "content": content}
        )
    choice = body.get("tool_choice")
    if choice != "required" and not isinstance(choice, dict):
        return turn
    forced = "" if choice == "required" else str(choice["function"]["name"])
    calls = [c for c in turn.tool_calls if not forced or c.name == forced]
    return turn.model_copy(update={"tool_calls": calls or [_forced_call(body, forced)]})


def _fit_format(turn: Turn, body: dict[str, Any]) -> Turn:
    """Give a JSON answer where ``response_format`` asks for one, or refuse the turn."""
    default = _json_answer(body)
    if default is None or turn.tool_calls:
        return turn
    if not turn.content:
        return turn.model_copy(update={"content": default})
    fmt = body["response_format"]
    schema = (fmt.get("json_schema") or {}).get("schema") or {"type": "object"}
    try:
        found = problem(json.loads(turn.content), schema, schema)
    except ValueError:
        found = "the output is not valid JSON"
    if found:
        raise ApiError(500, f"The model's output does not fit response_format: {found}.")
    return turn


def fit_turn(turn: Turn, request: ChatRequest) -> Turn:
    """``turn`` as the real API could send it for ``request`` (see the module docstring)."""
    if turn.status != 200:
        return turn
    return _fit_format(_fit_tools(turn, request), request.body)
