"""Prices per model id, and the cost of one response."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kimi_lsp.model.types import Usage

WEB_SEARCH_USD = 0.015
"""EmpirioLabs' price of one invoked built-in web search call."""


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input_per_million: float
    output_per_million: float


DEFAULT_PRICES: Mapping[str, Price] = {
    "kimi-k2-7-code": Price(0.95, 4.00),
    "moonshot/kimi-k2.7-code": Price(0.95, 4.00),
}


def request_cost(usage: Usage, price: Price) -> float:
    """Dollars for one response; reasoning tokens are billed as output."""
    return (
        usage.prompt_tokens * price.input_per_million
        + usage.completion_tokens * price.output_per_million
    ) / 1_000_000 + usage.web_search_calls * WEB_SEARCH_USD
