"""`kimi-lsp demo`: the whole product in one command.

Starts the built-in simulator, answering from the demo's cassette (or uses the real API
when a key is configured), starts the real server over stdio, opens a sample file through a
real LSP session, explains a selection while the answer streams in (the model reads another
file with a tool first), refactors it as a proposal streamed above the original, accepts
and undoes it, then makes a change across two files and a new one (kimi.edit), accepts
and undoes that, and prints the usage and cost. The cassette holds the answers; this
script holds the steps.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from kimi_lsp.config.resolve import choose_preset
from kimi_lsp.config.sources import load
from kimi_lsp.demo_editor import DemoBuffer
from kimi_lsp.demo_sample import (
    CASSETTE,
    EXPLAIN_LINES,
    OTHER_FILES,
    REFACTOR_LINES,
    SAMPLE,
    SAMPLE_PATH,
)
from kimi_lsp.simulator import Simulator, load_cassette
from kimi_lsp.wording import usd

_KEY_VARS = ("KIMI_LSP_API_KEY", "EMPIRIOLABS_API_KEY", "AIGATEWAY_API_KEY")


def _say(text: str = "", end: str = "\n") -> None:
    sys.stdout.write(text + end)
    sys.stdout.flush()


def run_demo(force_simulator: bool = False) -> int:
    """Run the demo; returns the process exit code."""
    try:
        return asyncio.run(_demo(force_simulator))
    except KeyboardInterrupt:
        return 130


async def _demo(force_simulator: bool) -> int:
    env = dict(os.environ)
    real = not force_simulator and any(env.get(v) for v in _KEY_VARS)
    simulator: Simulator | None = None
    if real:
        settings, _ = load(env)
        preset = choose_preset(settings, env)
        _say(f"Using the real API: provider {preset.name}, model {settings.model or preset.model}")
    else:
        simulator = Simulator(pace=0.015, cassette=load_cassette(CASSETTE))
        await simulator.start()
        env.update(KIMI_LSP_PROVIDER="simulator", KIMI_LSP_BASE_URL=simulator.base_url)
        env.pop("KIMI_LSP_API_KEY", None)
        _say(f"No API key configured: using the built-in Kimi simulator at {simulator.base_url}")
        _say("(set EMPIRIOLABS_API_KEY or AIGATEWAY_API_KEY to use the real model)")
    try:
        with tempfile.TemporaryDirectory(prefix="kimi-demo-") as folder:
            return await _session(Path(folder), env)
    finally:
        if simulator is not None:
            await simulator.stop()


async def _session(folder: Path, env: dict[str, str]) -> int:
    sample = folder / SAMPLE_PATH
    sample.write_text(SAMPLE, encoding="utf-8")
    for name, text in OTHER_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    progress: list[str] = []
    buffer = DemoBuffer(client=None, uri="", text="")  # type: ignore[arg-type]
    client = _client(progress, buffer)
    buffer.client = client
    await client.start_io(sys.executable, "-m", "kimi_lsp", env=env)
    try:
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    window=types.WindowClientCapabilities(work_done_progress=True),
                    workspace=types.WorkspaceClientCapabilities(
                        apply_edit=True,
                        workspace_edit=types.WorkspaceEditClientCapabilities(
                            document_changes=True,
                            resource_operations=[
                                types.ResourceOperationKind.Create,
                                types.ResourceOperationKind.Delete,
                            ],
                        ),
                    ),
                    general=types.GeneralClientCapabilities(position_encodings=["utf-16"]),
                ),
                root_uri=folder.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="demo")],
                client_info=types.ClientInfo(name="kimi-lsp demo"),
            )
        )
        client.initialized(types.InitializedParams())
        uri = sample.as_uri()
        buffer.uri, buffer.text = uri, SAMPLE
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=SAMPLE
                )
            )
        )
        first, last = EXPLAIN_LINES
        _say(f"\nOpened {SAMPLE_PATH}; explaining lines {first + 1}-{last}:\n")
        for line in SAMPLE.splitlines()[first:last]:
            _say(f"    {line}")
        _say("\n--- Kimi's explanation (streaming) ---")
        rng = {"start": {"line": first, "character": 0}, "end": {"line": last, "character": 0}}
        try:
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="kimi.explain", arguments=[{"uri": uri, "range": rng}]
                )
            )
        except Exception as exc:
            _say(f"\nexplain failed: {exc}")
            return 1
        _say("\n--- end ---")
        _say("Progress reported by the server: " + " -> ".join(progress) + "\n")
        await _refactor_and_undo(client, buffer)
        if not await _change_across_files(client, buffer, folder):
            return 1
        usage: Any = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kimi.usage", arguments=[])
        )
        _say(_usage_line(usage))
        await client.shutdown_async(None)
        client.exit(None)
        return 0
    finally:
        await client.stop()


def _client(progress: list[str], buffer: DemoBuffer) -> LanguageClient:
    client = LanguageClient("kimi-lsp-demo", "1")

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        return buffer.apply(params)

    @client.feature("kimi/stream")
    def on_stream(params: Any) -> None:
        if params.delta and params.kind == "explain":
            _say(params.delta, end="")

    @client.feature("kimi/proposal")
    def on_proposal(params: Any) -> None:
        return None  # the demo reads the proposal from the document itself

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
    def on_create(params: types.WorkDoneProgressCreateParams) -> None:
        return None

    @client.feature(types.PROGRESS)
    def on_progress(params: types.ProgressParams) -> None:
        value = params.value
        kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
        message = (
            value.get("message") if isinstance(value, dict) else getattr(value, "message", None)
        )
        if message and (not progress or progress[-1] != message):
            progress.append(f"{kind}: {message}" if kind == "end" else message)
            if message.startswith(("reading ", "listing ", "searching ")):
                _say(f"[the model is {message}]")

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def on_message(params: types.ShowMessageParams) -> None:
        _say(f"[kimi-lsp] {params.message}")

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        return None

    return client


async def _refactor_and_undo(client: LanguageClient, buffer: DemoBuffer) -> None:
    first, last = REFACTOR_LINES
    _say(f"--- Refactor lines {first + 1}-{last}: add a docstring, streamed as edits ---")

    def show(buf: DemoBuffer, edit: types.TextEdit) -> None:
        start, end = edit.range.start.line + 1, edit.range.end.line + 1
        _say(f"  edit {len(buf.edits)} (document v{buf.version}): lines {start}-{end}")

    buffer.on_edit = show
    rng = {"start": {"line": first, "character": 0}, "end": {"line": last, "character": 0}}
    result: Any = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="kimi.refactor",
            arguments=[{"uri": buffer.uri, "range": rng, "preset": "docstring"}],
        )
    )
    status = result.get("status") if isinstance(result, dict) else getattr(result, "status", "?")
    if status == "proposed":  # shown above the original for review: accept it
        _say(f"Refactor proposed in {len(buffer.edits)} edits, above the original; accepting it.")
        answer: Any = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kimi.accept", arguments=[{"uri": buffer.uri}])
        )
        status = answer.get("status") if isinstance(answer, dict) else answer.status
    _say(f"Refactor {status} in {len(buffer.edits)} edits. The function now reads:\n")
    for line in buffer.text.splitlines()[first : last + 1]:
        _say(f"    {line}")
    before = len(buffer.edits)
    buffer.on_edit = None
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.undo", arguments=[{"uri": buffer.uri}])
    )
    restored = "restored exactly" if buffer.text == SAMPLE else "NOT restored"
    count = len(buffer.edits) - before
    _say(f"\n--- Undo: {count} edit{'' if count == 1 else 's'}; the file is {restored} ---\n")


async def _change_across_files(client: LanguageClient, buffer: DemoBuffer, folder: Path) -> bool:
    """kimi.edit: a rename across two files and a new test file, reviewed, accepted, undone."""
    instruction = "rename bulk_discount to volume_discount everywhere and add a test"
    _say(f"--- Change across files: {instruction!r} ---")
    before = _files(folder)
    result: Any = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.edit", arguments=[{"instruction": instruction}])
    )
    if not isinstance(result, dict) or result.get("status") != "proposed":
        _say(f"kimi.edit did not propose a change: {result}")
        return False
    for file in result["files"]:
        name = file["uri"].rsplit("/", 1)[-1]
        what = "new file" if file["kind"] == "create" else f"{len(file['edits'])} edit(s)"
        _say(f"  proposed: {name} ({what})")
    untouched = _files(folder) == before
    _say(f"Nothing written before review: {'yes' if untouched else 'NO'}. {result['message']}")
    accepted: Any = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="kimi.accept", arguments=[{"proposalId": result["proposalId"]}]
        )
    )
    after = _files(folder)
    renamed = "def volume_discount" in after.get("pricing.py", "")
    _say(
        f"Accepted in {accepted['edits']} workspace edit: inventory.py "
        f"{'renamed' if 'volume_discount(item' in buffer.text else 'NOT renamed'}, pricing.py "
        f"{'renamed' if renamed else 'NOT renamed'}, tests/test_pricing.py "
        f"{'created' if NEW_TEST in after else 'NOT created'}."
    )
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="kimi.undo", arguments=[{"proposalId": result["proposalId"]}]
        )
    )
    restored = buffer.text == SAMPLE and _files(folder) == before
    _say(
        f"Undo: every file {'restored exactly' if restored else 'NOT restored'}, the new test "
        f"{'deleted' if NEW_TEST not in _files(folder) else 'NOT deleted'}.\n"
    )
    return True


NEW_TEST = "tests/test_pricing.py"


def _files(folder: Path) -> dict[str, str]:
    """The workspace's Python files on disk (the open buffer is the demo's own)."""
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in folder.rglob("*.py")
        if p.name != SAMPLE_PATH
    }


def _usage_line(usage: Any) -> str:
    def get(name: str) -> Any:
        return usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)

    cost = get("costUsd")
    dollars = "unknown (no price for this model)" if cost is None else usd(cost)
    return (
        f"Usage: {get('requests')} request(s), {get('promptTokens')} prompt tokens, "
        f"{get('completionTokens')} completion tokens (reasoning included). Cost: {dollars}"
    )
