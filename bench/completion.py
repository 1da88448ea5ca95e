"""Benchmark: ghost text speed and cost, against the simulator with a fixed model latency.

1. Server overhead per request (response time minus the simulator's own time for it),
   p50 and p99, in a 100-line and a 10,000-line file (debounce off, each request new).
2. Reuse: latency of typing through a suggestion and of cache hits, and the model calls
   they caused (must be 0).
3. Replay of a real file (CPython's textwrap.py) typed character by character with
   human-like pauses: model calls, prompt tokens, dollars per 1,000 keystrokes, share of
   pauses that got a suggestion, time from pause to suggestion. Our server (requests on
   every keystroke, each cancelling the last, as VS Code does) beside a naive baseline (a
   request on every keystroke with the whole file as context, no cache, no cancel).
4. Server start to `initialize` result; resident memory after 1,000 completions.

Prints a table, checks the figures against the targets, writes bench/results/completion.json.

    .venv/bin/python bench/completion.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import random
import statistics
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from kimi_lsp import prompts
from kimi_lsp.simulator import Simulator, Turn
from lsp_client import Session, items, rss_mb

RESULTS = Path(__file__).parent / "results" / "completion.json"
LATENCY = 0.25
"""Simulated model time to first token (seconds), for the replay."""
KEY = "sk-bench"
PRICE_IN, PRICE_OUT = 0.95, 4.00


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return (
        round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 2) if ordered else float("nan")
    )


def code_file(lines: int) -> str:
    out = []
    for n in range(lines):
        out.append(
            f"def step_{n}(value):\n" if n % 5 == 0 else f"    value = value * {n % 7} + {n}\n"
        )
    return "".join(out)


async def session(sim: Simulator, folder: Path, **completion: Any) -> Session:
    options = {
        "provider": "simulator",
        "baseUrl": sim.base_url,
        "apiKey": KEY,
        "completion": completion,
    }
    s = Session(folder, {"HOME": str(folder), "PATH": "/usr/bin:/bin"}, options)
    await s.start()
    return s


async def overhead(sim: Simulator, folder: Path, lines: int, samples: int) -> dict[str, float]:
    text = code_file(lines)
    ends = [i for i, ch in enumerate(text) if ch == "\n"]
    return await overhead_at(sim, folder, f"file_{lines}.py", text, ends, samples)


async def overhead_at(
    sim: Simulator, folder: Path, name: str, text: str, places: list[int], samples: int
) -> dict[str, float]:
    """Server time per ghost-text request (the model's own time taken out), at `samples`
    distinct places drawn from `places` (no cache hits)."""
    s = await session(sim, folder, debounceMs=0)
    s.open(name, text)
    rng = random.Random(len(text))
    spent: list[float] = []
    chosen = rng.sample(places, samples + 5)
    for offset in chosen[:5]:  # warm-up: the first model client and requests
        sim.script(Turn(reasoning="r", content="<completion>pass</completion>"))
        await s.request_inline(offset)[1]
    for offset in chosen[5:]:
        sim.script(Turn(reasoning="r", content="<completion>value += 1</completion>"))
        before = len(sim.requests)
        at = s.position(offset)  # the client's own work, not the server's
        began = time.monotonic()
        _, answer = s.request_inline(offset, at=at)
        await answer
        total = time.monotonic() - began
        record = sim.requests[before]
        model = record.chunk_times[-1][0] - record.received_at
        spent.append((total - model) * 1000)
    await s.stop()
    return {"p50": pct(spent, 0.5), "p99": pct(spent, 0.99)}


async def limits(sim: Simulator, folder: Path, samples: int) -> dict[str, dict[str, float]]:
    """Overhead in documents at the limits: 10 MB, 50,000 lines, a line of 1 MB."""
    huge = code_file(420_000)
    long = code_file(50_000)
    blob = "DATA = '" + "".join(f"{n:06x}" for n in range(170_000)) + "'\n"  # no repeats
    one_line = code_file(200) + blob + code_file(200)
    start = one_line.index(blob)
    inside = list(range(start + 10, start + len(blob), 997))

    def ends(text: str) -> list[int]:
        return [i for i, ch in enumerate(text) if ch == "\n"]

    return {
        "10mb": await overhead_at(sim, folder, "huge.py", huge, ends(huge), samples),
        "50k_lines": await overhead_at(sim, folder, "long.py", long, ends(long), samples),
        "1mb_line": await overhead_at(sim, folder, "blob.py", one_line, inside, samples),
    }


async def reuse(sim: Simulator, folder: Path, samples: int) -> dict[str, float]:
    s = await session(sim, folder, debounceMs=0)
    text = code_file(100)
    s.open("reuse.py", text)
    at = text.index("\n", 500)
    sim.script(
        Turn(reasoning="r", content="<completion>result = compute_everything(value)</completion>")
    )
    await s.request_inline(at)[1]
    calls = len(sim.requests)
    typing: list[float] = []
    for n, ch in enumerate("result = compute_everything"[:samples]):
        s.type(at + n, ch)
        began = time.monotonic()
        answer = await s.request_inline(at + n + 1)[1]
        typing.append((time.monotonic() - began) * 1000)
        assert items(answer), "typing through must answer"
    other = s.text.index("\n", 2000)
    sim.script(Turn(reasoning="r", content="<completion>pass</completion>"))
    await s.request_inline(other)[1]
    calls += 1
    hits: list[float] = []
    for _ in range(samples):
        began = time.monotonic()
        answer = await s.request_inline(other)[1]
        hits.append((time.monotonic() - began) * 1000)
        assert items(answer) == ["pass"]
    extra = len(sim.requests) - calls
    await s.stop()
    return {"typing_p50": pct(typing, 0.5), "cache_p50": pct(hits, 0.5), "model_calls": extra}


def replay_source(keystrokes: int) -> tuple[str, str, str]:
    """(text before, the part typed, text after) from CPython's textwrap.py: the body of
    `TextWrapper._wrap_chunks`, dense code (its docstring is already there). The text after
    starts with an empty line: the typist writes new lines above the existing code."""
    source = Path(inspect.getsourcefile(textwrap) or "").read_text()
    start = source.index("        lines = []\n", source.index("def _wrap_chunks"))
    end = source.rindex("\n", start, start + keystrokes) + 1  # whole lines are typed
    return source[:start], source[start:end], "\n" + source[end:]


def schedule(typed: str, seed: int = 7) -> list[float]:
    """Seconds to wait after each keystroke: quick bursts, and a pause where a person
    stops to think: after the indentation of a new line, before its first word."""
    rng = random.Random(seed)
    waits = []
    for i, ch in enumerate(typed):
        line = typed[typed.rfind("\n", 0, i + 1) + 1 : i + 1]
        nxt = typed[i + 1 : i + 2]
        starts_statement = ch in " \n" and not line.strip() and nxt.strip() != ""
        waits.append(rng.uniform(0.4, 0.7) if starts_statement else rng.uniform(0.025, 0.06))
    return waits


async def replay_ours(sim: Simulator, folder: Path, keystrokes: int) -> dict[str, float]:
    s = await session(sim, folder)
    before, typed, after = replay_source(keystrokes)
    keystrokes = len(typed)
    s.open("textwrap_replay.py", before + after)
    offset, pending, waits = len(before), None, schedule(typed)
    start_requests = len(sim.requests)
    pauses = got = 0
    delays: list[float] = []
    for ch, wait in zip(typed, waits, strict=True):
        s.type(offset, ch)
        offset += 1
        if pending is not None:
            s.cancel(pending[0])
        pending = s.request_inline(offset)
        sent = time.monotonic()
        if wait < 0.3:
            await asyncio.sleep(wait)
            continue
        pauses += 1
        try:
            answer = await asyncio.wait_for(asyncio.shield(pending[1]), wait)
        except TimeoutError:
            continue
        except Exception:
            continue
        if items(answer):
            got += 1
            delays.append((time.monotonic() - sent) * 1000)
        await asyncio.sleep(max(0.0, wait - (time.monotonic() - sent)))
    usage = await s.usage()
    await s.stop()
    calls = len(sim.requests) - start_requests
    return _replay_figures(
        keystrokes, calls, usage["promptTokens"], usage["costUsd"] or 0.0, pauses, got, delays
    )


async def replay_naive(sim: Simulator, keystrokes: int) -> dict[str, float]:
    before, typed, after = replay_source(keystrokes)
    keystrokes = len(typed)
    waits = schedule(typed)
    prompt_tokens = completion_tokens = 0
    pauses = got = 0
    delays: list[float] = []
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=500), timeout=60) as http:

        async def ask(text: str, at: int) -> str:
            nonlocal prompt_tokens, completion_tokens
            messages = prompts.completion_messages(
                path="textwrap.py",
                language="python",
                prefix=text[:at],
                suffix=text[at:],
                multiline=True,
                alternatives=1,
                neighbours=[],
            )
            body = {
                "model": "kimi-k2-7-code",
                "messages": messages,
                "max_tokens": 2048,
                "stream": False,
            }
            reply = (
                await http.post(
                    f"{sim.base_url}/chat/completions",
                    json=body,
                    headers={"Authorization": f"Bearer {KEY}"},
                )
            ).json()
            prompt_tokens += reply["usage"]["prompt_tokens"]
            completion_tokens += reply["usage"]["completion_tokens"]
            return str(reply["choices"][0]["message"]["content"])

        text, offset, tasks = before + after, len(before), []
        for ch, wait in zip(typed, waits, strict=True):
            text = text[:offset] + ch + text[offset:]
            offset += 1
            task = asyncio.ensure_future(ask(text, offset))
            tasks.append(task)
            sent = time.monotonic()
            if wait < 0.3:
                await asyncio.sleep(wait)
                continue
            pauses += 1
            try:
                content = await asyncio.wait_for(asyncio.shield(task), wait)
            except TimeoutError:
                continue
            inner = content.split("<completion>", 1)[-1].split("</completion>", 1)[0]
            if "<completion>" in content and inner.strip():
                got += 1
                delays.append((time.monotonic() - sent) * 1000)
            await asyncio.sleep(max(0.0, wait - (time.monotonic() - sent)))
        await asyncio.gather(*tasks, return_exceptions=True)
    cost = (prompt_tokens * PRICE_IN + completion_tokens * PRICE_OUT) / 1e6
    return _replay_figures(keystrokes, keystrokes, prompt_tokens, cost, pauses, got, delays)


def _replay_figures(
    keys: int, calls: int, tokens: int, cost: float, pauses: int, got: int, delays: list[float]
) -> dict[str, float]:
    return {
        "keystrokes": keys,
        "model_calls": calls,
        "prompt_tokens": tokens,
        "usd_per_1000_keystrokes": round(cost * 1000 / keys, 5),
        "pauses": pauses,
        "pauses_with_suggestion_pct": round(100 * got / pauses, 1) if pauses else 0.0,
        "pause_to_suggestion_ms_p50": pct(delays, 0.5),
    }


async def start_and_memory(sim: Simulator, folder: Path, completions: int) -> dict[str, float]:
    starts = []
    for _ in range(5):
        s = await session(sim, folder)
        starts.append(s.start_ms)
        await s.stop()
    s = await session(sim, folder, debounceMs=0, cacheSize=64)
    text = code_file(2000)
    s.open("memory.py", text)
    ends = [i for i, ch in enumerate(text) if ch == "\n"]
    for n in range(completions):
        sim.script(Turn(reasoning="r", content=f"<completion>value += {n}</completion>"))
        await s.request_inline(ends[n % len(ends)])[1]
    memory = rss_mb(s.pid)
    await s.stop()
    return {
        "start_ms_median": round(statistics.median(starts), 1),
        "rss_mb_after": round(memory, 1),
    }


async def run(quick: bool) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="kimi-bench-"))
    results: dict[str, Any] = {}
    async with Simulator(api_key=KEY) as sim:
        samples = 20 if quick else 60
        results["overhead_100_lines_ms"] = await overhead(sim, folder, 100, samples)
        results["overhead_10000_lines_ms"] = await overhead(sim, folder, 10_000, samples)
        results["reuse"] = await reuse(sim, folder, 10 if quick else 25)
        results["limits_ms"] = await limits(sim, folder, 10 if quick else 30)
        results.update(await start_and_memory(sim, folder, 200 if quick else 1000))
    keys = 200 if quick else 600
    async with Simulator(api_key=KEY, latency=LATENCY) as sim:
        results["replay_ours"] = await replay_ours(sim, folder, keys)
    async with Simulator(api_key=KEY, latency=LATENCY) as sim:
        results["replay_naive"] = await replay_naive(sim, keys)
    ours, naive = results["replay_ours"], results["replay_naive"]
    results["cheaper_than_naive_x"] = round(
        naive["usd_per_1000_keystrokes"] / max(ours["usd_per_1000_keystrokes"], 1e-9), 1
    )
    results["python"] = sys.version.split()[0]
    return results


TARGETS = [
    ("overhead p50 at 10,000 lines (ms)", lambda r: r["overhead_10000_lines_ms"]["p50"], "<=", 5),
    ("overhead p99 at 10,000 lines (ms)", lambda r: r["overhead_10000_lines_ms"]["p99"], "<=", 20),
    ("typing-through p50 (ms)", lambda r: r["reuse"]["typing_p50"], "<=", 2),
    ("cache hit p50 (ms)", lambda r: r["reuse"]["cache_p50"], "<=", 2),
    ("model calls from reuse", lambda r: r["reuse"]["model_calls"], "<=", 0),
    (
        "model calls per pause (bursts)",
        lambda r: r["replay_ours"]["model_calls"] / max(r["replay_ours"]["pauses"], 1),
        "<=",
        1,
    ),
    ("cheaper than naive (x)", lambda r: r["cheaper_than_naive_x"], ">=", 10),
    ("start to initialize (ms)", lambda r: r["start_ms_median"], "<=", 500),
    ("memory after completions (MB)", lambda r: r["rss_mb_after"], "<=", 100),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    results = asyncio.run(run(parser.parse_args().quick))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    ours, naive = results["replay_ours"], results["replay_naive"]
    print(
        "Ghost text: replay of textwrap.py typed key by key (model latency "
        f"{LATENCY * 1000:.0f} ms), ours vs a naive client"
    )
    print(f"{'':<34}{'kimi-lsp':>14}{'naive':>14}")
    for key in ours:
        print(f"{key:<34}{ours[key]:>14}{naive[key]:>14}")
    print(f"{'cheaper per 1,000 keystrokes':<34}{results['cheaper_than_naive_x']:>13}x")
    print()
    print(f"{'target':<40}{'measured':>10}  {'goal':>8}  ok")
    for name, get, op, goal in TARGETS:
        value = round(float(get(results)), 2)
        ok = value <= goal if op == "<=" else value >= goal
        print(f"{name:<40}{value:>10}  {op}{goal:>6}  {'yes' if ok else 'NO'}")
    print(
        f"overhead at 100 lines: p50 {results['overhead_100_lines_ms']['p50']} ms, "
        f"p99 {results['overhead_100_lines_ms']['p99']} ms"
    )
    sizes = {"10mb": "a 10 MB file", "50k_lines": "50,000 lines", "1mb_line": "a 1 MB line"}
    for key, label in sizes.items():
        figures = results["limits_ms"][key]
        print(f"overhead in {label}: p50 {figures['p50']} ms, p99 {figures['p99']} ms")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
