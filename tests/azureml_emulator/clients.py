"""tbdesk's readers of an emulated workspace, built as a remembered workspace builds them: with its
discovery URL and id known, so no ARM call is made (ARM cannot be pointed at the emulator).

Kept out of the package's __init__, so `python -m tests.azureml_emulator` imports no tbdesk."""

from __future__ import annotations

from typing import Any

from tbdesk.azure.arm import Credential
from tbdesk.sources.azure import AzureSource
from tests.azureml_emulator.server import Emulator
from tests.azureml_emulator.tokens import StaticCredential


def emulator_source(emulator: Emulator, credential: Credential | None = None, **options: Any) -> AzureSource:
    """An AzureSource on the emulator's workspace (StaticCredential unless told); `options` go to
    AzureSource (policy, page_size...)."""
    ws = emulator.workspace
    return AzureSource(
        StaticCredential() if credential is None else credential,
        ws.subscription_id,
        ws.resource_group,
        ws.name,
        discovery_url=emulator.discovery_url,
        workspace_id=ws.workspace_id,
        **options,
    )


def emulator_sdk_workspace(emulator: Emulator, credential: Credential | None = None) -> Any:
    """An azureml-core Workspace on the emulator, as a notebook holds one. Call it only once
    azureml-core may be imported (tests/conftest.py's azureml_env)."""
    from tbdesk.azure.workspace import Endpoints, WorkspaceRef, build_workspace, token_auth

    ws = emulator.workspace
    ref = WorkspaceRef(ws.subscription_id, ws.resource_group, ws.name)
    ends = Endpoints(
        ref.scope, emulator.url, "https://ml.azure.com", ws.workspace_id, emulator.discovery_url, ws.location
    )
    return build_workspace(ref, token_auth(StaticCredential() if credential is None else credential), ends)
