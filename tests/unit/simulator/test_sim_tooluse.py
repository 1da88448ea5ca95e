"""The default responder's tool use on explain requests: read an imported module first."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from kimi_lsp.simulator.responder import default_turn

from .helpers import (
    MODEL,
    WORKSPACE_TOOLS,
    collapse,
    deltas,
    kinds,
    stream_chat,
    tool_calls,
)

BEFORE = '''\
"""Stock keeping."""

import os
import requests
from .stock import level
from pricing import unit_price, PriceList
'''

SELECTION = """\
def restock_cost(items):
    total = 0.0
    for sku, missing in items:
        total += unit_price(sku, missing)
    return total"""

PRICING = '''\
"""Prices of the shop."""

from dataclasses import dataclass


@dataclass
class PriceList:
    currency: str

    def lookup(self, sku: str) -> float:
        return 1.0


def unit_price(sku: str, quantity: int = 1) -> float:
    return 2.5 * quantity


def rounded(value: float) -> float:
    return round(value, 2)
'''


def explain_prompt(
    before: str = BEFORE, selection: str = SELECTION, path: str = "pkg/inventory.py"
) -> str:
    """An explain prompt shaped like the language server's."""
    language = "typescript" if path.endswith(".ts") else "python"
    return (
        f"Explain the selected code.\nPath: {path}\nLanguage: {language}\n\n"
        f"<context_before>\n{before}\n</context_before>\n"
        f"<selection>\n{selection}\n</selection>\n"
        "<context_after>\n\n</context_after>"
    )


def explain_body(prompt: str | None = None, **extra: Any) -> dict[str, Any]:
    """An explain request offering the workspace tools (override with ``tools=...``)."""
    messages = [
        {"role": "system", "content": "You are Kimi. Use read_file when needed."},
        {"role": "user", "content": prompt or explain_prompt()},
    ]
    body: dict[str, Any] = {"model": MODEL, "messages": messages, "tools": WORKSPACE_TOOLS}
    body.update(extra)
    return body


