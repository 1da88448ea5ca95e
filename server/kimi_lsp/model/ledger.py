"""Session totals of usage and cost, and the session budget."""

from __future__ import annotations

from collections.abc import Mapping

from kimi_lsp.model.errors import BudgetExceeded
from kimi_lsp.model.pricing import DEFAULT_PRICES, Price, request_cost
from kimi_lsp.model.types import Usage
from kimi_lsp.wording import usd


class UsageLedger:
    """Adds up every response's usage. A model without a price makes the cost unknown."""

    def __init__(
        self, prices: Mapping[str, Price] | None = None, budget_usd: float | None = None
    ) -> None:
        self.prices: dict[str, Price] = dict(DEFAULT_PRICES if prices is None else prices)
        self.budget_usd = budget_usd
        self.requests = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.reasoning_tokens = 0
        self.web_search_calls = 0
        self.known_cost_usd = 0.0
        self.unpriced_requests = 0
        self.estimated_requests = 0

    def record(self, model: str, usage: Usage | None, *, estimated: bool = False) -> None:
        """Count one model request; `usage` is None when nothing is known of it, and
        `estimated` when it was guessed from the text of a stream cut before usage came."""
        self.requests += 1
        self.estimated_requests += estimated
        if usage is None:
            return
        self.prompt_tokens += usage.prompt_tokens
        self.completion_tokens += usage.completion_tokens
        self.reasoning_tokens += usage.reasoning_tokens or 0
        self.web_search_calls += usage.web_search_calls
        price = self.prices.get(model)
        if price is None:
            self.unpriced_requests += 1
        else:
            self.known_cost_usd += request_cost(usage, price)

    @property
    def cost_usd(self) -> float | None:
        """Total dollars, or None when a request used a model with no known price."""
        return None if self.unpriced_requests else self.known_cost_usd

    def cost_of(self, model: str, usage: Usage) -> float:
        """Dollars `usage` of `model` would cost (0 when the model has no price)."""
        price = self.prices.get(model)
        return 0.0 if price is None else request_cost(usage, price)

    def check_budget(self, pending_usd: float = 0.0, *, streaming: bool = False) -> None:
        """Raise `BudgetExceeded` once the session budget is spent, counting `pending_usd`
        (the estimated cost of the request about to be sent, or of the answer streaming)."""
        budget = self.budget_usd
        if budget is None:
            return
        spent = self.known_cost_usd
        if spent >= budget:
            raise BudgetExceeded(
                f"The session budget of {usd(budget)} is spent ({usd(spent)} so far), so no "
                "further model calls are made. Raise kimi.budget.sessionUsd or restart the "
                "server to continue."
            )
        if pending_usd > 0 and spent + pending_usd >= budget:
            if streaming:
                raise BudgetExceeded(
                    f"The session budget of {usd(budget)} was reached while the model was "
                    f"answering ({usd(spent)} spent before, about {usd(pending_usd)} for this "
                    "answer so far), so the answer was stopped. Raise kimi.budget.sessionUsd "
                    "or restart the server to continue."
                )
            raise BudgetExceeded(
                f"This request would pass the session budget of {usd(budget)} "
                f"({usd(spent)} spent, about {usd(pending_usd)} for its prompt), so it was "
                "not sent. Raise kimi.budget.sessionUsd or restart the server to continue."
            )

    def snapshot(self) -> dict[str, int | float | str | None]:
        """The totals as `kimi.usage` returns them."""
        cost = self.cost_usd
        return {
            "requests": self.requests,
            "promptTokens": self.prompt_tokens,
            "completionTokens": self.completion_tokens,
            "reasoningTokens": self.reasoning_tokens,
            "webSearchCalls": self.web_search_calls,
            "costUsd": None if cost is None else round(cost, 6),
            "budgetUsd": self.budget_usd,
            "cost": "unknown" if cost is None else usd(cost),
            "budget": None if self.budget_usd is None else usd(self.budget_usd),
            "estimatedRequests": self.estimated_requests,
        }
