"""A pytest plugin: every exchange with every Azure ML emulator a test starts is held against
Microsoft's own generated clients (tests/azureml_emulator/contract.py) when that test ends.

- Requests tbdesk makes (its User-Agent is `tbdesk/...`) must each be accepted by an official
  operation; anything else fails the test (at teardown) with the file and line of the template.
- Answers are checked against the response models of their route (fitting one official
  client's version is enough), whoever sent the request (tbdesk, or azureml-core in the tests of
  the notebook API).
- Requests that tests send by hand, on purpose wrong (to see the emulator refuse them), are not
  tbdesk's and are not held against the contract.

Over the session every operation met is counted; the list goes to tests/artifacts/azure-contract.txt
and one line of the terminal summary, so a run shows what the contract covered.
"""

from __future__ import annotations

import collections
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.azureml_emulator.server import WATCHERS, Emulator, Request

_REPORT = Path(__file__).parents[1] / "artifacts" / "azure-contract.txt"
_met: collections.Counter[str] = collections.Counter()


def is_tbdesks(request: Request) -> bool:
    return (request.agent or "").startswith("tbdesk/")


def problems_of(emulators: list[Emulator]) -> list[str]:
    """Every contract problem in the logs of these emulators (each once)."""
    from tests.azureml_emulator import contract

    problems: dict[str, None] = {}
    for emulator in emulators:
        for request in emulator.requests():
            found = contract.check(request) if is_tbdesks(request) else _answer_problems(request)
            problems.update(dict.fromkeys(found))
    return list(problems)


def kind_of(request: Request) -> str:
    """The official operation (or special kind) an exchange belongs to, for the session's list."""
    from tests.azureml_emulator import contract

    if request.path == "/discovery":
        return "discovery document"
    if request.path.startswith("/blob/"):
        return "artifact bytes (blob GET)"
    verdict = contract.check_request(request.method, request.path, request.query, request.body)
    who = "tbdesk" if is_tbdesks(request) else "other client"
    if verdict.operation is None:
        return f"{who}: unmatched {request.method} {contract.short(request.path)}"
    return f"{who}: {verdict.operation.client} {verdict.operation.name}"


def _answer_problems(request: Request) -> list[str]:
    from tests.azureml_emulator import contract

    if request.path == "/discovery" or request.path.startswith("/blob/"):
        return []
    return contract.check_answer(request.method, request.path, request.status, request.answer)


@pytest.fixture(autouse=True)
def _azure_contract() -> Iterator[None]:
    started: list[Emulator] = []
    WATCHERS.append(started.append)
    yield
    WATCHERS.remove(started.append)
    if not started:
        return
    if "azureml.core" not in sys.modules:
        # The official clients bring azureml-core's modules in, which read their environment once.
        pytest.fail(
            "A test that starts an Azure ML emulator requests the azureml_env fixture"
            " (tests/conftest.py), so that azureml-core comes in under the test environment.",
            pytrace=False,
        )
    problems = problems_of(started)
    _met.update(kind_of(r) for emulator in started for r in emulator.requests())
    if problems:
        listed = "\n".join(f"- {p}" for p in problems[:20])
        more = f"\n(and {len(problems) - 20} more)" if len(problems) > 20 else ""
        pytest.fail(
            f"The Azure ML exchanges of this test disagree with Microsoft's clients:\n{listed}{more}",
            pytrace=False,
        )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _met:
        return
    _REPORT.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{count:6d}  {kind}" for kind, count in sorted(_met.items())]
    _REPORT.write_text("\n".join(lines) + "\n")
    kinds = sum(1 for kind in _met if kind.startswith("tbdesk:"))
    terminalreporter.write_line(
        f"Azure contract: {sum(_met.values())} exchanges checked against Microsoft's clients,"
        f" {kinds} official operations used by tbdesk (list: {_REPORT})"
    )
