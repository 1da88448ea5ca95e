"""Helpers shared by the simulator tests: request bodies and SSE parsing."""

from __future__ import annotations

import json
from typing import Any

import httpx

KEY = "sk-test"
MODEL = "kimi-k2-7-code"


def tool(name: str, **properties: str) -> dict[str, Any]:
    """Return an OpenAI function tool definition with string parameters."""
    schema = {
        "type": "object",
        "properties": {key: {"type": kind} for key, kind in properties.items()},
    }
    return {"type": "function", "function": {"name": name, "parameters": schema}}


WORKSPACE_TOOLS = [
    tool("read_file", path="string", start_line="integer", end_line="integer"),
    tool("list_files", path="string", pattern="string"),
    tool("search_text", query="string", path="string", regex="boolean"),
]
"""The tools the language server offers on explain requests."""


def chat_body(content: str = "Hello!", **extra: Any) -> dict[str, Any]:
    """Return a minimal valid chat request body with ``extra`` parameters."""
    body: dict[str, Any] = {"model": MODEL, "messages": [{"role": "user", "content": content}]}
    body.update(extra)
    return body


def parse_sse(text: str) -> list[Any]:
    """Split an SSE body into its data payloads (JSON objects, or the string "[DONE]")."""
    assert text.endswith("\n\n") or not text, f"body does not end with a blank line: {text!r}"
    payloads: list[Any] = []
    for event in text.split("\n\n"):
        if not event:
            continue
        assert event.startswith("data: "), event
        data = event.removeprefix("data: ")
        payloads.append(data if data == "[DONE]" else json.loads(data))
    return payloads


async def stream_chat(client: httpx.AsyncClient, body: dict[str, Any]) -> list[Any]:
    """POST a streaming chat request and return its payloads, checking the framing."""
    body = {**body, "stream": True}
    async with client.stream("POST", "/chat/completions", json=body) as response:
        assert response.status_code == 200, await response.aread()
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["transfer-encoding"] == "chunked"
        text = (await response.aread()).decode()
    return parse_sse(text)


def deltas(payloads: list[Any], key: str) -> str:
    """Join the ``delta[key]`` texts of a list of chunks."""
    return "".join(
        chunk["choices"][0]["delta"].get(key) or ""
        for chunk in payloads
        if isinstance(chunk, dict) and chunk["choices"]
    )


def kinds(payloads: list[Any]) -> list[str]:
    """Classify each payload: role, reasoning, content, tool, finish, usage, done."""
    result: list[str] = []
    for chunk in payloads:
        if chunk == "[DONE]":
            result.append("done")
        elif not chunk["choices"]:
            result.append("usage")
        elif chunk["choices"][0]["finish_reason"] is not None:
            result.append("finish")
        else:
            delta = chunk["choices"][0]["delta"]
            for name, key in (
                ("role", "role"),
                ("reasoning", "reasoning_content"),
                ("content", "content"),
                ("tool", "tool_calls"),
            ):
                if delta.get(key):
                    result.append(name)
                    break
    return result


def collapse(items: list[str]) -> list[str]:
    """Collapse runs of equal items: a,a,b -> a,b."""
    return [item for i, item in enumerate(items) if i == 0 or items[i - 1] != item]


def tool_calls(payloads: list[Any]) -> dict[int, dict[str, str]]:
    """Accumulate streamed tool-call fragments by index: id, name and joined arguments."""
    calls: dict[int, dict[str, str]] = {}
    for chunk in payloads:
        if not isinstance(chunk, dict) or not chunk["choices"]:
            continue
        for fragment in chunk["choices"][0]["delta"].get("tool_calls") or []:
            call = calls.setdefault(fragment["index"], {"id": "", "name": "", "arguments": ""})
            call["id"] += fragment.get("id", "")
            call["name"] += fragment.get("function", {}).get("name", "")
            call["arguments"] += fragment.get("function", {}).get("arguments", "")
    return calls
