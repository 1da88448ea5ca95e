"""Cassettes: answers written in a JSON file, matched by request kind and a substring of the
last user message, by round of a tool loop; loaded from a file or over the control API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from kimi_lsp.simulator import Cassette, Simulator, load_cassette

from .helpers import KEY, WORKSPACE_TOOLS, chat_body
from .test_sim_responder import explain, ghost

CASSETTE: dict[str, Any] = {
    "queue": [{"content": "first, whatever was asked"}],
    "answers": [
        {
            "kind": "explain",
            "contains": "def total",
            "turns": [
                {
                    "reasoning": "I should read the helper.",
                    "tool_calls": [{"name": "read_file", "arguments": '{"path": "pkg/a.py"}'}],
                },
                {"content": "`total` adds the items."},
            ],
        },
        {"kind": "ghost_text", "turns": [{"content": "<completion>urn 1</completion>"}]},
        {"contains": "weather", "turns": [{"content": "Sunny."}]},
    ],
}


def content(response: httpx.Response) -> Any:
    """The answer's content."""
    assert response.status_code == 200, response.text
    return response.json()["choices"][0]["message"]["content"]


def tool_round(request: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """``request`` continued with the assistant's tool call and the tool's result."""
    message = answer["choices"][0]["message"]
    call = message["tool_calls"][0]
    replay = {"role": "assistant", "content": message["content"], "tool_calls": [call]}
    replay["reasoning_content"] = message["reasoning_content"]
    result = {"role": "tool", "tool_call_id": call["id"], "content": "def helper(): ..."}
    return {**request, "messages": [*request["messages"], replay, result]}


async def test_queue_then_rules_by_kind_substring_and_round(tmp_path: Path) -> None:
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps(CASSETTE), encoding="utf-8")
    async with Simulator(api_key=KEY, cassette=load_cassette(path)) as sim:
        headers = {"Authorization": f"Bearer {KEY}"}
        async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client:
            assert content(await client.post("/chat/completions", json=ghost())) == (
                "first, whatever was asked"
            )
            request = {**explain(), "tools": WORKSPACE_TOOLS}
            for _ in range(2):  # entries never wear out
                answer = (await client.post("/chat/completions", json=request)).json()
                assert answer["choices"][0]["finish_reason"] == "tool_calls"
                second = await client.post("/chat/completions", json=tool_round(request, answer))
                assert content(second) == "`total` adds the items."
            other = {**explain("x = 1\n"), "tools": WORKSPACE_TOOLS}
            assert "simulator" in content(await client.post("/chat/completions", json=other))
            ghost_text = await client.post("/chat/completions", json=ghost())
            assert content(ghost_text) == "<completion>urn 1"  # cut by the stop sequence
            weather = chat_body("What is the weather like?")
            assert content(await client.post("/chat/completions", json=weather)) == "Sunny."


async def test_control_endpoint_loads_a_cassette_and_reset_forgets_it(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{sim.port}") as control:
        loaded = await control.post("/_simulator/script", json=CASSETTE)
        assert loaded.json() == {"queued": 1}
        assert content(await client.post("/chat/completions", json=chat_body())) == (
            "first, whatever was asked"
        )
        weather = chat_body("weather?")
        assert content(await client.post("/chat/completions", json=weather)) == "Sunny."
        await control.post("/_simulator/reset")
        assert content(await client.post("/chat/completions", json=weather)) != "Sunny."
        bad = await control.post("/_simulator/script", json={"answers": [{"turns": []}]})
        assert bad.status_code == 400


def test_a_bad_cassette_file_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="Cannot read the cassette"):
        load_cassette(tmp_path / "missing.json")
    path = tmp_path / "bad.json"
    path.write_text('{"answers": [{"kind": "poem", "turns": [{}]}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid"):
        load_cassette(path)
    assert Cassette.model_validate({}).answers == []


def test_the_readme_example_is_a_valid_cassette() -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The simulator") :]
    example = section[
        section.index("```json\n") + 8 : section.index("\n```", section.index("```json"))
    ]
    cassette = Cassette.model_validate(json.loads(example))
    assert [a.kind for a in cassette.answers] == ["explain", "ghost_text"]
