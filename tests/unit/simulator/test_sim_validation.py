"""Authentication and request validation, checked before any scripted turn is consumed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kimi_lsp.simulator import Simulator, ToolCallSpec, Turn

from .helpers import MODEL, chat_body


def error_of(response: httpx.Response) -> dict[str, Any]:
    """Return the ``error`` object of an OpenAI-style error response."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"type", "message", "code"}
    error: dict[str, Any] = body["error"]
    return error


@pytest.mark.parametrize("auth", [None, "Bearer wrong", "sk-test", "Basic sk-test"])
async def test_wrong_or_missing_key_is_401(sim: Simulator, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as c:
        response = await c.post("/chat/completions", json=chat_body())
    assert response.status_code == 401
    error = error_of(response)
    assert error["type"] == "authentication_error"
    assert error["message"] == "Invalid or missing API key"
    assert sim.requests[0].status == 401


async def test_models_endpoint_requires_key_and_lists_models(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    response = await client.get("/models")
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["data"]] == [
        "kimi-k2-7-code",
        "moonshot/kimi-k2.7-code",
    ]
    async with httpx.AsyncClient(base_url=sim.base_url) as anonymous:
        assert (await anonymous.get("/models")).status_code == 401


async def test_unknown_model_is_404_naming_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/chat/completions", json={**chat_body(), "model": "gpt-9"})
    assert response.status_code == 404
    error = error_of(response)
    assert error["type"] == "not_found"
    assert "gpt-9" in error["message"]


async def test_custom_models_are_accepted() -> None:
    async with Simulator(api_key="k", models=["my-model"]) as sim:
        headers = {"Authorization": "Bearer k"}
        async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as c:
            ok = await c.post("/chat/completions", json={**chat_body(), "model": "my-model"})
            bad = await c.post("/chat/completions", json=chat_body())
    assert ok.status_code == 200
    assert bad.status_code == 404


async def test_unknown_endpoint_is_404(client: httpx.AsyncClient) -> None:
    response = await client.post("/responses", json=chat_body())
    assert response.status_code == 404
    assert error_of(response)["type"] == "not_found"


def tool_call_history(reasoning: Any) -> list[dict[str, Any]]:
    """A conversation replaying an assistant tool call, with ``reasoning`` if not None."""
    assistant: dict[str, Any] = {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "read_file", "arguments": '{"path": "a.py"}'},
            }
        ],
    }
    if reasoning is not None:
        assistant["reasoning_content"] = reasoning
    return [
        {"role": "system", "content": "You are a coding assistant."},
        {"role": "user", "content": "Read a.py"},
        assistant,
        {"role": "tool", "tool_call_id": "call_1", "content": "print('hi')"},
    ]


async def test_tool_call_replay_without_reasoning_content_is_400(
    client: httpx.AsyncClient,
) -> None:
    body = {"model": MODEL, "messages": tool_call_history(None)}
    response = await client.post("/chat/completions", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["type"] == "invalid_request_error"
    assert error["message"] == (
        "thinking is enabled but reasoning_content is missing in assistant tool call "
        "message at index 2"
    )


async def test_tool_call_replay_with_reasoning_content_is_200(client: httpx.AsyncClient) -> None:
    body = {"model": MODEL, "messages": tool_call_history("I need to read the file.")}
    response = await client.post("/chat/completions", json=body)
    assert response.status_code == 200


async def test_assistant_message_without_tool_calls_needs_no_reasoning(
    client: httpx.AsyncClient,
) -> None:
    messages = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Again"},
    ]
    response = await client.post("/chat/completions", json={"model": MODEL, "messages": messages})
    assert response.status_code == 200


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"messages": [{"role": "user", "content": "x"}]}, "model"),
    ({"model": MODEL}, "messages"),
    ({"model": MODEL, "messages": []}, "messages"),
    ({"model": MODEL, "messages": [{"role": "robot", "content": "x"}]}, "role"),
    (
        {"model": MODEL, "messages": [{"role": "tool", "tool_call_id": "nope", "content": "x"}]},
        "tool_call_id",
    ),
    ({**chat_body(), "max_tokens": 0}, "max_tokens"),
    ({**chat_body(), "max_tokens": 131073}, "max_tokens"),
    ({**chat_body(), "max_tokens": "10"}, "max_tokens"),
    ({**chat_body(), "stop": ["a", "b", "c", "d", "e"]}, "stop"),
    ({**chat_body(), "stop": 3}, "stop"),
    ({**chat_body(), "tools": [{"type": "function"}]}, "function"),
    ({**chat_body(), "tools": [{"type": "retrieval", "function": {}}]}, "type"),
    ({**chat_body(), "tools": {"type": "function"}}, "tools"),
    ({**chat_body(), "reasoning_effort": "extreme"}, "reasoning_effort"),
    ({**chat_body(), "stream": "yes"}, "stream"),
]


@pytest.mark.parametrize(("body", "word"), BAD_BODIES)
async def test_invalid_bodies_are_400_saying_what_is_wrong(
    client: httpx.AsyncClient, body: dict[str, Any], word: str
) -> None:
    response = await client.post("/chat/completions", json=body)
    assert response.status_code == 400
    error = error_of(response)
    assert error["type"] == "invalid_request_error"
    assert word in error["message"]


async def test_body_that_is_not_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/chat/completions", content=b"{not json")
    assert response.status_code == 400
    assert "JSON" in error_of(response)["message"]


async def test_accepted_optional_parameters(client: httpx.AsyncClient) -> None:
    tool = {
        "type": "function",
        "function": {"name": "read_file", "parameters": {"type": "object", "properties": {}}},
    }
    body = chat_body(
        temperature=0.2,
        top_p=0.5,
        max_tokens=131072,
        stop="\n\n",
        tools=[tool],
        tool_choice="auto",
        reasoning_effort="low",
        response_format={"type": "json_object"},
    )
    response = await client.post("/chat/completions", json=body)
    assert response.status_code == 200


async def test_rejected_request_does_not_consume_a_turn(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(content="the scripted answer"))
    rejected = await client.post("/chat/completions", json={**chat_body(), "model": "nope"})
    unauthorized = await client.post(
        "/chat/completions", json=chat_body(), headers={"Authorization": "Bearer bad"}
    )
    assert (rejected.status_code, unauthorized.status_code) == (404, 401)
    assert sim.queued == 1
    response = await client.post("/chat/completions", json=chat_body())
    assert response.json()["choices"][0]["message"]["content"] == "the scripted answer"
    assert sim.queued == 0
    assert [r.status for r in sim.requests] == [404, 401, 200]


async def test_requests_are_recorded_with_lowercase_headers_and_parsed_body(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    sim.script(Turn(tool_calls=[ToolCallSpec(name="f")]))
    await client.post("/chat/completions", json=chat_body("hi"))
    await sim.wait_for_requests(1)
    record = sim.requests[0]
    assert (record.method, record.path) == ("POST", "/v1/chat/completions")
    assert record.headers["authorization"] == "Bearer sk-test"
    assert record.body == chat_body("hi")
    assert record.completed
    assert not record.client_disconnected
