"""Soak test: a scripted editor session against the real server and a faulty model.

The real server runs over stdio against the in-process simulator in chaos mode (a share of
the model requests get a 429, a 5xx, a dropped or stalled stream, a malformed event or bad
tool JSON). Four generated Python documents are opened, then a seeded RNG runs N
operations, a few at a time: explain, refactor, fix, undo, inline completion and typing.
The client applies `workspace/applyEdit` like VS Code (a stale version is rejected).

Invariants (the exit code is non-zero if one fails):

- the server never exits before shutdown;
- every request is answered within 60 s;
- the original is never lost: a proposal holds the original region intact right below
  the proposed text; an accepted one changed nothing outside the region; a rejected,
  failed, cancelled or refused one left the document exactly as before the command;
- an applied undo right after an accepted rewrite puts back the text from before it;
- a change across files (kimi.edit) writes nothing before it is accepted, exactly its
  edit when accepted, nothing when rejected;
- endless and oversized answers and answers without usage (hostile chaos faults) are
  stopped or estimated, and every invariant above still holds;
- every `kimi/stream` ends with a `done` notification.

Prints a table and writes bench/results/soak.json.

    .venv/bin/python bench/soak.py [--ops 500] [--fault-rate 0.2] [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).parent))
from kimi_lsp.simulator import FAULT_KINDS, Chaos, ChatRequest, Simulator, ToolCallSpec, Turn
from kimi_lsp.simulator.responder import fenced
from lsp_client import rss_mb
from soak_editor import Document, functions, generate, utf16_position

RESULTS = Path(__file__).parent / "results" / "soak.json"
KEY = "sk-soak"
TIMEOUT = 60.0
IN_FLIGHT = 4
OPS = ("explain", "refactor", "fix", "undo", "inline", "typing", "edit")
WEIGHTS = (2, 3, 2, 1, 3, 3, 2)
MAX_TOKENS = 4096
"""The soak's kimi.maxTokens: endless answers are stopped at 32 characters per token."""
INSTRUCTIONS = ("rename the first parameter to amount", "use early returns", "simplify")
DIAGNOSTICS = (
    ("'os' imported but unused", "pyflakes", "F401"),
    ("undefined name 'valu'", "pyflakes", "F821"),
    ("line too long (101 > 99 characters)", "pycodestyle", "E501"),
    ("Missing return type annotation", "mypy", "no-untyped-def"),
)


HOSTILE_GLOB = "*a" * 30 + "*b"
"""A glob a backtracking matcher takes hours on, holding the GIL: the soak puts it in the
workspace's .gitignore, in kimi.tools.deny and in a list_files call of every explain."""
HOSTILE_CALLS = [
    ToolCallSpec(name="list_files", arguments=json.dumps({"pattern": HOSTILE_GLOB})),
    ToolCallSpec(name="search_text", arguments='{"query": "a{4000000000}", "regex": true}'),
    ToolCallSpec(name="read_file", arguments="[" * 5000 + "]" * 5000),
    ToolCallSpec(name="read_file", arguments=json.dumps({"path": "a/" * 3000})),
]


def model(request: ChatRequest) -> Turn | None:
    """The soak's model (see `answer`); a kimi.edit carries its plan in the instruction."""
    if "edit_file" in request.tools:
        return _edit(request)
    return answer(request)


def _edit(request: ChatRequest) -> Turn:
    """Round 0: the edit the instruction describes (JSON after `soak-edit `); then done."""
    if request.round > 0:
        return Turn(reasoning="Done.", content="Marked the line.")
    plan = json.loads(request.text.split("soak-edit ", 1)[1].split("\n", 1)[0])
    call = ToolCallSpec(name="edit_file", arguments=json.dumps(plan))
    return Turn(reasoning="Edit it.", tool_calls=[call])


