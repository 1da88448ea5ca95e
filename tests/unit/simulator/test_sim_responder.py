"""Choosing answers: the honest default, responders passed in, and fitting a turn to the
request. Requests are built with the language server's own prompt builders, so a prompt
change that the simulator no longer recognises fails here."""

from __future__ import annotations

from typing import Any

import httpx

from kimi_lsp.prompts import completion_messages, explain_messages, rewrite_messages
from kimi_lsp.simulator import ChatRequest, Simulator, Turn
from kimi_lsp.simulator.request import chat_request
from kimi_lsp.simulator.responder import NOTE, default_turn

from .helpers import KEY, MODEL, WORKSPACE_TOOLS, chat_body, deltas, stream_chat

SELECTION = "def total(items):\n    return sum(items)\n"


def body(messages: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A chat request body with these messages."""
    return {"model": MODEL, "messages": messages, **extra}


def explain(selection: str = SELECTION, path: str = "pkg/cart.py") -> dict[str, Any]:
    """An explain request as the server sends it."""
    parts = {"before": "import os\n", "selection": selection, "after": "\n# end\n"}
    return body(explain_messages(path=path, language="python", tools=True, **parts))


def rewrite(selection: str = SELECTION, language: str = "python") -> dict[str, Any]:
    """A rewrite request as the server sends it."""
    messages = rewrite_messages(
        instruction="add type hints",
        path="pkg/cart.py",
        language=language,
        before="",
        selection=selection,
        after="",
        tools=False,
    )
    return body(messages)


def ghost(prefix: str = "def total(items):\n    ret", suffix: str = "\n") -> dict[str, Any]:
    """A ghost-text request as the server sends it."""
    messages = completion_messages(
        path="pkg/cart.py",
        language="python",
        prefix=prefix,
        suffix=suffix,
        multiline=True,
        alternatives=1,
        neighbours=[],
    )
    return body(messages, stop=["</completion>"])


def test_request_kinds_follow_the_servers_prompts() -> None:
    assert chat_request(explain()).kind == "explain"
    assert chat_request(rewrite()).kind == "rewrite"
    assert chat_request(ghost()).kind == "ghost_text"
    assert chat_request(chat_body("Explain <selection> tags to me")).kind == "chat"
    request = chat_request(explain())
    assert (request.selection, request.language, request.path, request.round) == (
        SELECTION,
        "python",
        "pkg/cart.py",
        0,
    )


def test_default_explain_is_a_fixed_note_naming_the_selection() -> None:
    turn = default_turn(chat_request(explain()))
    assert turn.content.startswith(NOTE)
    assert "2 lines of pkg/cart.py, starting with `def total(items):`" in turn.content
    assert "simulator" in turn.reasoning


def test_default_rewrite_is_the_selection_unchanged_in_one_block() -> None:
    assert default_turn(chat_request(rewrite())).content == f"```python\n{SELECTION}\n```"
    crlf = "a = 1\r\nb = '```'\r\n"
    assert default_turn(chat_request(rewrite(crlf, "markdown"))).content == (
        f"````markdown\n{crlf}\n````"
    )
    assert default_turn(chat_request(rewrite("x"))).content == "```python\nx\n```"


async def test_default_ghost_text_is_empty(client: httpx.AsyncClient) -> None:
    payloads = await stream_chat(client, ghost())
    assert deltas(payloads, "content") == "<completion>"  # the stop sequence cuts the rest


def test_default_chat_answer_says_it_is_a_simulator() -> None:
    assert default_turn(chat_request(chat_body("Hi"))).content == NOTE


async def test_a_responder_answers_before_the_default_and_may_pass() -> None:
    seen: list[ChatRequest] = []

    def responder(request: ChatRequest) -> Turn | None:
        seen.append(request)
        if request.kind != "ghost_text":
            return None
        return Turn(content="<completion>urn sum(items)</completion>")

    async with Simulator(api_key=KEY, responder=responder) as sim:
        headers = {"Authorization": f"Bearer {KEY}"}
        async with httpx.AsyncClient(base_url=sim.base_url, headers=headers) as client:
            sim.script(Turn(content="queued first"))
            first = await client.post("/chat/completions", json=ghost())
            second = await client.post("/chat/completions", json=ghost())
            third = await client.post("/chat/completions", json=explain())
    assert first.json()["choices"][0]["message"]["content"] == "queued first"
    assert second.json()["choices"][0]["message"]["content"] == "<completion>urn sum(items)"
    assert third.json()["choices"][0]["message"]["content"].startswith(NOTE)
    assert [r.kind for r in seen] == ["ghost_text", "explain"]


async def test_tool_calls_are_dropped_when_no_tool_can_be_called(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    call = {"name": "read_file", "arguments": '{"path": "a.py"}'}
    sim.script(
        Turn.model_validate({"content": "kept", "tool_calls": [call]}),
        Turn.model_validate({"tool_calls": [call], "finish_reason": "tool_calls"}),
        Turn.model_validate({"tool_calls": [call]}),
    )
    kept = await client.post("/chat/completions", json=chat_body())
    message = kept.json()["choices"][0]["message"]
    assert (message["content"], message.get("tool_calls")) == ("kept", None)
    empty = (await client.post("/chat/completions", json=chat_body())).json()["choices"][0]
    assert (empty["message"]["content"], empty["finish_reason"]) == (NOTE, "stop")
    none = chat_body(tools=WORKSPACE_TOOLS, tool_choice="none")
    answer = (await client.post("/chat/completions", json=none)).json()["choices"][0]
    assert answer["finish_reason"] == "stop"
