"""An explicit request for alternatives is not answered by the one suggestion being typed
through (the Neovim plugin cycles alternatives right after an automatic suggestion)."""

from __future__ import annotations

from kimi_lsp.ghost_text.engine import CompletionQuery
from kimi_lsp.text import LineIndex

from .test_rate_limit import CURSOR, SETTINGS, TEXT, Setup, answer


async def test_an_explicit_request_for_alternatives_asks_the_model() -> None:
    setup = Setup(
        answer("<completion>return a + b</completion>"),
        answer("<completion>return a + b</completion><completion>return b + a</completion>"),
    )
    assert await setup.complete(CURSOR) == ["return a + b"]
    query = CompletionQuery(
        "file:///add.py", "/add.py", "python", LineIndex(TEXT), CURSOR, False, alternatives=3
    )
    assert setup.sent == 1

    async def endpoint():  # type: ignore[no-untyped-def]
        from .test_rate_limit import ENDPOINT

        return ENDPOINT

    result = await setup.engine.complete(
        query, settings=SETTINGS, service=setup.service, endpoint=endpoint, neighbours=lambda: []
    )
    assert setup.sent == 2
    assert len(result.texts) >= 1
