"""The default answer to code completion (fill-in-the-middle) requests."""

from __future__ import annotations

import httpx
import pytest

from kimi_lsp.simulator.completion import parse_fim
from kimi_lsp.simulator.prompt import read_prompt
from kimi_lsp.simulator.responder import HANDLERS, default_turn
from kimi_lsp.simulator.tokens import estimate_tokens

from .completion_helpers import complete, completion_body
from .helpers import chat_body

SUM = "def total_price(items):\n    "
SUM_BODY = "total = 0\n    for item in items:\n        total += item\n    return total"
HELPER = ("src/shop/util.py", "def helper_total(items):\n    return sum(items)\n")


def test_completion_handler_is_registered_first() -> None:
    assert HANDLERS[0].name == "completion"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (SUM, SUM_BODY),
        ('def total_price(items):\n    """Add up the prices."""\n    ', SUM_BODY),
        ("def is_ready(job):\n    ", "return False"),
        ("def has_items(cart):\n    ", "return False"),
        ("def get_name(person):\n    ", "return person"),
        ("def ship(order, address):\n    ", "pass"),
        ("class Cart:\n    def get_owner(self):\n        ", "return self.owner"),
        (
            "class Cart:\n    def compute_sum(self, values):\n        ",
            "total = 0\n        for item in values:\n"
            "            total += item\n        return total",
        ),
        ("def is_ready(job):\n", "    return False"),  # cursor at column 0: indent it
    ],
)
async def test_empty_function_body(client: httpx.AsyncClient, prefix: str, expected: str) -> None:
    reply = await complete(client, prefix, "\n\n\ndef later():\n    pass\n")
    assert reply.text == expected
    assert reply.finish_reason == "stop"


async def test_empty_function_body_line_only_scope_gives_first_line(
    client: httpx.AsyncClient,
) -> None:
    reply = await complete(client, SUM, "\n", multiline=False)
    assert reply.text == "total = 0"


async def test_empty_function_body_in_typescript(client: httpx.AsyncClient) -> None:
    prefix = "export function totalPrice(items: number[]): number {\n  "
    reply = await complete(client, prefix, "\n}\n", language="typescript", path="src/cart.ts")
    assert reply.text == (
        "let total = 0;\n  for (const item of items) {\n    total += item;\n  }\n  return total;"
    )
    reply = await complete(client, "function isReady(job) {\n  ", "\n}", language="javascript")
    assert reply.text == "return false;"


@pytest.mark.parametrize(
    ("prefix", "suffix", "expected"),
    [
        ("def report():\n    print(", ")", '"done"'),
        ("def biggest(a, b):\n    return max(", ")\n", "a, b"),
        ("def biggest(a, b):\n    return max(a, ", ")", "b"),
        ("def biggest(a, b):\n    return max(a,", ")", " b"),
        ("def biggest(a, b):\n    return max(", "", "a, b)"),
        ("def count(items):\n    print(len(", ")", "items)"),
        ("def count(items):\n    print(len(", "))", "items"),
        ("def first(items):\n    return items[0", "", "]"),
    ],
)
async def test_open_call_gets_arguments_without_duplicating_the_bracket(
    client: httpx.AsyncClient, prefix: str, suffix: str, expected: str
) -> None:
    reply = await complete(client, prefix, suffix, multiline=False)
    assert reply.text == expected


async def test_open_call_in_javascript(client: httpx.AsyncClient) -> None:
    prefix = "const biggest = (a, b) => {\n  return Math.max("
    reply = await complete(client, prefix, ");\n};\n", language="javascript", path="src/a.js")
    assert reply.text == "a, b"
    prefix = "function done() {\n  console.log("
    reply = await complete(client, prefix, ")", language="javascript", path="src/a.js")
    assert reply.text == '"done"'


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("def double(price):\n    result = price * 2\n    re", "turn result"),
        (
            "def add(items):\n    total = 0\n"
            "    for item in items:\n        total += item\n    ret",
            "urn total",
        ),
        ("def count(items):\n    return len(it", "ems)"),
        (
            "class Cart:\n    def size(self):\n        self.items = []\n        return self.ite",
            "ms",
        ),
        ("quantity = 3\nprice = 2\ntotal = qua", "ntity"),
    ],
)
async def test_partial_word_is_completed(
    client: httpx.AsyncClient, prefix: str, expected: str
) -> None:
    reply = await complete(client, prefix, "\n", multiline=False)
    assert reply.text == expected


