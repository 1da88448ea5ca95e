"""Retry decisions, Retry-After parsing, cost arithmetic and the ledger."""

from __future__ import annotations

import random

import pytest

from kimi_lsp.model.errors import (
    AuthenticationFailed,
    BadRequest,
    BudgetExceeded,
    ConnectionFailed,
    ModelNotFound,
    QuotaExceeded,
    RateLimited,
    ServerError,
)
from kimi_lsp.model.ledger import UsageLedger
from kimi_lsp.model.pricing import Price, request_cost
from kimi_lsp.model.retry import RetryPolicy, backoff, parse_retry_after, retry_delay
from kimi_lsp.model.types import Usage

POLICY = RetryPolicy(max_retries=3, base_delay=0.5, max_delay=8.0, retry_after_cap=30.0)


@pytest.mark.parametrize(
    "error",
    [AuthenticationFailed("x"), BadRequest("x"), ModelNotFound("x"), QuotaExceeded("x")],
)
def test_client_errors_are_never_retried(error: Exception) -> None:
    assert retry_delay(error, 1, POLICY, output_started=False) is None  # type: ignore[arg-type]


def test_rate_limit_honours_retry_after_capped() -> None:
    assert retry_delay(RateLimited("x", retry_after=2.0), 1, POLICY, output_started=False) == 2.0
    assert retry_delay(RateLimited("x", retry_after=600), 1, POLICY, output_started=False) == 30.0


def test_rate_limit_without_header_backs_off() -> None:
    delay = retry_delay(RateLimited("x"), 1, POLICY, output_started=False, rng=random.Random(1))
    assert delay is not None
    assert 0.25 <= delay <= 0.5


def test_server_errors_back_off_exponentially_with_jitter_then_stop() -> None:
    rng = random.Random(7)
    delays = [
        retry_delay(ServerError("x"), n, POLICY, output_started=False, rng=rng)
        for n in (1, 2, 3, 4)
    ]
    assert delays[3] is None
    for n, delay in enumerate(delays[:3], start=1):
        ceiling = min(8.0, 0.5 * 2 ** (n - 1))
        assert delay is not None
        assert ceiling / 2 <= delay <= ceiling


def test_backoff_is_capped() -> None:
    assert backoff(20, POLICY, random.Random(0)) <= 8.0


def test_nothing_is_retried_once_output_started() -> None:
    assert retry_delay(ConnectionFailed("x"), 1, POLICY, output_started=True) is None


def test_retry_after_formats() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0


def test_cost_of_a_response() -> None:
    usage = Usage(prompt_tokens=1_000_000, completion_tokens=500_000, web_search_calls=2)
    assert request_cost(usage, Price(0.95, 4.00)) == pytest.approx(0.95 + 2.00 + 0.03)


def test_ledger_totals_and_unknown_model() -> None:
    ledger = UsageLedger()
    ledger.record("kimi-k2-7-code", Usage(1000, 2000))
    ledger.record("kimi-k2-7-code", None)
    snap = ledger.snapshot()
    assert snap["requests"] == 2
    assert snap["promptTokens"] == 1000
    assert snap["completionTokens"] == 2000
    assert snap["costUsd"] == pytest.approx((1000 * 0.95 + 2000 * 4.0) / 1e6)
    ledger.record("some-local-model", Usage(10, 10))
    assert ledger.snapshot()["costUsd"] is None


def test_price_override() -> None:
    ledger = UsageLedger(prices={"local": Price(1.0, 1.0)})
    ledger.record("local", Usage(1_000_000, 0))
    assert ledger.cost_usd == pytest.approx(1.0)


def test_budget_refuses_once_spent() -> None:
    ledger = UsageLedger(budget_usd=0.01)
    ledger.check_budget()
    ledger.record("kimi-k2-7-code", Usage(0, 2500))
    with pytest.raises(BudgetExceeded, match=r"kimi.budget.sessionUsd"):
        ledger.check_budget()
