"""Helpers of the Azure source tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from tbdesk.azure.rest import Policy
from tbdesk.sources.azure import AzureSource

T = TypeVar("T")

# Fast but real: every retry still happens, only the waits are short.
FAST = Policy(timeout=5.0, connect_timeout=2.0, retries=2, backoff=0.01)


def run(coro: Awaitable[T]) -> T:
    """Run one engine coroutine to the end (engine tests need no Qt loop)."""

    async def main() -> T:
        return await coro

    return asyncio.run(main())


async def collect(source: AzureSource, experiment_name: str) -> list[list[Any]]:
    experiments = {e.name: e for e in await source.experiments()}
    return [page async for page in source.runs(experiments[experiment_name])]