async def first_answer(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    """Send ``body`` without streaming and return the assistant message."""
    response = await client.post("/chat/completions", json=body)
    assert response.status_code == 200, response.text
    choice = response.json()["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    message: dict[str, Any] = choice["message"]
    return message


def follow_up(body: dict[str, Any], assistant: dict[str, Any], result: str) -> dict[str, Any]:
    """Return ``body`` continued with the assistant message as received and a tool result."""
    call_id = assistant["tool_calls"][0]["id"]
    tool_message = {"role": "tool", "tool_call_id": call_id, "content": result}
    return {**body, "messages": [*body["messages"], assistant, tool_message]}


async def test_streams_one_read_file_call_for_the_used_local_module(
    client: httpx.AsyncClient,
) -> None:
    body = explain_body(stream_options={"include_usage": True})
    payloads = await stream_chat(client, body)
    assert collapse(kinds(payloads)) == ["role", "reasoning", "tool", "finish", "usage", "done"]
    assert deltas(payloads, "content") == ""
    assert "unit_price" in deltas(payloads, "reasoning_content")
    calls = tool_calls(payloads)
    assert list(calls) == [0]
    assert calls[0]["name"] == "read_file"
    assert calls[0]["id"]
    assert json.loads(calls[0]["arguments"]) == {"path": "pkg/pricing.py"}
    assert payloads[-3]["choices"][0]["finish_reason"] == "tool_calls"
    assert payloads[-2]["usage"]["completion_tokens"] > 0


@pytest.mark.parametrize(
    ("path", "before", "selection", "expected"),
    [
        (
            "pkg/inventory.py",
            "from pkg.pricing import unit_price",
            "unit_price(1)",
            "pkg/pricing.py",
        ),
        ("src/pkg/inventory.py", "from .pricing import unit_price", "x = 1", "src/pkg/pricing.py"),
        ("src/pkg/a/inv.py", "from ..pricing import cost", "cost()", "src/pkg/pricing.py"),
        ("pkg/inventory.py", "from . import pricing", "pricing.cost()", "pkg/pricing.py"),
        ("inventory.py", "import pricing as p", "p.cost()", "pricing.py"),
        ("src/app/main.ts", "import { total } from './cart';", "total(items);", "src/app/cart.ts"),
        (
            "src/app/main.ts",
            "import * as util from '../lib/util.js';",
            "util.x()",
            "src/lib/util.ts",
        ),
        ("pkg/inventory.py", "", "from pricing import cost\nprint(cost())", "pkg/pricing.py"),
    ],
)
def test_read_file_path_is_computed_from_the_prompt_path(
    path: str, before: str, selection: str, expected: str
) -> None:
    turn = default_turn(explain_body(explain_prompt(before, selection, path)))
    assert turn.content == ""
    assert [(c.name, json.loads(c.arguments)) for c in turn.tool_calls] == [
        ("read_file", {"path": expected})
    ]


def test_prefers_the_module_whose_names_the_selection_uses() -> None:
    before = "from helpers import unused_helper\nfrom pricing import unit_price\n"
    turn = default_turn(explain_body(explain_prompt(before, "y = unit_price(3)")))
    assert json.loads(turn.tool_calls[0].arguments) == {"path": "pkg/pricing.py"}
    fallback = default_turn(explain_body(explain_prompt(before, "y = 3")))
    assert json.loads(fallback.tool_calls[0].arguments) == {"path": "pkg/helpers.py"}


def _with_earlier_tool_round(body: dict[str, Any]) -> dict[str, Any]:
    """A conversation that already had a tool round, then a new user question."""
    call = {"id": "c1", "type": "function", "function": {"name": "read_file", "arguments": "{}"}}
    earlier = [
        {"role": "assistant", "content": "", "reasoning_content": "r", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "x = 1"},
        {"role": "assistant", "content": "Done."},
    ]
    messages = body["messages"]
    return {**body, "messages": [messages[0], *earlier, messages[1]]}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(explain_body(tools=None), id="no-tools"),
        pytest.param(explain_body(tools=WORKSPACE_TOOLS[1:]), id="no-read-file-tool"),
        pytest.param(explain_body(tool_choice="none"), id="tool-choice-none"),
        pytest.param(explain_body(explain_prompt("import os\nimport requests")), id="no-local"),
        pytest.param(explain_body(explain_prompt(path="/home/u/inventory.py")), id="outside"),
        pytest.param(_with_earlier_tool_round(explain_body()), id="tool-message-already"),
    ],
)
async def test_answers_directly_without_a_usable_tool_or_local_import(
    client: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    payloads = await stream_chat(client, body)
    assert "tool" not in kinds(payloads)
    assert "**Summary.**" in deltas(payloads, "content")
    assert "### What it relies on" not in deltas(payloads, "content")
    assert payloads[-2]["choices"][0]["finish_reason"] == "stop"


async def test_tool_result_is_described_in_the_explanation(client: httpx.AsyncClient) -> None:
    body = explain_body()
    assistant = await first_answer(client, body)
    assert assistant["reasoning_content"]
    payloads = await stream_chat(client, follow_up(body, assistant, PRICING))
    assert "tool" not in kinds(payloads)
    assert payloads[-2]["choices"][0]["finish_reason"] == "stop"
    content = deltas(payloads, "content")
    assert "**Summary.**" in content
    assert "`restock_cost(items)`" in content
    relies = content.split("### What it relies on\n", 1)[1]
    assert "`pkg/pricing.py`" in relies
    for name in ("unit_price(sku: str, quantity: int = 1)", "rounded(value: float)", "PriceList"):
        assert name in relies, relies
    assert "The selection uses `unit_price` from it." in relies


@pytest.mark.parametrize(
    "result", ["Error: no such file: pkg/pricing.py", "Refused: pkg/pricing.py is ignored"]
)
async def test_failed_tool_result_says_the_file_could_not_be_read(
    client: httpx.AsyncClient, result: str
) -> None:
    body = explain_body()
    assistant = await first_answer(client, body)
    response = await client.post("/chat/completions", json=follow_up(body, assistant, result))
    choice = response.json()["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert "tool_calls" not in choice["message"]
    relies = choice["message"]["content"].split("### What it relies on\n", 1)[1]
    assert "`pkg/pricing.py` could not be read" in relies
    assert result in relies


async def test_other_tool_results_are_summarised(client: httpx.AsyncClient) -> None:
    calls = [
        {"id": "a", "type": "function", "function": {"name": "list_files", "arguments": "{}"}},
        {
            "id": "b",
            "type": "function",
            "function": {"name": "search_text", "arguments": '{"query": "unit_price"}'},
        },
    ]
    assistant = {"role": "assistant", "content": "", "reasoning_content": "r", "tool_calls": calls}
    body = explain_body()
    body["messages"] += [
        assistant,
        {"role": "tool", "tool_call_id": "a", "content": "pkg/inventory.py\npkg/pricing.py\n"},
        {"role": "tool", "tool_call_id": "b", "content": "pkg/pricing.py:14: def unit_price("},
    ]
    response = await client.post("/chat/completions", json=body)
    content = response.json()["choices"][0]["message"]["content"]
    assert "`list_files` listed 2 entries." in content
    assert "`search_text` for `unit_price` found 1 matching line." in content


def test_tool_use_is_deterministic() -> None:
    assert default_turn(explain_body()) == default_turn(explain_body())
