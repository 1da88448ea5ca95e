"""Ghost text under a rate limit: a short retry policy of its own, then a pause of its model
calls for as long as the API asked, on a clock the test moves and with a sleep the test
controls (no waiting)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from pydantic import SecretStr

from kimi_lsp.config.settings import CompletionSettings
from kimi_lsp.ghost_text.engine import CompletionEngine, CompletionQuery
from kimi_lsp.model.client import ModelClient
from kimi_lsp.model.endpoint import Endpoint
from kimi_lsp.model.errors import RateLimited, ServerError
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.retry import GHOST_TEXT, RetryPolicy, parse_retry_after, retry_delay
from kimi_lsp.model.service import ModelService
from kimi_lsp.text import LineIndex

ENDPOINT = Endpoint("simulator", "http://127.0.0.1:9/v1", "kimi-k2-7-code", SecretStr("k"), "")
TEXT = "def add(a, b):\n    \n"
SETTINGS = CompletionSettings(debounce_ms=0, neighbours=False)


def answer(text: str) -> httpx.Response:
    chunks = [
        {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]},
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": 5}},
    ]
    body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks)
    body += b"data: [DONE]\n\n"
    return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})


def too_many(retry_after: str | None) -> httpx.Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return httpx.Response(429, json={"error": {"message": "slow down"}}, headers=headers)


class Setup:
    """An engine on a fake clock, with a service whose HTTP answers are queued."""

    def __init__(self, *responses: httpx.Response, hold_sleeps: bool = False) -> None:
        self.now = 1000.0
        self.responses = list(responses)
        self.sent = 0
        self.sleeps: list[float] = []
        self.sleeping = asyncio.Event()

        def handler(request: httpx.Request) -> httpx.Response:
            self.sent += 1
            return self.responses.pop(0)

        async def sleep(delay: float) -> None:
            self.sleeps.append(delay)
            self.sleeping.set()
            if hold_sleeps:  # the retry waits until the request is cancelled
                await asyncio.Event().wait()

        client = ModelClient(
            transport=httpx.MockTransport(handler),
            retry=RetryPolicy(max_retries=5, retry_after_cap=30.0),  # the commands' policy
            sleep=sleep,
        )
        self.service = ModelService(client, UsageLedger())
        self.engine = CompletionEngine(clock=lambda: self.now)

    async def complete(self, offset: int, *, automatic: bool = True) -> list[str]:
        query = CompletionQuery(
            "file:///add.py", "/add.py", "python", LineIndex(TEXT), offset, automatic
        )

        async def endpoint() -> Endpoint:
            return ENDPOINT

        result = await self.engine.complete(
            query,
            settings=SETTINGS,
            service=self.service,
            endpoint=endpoint,
            neighbours=lambda: [],
        )
        return result.texts


CURSOR = TEXT.index("\n    \n") + 5


async def test_a_long_retry_after_is_not_waited_for_and_pauses_the_model_calls() -> None:
    setup = Setup(too_many("30"), answer("<completion>return a + b</completion>"))
    with pytest.raises(RateLimited, match=r"slow down\. Paused for 30 s\.$"):
        await setup.complete(CURSOR)
    assert setup.sent == 1
    assert setup.sleeps == []  # the commands' policy would have waited 30 s
    assert setup.engine.paused_for() == 30.0

    setup.now += 10  # typing on: automatic requests make no call, and say nothing
    assert await setup.complete(CURSOR - 1) == []
    assert setup.sent == 1
    with pytest.raises(RateLimited, match="resumes in 20 s"):  # an explicit one says why
        await setup.complete(CURSOR - 1, automatic=False)
    assert setup.sent == 1

    setup.now += 20  # the pause is over
    assert setup.engine.paused_for() == 0.0
    assert await setup.complete(CURSOR) == ["return a + b"]
    assert setup.sent == 2


async def test_a_short_retry_after_is_retried_once() -> None:
    setup = Setup(too_many("0.5"), answer("<completion>return a + b</completion>"))
    assert await setup.complete(CURSOR) == ["return a + b"]
    assert setup.sent == 2
    assert setup.sleeps == [0.5]
    assert setup.engine.paused_for() == 0.0


async def test_no_retry_after_pauses_for_five_seconds_and_a_huge_one_is_capped() -> None:
    setup = Setup(too_many(None), too_many(None), too_many("86400"), too_many(None))
    with pytest.raises(RateLimited, match="Paused for 5 s"):
        await setup.complete(CURSOR)
    assert setup.sent == 2  # one quick retry, then the pause
    assert setup.engine.paused_for() == 5.0
    setup.now += 5.0
    with pytest.raises(RateLimited, match="Paused for 60 s"):
        await setup.complete(CURSOR)
    assert setup.engine.paused_for() == 60.0


async def test_a_retry_that_succeeds_ends_the_pause() -> None:
    setup = Setup(too_many(None), answer("<completion>return a + b</completion>"))
    assert await setup.complete(CURSOR) == ["return a + b"]
    assert setup.sent == 2
    assert setup.engine.paused_for() == 0.0


async def test_a_request_superseded_while_it_waits_to_retry_leaves_the_pause() -> None:
    setup = Setup(too_many(None), hold_sleeps=True)
    first = asyncio.ensure_future(setup.complete(CURSOR))
    await setup.sleeping.wait()  # got the 429, waiting to retry
    first.cancel()  # the next keystroke supersedes it
    with pytest.raises(asyncio.CancelledError):
        await first
    assert setup.engine.paused_for() == 5.0
    assert await setup.complete(CURSOR - 1) == []
    assert setup.sent == 1


async def test_the_cache_still_answers_during_a_pause() -> None:
    setup = Setup(answer("<completion>return a + b</completion>"), too_many("30"))
    assert await setup.complete(CURSOR) == ["return a + b"]
    with pytest.raises(RateLimited):
        await setup.complete(CURSOR - 1)
    assert setup.engine.paused_for() == 30.0
    assert await setup.complete(CURSOR) == ["return a + b"]  # from the cache
    assert setup.sent == 2


async def test_a_zero_retry_after_that_fails_twice_is_told_without_a_pause() -> None:
    setup = Setup(too_many("0"), too_many("0"))
    with pytest.raises(RateLimited) as raised:
        await setup.complete(CURSOR)
    assert setup.sent == 2
    assert raised.value.message.endswith("slow down.")  # no "Paused for 0 s"
    assert setup.engine.paused_for() == 0.0


async def test_server_errors_get_one_quick_retry_and_no_pause() -> None:
    setup = Setup(httpx.Response(503), httpx.Response(503), httpx.Response(503))
    with pytest.raises(ServerError):
        await setup.complete(CURSOR)
    assert setup.sent == 2
    assert len(setup.sleeps) == 1
    assert 0.1 <= setup.sleeps[0] <= 0.2
    assert setup.engine.paused_for() == 0.0


def test_the_ghost_text_policy_gives_up_on_a_long_retry_after() -> None:
    assert retry_delay(RateLimited("x", retry_after=1.0), 1, GHOST_TEXT, output_started=False) == 1
    assert (
        retry_delay(RateLimited("x", retry_after=1.5), 1, GHOST_TEXT, output_started=False) is None
    )
    assert (
        retry_delay(RateLimited("x", retry_after=1.0), 2, GHOST_TEXT, output_started=False) is None
    )
    commands = RetryPolicy(retry_after_cap=30.0)
    assert retry_delay(RateLimited("x", retry_after=99), 1, commands, output_started=False) == 30


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf"])
def test_a_retry_after_that_is_not_a_finite_number_is_ignored(value: str) -> None:
    assert parse_retry_after(value) is None
