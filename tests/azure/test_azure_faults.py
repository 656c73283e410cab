"""What goes wrong with a cloud service, injected by the emulator: throttling, server errors, cut
connections, slow answers, expired sign-ins, lost access, deleted runs, no network."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from collections.abc import Callable

import pytest
from azure_helpers import FAST, run

from tbdesk.azure.errors import (
    AccessDeniedError,
    NoAnswerError,
    NotFoundError,
    OfflineError,
    ServiceError,
    SignedOutError,
)
from tbdesk.azure.rest import CancelledError, Policy
from tbdesk.sources.base import SourceError
from tests.azureml_emulator import Emulator, Fault, StaticCredential
from tests.azureml_emulator.marks import AZUREML_WARNINGS

pytestmark = AZUREML_WARNINGS

QUERY = "experiments:query"


def test_429_waits_as_long_as_retry_after_says(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match=QUERY, status=429, retry_after=1))
    assert len(run(make_source().experiments())) == 3
    first, second = demo.requests("POST", contains=QUERY)
    assert (first.status, second.status) == (429, 200)
    # A lower bound only: a slow machine can make the gap longer, never shorter.
    assert second.at - first.at >= 1.0


def test_500_and_503_are_retried(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match="/full$", status=500))
    demo.inject(Fault(match="/full$", status=503))
    source = make_source()
    target = run(source.get_run("metric-kinds", "kinds_run"))
    assert {m.name for m in run(source.metrics(target))} == set(demo.workspace.runs["kinds_run"].metrics)
    statuses = [r.status for r in demo.requests("POST", contains="/full")]
    assert statuses.count(500) == 1 and statuses.count(503) == 1


def test_a_service_that_keeps_failing_gives_up_with_a_clear_message(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match=QUERY, status=503, times=99))
    with pytest.raises(
        ServiceError, match=r"Azure ML failed while reading the experiments .*HTTP 503.*Injected"
    ):
        run(make_source().experiments())
    assert len(demo.requests("POST", contains=QUERY)) == FAST.retries + 1


def test_a_cut_connection_is_retried(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match="runs:query", cut=True))
    pages = run(_runs(make_source(), "lr-sweep"))
    assert [r.id for p in pages for r in p] == ["HD_lr-sweep_parent"]
    assert [r.status for r in demo.requests("POST", contains="runs:query")] == [-1, 200]


def test_connections_cut_every_time_say_so(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match="runs:query", cut=True, times=99))
    with pytest.raises(OfflineError, match="closed without an answer"):
        run(_runs(make_source(), "lr-sweep"))


def test_a_slow_answer_times_out(demo: Emulator, make_source) -> None:
    slow = demo.inject(Fault(match=QUERY, delay=3.0, times=99))
    source = make_source(policy=dataclasses.replace(FAST, timeout=0.3, retries=1))
    with pytest.raises(NoAnswerError, match=r"did not answer within 0.3 s while reading the experiments"):
        run(source.experiments())
    assert slow.hits == 2  # asked twice; the emulator logs a request only once it answers


def test_a_hung_service_is_asked_only_twice(demo: Emulator, make_source) -> None:
    """Retrying a read timeout as often as a 503 made a hung service take minutes to report;
    with the default policy two attempts are ~30 s."""
    assert Policy().timeout <= 15.0 and Policy().no_answer_retries == 1
    hung = demo.inject(Fault(match=QUERY, delay=1.0, times=99))
    source = make_source(policy=dataclasses.replace(FAST, timeout=0.2, retries=3))
    with pytest.raises(NoAnswerError, match=r"did not answer within 0.2 s"):
        run(source.experiments())
    # The emulator logs a request when its (late) answer goes out: wait for every one it got.
    asked = wait_for(lambda: len(demo.requests("POST", contains=QUERY)) == hung.hits and hung.hits)
    assert asked and len(demo.requests("POST", contains=QUERY)) == 2
    # Other failures still get every retry of the policy.
    hung.times = 0
    demo.inject(Fault(match=QUERY, status=503, times=99))
    demo.clear_log()
    with pytest.raises(ServiceError):
        run(source.experiments())
    assert len(demo.requests("POST", contains=QUERY)) == 4


def test_a_slow_answer_within_the_timeout_is_fine(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match=QUERY, delay=0.2))
    assert len(run(make_source().experiments())) == 3


def test_an_expired_token_asks_to_sign_in_again(demo: Emulator, make_source) -> None:
    source = make_source(credential=StaticCredential(expires_in=-60))
    with pytest.raises(SignedOutError, match=r"sign-in has expired or was revoked\. Sign in again") as caught:
        run(source.experiments())
    assert caught.value.status == 401
    # No retries of a refused sign-in, and the token was never accepted anywhere.
    assert [r.status for r in demo.log if r.authorized] == [401]


def test_a_credential_that_cannot_sign_in(emulator: Emulator, make_source) -> None:
    class SignedOut:
        def get_token(self, *scopes: str, **kwargs: object) -> object:
            raise RuntimeError("No account in the token cache; interactive sign-in required.")

    with pytest.raises(SignedOutError, match=r"interactive sign-in required\. Sign in again"):
        run(make_source(credential=SignedOut()).experiments())
    assert emulator.log == []


def test_no_access_is_403(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match=QUERY, status=403))
    with pytest.raises(AccessDeniedError, match="has no access to the experiments of ws-emulated"):
        run(make_source().experiments())
    assert len(demo.requests("POST", contains=QUERY)) == 1


def test_a_deleted_workspace_is_404(demo: Emulator, make_source) -> None:
    demo.workspace_gone = True
    with pytest.raises(NotFoundError, match="cannot find the workspace ws-emulated"):
        run(make_source().experiments())
    source = make_source(discovery_url=demo.discovery_url)
    # The service says which thing is gone: the workspace, not the experiments asked for.
    with pytest.raises(NotFoundError) as caught:
        run(source.experiments())
    assert str(caught.value) == "The workspace ws-emulated is gone (deleted, or moved)."
    demo.workspace_gone = False
    target = run(source.get_run("lr-sweep", "HD_lr-sweep_parent"))
    demo.workspace_gone = True
    with pytest.raises(NotFoundError, match=r"^The workspace ws-emulated is gone"):
        run(source.children(target))


def test_a_deleted_run_is_404(demo: Emulator, make_source) -> None:
    source = make_source()
    target = run(source.get_run("lr-sweep", "HD_lr-sweep_parent"))
    del demo.workspace.runs[target.id]
    with pytest.raises(NotFoundError, match="child runs of lr sweep"):
        run(source.children(target))


def test_offline(make_source, emulator: Emulator) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = make_source(arm_endpoint=f"http://127.0.0.1:{port}")
    with pytest.raises(OfflineError, match=rf"Cannot reach Azure ML at 127.0.0.1:{port}.*refused"):
        run(source.experiments())


def test_a_retry_after_too_long_fails_at_once(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match=QUERY, status=429, retry_after=3600))
    with pytest.raises(ServiceError, match="asks to wait 3600 s"):
        run(make_source().experiments())
    assert len(demo.requests("POST", contains=QUERY)) == 1


def test_close_cancels_a_wait_in_flight(demo: Emulator, make_source) -> None:
    demo.inject(Fault(match=QUERY, status=429, retry_after=60))
    source = make_source()

    async def close_while_waiting() -> BaseException | None:
        task = asyncio.ensure_future(source.experiments())
        while not demo.requests("POST", contains=QUERY):
            await asyncio.sleep(0.01)
        source.close()
        try:
            await task
        except SourceError as exc:
            return exc
        return None

    caught = run(close_while_waiting())
    assert isinstance(caught, CancelledError)
    # A closed source opens again on the next call.
    assert len(run(source.experiments())) == 3


def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> object:
    """Poll until condition holds (or timeout): its last value."""
    deadline = time.monotonic() + timeout
    while not (value := condition()) and time.monotonic() < deadline:
        time.sleep(0.02)
    return value


async def _runs(source, experiment: str) -> list:
    experiments = {e.name: e for e in await source.experiments()}
    return [page async for page in source.runs(experiments[experiment])]
