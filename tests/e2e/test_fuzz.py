# ruff: noqa: E501
"""Hypothesis fuzz of every LSP method the server offers, over raw JSON-RPC on stdio.

One real server (built-in simulator) gets batches of requests and notifications, sent
without waiting, each with params that are either well-formed with random values (unopened
URIs, positions far outside the document, negative and huge numbers, astral characters,
every kimi.* command with random arguments) or malformed (wrong types, missing fields, null,
lists for objects, nested garbage, extra fields). Every request must get exactly one answer,
a result or an error with a valid code that is not an internal error, and the server must
live on: afterwards it still completes and counts usage, shuts down with exit code 0 and has
logged no traceback. `initialize` itself is fuzzed on fresh servers.

The methods come from the server's own registry, so a new handler without a strategy here
fails `test_every_registered_method_is_fuzzed`.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, event, given, note, settings
from hypothesis import strategies as st

from kimi_lsp.server import create_server

from .conftest import FAST_RETRIES, _server_env
from .raw import RawServer, assert_clean_log

BATCHES = 400
"""Hypothesis examples of the main fuzz; each is a batch of up to six messages."""
INITIALIZES = 8
"""Hypothesis examples of the initialize fuzz (a fresh server each)."""
WAIT = 20.0
"""Longest wait for any answer, in seconds."""

A_PY = "file:///tmp/kimi-fuzz/a.py"
DOCS = {
    A_PY: (
        "python",
        'import os\n\n\ndef greet(name: str) -> str:\n    """Say hello."""\n'
        '    return f"héllo {name} 🐍"\n\n\nclass Box:\n    size = 3\n',
    ),
    "file:///tmp/kimi-fuzz/b.md": ("markdown", "# Title 𝄞\n\nSome *text*\r\nwith\rbreaks\u2028.\n"),
}
STABLE = "file:///tmp/kimi-fuzz/stable.py"
"""Opened at the start and never changed or closed: commands on it reach the model."""
COMMANDS = sorted(create_server().protocol.fm.commands)
"""Every command the server registers, kimi.* and any added later."""
REQUESTS = {
    "textDocument/inlineCompletion",
    "textDocument/completion",
    "textDocument/codeAction",
    "textDocument/codeLens",
    "workspace/executeCommand",
}
LIFECYCLE = {"initialize", "shutdown", "exit"}
"""Fuzzed apart: `initialize` on fresh servers, `shutdown` and `exit` at the end."""
VALID_CODES = {-32700, -32600, -32601, -32602, -32002, -32001, -32800, -32801, -32802, -32803}
"""JSON-RPC and LSP error codes, without InternalError (-32603): that one is a bug."""


# ---- values -------------------------------------------------------------------------------

texts = st.text(max_size=12) | st.sampled_from(["", " ", "\n", "\r\n", "𝄞🐍", "\u2028", "é"])
ints = (
    st.integers(0, 12)
    | st.integers(0, 2**31 - 1)
    | st.integers(-3, -1)
    | st.integers(2**31, 2**64)
    | st.sampled_from([-(2**63), 2**100])
)
rpc_lookalike = st.fixed_dictionaries(
    {"jsonrpc": st.just("2.0"), "id": st.integers(10**6, 10**7), "method": st.sampled_from(
        ["textDocument/completion", "exit", "shutdown", "workspace/executeCommand"])},
    optional={"params": st.none() | st.just({})},
)  # fmt: skip
"""A JSON-RPC message nested inside params: it must stay data."""
garbage = st.recursive(
    st.none() | st.booleans() | ints | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3) | rpc_lookalike
    ),
    max_leaves=8,
)
open_uris = st.sampled_from(list(DOCS))
uris = open_uris | open_uris | st.sampled_from(
    ["file:///tmp/kimi-fuzz/unopened.py", "untitled:Untitled-1", "", "file://", "not a uri"]
) | texts.map(lambda t: "file:///tmp/kimi-fuzz/" + t)  # fmt: skip
positions = st.fixed_dictionaries({"line": ints, "character": ints})
small_positions = st.fixed_dictionaries(
    {"line": st.integers(0, 12), "character": st.integers(0, 8)}
)
ranges = st.fixed_dictionaries({"start": positions, "end": positions})
small_ranges = st.fixed_dictionaries({"start": small_positions, "end": small_positions})
doc_id = st.fixed_dictionaries({"uri": uris})
"""A document for notifications: the fuzz changes, closes and reopens these."""
asked_uris = st.just(STABLE) | uris
"""A document for requests: also the one no notification touches."""
asked_id = st.fixed_dictionaries({"uri": asked_uris})
diagnostics = st.fixed_dictionaries(
    {"range": ranges, "message": texts},
    optional={"severity": st.integers(1, 4) | ints, "source": texts, "code": ints | texts},
)


@dataclass(frozen=True)
class CancelOf:
    """The id of a request sent `back` requests before this message (resolved on sending)."""

    back: int


@dataclass(frozen=True)
class LatestToken:
    """The last progress token the server created (resolved on sending)."""


# ---- well-formed params with random values, by method ---------------------------------------

command_args = st.fixed_dictionaries(
    {"uri": asked_uris, "range": small_ranges | ranges},
    optional={
        "instruction": st.none() | texts,
        "preset": st.sampled_from(["docstring", "types", "simplify"]) | texts,
        "diagnostics": st.lists(diagnostics, max_size=2),
        "streamId": texts,
        "textDocument": asked_id,
        "proposalId": texts,
        "uris": st.lists(asked_uris | texts, max_size=2) | garbage,
        "diagnosticsByUri": st.dictionaries(texts, st.lists(diagnostics, max_size=1), max_size=2),
    },
)
kimi_settings = st.fixed_dictionaries(
    {},
    optional={
        "maxTokens": ints,
        "model": texts,
        "logLevel": st.sampled_from(["error", "debug", "loud"]),
        "webSearch": st.booleans(),
        "apiKey": texts,
        "budget": st.fixed_dictionaries({"sessionUsd": st.floats(0, 1) | garbage}),
        "explain": st.fixed_dictionaries(
            {}, optional={"contextLines": ints, "maxSelectionChars": ints}
        ),
        "completion": st.fixed_dictionaries(
            {},
            optional={
                "enabled": st.booleans(),
                "fallback": st.sampled_from(["invoked", "always", "off", "sometimes"]),
                "debounceMs": st.integers(0, 30) | texts,
                "cacheSize": st.integers(-1, 50),
                "languages": st.dictionaries(texts, st.booleans() | garbage, max_size=2),
            },
        ),
        "tools": st.fixed_dictionaries({}, optional={"enabled": st.booleans(), "deny": garbage}),
        "retry": garbage,
        "timeouts": garbage,
        "prices": st.dictionaries(texts, garbage, max_size=2),
    },
)
"""Random settings. Never a provider or base URL: the server must not leave the simulator."""
content_changes = st.lists(
    st.fixed_dictionaries({"range": small_ranges | ranges, "text": texts}, optional={"rangeLength": ints})
    | st.fixed_dictionaries({"text": texts}),
    max_size=3,
)  # fmt: skip
text_items = st.fixed_dictionaries(
    {"uri": uris, "languageId": st.sampled_from(["python", "markdown", "plaintext"]) | texts,
     "version": ints, "text": texts}
)  # fmt: skip
notebook_cells = st.lists(
    st.fixed_dictionaries({"kind": st.sampled_from([1, 2]) | ints, "document": uris}), max_size=2
)
notebook = st.fixed_dictionaries(
    {"uri": uris, "notebookType": texts, "version": ints, "cells": notebook_cells}
)
VALID: dict[str, st.SearchStrategy[Any]] = {
    "textDocument/inlineCompletion": st.fixed_dictionaries({
        "textDocument": asked_id, "position": small_positions | positions,
        "context": st.fixed_dictionaries(
            {"triggerKind": st.sampled_from([1, 2])},
            optional={"selectedCompletionInfo": st.fixed_dictionaries({"range": ranges, "text": texts})},
        ),
    }),
    "textDocument/completion": st.fixed_dictionaries(
        {"textDocument": asked_id, "position": small_positions | positions},
        optional={"context": st.fixed_dictionaries(
            {"triggerKind": st.sampled_from([1, 2, 3])}, optional={"triggerCharacter": texts})},
    ),
    "textDocument/codeAction": st.fixed_dictionaries({
        "textDocument": asked_id, "range": ranges,
        "context": st.fixed_dictionaries(
            {"diagnostics": st.lists(diagnostics, max_size=3)},
            optional={"only": st.lists(st.sampled_from(["", "quickfix", "refactor", "refactor.rewrite"]) | texts, max_size=2),
                      "triggerKind": st.sampled_from([1, 2])},
        ),
    }),
    "textDocument/codeLens": st.fixed_dictionaries({"textDocument": asked_id}),
    "workspace/executeCommand": st.fixed_dictionaries(
        {"command": st.sampled_from(COMMANDS) | texts},
        optional={"arguments": st.lists(command_args | garbage, max_size=2)},
    ),
    "textDocument/didOpen": st.fixed_dictionaries({"textDocument": text_items}),
    "textDocument/didChange": st.fixed_dictionaries({
        "textDocument": st.fixed_dictionaries({"uri": uris, "version": ints}),
        "contentChanges": content_changes,
    }),
    "textDocument/didClose": st.fixed_dictionaries({"textDocument": doc_id}),
    "workspace/didChangeConfiguration": st.fixed_dictionaries(
        {"settings": st.fixed_dictionaries({"kimi": kimi_settings}) | kimi_settings | garbage}
    ),
    "workspace/didChangeWorkspaceFolders": st.fixed_dictionaries({"event": st.fixed_dictionaries({
        "added": st.lists(st.fixed_dictionaries({"uri": uris, "name": texts}), max_size=2),
        "removed": st.lists(st.fixed_dictionaries({"uri": uris, "name": texts}), max_size=2),
    })}),
    "notebookDocument/didOpen": st.fixed_dictionaries(
        {"notebookDocument": notebook, "cellTextDocuments": st.lists(text_items, max_size=2)}
    ),
    "notebookDocument/didChange": st.fixed_dictionaries({
        "notebookDocument": st.fixed_dictionaries({"uri": uris, "version": ints}),
        "change": st.fixed_dictionaries({}, optional={"cells": st.fixed_dictionaries({}, optional={
            "structure": st.fixed_dictionaries({
                "array": st.fixed_dictionaries({"start": ints, "deleteCount": ints}, optional={"cells": notebook_cells}),
            }, optional={"didOpen": st.lists(text_items, max_size=1), "didClose": st.lists(doc_id, max_size=1)}),
            "textContent": st.lists(st.fixed_dictionaries({
                "document": st.fixed_dictionaries({"uri": uris, "version": ints}), "changes": content_changes,
            }), max_size=2),
        })}),
    }),
    "notebookDocument/didClose": st.fixed_dictionaries(
        {"notebookDocument": st.fixed_dictionaries({"uri": uris}), "cellTextDocuments": st.lists(doc_id, max_size=2)}
    ),
    "initialized": st.just({}),
    "$/setTrace": st.fixed_dictionaries({"value": st.sampled_from(["off", "messages", "verbose"]) | texts}),
    "$/cancelRequest": st.fixed_dictionaries(
        {"id": st.builds(CancelOf, st.integers(0, 4)) | st.integers(-5, 10**6) | texts}
    ),
    "window/workDoneProgress/cancel": st.fixed_dictionaries({"token": st.just(LatestToken()) | texts | ints}),
}  # fmt: skip


# ---- malformed params -----------------------------------------------------------------------


@st.composite
def broken(draw: st.DrawFn, valid: st.SearchStrategy[Any]) -> Any:
    """`valid` params with one thing wrong somewhere (or nothing like them at all)."""
    how = draw(st.sampled_from(["replace", "drop", "extra", "wrap", "unrelated"]))
    value = copy.deepcopy(draw(valid))
    if how == "unrelated":
        return draw(garbage)
    if how == "wrap":
        return [value]
    path = []  # walk down to a random object in the params
    node = value
    while isinstance(node, dict) and node and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(node)))
        if not isinstance(node[key], dict):
            break
        path.append(key)
        node = node[key]
    if not isinstance(node, dict):
        return draw(garbage)
    if how == "extra":
        node[draw(texts)] = draw(garbage)
    elif node:
        key = draw(st.sampled_from(sorted(node)))
        if how == "drop":
            del node[key]
        else:
            node[key] = draw(garbage)
    else:
        return draw(garbage)
    note(f"broken ({how} at {path})")
    return value


def params_for(method: str) -> st.SearchStrategy[Any]:
    valid = VALID[method]
    return st.one_of(valid, broken(valid))


line_ranges = st.tuples(st.integers(0, 9), st.integers(0, 2)).map(
    lambda t: {
        "start": {"line": t[0], "character": 0},
        "end": {"line": t[0] + t[1], "character": 0},
    }
)
"""Whole lines: inside the documents unless the fuzz has shortened them."""
plausible_commands = st.fixed_dictionaries(
    {
        "command": st.sampled_from(COMMANDS),
        "arguments": st.tuples(
            st.fixed_dictionaries(
                {"uri": st.just(STABLE) | open_uris, "range": line_ranges},
                optional={
                    "instruction": texts,
                    "preset": st.sampled_from(["docstring", "types", "simplify"]),
                    "diagnostics": st.lists(diagnostics, min_size=1, max_size=2),
                },
            )
        ).map(list),
    }
)
"""Commands that get past the argument checks: they reach the model, edits, undo, cancel."""
UNKNOWN_METHODS = st.sampled_from(["kimi/unknown", "$/unknown", "textDocument/hover", ""]) | texts
REQUEST_WEIGHT = 3
messages = st.one_of(
    [
        st.tuples(st.just(m), params_for(m), st.just(m in REQUESTS))
        for m in sorted(VALID)
        for _ in range(REQUEST_WEIGHT if m in REQUESTS else 1)
    ]
    + [st.tuples(st.just("workspace/executeCommand"), plausible_commands, st.just(True))]
    * REQUEST_WEIGHT
    + [st.tuples(UNKNOWN_METHODS, garbage, st.booleans())]
)
"""(method, params, sent as a request), requests weighted up against the notifications"""
batches = st.lists(messages, min_size=1, max_size=8)


# ---- the server -----------------------------------------------------------------------------


def fuzz_env(home: Path) -> dict[str, str]:
    return {**_server_env(), "KIMI_LSP_PROVIDER": "simulator", "HOME": str(home)}


CAPABILITIES: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "window": {"workDoneProgress": True, "showMessage": {}},
    "workspace": {"applyEdit": True, "workspaceFolders": True},
    "textDocument": {"completion": {}, "codeAction": {}},
}
"""A client like Neovim 0.11: no inline completion, so the completion fallback answers."""
GOOD_SETTINGS: dict[str, Any] = {"kimi": {"provider": "simulator", "retry": FAST_RETRIES}}


def resolve(value: Any, server: RawServer, sent: list[int]) -> Any:
    if isinstance(value, CancelOf):
        return sent[-1 - value.back] if len(sent) > value.back else server.next_id + 1
    if isinstance(value, LatestToken):
        tokens = [
            r["params"]["token"]
            for r in server.server_requests
            if r["method"] == "window/workDoneProgress/create"
        ]
        return tokens[-1] if tokens else "no-token-yet"
    if isinstance(value, dict):
        return {k: resolve(v, server, sent) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, server, sent) for v in value]
    return value


def check_answer(answer: dict[str, Any], method: str, params: Any) -> None:
    where = f"{method} {params!r} -> {answer!r}"
    assert ("result" in answer) != ("error" in answer), where
    if "error" in answer:
        error = answer["error"]
        assert error["code"] in VALID_CODES, where
        assert isinstance(error["message"], str), where
        data = error.get("data")
        assert not (isinstance(data, dict) and data.get("kind") == "internal"), where


Message = tuple[str, Any, bool]


async def send_batch(server: RawServer, batch: list[Message]) -> None:
    """Send the whole batch at once, then read until every request has its answer."""
    sent: list[int] = []
    requests: list[tuple[int, str, Any]] = []
    for method, raw, is_request in batch:
        params = resolve(raw, server, sent)
        if is_request:
            sent.append(server.send_request(method, params))
            requests.append((sent[-1], method, params))
        else:
            server.notify(method, params)
    answers = await server.answers_to(sent, WAIT)
    for (_, method, params), answer in zip(requests, answers, strict=True):
        check_answer(answer, method, params)
        name = params.get("command") if isinstance(params, dict) else None
        outcome = "result" if "result" in answer else answer["error"]["code"]
        event(f"{method} {name if isinstance(name, str) and name in COMMANDS else ''}: {outcome}")
    assert server.alive
    check_one_answer_each(server)


def check_one_answer_each(server: RawServer) -> None:
    """No request answered twice, nothing answered that was not asked."""
    twice = {i: a for i, a in server.answers.items() if len(a) != 1}
    assert not twice, twice
    unasked = set(server.answers) - set(range(1, server.next_id + 1))
    assert not unasked, {i: server.answers[i] for i in unasked}


def test_every_registered_method_is_fuzzed() -> None:
    fm = create_server().protocol.fm
    offered = set(fm.builtin_features) | set(fm.features) | {"$/cancelRequest"}
    assert offered - LIFECYCLE <= set(VALID), offered - LIFECYCLE - set(VALID)
    assert {
        "kimi.explain",
        "kimi.refactor",
        "kimi.fix",
        "kimi.edit",
        "kimi.accept",
        "kimi.reject",
        "kimi.undo",
    } <= set(COMMANDS)


def test_random_and_malformed_params_for_every_method(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with asyncio.Runner() as runner:
        server = runner.run(start(tmp_path, log))
        try:

            @settings(
                max_examples=BATCHES,
                deadline=None,
                phases=(Phase.explicit, Phase.reuse, Phase.generate),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            @given(batch=batches)
            def fuzz(batch: list[Message]) -> None:
                runner.run(send_batch(server, batch))

            fuzz()
            runner.run(still_works(server, tmp_path))
            assert runner.run(server.stop(WAIT)) == 0
        finally:
            runner.run(server.kill())
    check_one_answer_each(server)
    assert set(server.answers) == set(range(1, server.next_id + 1))
    assert_clean_log(log)


async def start(tmp_path: Path, log: Path) -> RawServer:
    server = await RawServer.start(
        fuzz_env(tmp_path), "--log-level", "debug", "--log-file", str(log)
    )
    init = await server.request(
        "initialize",
        {
            "processId": None,
            "capabilities": CAPABILITIES,
            "rootUri": tmp_path.as_uri(),
            "initializationOptions": GOOD_SETTINGS,
        },
        WAIT,
    )
    assert "result" in init, init
    server.notify("initialized", {})
    for uri, (language, text) in [*DOCS.items(), (STABLE, DOCS[A_PY])]:
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
        )
    return server


async def still_works(server: RawServer, tmp_path: Path) -> None:
    """After the fuzz: good settings back, a fresh document completes, usage is counted."""
    # the documents the fuzz opened would be sent as related snippets: leave them out
    calm = {"kimi": {**GOOD_SETTINGS["kimi"], "completion": {"neighbours": False}}}
    server.notify("workspace/didChangeConfiguration", {"settings": calm})
    uri = (tmp_path / "after.py").as_uri()
    text = "def add(a, b):\n    return a + b\n\nresult = add(1, 2)\nprint(result\n"
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
    )
    completion = await server.request(
        "textDocument/completion",
        {"textDocument": {"uri": uri}, "position": {"line": 4, "character": 12},
         "context": {"triggerKind": 1}},
        WAIT,
    )  # fmt: skip
    assert completion.get("result"), completion  # the simulator's default ghost text is empty
    explain = await server.request(
        "workspace/executeCommand",
        {"command": "kimi.explain", "arguments": [{"uri": uri, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}}]},
        WAIT,
    )  # fmt: skip
    assert "after.py" in explain.get("result", {}).get("markdown", ""), explain
    usage = await server.request(
        "workspace/executeCommand", {"command": "kimi.usage", "arguments": []}, WAIT
    )
    result = usage["result"]
    assert {"requests", "promptTokens", "completionTokens", "costUsd"} <= set(result)
    assert result["requests"] >= 2


# ---- initialize ------------------------------------------------------------------------------

encodings = st.lists(st.sampled_from(["utf-8", "utf-16", "utf-32", "latin-1"]) | texts, max_size=3)
init_params = st.fixed_dictionaries(
    {"capabilities": st.fixed_dictionaries({}, optional={
        "general": st.fixed_dictionaries({}, optional={"positionEncodings": encodings | garbage}),
        "workspace": st.fixed_dictionaries({}, optional={
            "configuration": st.booleans() | garbage,
            "didChangeConfiguration": st.fixed_dictionaries({"dynamicRegistration": st.booleans()}),
        }),
        "window": st.fixed_dictionaries({}, optional={"workDoneProgress": st.booleans(), "showMessage": garbage}),
        "textDocument": st.fixed_dictionaries({}, optional={
            "inlineCompletion": st.just({}) | garbage,
            "codeAction": st.fixed_dictionaries({}, optional={"tagSupport": st.fixed_dictionaries({"valueSet": st.lists(ints, max_size=2)})}),
        }),
    })},
    optional={
        "processId": st.none() | ints,
        "rootUri": st.none() | uris,
        "rootPath": st.none() | texts,
        "workspaceFolders": st.none() | st.lists(st.fixed_dictionaries({"uri": uris, "name": texts}), max_size=2),
        "clientInfo": st.fixed_dictionaries({"name": texts}, optional={"version": texts}),
        "initializationOptions": st.fixed_dictionaries({"kimi": kimi_settings}) | kimi_settings | garbage,
        "trace": st.sampled_from(["off", "messages", "verbose"]) | texts,
        "locale": texts,
    },
)  # fmt: skip


async def initialize_once(params: Any, home: Path) -> None:
    log = home / "init.log"
    server = await RawServer.start(fuzz_env(home), "--log-level", "debug", "--log-file", str(log))
    try:
        answer = await server.request("initialize", params, WAIT)
        check_answer(answer, "initialize", params)
        if "result" in answer:
            server.notify("initialized", {})
        usage = await server.request(
            "workspace/executeCommand", {"command": "kimi.usage", "arguments": []}, WAIT
        )
        check_answer(usage, "kimi.usage", None)
        assert await server.stop(WAIT) == 0
    finally:
        await server.kill()
    assert_clean_log(log)


@settings(max_examples=INITIALIZES, deadline=None, phases=(Phase.explicit, Phase.generate))
@given(params=st.one_of(init_params, broken(init_params)))
def test_random_and_malformed_initialize(params: Any, tmp_path_factory: Any) -> None:
    home = tmp_path_factory.mktemp("init")
    asyncio.run(initialize_once(params, home))
