"""The pickers' lists (subscriptions, resource groups, workspaces) read through Azure Resource
Manager, here the emulator's ARM routes."""

from __future__ import annotations

import pytest
from azure_helpers import FAST, collect, run

from tbdesk.auth import open_workspace
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
from tbdesk.azure.arm import (
    Cloud,
    ResourceGroup,
    Subscription,
    _next_link,
    cloud_named,
    list_resource_groups,
    list_subscriptions,
    list_workspaces,
)
from tbdesk.azure.errors import AccessDeniedError, AzureError, ServiceError, SignedOutError
from tests.azureml_emulator import Emulator, Fault, StaticCredential
from tests.azureml_emulator.marks import AZUREML_WARNINGS

pytestmark = AZUREML_WARNINGS


def local(emulator: Emulator) -> Cloud:
    return cloud_named("AzureCloud").with_overrides(resource_manager=emulator.url)


def test_subscriptions_groups_and_workspaces(emulator: Emulator, credential: StaticCredential) -> None:
    ws = emulator.workspace
    cloud = local(emulator)
    assert run(list_subscriptions(credential, cloud, policy=FAST)) == [
        Subscription(ws.subscription_id, "Emulated subscription", "Enabled", ws.tenant_id)
    ]
    assert run(list_resource_groups(credential, cloud, ws.subscription_id, policy=FAST)) == [
        ResourceGroup(ws.resource_group, ws.location)
    ]
    (found,) = run(list_workspaces(credential, cloud, ws.subscription_id, ws.resource_group, policy=FAST))
    assert (found.subscription_id, found.resource_group, found.name) == (
        ws.subscription_id,
        ws.resource_group,
        ws.name,
    )
    assert found.workspace_id == ws.workspace_id and found.discovery_url == emulator.discovery_url
    # Across the whole subscription, the group comes from the workspace's ARM id.
    (anywhere,) = run(list_workspaces(credential, cloud, ws.subscription_id, policy=FAST))
    assert anywhere == found
    arm = emulator.requests("GET", contains="/subscriptions")
    assert [r.status for r in arm] == [200] * 4 and all(r.authorized for r in arm)
    assert {r.query["api-version"] for r in arm} == {"2022-12-01", "2021-04-01", "2023-04-01"}
    assert set(credential.scopes) == {"https://management.core.windows.net//.default"}
    assert emulator.writes() == []


def test_a_picked_workspace_opens_without_asking_arm_again(
    demo: Emulator, credential: StaticCredential, fake_az: object
) -> None:
    ws = demo.workspace
    (found,) = run(
        list_workspaces(credential, local(demo), ws.subscription_id, ws.resource_group, policy=FAST)
    )
    store = AccountStore()
    account = store.save_account(Account.new("Emu", "azure_cli", arm_endpoint=demo.url))
    entry = store.add_workspace(WorkspaceEntry.from_info(account.id, found))
    source = open_workspace(entry, store, policy=FAST)  # reads with the (fake) Azure CLI's tokens
    demo.clear_log()
    assert len(run(collect(source, "lr-sweep"))) >= 1
    assert demo.requests(contains="/subscriptions/") and not [
        r for r in demo.log if r.path.startswith("/subscriptions/")
    ]  # data calls embed the scope; none went to ARM itself


def test_an_expired_sign_in_says_sign_in_again(emulator: Emulator) -> None:
    with pytest.raises(SignedOutError, match=r"expired or was revoked\. Sign in again"):
        run(list_subscriptions(StaticCredential(expires_in=-60), local(emulator), policy=FAST))


def test_no_access_and_a_credential_that_fails(emulator: Emulator, credential: StaticCredential) -> None:
    emulator.inject(Fault(match="/resourcegroups$", status=403))
    ws = emulator.workspace
    with pytest.raises(AccessDeniedError, match="no access to the resource groups"):
        run(list_resource_groups(credential, local(emulator), ws.subscription_id, policy=FAST))

    class Broken:
        def get_token(self, *scopes: str, **kwargs: object) -> object:
            raise RuntimeError("Please run 'az login' to set up an account")

    with pytest.raises(SignedOutError, match=r"az login.*Sign in again"):
        run(list_subscriptions(Broken(), local(emulator), policy=FAST))


def test_unknown_cloud_and_foreign_next_links() -> None:
    with pytest.raises(AzureError, match="not an Azure cloud"):
        cloud_named("Mars")
    cloud = cloud_named("AzureCloud")
    assert _next_link({"nextLink": "https://management.azure.com/subscriptions?$skiptoken=x"}, cloud)
    assert _next_link({}, cloud) is None
    with pytest.raises(ServiceError, match="another host"):
        _next_link({"nextLink": "https://evil.example/steal"}, cloud)
