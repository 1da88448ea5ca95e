"""Where the providers document a behaviour, the simulator has it: response_format,
reasoning_effort, output caps, tool_choice, what OpenAI allows, the role chunk."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from kimi_lsp.simulator import Simulator, ToolCallSpec, Turn
from kimi_lsp.simulator.schema import example, problem

from .helpers import WORKSPACE_TOOLS, chat_body, stream_chat, tool

GATEWAY = "moonshot/kimi-k2.7-code"
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "size": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        "tags": {"type": "array", "items": {"$ref": "#/$defs/Tag"}},
    },
    "required": ["name", "size", "tags"],
    "additionalProperties": False,
    "$defs": {"Tag": {"type": "string", "enum": ["a", "b"]}},
}
JSON_SCHEMA = {"type": "json_schema", "json_schema": {"name": "thing", "schema": SCHEMA}}


def message(response: httpx.Response) -> dict[str, Any]:
    """The answer's message."""
    assert response.status_code == 200, response.text
    return response.json()["choices"][0]["message"]  # type: ignore[no-any-return]


def test_schema_check_and_example() -> None:
    assert problem(example(SCHEMA, SCHEMA), SCHEMA, SCHEMA) == ""
    assert problem({"name": "x", "size": None, "tags": ["a"]}, SCHEMA, SCHEMA) == ""
    assert "size" in problem({"name": "x", "tags": []}, SCHEMA, SCHEMA)
    assert "$.tags[0]" in problem({"name": "x", "size": 1, "tags": ["c"]}, SCHEMA, SCHEMA)
    assert "unexpected" in problem({"name": "", "size": 1, "tags": [], "x": 1}, SCHEMA, SCHEMA)
    assert "type integer" not in problem({"name": "", "size": 2, "tags": []}, SCHEMA, SCHEMA)
    assert problem({"name": "", "size": True, "tags": []}, SCHEMA, SCHEMA)


async def test_json_modes_answer_valid_json(sim: Simulator, client: httpx.AsyncClient) -> None:
    plain = await client.post(
        "/chat/completions", json=chat_body(response_format={"type": "json_object"})
    )
    assert isinstance(json.loads(message(plain)["content"]), dict)
    fitted = await client.post("/chat/completions", json=chat_body(response_format=JSON_SCHEMA))
    assert problem(json.loads(message(fitted)["content"]), SCHEMA, SCHEMA) == ""
    sim.script(Turn(content='{"name": "cart", "size": 3, "tags": ["b"]}'))
    scripted = await stream_chat(client, chat_body(response_format=JSON_SCHEMA))
    text = "".join(p["choices"][0]["delta"].get("content") or "" for p in scripted[:-1])
    assert json.loads(text) == {"name": "cart", "size": 3, "tags": ["b"]}
    text_format = chat_body(response_format={"type": "text"})
    assert (await client.post("/chat/completions", json=text_format)).status_code == 200


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        ("Sure! Here it is: {}", {"type": "json_object"}),
        ("[1, 2]", {"type": "json_object"}),
        ('{"name": "cart"}', JSON_SCHEMA),
    ],
)
async def test_scripted_content_that_does_not_fit_is_refused(
    sim: Simulator, client: httpx.AsyncClient, content: str, fmt: dict[str, Any]
) -> None:
    sim.script(Turn(content=content))
    response = await client.post("/chat/completions", json=chat_body(response_format=fmt))
    assert response.status_code == 500
    assert "response_format" in response.json()["error"]["message"]
    assert sim.queued == 0


@pytest.mark.parametrize(
    "fmt",
    [
        {"type": "xml"},
        "json",
        {"type": "json_schema"},
        {"type": "json_schema", "json_schema": {"schema": {}}},
    ],
)
async def test_bogus_response_format_is_400(client: httpx.AsyncClient, fmt: Any) -> None:
    response = await client.post("/chat/completions", json=chat_body(response_format=fmt))
    assert response.status_code == 400
    assert "response_format" in response.json()["error"]["message"]


