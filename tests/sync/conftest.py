"""Fixtures for the sync tests: the Azure ML emulator on 127.0.0.1 with a running run whose
TensorBoard event file grows, an AzureSource on it, and azureml-core imported under the
environment it reads at import time (as tests/azure's conftest does; its fixtures are not visible
from here)."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import FAST, Events

from tbdesk.sources.azure import AzureSource
from tbdesk.sync import RunCache
from tests.azureml_emulator import Emulator, EmuRun, EmuWorkspace, StaticCredential


@pytest.fixture(scope="session", autouse=True)
def azureml_env(tmp_path_factory: pytest.TempPathFactory) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path_factory.mktemp("azureml-home")))
        for name in ("BACKOFF", "500_BACKOFF", "503_BACKOFF"):
            patch.setenv(f"AZUREML_DEFAULT_{name}", "0")
        patch.setenv("AZUREML_DEFAULT_RETRIES", "1")
        patch.setenv("AZUREML_CURRENT_CLOUD", "AzureCloud")
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"azureml\..*")
            importlib.import_module("azureml.core.authentication")


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with Emulator(EmuWorkspace()) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture
def credential() -> StaticCredential:
    return StaticCredential()


@pytest.fixture
def source(emulator: Emulator, credential: StaticCredential) -> Iterator[AzureSource]:
    ws = emulator.workspace
    made = AzureSource(
        credential,
        ws.subscription_id,
        ws.resource_group,
        ws.name,
        discovery_url=emulator.discovery_url,
        workspace_id=ws.workspace_id,
        policy=FAST,
    )
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
def cache(tmp_path: Path) -> RunCache:
    return RunCache(tmp_path / "cache" / "runs")