def answer(request: ChatRequest) -> Turn | None:
    """The soak's model (the simulator only chooses answers): a rewrite puts a comment line
    above the selection, an explain first reads a module with a tool (and makes the hostile
    calls), ghost text suggests `pass`."""
    reasoning = f"A {request.kind} request in round {request.round}."
    if request.kind == "rewrite" and request.selection:
        first = next((line for line in request.selection.split("\n") if line.strip()), "")
        note = first[: len(first) - len(first.lstrip())] + "# reviewed\n"
        return Turn(reasoning=reasoning, content=fenced("python", note + request.selection))
    if request.kind == "explain" and request.round == 0 and "read_file" in request.tools:
        call = ToolCallSpec(name="read_file", arguments='{"path": "module_0.py"}')
        return Turn(reasoning=reasoning, tool_calls=[call, *HOSTILE_CALLS])
    if request.kind == "explain":
        return Turn(reasoning=reasoning, content="It computes a value from its arguments.")
    if request.kind == "ghost_text":
        return Turn(reasoning=reasoning, content="<completion>pass</completion>")
    return None


class Soak:
    def __init__(self, sim: Simulator, folder: Path, seed: int) -> None:
        self.sim, self.folder = sim, folder
        self.rng = random.Random(seed)
        self.client = LanguageClient("soak", "1")
        self.docs: list[Document] = []
        self.outcomes: Counter[str] = Counter()
        self.violations: list[str] = []
        self.unanswered = 0
        self.streams_open: set[str] = set()
        self.streams_closed: set[str] = set()
        self.stream_kinds: Counter[str] = Counter()
        self.next_stream = 0
        self._register()

    def _register(self) -> None:
        c = self.client

        @c.feature(types.WORKSPACE_APPLY_EDIT)
        def on_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            for change in params.edit.document_changes or []:
                uri = getattr(getattr(change, "text_document", None), "uri", None)
                for doc in self.docs:
                    if doc.uri == uri:
                        return doc.apply(params)
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason="unknown")

        @c.feature("kimi/proposal")
        def on_proposal(params: Any) -> None:
            return None

        @c.feature("kimi/stream")
        def on_stream(params: Any) -> None:
            get = params.get if isinstance(params, dict) else lambda k: getattr(params, k, None)
            sid = str(get("id"))
            if sid not in self.streams_open:
                self.streams_open.add(sid)
                self.stream_kinds[str(get("kind"))] += 1
            if get("done"):
                self.streams_closed.add(sid)

        for method in (
            types.WINDOW_LOG_MESSAGE,
            types.WINDOW_SHOW_MESSAGE,
            types.PROGRESS,
            types.TELEMETRY_EVENT,
        ):
            c.feature(method)(lambda params: None)

        @c.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def on_create(params: Any) -> None:
            return None

        @c.feature(types.CLIENT_REGISTER_CAPABILITY)
        def on_register(params: Any) -> None:
            return None

        @c.feature(types.WINDOW_SHOW_MESSAGE_REQUEST)
        def on_ask(params: Any) -> None:
            return None  # dismissed

        @c.feature(types.WORKSPACE_CONFIGURATION)
        def on_config(params: Any) -> list[Any]:
            return [None for _ in params.items]

    @property
    def process(self) -> Any:
        return getattr(self.client, "_server", None)

    async def start(self) -> None:
        options = {
            "provider": "simulator",
            "baseUrl": self.sim.base_url,
            "apiKey": KEY,
            "retry": {"maxRetries": 3, "baseDelaySeconds": 0.01, "maxDelaySeconds": 0.05},
            "timeouts": {"readSeconds": 2},
            "completion": {"debounceMs": 0},
            "tools": {"deny": [HOSTILE_GLOB]},
            "maxTokens": MAX_TOKENS,
        }
        (self.folder / ".gitignore").write_text(HOSTILE_GLOB + "\n")
        env = {"HOME": str(self.folder), "PATH": "/usr/bin:/bin"}
        await self.client.start_io(sys.executable, "-m", "kimi_lsp", env=env)
        await self.client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    workspace=types.WorkspaceClientCapabilities(
                        apply_edit=True,
                        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
                    ),
                    text_document=types.TextDocumentClientCapabilities(
                        inline_completion=types.InlineCompletionClientCapabilities()
                    ),
                    general=types.GeneralClientCapabilities(position_encodings=["utf-16"]),
                ),
                root_uri=self.folder.as_uri(),
                initialization_options={"kimi": options},
            )
        )
        self.client.initialized(types.InitializedParams())

    def open(self, count: int) -> None:
        for i in range(count):
            text = generate(self.rng, i)
            path = self.folder / f"module_{i}.py"
            path.write_text(text)
            doc = Document(self.client, path.as_uri(), text)
            self.docs.append(doc)
            self.client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=doc.uri, language_id="python", version=1, text=text
                    )
                )
            )

    async def request(self, method: str, params: Any) -> tuple[str, Any]:
        """("ok", result), ("error", exception) or ("unanswered", None) after 60 s."""
        future = asyncio.wrap_future(self.client.protocol.send_request(method, params))
        try:
            return "ok", await asyncio.wait_for(future, TIMEOUT)
        except TimeoutError:
            self.unanswered += 1
            self.violations.append(f"{method} unanswered after {TIMEOUT:.0f} s")
            return "unanswered", None
        except JsonRpcException as error:
            return "error", error
        except Exception as error:
            return "error", error

    async def command(self, name: str, argument: dict[str, Any] | None) -> tuple[str, Any]:
        args = [argument] if argument is not None else []
        return await self.request(
            types.WORKSPACE_EXECUTE_COMMAND,
            types.ExecuteCommandParams(command=name, arguments=args),
        )

    async def server_tasks(self, settle_to: int | None = None) -> int:
        """The server's live asyncio tasks (kimi.status). With `settle_to`, ask again for
        up to 5 s while the count is above it: cleanup after the last answers may still be
        finishing, but a leaked task never ends."""
        deadline = time.monotonic() + 5
        while True:
            kind, status = await self.command("kimi.status", None)
            tasks = int(status["tasks"]) if kind == "ok" else -1
            if settle_to is None or tasks <= settle_to or time.monotonic() > deadline:
                return tasks
            await asyncio.sleep(0.1)

    def stream_id(self) -> str:
        self.next_stream += 1
        return f"soak-{self.next_stream}"

    @staticmethod
    def lines_range(doc: Document, first: int, end: int) -> dict[str, Any]:
        return {"start": {"line": first, "character": 0}, "end": {"line": end, "character": 0}}

    def pick_function(self, doc: Document) -> tuple[int, int]:
        found = functions(doc.text)
        if not found:
            n = doc.text.count("\n")
            first = self.rng.randrange(max(1, n - 5))
            return first, min(n, first + 5)
        return self.rng.choice(found)

    # operations

    async def explain(self, doc: Document) -> str:
        first, end = self.pick_function(doc)
        arg = {"uri": doc.uri, "range": self.lines_range(doc, first, end)}
        kind, result = await self.command("kimi.explain", {**arg, "streamId": self.stream_id()})
        if kind == "ok":
            return "explained" if isinstance(result, dict) and result.get("markdown") else "empty"
        return kind if kind == "unanswered" else f"error:{_error_kind(result)}"

    async def rewrite(self, doc: Document, op: str) -> str:
        first, end = self.pick_function(doc)
        rng = self.lines_range(doc, first, end)
        arg: dict[str, Any] = {"uri": doc.uri, "range": rng, "streamId": self.stream_id()}
        if op == "refactor":
            if self.rng.random() < 0.5:
                arg["preset"] = "docstring"
            else:
                arg["instruction"] = self.rng.choice(INSTRUCTIONS)
        else:
            message, source, code = self.rng.choice(DIAGNOSTICS)
            line = self.rng.randrange(first, max(first + 1, end))
            diag = {
                "range": {
                    "start": {"line": line, "character": 0},
                    "end": {"line": line, "character": 4},
                },
                "message": message,
                "source": source,
                "code": code,
                "severity": 1,
            }
            arg["diagnostics"] = [diag]
        before = doc.text
        starts = [0] + [i + 1 for i, ch in enumerate(before) if ch == "\n"]
        a = starts[first] if first < len(starts) else len(before)
        b = starts[end] if end < len(starts) else len(before)
        kind, result = await self.command(f"kimi.{op}", arg)
        after = doc.text
        status = result.get("status") if kind == "ok" and isinstance(result, dict) else None
        where = f"{op} on {doc.uri.rsplit('/', 1)[-1]} lines {first}-{end}"
        if status == "proposed":
            if not (after.startswith(before[:a]) and after.endswith(before[a:])):
                self.violations.append(f"{where}: proposed but the original region is not intact")
                return "proposed-broken"
            return await self.review(doc, before, a, b, where)
        if kind == "unanswered":
            return "unanswered"
        if after != before:
            label = status or f"error {_error_kind(result)}"
            self.violations.append(f"{where}: {label} but the document differs from before")
        if kind == "error":
            return f"error:{_error_kind(result)}"
        return str(status)

    async def review(self, doc: Document, before: str, a: int, b: int, where: str) -> str:
        """Accept (two times in three) or reject a proposal; check the document after."""
        proposed = doc.text[a : len(doc.text) - len(before) + a]
        if self.rng.random() < 2 / 3:
            kind, result = await self.command("kimi.accept", {"uri": doc.uri})
            after = doc.text
            if kind == "ok":
                new = (
                    proposed[:-1]
                    if proposed.endswith("\n") and not before[a:b].endswith("\n")
                    else proposed
                )
                if after != before[:a] + new + before[b:]:
                    self.violations.append(
                        f"{where}: accepted but the region differs: "
                        + _first_difference(before[:a] + new + before[b:], after)
                    )
                doc.last_rewrite, doc.undoable = (before, after), True
                return "accepted" if after != before else "accepted-unchanged"
            return kind if kind == "unanswered" else f"accept-error:{_error_kind(result)}"
        kind, result = await self.command("kimi.reject", {"uri": doc.uri})
        if kind == "ok" and doc.text != before:
            self.violations.append(f"{where}: rejected but the document differs from before")
        return "rejected" if kind == "ok" else f"reject-error:{_error_kind(result)}"

    async def edit(self, doc: Document) -> str:
        """kimi.edit of one line of the document: nothing changes before accept; accept
        changes that line only; reject changes nothing."""
        lines = doc.text.split("\n")
        unique = [line for line in lines if line.strip() and lines.count(line) == 1]
        if not unique:
            return "skipped"
        old = self.rng.choice(unique)
        new = old + "  # soak edit"
        name = doc.uri.rsplit("/", 1)[1]
        plan = {"path": name, "old_text": old, "new_text": new}
        before = doc.text
        instruction = "soak-edit " + json.dumps(plan)
        kind, result = await self.command("kimi.edit", {"instruction": instruction})
        where = f"edit of {name}"
        if doc.text != before:
            self.violations.append(f"{where}: the document changed before it was accepted")
        status = result.get("status") if kind == "ok" and isinstance(result, dict) else None
        if status != "proposed":
            return str(status) if kind == "ok" else f"error:{_error_kind(result)}"
        if self.rng.random() < 0.5:
            kind, _ = await self.command("kimi.reject", {"proposalId": result["proposalId"]})
            if doc.text != before:
                self.violations.append(f"{where}: rejected but the document differs")
            return "rejected"
        kind, answer = await self.command("kimi.accept", {"proposalId": result["proposalId"]})
        if kind != "ok":
            return f"accept-error:{_error_kind(answer)}"
        if doc.text != before.replace(old, new, 1):
            self.violations.append(
                f"{where}: accepted but the region differs: "
                + _first_difference(before.replace(old, new, 1), doc.text)
            )
        doc.last_rewrite, doc.undoable = None, False
        return "accepted"

    async def undo(self, doc: Document) -> str:
        before = doc.text
        expected = doc.last_rewrite
        kind, result = await self.command("kimi.undo", {"uri": doc.uri})
        if kind == "ok" and isinstance(result, dict) and result.get("status") == "applied":
            if expected is not None and expected[1] == before and doc.text != expected[0]:
                self.violations.append(
                    f"undo on {doc.uri.rsplit('/', 1)[-1]} did not restore the pre-rewrite text: "
                    + _first_difference(expected[0], doc.text)
                )
            doc.last_rewrite, doc.undoable = None, False
            return "applied"
        if kind == "unanswered":
            return kind
        if doc.text != before:
            self.violations.append(f"undo on {doc.uri}: refused but the document changed")
        return "refused" if kind == "error" else f"status:{result}"

    async def inline(self, doc: Document) -> str:
        ends = [i for i, ch in enumerate(doc.text) if ch == "\n"]
        offset = self.rng.choice(ends)
        if self.rng.random() < 0.5:  # start a new line, as a user about to be helped does
            line_start = doc.text.rfind("\n", 0, offset) + 1
            line = doc.text[line_start:offset]
            indent = line[: len(line) - len(line.lstrip())] or "    "
            typed = "\n" + indent + self.rng.choice(("ret", "if ", "for ", "val", "x = "))
            doc.type(offset, typed)
            offset += len(typed)
        params = types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=doc.uri),
            position=utf16_position(doc.text, offset),
            context=types.InlineCompletionContext(
                trigger_kind=types.InlineCompletionTriggerKind.Automatic
            ),
        )
        kind, result = await self.request(types.TEXT_DOCUMENT_INLINE_COMPLETION, params)
        if kind != "ok":
            return kind if kind == "unanswered" else f"error:{_error_kind(result)}"
        found = getattr(result, "items", None) if result is not None else None
        if found is None and isinstance(result, list):
            found = result
        return "suggested" if found else "none"

    async def typing(self, doc: Document) -> str:
        text = doc.text
        if self.rng.random() < 0.7:  # a comment at a line end
            ends = [i for i, ch in enumerate(text) if ch == "\n"]
            offset, chars = self.rng.choice(ends), self.rng.choice(("  # ok", "  # é", " # 🙂"))
        else:  # anywhere
            offset, chars = (
                self.rng.randrange(len(text) + 1),
                self.rng.choice(("x", "é", "🙂", " ")),
            )
        doc.type(offset, chars)
        await asyncio.sleep(0.01)
        return "typed"

    async def one(self, op: str, doc: Document) -> None:
        if op == "undo" and not doc.undoable and self.rng.random() < 0.7:
            candidates = [d for d in self.docs if d.undoable]
            doc = self.rng.choice(candidates) if candidates else doc
        if op in ("refactor", "fix", "undo", "typing", "inline", "edit"):
            # one rewrite at a time per document, and no typing into it meanwhile
            async with doc.lock:
                if op in ("refactor", "fix"):
                    outcome = await self.rewrite(doc, op)
                else:
                    outcome = await getattr(self, op)(doc)
        else:
            outcome = await getattr(self, op)(doc)
        self.outcomes[f"{op}:{outcome}"] += 1

    async def run(self, ops: int) -> None:
        slots = asyncio.Semaphore(IN_FLIGHT)
        tasks = []

        async def guarded(n: int, op: str, doc: Document) -> None:
            try:
                await self.one(op, doc)
            finally:
                slots.release()

        for n in range(ops):
            op = self.rng.choices(OPS, WEIGHTS)[0]
            doc = self.rng.choice(self.docs)
            await slots.acquire()
            tasks.append(asyncio.create_task(guarded(n, op, doc)))
        await asyncio.gather(*tasks)

    async def stop(self) -> bool:
        """Shut down; False when the server had already exited."""
        process = self.process
        alive = process is not None and process.returncode is None
        if alive:
            await asyncio.wait_for(self.client.shutdown_async(None), TIMEOUT)
            self.client.exit(None)
        await self.client.stop()
        return alive


