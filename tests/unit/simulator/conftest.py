"""Fixtures: a simulator on loopback and an authenticated httpx client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from kimi_lsp.simulator import Simulator

from .helpers import KEY


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """A running simulator with the test key."""
    async with Simulator(api_key=KEY) as simulator:
        yield simulator


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client pointed at the simulator, with a valid key."""
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=sim.base_url, headers=headers, timeout=10) as c:
        yield c
