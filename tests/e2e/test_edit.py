"""kimi.edit end to end: the model reads, proposes edits across files and a new file with
edit_file / create_file, and the user accepts (one applyEdit), rejects or undoes the whole
change, under VS Code and Neovim capabilities."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from kimi_lsp.simulator import ToolCallSpec, Turn

from .conftest import session_of
from .editor import Editor
from .test_refactor import command

API = '''"""The shop's API."""


def total_price(items):
    return sum(item.price for item in items)
'''
CART = """from shop.api import total_price


def checkout(cart):
    return total_price(cart.items)
"""
REPORT = """from shop.api import total_price


def report(orders):
    return [total_price(o.items) for o in orders]
"""
TEST = """from shop.api import order_total


def test_order_total_of_nothing():
    assert order_total([]) == 0
"""


def call(name: str, **arguments: Any) -> ToolCallSpec:
    return ToolCallSpec(name=name, arguments=json.dumps(arguments))


def rename_turns() -> list[Turn]:
    """The model reads, then renames total_price in three files and adds a test."""
    return [
        Turn(reasoning="Find the uses.", tool_calls=[call("search_text", query="total_price")]),
        Turn(
            reasoning="Rename everywhere.",
            tool_calls=[
                call(
                    "edit_file",
                    path="shop/api.py",
                    old_text="def total_price(items):",
                    new_text="def order_total(items):",
                ),
                call(
                    "edit_file",
                    path="shop/cart.py",
                    old_text="from shop.api import total_price",
                    new_text="from shop.api import order_total",
                ),
                call(
                    "edit_file",
                    path="shop/cart.py",
                    old_text="return total_price(cart.items)",
                    new_text="return order_total(cart.items)",
                ),
                call(
                    "edit_file",
                    path="shop/report.py",
                    old_text="from shop.api import total_price",
                    new_text="from shop.api import order_total",
                ),
                call(
                    "edit_file",
                    path="shop/report.py",
                    old_text="[total_price(o.items)",
                    new_text="[order_total(o.items)",
                ),
                call("create_file", path="tests/test_api.py", content=TEST),
            ],
        ),
        Turn(reasoning="Done.", content="Renamed total_price to order_total and added a test."),
    ]


def editor_of(client: LanguageClient) -> Editor:
    return session_of(client).editor  # type: ignore[no-any-return]


def workspace(client: LanguageClient) -> tuple[Path, str]:
    """The shop: api.py open and dirty (an unsaved comment), cart.py and report.py closed."""
    root = session_of(client).workspace
    (root / "shop").mkdir()
    (root / "shop" / "api.py").write_text(API)
    (root / "shop" / "cart.py").write_text(CART)
    (root / "shop" / "report.py").write_text(REPORT)
    uri = (root / "shop" / "api.py").as_uri()
    editor = editor_of(client)
    editor.open(uri, API)
    editor.type(uri, len(API), None, "# unsaved\n")  # dirty: the buffer wins over the disk
    return root, uri


async def edit(client: LanguageClient, instruction: str, **extra: Any) -> Any:
    return await command(client, "kimi.edit", {"instruction": instruction, **extra})


async def test_a_rename_across_files_accepted_rejected_and_undone(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    root, api_uri = workspace(client)
    session.sim.script(*rename_turns())
    result = await edit(client, "rename total_price to order_total", uri=api_uri)
    assert result["status"] == "proposed", result
    assert result["message"] == "Renamed total_price to order_total and added a test."
    files = {f["uri"].rsplit("/", 1)[1]: f for f in result["files"]}
    assert {name: f["kind"] for name, f in files.items()} == {
        "api.py": "edit",
        "cart.py": "edit",
        "report.py": "edit",
        "test_api.py": "create",
    }
    assert len(files["cart.py"]["edits"]) == 2
    # nothing is written before the user accepts
    assert editor.text(api_uri) == API + "# unsaved\n"
    assert (root / "shop" / "cart.py").read_text() == CART
    assert not (root / "tests" / "test_api.py").exists()
    prompt = session.sim.requests[0].body["messages"][-1]["content"]
    assert "shop/cart.py" in prompt  # the workspace's files
    assert "shop/api.py" in prompt.split("<open_documents>")[1]

    accepted = await command(client, "kimi.accept", {"proposalId": result["proposalId"]})
    assert accepted["status"] == "applied"
    assert editor.workspace_edits == 1  # one applyEdit for the whole change
    sent = editor.edits[-1].edit
    versions = {
        c.text_document.uri: c.text_document.version
        for c in sent.document_changes or []
        if isinstance(c, types.TextDocumentEdit)
    }
    assert versions[api_uri] == 2  # the open file: the version its edits were placed in
    assert versions[(root / "shop" / "cart.py").as_uri()] is None  # not open
    if session.client_name == "vscode":  # it declared change annotations: its preview
        annotations = sent.change_annotations or {}
        assert [a.needs_confirmation for a in annotations.values()] == [True]
    assert editor.text(api_uri) == API.replace("total_price", "order_total") + "# unsaved\n"
    assert (root / "shop" / "cart.py").read_text() == CART.replace("total_price", "order_total")
    assert (root / "shop" / "report.py").read_text() == REPORT.replace("total_price", "order_total")
    assert (root / "tests" / "test_api.py").read_text() == TEST

    undone = await command(client, "kimi.undo", {"proposalId": result["proposalId"]})
    assert undone["status"] == "applied"
    assert editor.workspace_edits == 2
    assert editor.text(api_uri) == API + "# unsaved\n"
    assert (root / "shop" / "cart.py").read_text() == CART
    assert (root / "shop" / "report.py").read_text() == REPORT
    assert not (root / "tests" / "test_api.py").exists()


async def test_rejecting_changes_nothing(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    root, api_uri = workspace(client)
    session.sim.script(*rename_turns())
    result = await edit(client, "rename total_price to order_total")
    rejected = await command(client, "kimi.reject", {"uri": api_uri})
    assert rejected["status"] == "rejected"
    assert editor.edits == []
    assert editor.text(api_uri) == API + "# unsaved\n"
    assert (root / "shop" / "cart.py").read_text() == CART
    assert not (root / "tests").exists()
    with pytest.raises(JsonRpcException, match="no longer known"):
        await command(client, "kimi.accept", {"proposalId": result["proposalId"]})


async def test_an_open_file_edited_before_accept_is_matched_again(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    root, api_uri = workspace(client)
    session.sim.script(*rename_turns())
    result = await edit(client, "rename total_price to order_total")
    editor.type(api_uri, 0, None, "# a line above\n")  # the edit still fits, lower down
    await command(client, "kimi.accept", {"proposalId": result["proposalId"]})
    assert editor.text(api_uri) == (
        "# a line above\n" + API.replace("total_price", "order_total") + "# unsaved\n"
    )
    assert (root / "shop" / "cart.py").read_text() == CART.replace("total_price", "order_total")


async def test_a_file_whose_edited_text_is_gone_is_refused_by_name(client: LanguageClient) -> None:
    session = session_of(client)
    editor = editor_of(client)
    root, api_uri = workspace(client)
    session.sim.script(*rename_turns())
    result = await edit(client, "rename total_price to order_total")
    at = editor.text(api_uri).index("def total_price")
    editor.type(api_uri, at, at + len("def total_price"), "def price_total")
    with pytest.raises(JsonRpcException, match=r"shop/api\.py changed since"):
        await command(client, "kimi.accept", {"proposalId": result["proposalId"]})
    assert editor.workspace_edits == 0
    assert (root / "shop" / "cart.py").read_text() == CART


async def test_bad_edits_are_answered_to_the_model_and_nothing_is_written(
    client: LanguageClient,
) -> None:
    session = session_of(client)
    root, _ = workspace(client)
    (root / ".env").write_text("SECRET=1\n")
    outside = root.parent / "outside.py"
    outside.write_text("x = 1\n")
    session.sim.script(
        Turn(
            tool_calls=[
                call("edit_file", path="shop/api.py", old_text="missing text", new_text="x"),
                call("edit_file", path="shop/cart.py", old_text="total_price", new_text="y"),
                call("edit_file", path=".env", old_text="SECRET=1", new_text="SECRET=2"),
                call("edit_file", path="../outside.py", old_text="x = 1", new_text="x = 2"),
                call("create_file", path="shop/api.py", content="overwrite"),
                call("create_file", path=str(Path.home() / ".bashrc"), content="evil"),
            ]
        ),
        Turn(content="I could not make the change."),
    )
    result = await edit(client, "do something")
    assert result["status"] == "unchanged"
    assert result["message"] == "I could not make the change."
    answers = [
        m["content"] for m in session.sim.requests[1].body["messages"] if m["role"] == "tool"
    ]
    assert "does not occur in 'shop/api.py'" in answers[0]
    assert "occurs more than once in 'shop/cart.py'" in answers[1]
    assert answers[2].startswith("Refused:")
    assert answers[3].startswith("Refused:")
    assert "exists already" in answers[4]
    assert answers[5].startswith("Refused:")
    assert (root / ".env").read_text() == "SECRET=1\n"
    assert outside.read_text() == "x = 1\n"
    assert editor_of(client).edits == []


@pytest.mark.kimi_settings({"edit": {"maxFiles": 1}})
async def test_limits_are_answered_to_the_model(client: LanguageClient) -> None:
    session = session_of(client)
    workspace(client)
    session.sim.script(*rename_turns())
    result = await edit(client, "rename total_price to order_total")
    assert result["status"] == "proposed"
    assert [f["uri"].rsplit("/", 1)[1] for f in result["files"]] == ["api.py"]
    answers = [
        m["content"] for m in session.sim.requests[2].body["messages"] if m["role"] == "tool"
    ]
    assert any("kimi.edit.maxFiles" in a for a in answers)


async def test_cancel_mid_way_leaves_the_workspace_as_it_was(client: LanguageClient) -> None:
    session = session_of(client)
    root, api_uri = workspace(client)
    turns = rename_turns()
    session.sim.script(
        turns[0], turns[1], Turn(content="slow " * 200, chunk_chars=4, chunk_delay=0.05)
    )
    running = client.protocol.send_request(
        types.WORKSPACE_EXECUTE_COMMAND,
        types.ExecuteCommandParams(command="kimi.edit", arguments=[{"instruction": "rename"}]),
    )
    await session.sim.wait_for_requests(3)
    await command(client, "kimi.cancel", {})
    result = await asyncio.wrap_future(running)
    assert result["status"] == "cancelled"
    assert (root / "shop" / "cart.py").read_text() == CART
    assert editor_of(client).text(api_uri) == API + "# unsaved\n"
    with pytest.raises(JsonRpcException):
        await command(client, "kimi.accept", {"proposalId": result["proposalId"]})
