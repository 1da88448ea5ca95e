"""Benchmark: streamed edits of a 40-line rewrite in a 5,000-line file, and the server's
CPU time for a 40 KB rewrite streamed in 2-character chunks.

The real server runs over stdio against the in-process simulator, which records when it
wrote each piece of the reply (`RecordedRequest.chunk_times`). For each line of the new
code, latency is the time from the moment the simulator wrote the chunk completing that
line to the arrival at the client of the first edit that shows it. That includes loopback
transit, SSE parsing, reply fitting and edit computation. It also counts edits per
refactor (the proposal streams in above the original; accept and undo are one edit each).

The second figure is the work per streamed chunk: a 40 KB rewrite arrives in 20,000
two-character pieces; the server's CPU time for the whole command (from /proc) and the
round trip of `kimi.status` requests sent while it streams show whether that work is
proportional to each piece. Prints a table and writes bench/results/edits.json.

    .venv/bin/python bench/edits.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from kimi_lsp.simulator import Simulator, Turn
from kimi_lsp.text import LineIndex

LINES = 5_000
REGION = (2_480, 2_520)  # 40 lines in the middle
RESULTS = Path(__file__).parent / "results" / "edits.json"


def make_file() -> str:
    out = []
    for n in range(LINES):
        out.append(
            f"def function_{n}(value):\n"
            if n % 4 == 0
            else f"    value = value + {n}  # line {n}\n"
        )
    return "".join(out)


def new_code(old: str) -> str:
    return "".join(line.replace("value", "amount") + "" for line in old.splitlines(keepends=True))


class Buffer:
    def __init__(self, client: LanguageClient, uri: str, text: str) -> None:
        self.client, self.uri, self.text, self.version = client, uri, text, 1
        self.arrivals: list[tuple[float, str]] = []
        self.start = 0

    def apply(self, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        arrived = time.monotonic()
        for change in params.edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit)
            if change.text_document.version != self.version:
                return types.ApplyWorkspaceEditResult(applied=False)
            for edit in change.edits:
                assert isinstance(edit, types.TextEdit)
                index = LineIndex(self.text)
                a = index.offset(edit.range.start.line, edit.range.start.character, "utf-16")
                b = index.offset(edit.range.end.line, edit.range.end.character, "utf-16")
                self.text = self.text[:a] + edit.new_text + self.text[b:]
                self.version += 1
                self.client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(
                            uri=self.uri, version=self.version
                        ),
                        content_changes=[
                            types.TextDocumentContentChangePartial(
                                range=edit.range, text=edit.new_text
                            )
                        ],
                    )
                )
        self.arrivals.append((arrived, self.text))
        return types.ApplyWorkspaceEditResult(applied=True)


def line_latencies(
    buffer: Buffer, chunk_times: list[tuple[float, str]], new: str, start: int
) -> list[float]:
    """For each new line: first edit showing it, minus the write of the chunk completing it."""
    reply, completed = "", []
    opening = "```python\n"
    for when, piece in chunk_times:
        before = reply
        reply += piece
        body_before = before[len(opening) :] if len(before) > len(opening) else ""
        body_after = reply[len(opening) :] if len(reply) > len(opening) else ""
        for _ in range(body_after.count("\n") - body_before.count("\n")):
            completed.append(when)
    new_lines = new.splitlines(keepends=True)
    latencies = []
    for i, written in enumerate(completed[: len(new_lines)]):
        wanted = "".join(new_lines[: i + 1])
        shown = next((t for t, text in buffer.arrivals if text[start:].startswith(wanted)), None)
        if shown is not None:
            latencies.append((shown - written) * 1000)
    return latencies


async def run(runs: int) -> dict[str, Any]:
    text = make_file()
    index = LineIndex(text)
    start, end = index.starts[REGION[0]], index.starts[REGION[1]]
    old = text[start:end]
    new = new_code(old)
    folder = Path(tempfile.mkdtemp(prefix="kimi-bench-"))
    path = folder / "big.py"
    path.write_text(text)
    async with Simulator(api_key="sk-bench") as sim:
        env = {
            **os.environ,
            "KIMI_LSP_PROVIDER": "simulator",
            "KIMI_LSP_BASE_URL": sim.base_url,
            "KIMI_LSP_API_KEY": "sk-bench",
            "HOME": str(folder),
        }
        client = LanguageClient("bench", "1")
        buffer = Buffer(client, path.as_uri(), text)

        @client.feature("kimi/stream")
        def on_stream(params: Any) -> None:
            return None

        @client.feature("kimi/proposal")
        def on_proposal(params: Any) -> None:
            return None

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: Any) -> None:
            return None

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def on_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            return buffer.apply(params)

        await client.start_io(sys.executable, "-m", "kimi_lsp", env=env)
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    workspace=types.WorkspaceClientCapabilities(
                        apply_edit=True,
                        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
                    )
                ),
                root_uri=folder.as_uri(),
            )
        )
        client.initialized(types.InitializedParams())
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=buffer.uri, language_id="python", version=1, text=text
                )
            )
        )
        all_latencies: list[float] = []
        edits: list[int] = []
        for _ in range(runs):
            sim.reset()
            buffer.arrivals.clear()
            sim.script(
                Turn(
                    reasoning="plan",
                    content=f"```python\n{new}```",
                    chunk_chars=24,
                    chunk_delay=0.004,
                )
            )
            rng = {
                "start": {"line": REGION[0], "character": 0},
                "end": {"line": REGION[1], "character": 0},
            }
            result: Any = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="kimi.refactor",
                    arguments=[{"uri": buffer.uri, "range": rng, "instruction": "rename"}],
                )
            )
            assert result["status"] == "proposed", result
            assert buffer.text == text[:start] + new + old + text[end:]
            edits.append(result["edits"])
            all_latencies += line_latencies(buffer, sim.requests[0].chunk_times, new, start)
            for step in ("kimi.accept", "kimi.undo"):
                await client.workspace_execute_command_async(
                    types.ExecuteCommandParams(command=step, arguments=[{"uri": buffer.uri}])
                )
            assert buffer.text == text
        cpu, status_ms = await chunked(client, sim, buffer, text)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    ordered = sorted(all_latencies)
    return {
        "file_lines": LINES,
        "rewrite_lines": REGION[1] - REGION[0],
        "runs": runs,
        "line_to_edit_ms_p50": round(statistics.median(ordered), 2),
        "line_to_edit_ms_p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "line_to_edit_ms_max": round(ordered[-1], 2),
        "lines_measured": len(ordered),
        "edits_per_refactor": round(statistics.mean(edits), 1),
        "chunked_40kb_server_cpu_s": round(cpu, 2),
        "chunked_40kb_status_ms_p50": round(statistics.median(status_ms), 2),
        "chunked_40kb_status_ms_max": round(max(status_ms), 2),
    }


async def chunked(
    client: LanguageClient, sim: Simulator, buffer: Buffer, text: str
) -> tuple[float, list[float]]:
    """A 40 KB rewrite in 2-character chunks: the server's CPU seconds for it, and the
    round trips of kimi.status meanwhile."""
    index = LineIndex(text)
    first = 1_000
    last = next(n for n in range(first, LINES) if index.starts[n] - index.starts[first] >= 40_000)
    start, end = index.starts[first], index.starts[last]
    new = new_code(text[start:end])
    sim.reset()
    sim.script(Turn(reasoning="plan", content=f"```python\n{new}```", chunk_chars=2))
    process = client._server
    assert process is not None
    before = _cpu_seconds(process.pid)
    rng = {"start": {"line": first, "character": 0}, "end": {"line": last, "character": 0}}
    running = asyncio.ensure_future(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="kimi.refactor",
                arguments=[{"uri": buffer.uri, "range": rng, "instruction": "rename"}],
            )
        )
    )
    status_ms: list[float] = []
    while not running.done():
        sent = time.monotonic()
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="kimi.status", arguments=[])
        )
        status_ms.append((time.monotonic() - sent) * 1000)
        await asyncio.sleep(0.05)
    result = running.result()
    assert result["status"] == "proposed", result
    cpu = _cpu_seconds(process.pid) - before
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="kimi.reject", arguments=[{"uri": buffer.uri}])
    )
    assert buffer.text == text
    return cpu, status_ms


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    figures = asyncio.run(run(parser.parse_args().runs))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    size = f"{figures['rewrite_lines']}-line rewrite in a {figures['file_lines']:,}-line file"
    print(f"Streamed edits: {size}, {figures['runs']} runs")
    print(f"{'metric':<38}{'value':>10}")
    for key in (
        "line_to_edit_ms_p50",
        "line_to_edit_ms_p99",
        "line_to_edit_ms_max",
        "edits_per_refactor",
        "lines_measured",
        "chunked_40kb_server_cpu_s",
        "chunked_40kb_status_ms_p50",
        "chunked_40kb_status_ms_max",
    ):
        print(f"{key:<38}{figures[key]:>10}")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
