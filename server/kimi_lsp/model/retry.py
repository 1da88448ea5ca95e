"""When to retry a failed model request, and after how long.

429 waits for the advised delay (capped): `retry-after-ms`, else `Retry-After`, else the
provider's own header as a LiteLLM proxy forwards it (`llm_provider-retry-after-ms`,
`llm_provider-retry-after`). 408, 5xx and dropped connections back off exponentially
with jitter; nothing is retried once content has reached the caller, and client errors
(400/401/402/403/404, an exhausted quota) are never retried. Ghost text has its own, short
policy (`GHOST_TEXT`): a suggestion that comes seconds late is in the way, not a help.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from time import time

from kimi_lsp.model.errors import ModelError, RateLimited


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on retrying one request."""

    max_retries: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    retry_after_cap: float = 30.0
    wait_beyond_cap: bool = True
    """A `Retry-After` above the cap: wait the cap (True) or give up at once (False)."""


GHOST_TEXT = RetryPolicy(
    max_retries=1, base_delay=0.2, max_delay=0.4, retry_after_cap=1.0, wait_beyond_cap=False
)
"""One quick retry; a rate limit asking for more than a second fails the suggestion."""


def backoff(attempt: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Delay before retry number `attempt` (1-based): exponential, with equal jitter."""
    ceiling = min(policy.max_delay, policy.base_delay * 2.0 ** (attempt - 1))
    draw = rng.random() if rng is not None else random.random()
    return ceiling / 2 + draw * ceiling / 2


def retry_delay(
    error: ModelError,
    attempt: int,
    policy: RetryPolicy,
    *,
    output_started: bool,
    rng: random.Random | None = None,
) -> float | None:
    """Seconds to wait before retry `attempt` (1-based), or None when not to retry."""
    if output_started or not error.retryable or attempt > policy.max_retries:
        return None
    if isinstance(error, RateLimited) and error.retry_after is not None:
        if error.retry_after > policy.retry_after_cap and not policy.wait_beyond_cap:
            return None
        return min(max(error.retry_after, 0.0), policy.retry_after_cap)
    return backoff(attempt, policy, rng)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (time() if now is None else now), 0.0)


def _milliseconds(value: str | None) -> float | None:
    try:
        ms = float(value) if value else math.nan
    except ValueError:
        return None
    return max(ms / 1000, 0.0) if math.isfinite(ms) else None


def retry_after_from(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait, from the first rate-limit header present and readable (header
    names are matched case-insensitively, as `httpx.Headers` does)."""
    for prefix in ("", "llm_provider-"):
        seconds = _milliseconds(headers.get(prefix + "retry-after-ms"))
        if seconds is None:
            seconds = parse_retry_after(headers.get(prefix + "retry-after"), now)
        if seconds is not None:
            return seconds
    return None
