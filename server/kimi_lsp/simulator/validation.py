"""Request checks, in the order the real API applies them, before any turn is consumed.

Each violation raises :class:`~kimi_lsp.simulator.errors.ApiError` with the status, type
and message the documented API answers. What OpenAI allows is allowed (the ``developer``
role, a tool without ``parameters``, unknown extra parameters).

Output caps by model: ``max_tokens`` (or ``max_completion_tokens``) above the model's cap
is a 400, as OpenAI answers a too-large value and as EmpirioLabs documents a range
("1 to 131072"); AIgateway documents a 16,384 maximum and no behaviour past it, so we
answer the same 400 there (our choice). Without it, the default is 16,384 on both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError, invalid

DEFAULT_MAX_TOKENS = 16384
MAX_OUTPUT_TOKENS = 131072
OUTPUT_CAPS: dict[str, int] = {"kimi-k2-7-code": 131072, "moonshot/kimi-k2.7-code": 16384}
"""Each known model id's maximum ``max_tokens`` (others get :data:`MAX_OUTPUT_TOKENS`)."""
MAX_STOP_SEQUENCES = 4
ROLES = ("system", "developer", "user", "assistant", "tool")
REASONING_EFFORTS = ("none", "low", "medium", "high")
FORMATS = ("text", "json_object", "json_schema")


@dataclass
class ChatParams:
    """The parts of a valid chat request the simulator acts on."""

    model: str
    messages: list[dict[str, Any]]
    stream: bool = False
    include_usage: bool = False
    max_tokens: int = DEFAULT_MAX_TOKENS
    stop: list[str] = field(default_factory=list)
    tools: list[dict[str, Any]] = field(default_factory=list)
    web_search: bool = False
    body: dict[str, Any] = field(default_factory=dict)


def check_auth(headers: dict[str, str], api_key: str) -> None:
    """Require ``Authorization: Bearer <api_key>``; raise a 401 otherwise."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token.strip() != api_key:
        raise ApiError(401, "Invalid or missing API key", "authentication_error")


def parse_body(raw: bytes) -> Any:
    """Decode a JSON request body; raise a 400 if it is not JSON."""
    if not raw.strip():
        raise invalid("Request body is empty: expected a JSON object")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid(f"Request body is not valid JSON: {exc}") from exc


def validate_chat(body: Any, models: Iterable[str]) -> ChatParams:
    """Check a chat completion request body and return its parameters.

    Order: body shape, model, messages, then optional parameters.
    """
    if not isinstance(body, dict):
        raise invalid("Request body must be a JSON object")
    model = body.get("model")
    if model is None:
        raise invalid("Missing required parameter: 'model'")
    if not isinstance(model, str) or not model:
        raise invalid("Invalid 'model': expected a non-empty string")
    messages = body.get("messages")
    if messages is None:
        raise invalid("Missing required parameter: 'messages'")
    if not isinstance(messages, list) or not messages:
        raise invalid("Invalid 'messages': expected a non-empty array of messages")
    if model not in set(models):
        raise ApiError(404, f"The model '{model}' does not exist or you do not have access to it")
    _check_messages(messages)
    params = ChatParams(model=model, messages=messages, body=body)
    params.stream = _optional_bool(body, "stream")
    options = body.get("stream_options")
    if options is not None:
        if not isinstance(options, dict):
            raise invalid("Invalid 'stream_options': expected an object")
        params.include_usage = _optional_bool(options, "include_usage", "stream_options.")
    params.max_tokens = _max_tokens(body, OUTPUT_CAPS.get(model, MAX_OUTPUT_TOKENS))
    params.stop = _stop(body.get("stop"))
    params.tools = _tools(body.get("tools"))
    _tool_choice(body.get("tool_choice"), params.tools)
    _response_format(body.get("response_format"))
    params.web_search = _optional_bool(body, "tool_web_search")
    if body.get("reasoning_effort") is not None:
        _one_of(body["reasoning_effort"], REASONING_EFFORTS, "'reasoning_effort'")
    return params


def _one_of(value: Any, options: tuple[str, ...], what: str) -> None:
    """Raise a 400 naming ``what`` unless ``value`` is one of ``options``."""
    if value not in options:
        raise invalid(f"Invalid {what}: {value!r}; expected one of " + ", ".join(options))


def _optional_bool(obj: dict[str, Any], key: str, prefix: str = "") -> bool:
    """Return a boolean parameter (False when absent or null)."""
    value = obj.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise invalid(f"Invalid '{prefix}{key}': expected a boolean")
    return value


def _check_messages(messages: list[Any]) -> None:
    """Check roles, contents, tool-call replays and tool answers, message by message."""
    call_ids: set[str] = set()
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            raise invalid(f"Invalid message at index {index}: expected an object")
        role = message.get("role")
        _one_of(role, ROLES, f"role in message at index {index}")
        content = message.get("content")
        tool_calls = message.get("tool_calls")
        if role == "assistant" and tool_calls is not None:
            call_ids.update(_check_tool_calls(tool_calls, message, index))
        elif content is None:
            raise invalid(f"Missing 'content' in {role} message at index {index}")
        if content is not None:
            _check_content(content, index)
        if role == "tool":
            call_id = message.get("tool_call_id")
            if not isinstance(call_id, str) or not call_id:
                raise invalid(f"Missing 'tool_call_id' in tool message at index {index}")
            if call_id not in call_ids:
                raise invalid(
                    f"Tool message at index {index} answers tool_call_id '{call_id}' "
                    "which no earlier assistant message requested"
                )


def _check_content(content: Any, index: int) -> None:
    """A content is a string or an array of text / image parts."""
    if isinstance(content, str):
        return
    if not isinstance(content, list):
        raise invalid(f"Invalid 'content' in message at index {index}: expected string or array")
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text" and isinstance(part.get("text"), str):
            continue
        if kind in ("image_url", "video_url") and isinstance(part.get(kind), dict):
            continue
        raise invalid(f"Invalid content part in message at index {index}")


def _check_tool_calls(tool_calls: Any, message: dict[str, Any], index: int) -> list[str]:
    """Check an assistant message's tool calls; return their ids."""
    if not isinstance(tool_calls, list):
        raise invalid(f"Invalid 'tool_calls' in assistant message at index {index}")
    ids: list[str] = []
    for call in tool_calls:
        function = call.get("function") if isinstance(call, dict) else None
        if (
            not isinstance(call, dict)
            or not isinstance(call.get("id"), str)
            or call.get("type", "function") != "function"
            or not isinstance(function, dict)
            or not isinstance(function.get("name"), str)
            or not isinstance(function.get("arguments"), str)
        ):
            raise invalid(
                f"Invalid tool call in assistant message at index {index}: expected "
                '{"id", "type": "function", "function": {"name", "arguments"}}'
            )
        ids.append(call["id"])
    if tool_calls and not isinstance(message.get("reasoning_content"), str):
        raise invalid(
            "thinking is enabled but reasoning_content is missing in assistant tool call "
            f"message at index {index}"
        )
    return ids


