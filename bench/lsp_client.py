"""A minimal real LSP session for benchmarks: the server over stdio, one open document,
edits and requests sent as an editor would."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient


class Session:
    """The server process and one document."""

    def __init__(self, folder: Path, env: dict[str, str], options: dict[str, Any]) -> None:
        self.folder, self.env, self.options = folder, env, options
        self.client = LanguageClient("bench", "1")
        self.uri = ""
        self.text = ""
        self.version = 1
        self.next_id = 100
        self.start_ms = 0.0
        for method in ("kimi/stream", types.WINDOW_LOG_MESSAGE, types.WINDOW_SHOW_MESSAGE):
            self.client.feature(method)(lambda params: None)

    async def start(self) -> None:
        began = time.monotonic()
        # the server runs the same code as the benchmark, also from a PYTHONPATH checkout
        path = {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}
        await self.client.start_io(sys.executable, "-m", "kimi_lsp", env={**path, **self.env})
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    text_document=types.TextDocumentClientCapabilities(
                        inline_completion=types.InlineCompletionClientCapabilities()
                    ),
                    general=types.GeneralClientCapabilities(position_encodings=["utf-16"]),
                ),
                root_uri=self.folder.as_uri(),
                initialization_options={"kimi": self.options},
            )
        )
        self.start_ms = (time.monotonic() - began) * 1000
        self.client.initialized(types.InitializedParams())

    @property
    def pid(self) -> int:
        server = getattr(self.client, "_server", None)
        return int(server.pid) if server is not None else os.getpid()

    def open(self, name: str, text: str) -> None:
        path = self.folder / name
        path.write_text(text)
        self.uri, self.text, self.version = path.as_uri(), text, 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri, language_id="python", version=1, text=text
                )
            )
        )

    def position(self, offset: int) -> types.Position:
        before = self.text[:offset]
        line = before.count("\n")
        column = before[before.rfind("\n") + 1 :]
        return types.Position(line=line, character=len(column.encode("utf-16-le")) // 2)

    def type(self, offset: int, chars: str) -> None:
        at = self.position(offset)
        self.text = self.text[:offset] + chars + self.text[offset:]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=at, end=at), text=chars
                    )
                ],
            )
        )

    def request_inline(
        self, offset: int, invoked: bool = False, at: types.Position | None = None
    ) -> tuple[int, Any]:
        """Send an inline completion request; its id and a future of the answer. `at` is
        the position of `offset` when the caller computed it already (outside its timing:
        this client finds positions by scanning the text)."""
        self.next_id += 1
        kind = (
            types.InlineCompletionTriggerKind.Invoked
            if invoked
            else types.InlineCompletionTriggerKind.Automatic
        )
        params = types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri),
            position=at or self.position(offset),
            context=types.InlineCompletionContext(trigger_kind=kind),
        )
        future = self.client.protocol.send_request(
            types.TEXT_DOCUMENT_INLINE_COMPLETION, params, msg_id=self.next_id
        )
        answer = asyncio.wrap_future(future)
        # A request the benchmark cancels and never awaits must not print a warning.
        answer.add_done_callback(lambda done: done.cancelled() or done.exception())
        return self.next_id, answer

    def cancel(self, msg_id: int) -> None:
        self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))

    async def usage(self) -> Any:
        return await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kimi.usage", arguments=[])
        )

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def items(answer: Any) -> list[str]:
    if answer is None or isinstance(answer, BaseException):
        return []
    found = answer.get("items", []) if isinstance(answer, dict) else getattr(answer, "items", [])
    return [
        i["insertText"] if isinstance(i, dict) else getattr(i, "insert_text", "") for i in found
    ]