def _first_difference(want: str, got: str) -> str:
    for n, (a, b) in enumerate(zip(want.split("\n"), got.split("\n"), strict=False)):
        if a != b:
            return f"line {n}: expected {a!r}, got {b!r}"
    return f"expected {want.count(chr(10))} lines, got {got.count(chr(10))}"


def _error_kind(error: Any) -> str:
    data = getattr(error, "data", None)
    kind = data.get("kind") if isinstance(data, dict) else getattr(data, "kind", None)
    code = getattr(error, "code", None)
    return str(kind or code or type(error).__name__)


async def run(ops: int, rate: float, seed: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="kimi-soak-"))
    began = time.monotonic()
    chaos = Chaos.uniform(rate, seed, kinds=FAULT_KINDS)
    async with Simulator(api_key=KEY, chaos=chaos, responder=model) as sim:
        soak = Soak(sim, folder, seed)
        await soak.start()
        pid = soak.process.pid
        soak.open(4)
        await asyncio.sleep(0.2)
        rss_start = rss_mb(pid)
        tasks_start = await soak.server_tasks()
        await soak.run(ops)
        await asyncio.sleep(0.3)  # late notifications
        alive = soak.process.returncode is None
        rss_end = rss_mb(pid) if alive else float("nan")
        tasks_end = await soak.server_tasks(settle_to=tasks_start) if alive else -1
        kind, usage = await soak.command("kimi.usage", None) if alive else ("dead", None)
        stopped_alive = await soak.stop()
        crashes = 0 if alive and stopped_alive else 1
        faults = dict(sim.faults)
        model_requests = len(sim.requests)
    left_open = sorted(soak.streams_open - soak.streams_closed)
    figures: dict[str, Any] = {
        "operations": ops,
        "fault_rate": rate,
        "seed": seed,
        "seconds": round(time.monotonic() - began, 1),
        "model_requests": model_requests,
        "injected_faults": sum(faults.values()),
        "faults_by_kind": faults,
        "outcomes": dict(sorted(soak.outcomes.items())),
        "edits_applied": sum(d.applied for d in soak.docs),
        "edits_rejected_stale": sum(d.rejected for d in soak.docs),
        "streams_opened": len(soak.streams_open),
        "streams_closed": len(soak.streams_closed),
        "streams_by_kind": dict(soak.stream_kinds),
        "rss_mb_start": round(rss_start, 1),
        "rss_mb_end": round(rss_end, 1),
        "server_tasks_start": tasks_start,
        "server_tasks_end": tasks_end,
        "fault_share_of_requests": round(sum(faults.values()) / max(1, model_requests), 3),
        "usage": usage if kind == "ok" else None,
        "invariants": {
            "server_crashes": crashes,
            "requests_unanswered": soak.unanswered,
            "originals_lost_or_half_rewritten": sum(
                1 for v in soak.violations if "region" in v or "differs" in v
            ),
            "undo_mismatches": sum(1 for v in soak.violations if v.startswith("undo")),
            "changes_written_before_accept": sum(
                1 for v in soak.violations if "before it was accepted" in v
            ),
            "streams_left_open": len(left_open),
            "server_tasks_left_alive": max(0, tasks_end - tasks_start) if alive else 1,
        },
        "violations": soak.violations + [f"stream {s} never got done" for s in left_open],
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=500)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    figures = asyncio.run(run(args.ops, args.fault_rate, args.seed))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(
        f"Soak: {figures['operations']} operations, fault rate {figures['fault_rate']}, "
        f"seed {figures['seed']}, {figures['seconds']} s"
    )
    print(f"{'figure':<34}{'value':>12}")
    for key in (
        "model_requests",
        "injected_faults",
        "edits_applied",
        "edits_rejected_stale",
        "streams_opened",
        "streams_closed",
        "rss_mb_start",
        "rss_mb_end",
        "server_tasks_start",
        "server_tasks_end",
        "fault_share_of_requests",
    ):
        print(f"{key:<34}{figures[key]:>12}")
    print("faults: " + ", ".join(f"{k} {v}" for k, v in sorted(figures["faults_by_kind"].items())))
    print(f"\n{'outcome':<34}{'count':>12}")
    for key, count in figures["outcomes"].items():
        print(f"{key:<34}{count:>12}")
    print(f"\n{'invariant':<34}{'value':>12}  ok")
    failed = False
    for key, value in figures["invariants"].items():
        ok = value == 0
        failed |= not ok
        print(f"{key:<34}{value:>12}  {'yes' if ok else 'NO'}")
    for line in figures["violations"]:
        print(f"  violation: {line}")
    print(f"written to {RESULTS}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