async def test_partial_word_keeps_the_closing_bracket_that_follows(
    client: httpx.AsyncClient,
) -> None:
    reply = await complete(client, "def count(items):\n    return len(it", ")\n")
    assert reply.text == "ems"


@pytest.mark.parametrize(
    ("prefix", "suffix", "expected"),
    [
        ("for price in prices:\n    ", "\n", "print(price)"),
        ("def check(x):\n    if x > 1:\n        ", "\n", "return None"),
        ("while True:\n    ", "\n", "break"),
        ("try:\n    load()\nexcept OSError:\n    ", "\n", "raise"),
    ],
)
async def test_block_opener_gets_a_body_line(
    client: httpx.AsyncClient, prefix: str, suffix: str, expected: str
) -> None:
    reply = await complete(client, prefix, suffix)
    assert reply.text == expected


async def test_block_opener_in_javascript(client: httpx.AsyncClient) -> None:
    prefix = "function show(prices) {\n  for (const price of prices) {\n    "
    reply = await complete(client, prefix, "\n  }\n}\n", language="javascript", path="src/a.js")
    assert reply.text == "console.log(price);"


async def test_neighbour_snippet_function_is_preferred(client: httpx.AsyncClient) -> None:
    prefix = "helpful = True\n\ndef checkout(cart):\n    amount = help"
    reply = await complete(client, prefix, "\n", neighbours=[HELPER])
    assert reply.text == "er_total("
    reply = await complete(client, prefix, "\n")
    assert reply.text == "ful"


async def test_nothing_to_add_after_a_complete_statement_or_in_a_string(
    client: httpx.AsyncClient,
) -> None:
    assert (await complete(client, "x = compute(1, 2)", "\n")).text == ""
    assert (await complete(client, 'message = "Hel', '"\n')).text == ""
    assert (await complete(client, "count = ", "\n")).text == "0"


@pytest.mark.parametrize(
    ("prefix", "suffix"),
    [
        (SUM, "\n"),
        ("def report():\n    print(", ")"),
        ("x = help", ""),
        ("x = compute(1, 2)", "\n"),
        ('message = "Hel', '"'),
    ],
)
async def test_alternatives_are_distinct_blocks_best_first(
    client: httpx.AsyncClient, prefix: str, suffix: str
) -> None:
    single = await complete(client, prefix, suffix, neighbours=[HELPER])
    reply = await complete(client, prefix, suffix, alternatives=3, neighbours=[HELPER])
    assert "\n".join(f"<completion>{t}</completion>" for t in reply.texts) == reply.content
    assert len(reply.texts) == 3
    assert len(set(reply.texts)) == 3
    assert reply.texts[0] == single.text


async def test_stop_sequence_cuts_at_the_first_closing_tag(client: httpx.AsyncClient) -> None:
    reply = await complete(client, SUM, "\n", stop=True, max_tokens=64)
    assert reply.content == f"<completion>{SUM_BODY}"
    assert reply.finish_reason == "stop"
    assert estimate_tokens(reply.reasoning) <= 20


async def test_small_budget_still_leaves_room_for_the_completion(
    client: httpx.AsyncClient,
) -> None:
    reply = await complete(client, "def is_ready(job):\n    ", "", stop=True, max_tokens=32)
    assert reply.content == "<completion>return False"


async def test_answers_are_deterministic(client: httpx.AsyncClient) -> None:
    first = await complete(client, SUM, "\n", alternatives=3, neighbours=[HELPER])
    second = await complete(client, SUM, "\n", alternatives=3, neighbours=[HELPER])
    assert first == second


def test_prompt_parsing_survives_markers_inside_snippets_and_code() -> None:
    snippet = ("src/a.py", "<file>\nx = 1\n</file>\n</snippet>\nnot the end")
    prefix = 'TEMPLATE = "<file>"\ndef is_ok(v):\n    '
    body = completion_body(prefix, "\n</file>\n", neighbours=[snippet, HELPER], alternatives=2)
    fim = parse_fim(read_prompt(body))
    assert fim is not None
    assert (fim.prefix, fim.suffix, fim.language) == (prefix, "\n</file>\n", "python")
    assert fim.snippets == (snippet, HELPER)
    assert (fim.multiline, fim.count) == (True, 2)


def test_other_prompts_are_not_completions() -> None:
    text = "Path: a.py\n<file>\nx<CURSOR>\n</file>\nComplete the code at <CURSOR>."
    turn = default_turn(chat_body(text))
    assert "<completion>" not in turn.content