async def reasoning_tokens(client: httpx.AsyncClient, model: str, effort: str | None) -> int:
    """The reasoning tokens of a default answer at ``effort``."""
    extra = {"reasoning_effort": effort} if effort else {}
    response = await client.post("/chat/completions", json=chat_body(model=model, **extra))
    usage = response.json()["usage"]
    return int(usage["completion_tokens_details"]["reasoning_tokens"])


async def test_reasoning_effort_scales_reasoning_on_aigateway(client: httpx.AsyncClient) -> None:
    counts = [await reasoning_tokens(client, GATEWAY, e) for e in ("none", "low", "medium", "high")]
    assert counts[0] == 0
    assert 0 < counts[1] < counts[2] < counts[3]
    assert await reasoning_tokens(client, GATEWAY, None) == counts[2]
    empirio = [await reasoning_tokens(client, "kimi-k2-7-code", e) for e in ("none", "high")]
    assert empirio == [counts[2], counts[2]]  # thinking cannot be disabled there
    bad = await client.post("/chat/completions", json=chat_body(reasoning_effort="max"))
    assert bad.status_code == 400


@pytest.mark.parametrize(("model", "cap"), [(GATEWAY, 16384), ("kimi-k2-7-code", 131072)])
async def test_output_caps_per_model(client: httpx.AsyncClient, model: str, cap: int) -> None:
    ok = await client.post("/chat/completions", json=chat_body(model=model, max_tokens=cap))
    assert ok.status_code == 200
    over = await client.post("/chat/completions", json=chat_body(model=model, max_tokens=cap + 1))
    assert over.status_code == 400
    assert str(cap) in over.json()["error"]["message"]


async def test_tool_choice_required_or_named_forces_a_call(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    required = chat_body(tools=WORKSPACE_TOOLS, tool_choice="required")
    answer = (await client.post("/chat/completions", json=required)).json()["choices"][0]
    assert answer["finish_reason"] == "tool_calls"
    assert answer["message"]["tool_calls"][0]["function"]["name"] == "read_file"
    named = chat_body(
        tools=WORKSPACE_TOOLS,
        tool_choice={"type": "function", "function": {"name": "search_text"}},
    )
    sim.script(Turn(tool_calls=[ToolCallSpec(name="read_file"), ToolCallSpec(name="search_text")]))
    calls = message(await client.post("/chat/completions", json=named))["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["search_text"]
    forced = message(await client.post("/chat/completions", json=named))["tool_calls"][0]
    assert json.loads(forced["function"]["arguments"]) == {
        "query": "simulated",
        "path": "simulated",
        "regex": False,
    }


@pytest.mark.parametrize(
    ("choice", "tools"),
    [
        ("always", WORKSPACE_TOOLS),
        ({"type": "function", "function": {"name": "delete_all"}}, WORKSPACE_TOOLS),
        ({"type": "function"}, WORKSPACE_TOOLS),
        ("required", None),
    ],
)
async def test_impossible_tool_choice_is_400(
    client: httpx.AsyncClient, choice: Any, tools: Any
) -> None:
    body = chat_body(tool_choice=choice, **({"tools": tools} if tools else {}))
    response = await client.post("/chat/completions", json=body)
    assert response.status_code == 400
    assert "tool_choice" in response.json()["error"]["message"]


async def test_what_openai_allows_is_allowed(client: httpx.AsyncClient) -> None:
    bare = {"type": "function", "function": {"name": "now"}}
    body = chat_body(tools=[bare, tool("read_file", path="string")], tool_choice="required")
    body["messages"].insert(0, {"role": "developer", "content": "Be brief."})
    answer = message(await client.post("/chat/completions", json=body))
    assert answer["tool_calls"][0]["function"] == {"name": "now", "arguments": "{}"}
    bad = chat_body(tools=[{"type": "function", "function": {"name": "x", "parameters": 3}}])
    assert (await client.post("/chat/completions", json=bad)).status_code == 400


async def test_first_chunk_announces_the_role_only(client: httpx.AsyncClient) -> None:
    payloads = await stream_chat(client, chat_body())
    assert payloads[0]["choices"][0]["delta"] == {"role": "assistant"}