def _max_tokens(body: dict[str, Any], cap: int) -> int:
    """Return ``max_tokens`` (or ``max_completion_tokens``), checking it against ``cap``."""
    for key in ("max_tokens", "max_completion_tokens"):
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(f"Invalid '{key}': expected an integer")
        if not 1 <= value <= cap:
            raise invalid(f"Invalid '{key}': {value} is out of range, expected 1 to {cap}")
        return value
    return min(DEFAULT_MAX_TOKENS, cap)


def _stop(value: Any) -> list[str]:
    """Return the stop sequences as a list (a string or up to 4 strings)."""
    if isinstance(value, str) or value is None:
        return [value] if value else []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid("Invalid 'stop': expected a string or an array of strings")
    if len(value) > MAX_STOP_SEQUENCES:
        raise invalid(
            f"Invalid 'stop': at most {MAX_STOP_SEQUENCES} sequences allowed, got {len(value)}"
        )
    return [item for item in value if item]


def _tools(value: Any) -> list[dict[str, Any]]:
    """Return the tool definitions, each ``{"type": "function", "function": {...}}``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid("Invalid 'tools': expected an array")
    for position, tool in enumerate(value):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or tool.get("type") != "function":
            raise invalid(f"Invalid tool at index {position}: 'type' must be 'function'")
        if not isinstance(function, dict):
            raise invalid(f"Invalid tool at index {position}: missing 'function' object")
        name = function.get("name")
        if not isinstance(name, str) or not name:
            raise invalid(f"Invalid tool at index {position}: 'function.name' is required")
        if not isinstance(function.get("parameters", {}), dict):
            raise invalid(
                f"Invalid tool '{name}': 'function.parameters' must be a JSON schema object"
            )
    return value


def _tool_choice(choice: Any, tools: list[dict[str, Any]]) -> None:
    """``none``, ``auto``, ``required`` or ``{"type": "function", "function": {"name"}}``
    naming an offered tool; forcing a call needs tools."""
    if choice is None or choice in ("none", "auto"):
        return
    function = choice.get("function") if isinstance(choice, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    named = isinstance(choice, dict) and choice.get("type") == "function"
    if choice != "required" and not (named and isinstance(name, str) and name):
        raise invalid(
            "Invalid 'tool_choice': expected 'none', 'auto', 'required' or "
            '{"type": "function", "function": {"name": ...}}'
        )
    if not tools:
        raise invalid("Invalid 'tool_choice': a tool call is required but no 'tools' are given")
    if name is not None and name not in {tool["function"]["name"] for tool in tools}:
        raise invalid(f"Invalid 'tool_choice': no tool named {name!r} is given")


def _response_format(fmt: Any) -> None:
    """``{"type": "text" | "json_object"}`` or ``{"type": "json_schema", "json_schema":
    {"name", "schema"}}``."""
    if fmt is None:
        return
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    _one_of(kind, FORMATS, "'response_format.type'")
    if kind != "json_schema":
        return
    spec = fmt.get("json_schema")
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
        raise invalid("Invalid 'response_format.json_schema': expected an object with a 'name'")
    if not isinstance(spec.get("schema", {}), dict):
        raise invalid("Invalid 'response_format.json_schema.schema': expected a JSON schema")
