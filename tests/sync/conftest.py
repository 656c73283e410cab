"""Fixtures for the sync tests: the Azure ML emulator on 127.0.0.1 with a running run whose
TensorBoard event file grows, a running sweep, and an AzureSource on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import FAST, Events

from tbdesk.sources.azure import AzureSource
from tbdesk.sync import RunCache
from tests.azureml_emulator import Emulator, EmuRun, EmuWorkspace, StaticCredential
from tests.azureml_emulator.clients import emulator_source
from tests.azureml_emulator.store import RECORD_ETAGS


@pytest.fixture(params=RECORD_ETAGS)
def emulator(
    request: pytest.FixtureRequest, azureml_env: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Emulator]:
    """azureml-core comes in under the environment tests/conftest.py's azureml_env sets up. Every
    sync test runs twice: with artifact records whose etag changes when their file grows, and
    with records whose etag never does (which the real service does is not known)."""
    with Emulator(EmuWorkspace(record_etags=request.param)) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture
def credential() -> StaticCredential:
    return StaticCredential()


@pytest.fixture
def source(emulator: Emulator, credential: StaticCredential) -> Iterator[AzureSource]:
    made = emulator_source(emulator, credential, policy=FAST)
    yield made
    made.close()


@pytest.fixture
def running(emulator: Emulator) -> EmuRun:
    """A running run of experiment 'live' with a first event file under logs/."""
    run = emulator.workspace.add_run("live", "live_run_1", status="Running", display_name="live-1")
    run.upload("logs/events.out.tfevents.1714550400.host", Events("loss").steps(0, 5))
    run.upload("outputs/model.bin", b"not a log")
    return run


@pytest.fixture
def sweep(emulator: Emulator) -> tuple[EmuRun, EmuRun]:
    """A running sweep 'sweep_1' of experiment 'sweep', and its first child run with an event file."""
    parent = emulator.workspace.add_run("sweep", "sweep_1", status="Running", run_type="hyperdrive")
    first = emulator.workspace.add_run(
        "sweep", "sweep_1_0", parent=parent, status="Running", display_name="lr=0.1"
    )
    first.upload("logs/events.out.tfevents.1714550400.host", Events("loss").steps(0, 10))
    return parent, first


@pytest.fixture
def cache(tmp_path: Path) -> RunCache:
    return RunCache(tmp_path / "cache" / "runs")
