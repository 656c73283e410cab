"""Fixtures for the Azure source: an emulated Azure ML service on 127.0.0.1, and azureml-core
imported only after the environment it reads at import time points away from the real home and
real waits (its discovery cache path, its 32 s default backoff: tests/conftest.py's azureml_env).
The sign-in fixtures of tests/auth (a keyring in memory, the stand-in identity service, a fake
`az`) serve here too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure_helpers import FAST

from tbdesk.sources.azure import AzureSource
from tests.auth.fixtures import (  # noqa: F401 - fixtures, registered by their names
    fake_az_fixture,
    memory_keyring_fixture,
    no_secret_service_fixture,
    token_server_fixture,
)
from tests.azureml_emulator import Emulator, EmuWorkspace, StaticCredential, seed_demo
from tests.azureml_emulator.clients import emulator_sdk_workspace


@pytest.fixture(autouse=True)
def _azureml_first(azureml_env: Path) -> None:
    """Every test here may import azureml-core: it comes in under the environment that
    tests/conftest.py's azureml_env sets up."""


@pytest.fixture
def workspace() -> EmuWorkspace:
    return EmuWorkspace()


@pytest.fixture
def emulator(workspace: EmuWorkspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """A started emulator (empty workspace unless a test seeds it); the SDK's own discovery goes
    there too."""
    with Emulator(workspace) as emu:
        monkeypatch.setenv("AZUREML_DISCOVERY_SERVICE_ENDPOINT", emu.discovery_url)
        yield emu


@pytest.fixture
def demo(emulator: Emulator) -> Emulator:
    seed_demo(emulator.workspace)
    return emulator


@pytest.fixture
def credential() -> StaticCredential:
    return StaticCredential()


@pytest.fixture
def make_source(emulator: Emulator, credential: StaticCredential) -> Callable[..., AzureSource]:
    """An AzureSource on the emulator; by default it finds the workspace through ARM like a
    person's first sign-in does (the emulator's ARM endpoint stands in for Azure's)."""

    def make(**options: Any) -> AzureSource:
        ws = emulator.workspace
        options.setdefault("arm_endpoint", emulator.url)
        options.setdefault("policy", FAST)
        return AzureSource(
            options.pop("credential", credential), ws.subscription_id, ws.resource_group, ws.name, **options
        )

    return make


@pytest.fixture
def sdk_workspace(emulator: Emulator, credential: StaticCredential) -> Any:
    """An azureml-core Workspace on the emulator, as a notebook holds one."""
    return emulator_sdk_workspace(emulator, credential)
