"""Accounts and workspaces remembered across launches in azure.json, without secrets; config.json
files found as azureml-core finds them; Azure sources rebuilt from their ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tbdesk.auth.session import session
from tbdesk.azure.accounts import (
    Account,
    AccountsError,
    AccountStore,
    WorkspaceEntry,
    find_workspace_configs,
)
from tbdesk.azure.arm import WorkspaceInfo
from tbdesk.paths import config_dir
from tbdesk.sources import SourceError, open_source
from tbdesk.sources.azure import AzureSource

CONFIG = {"subscription_id": "sub-1", "resource_group": "rg-1", "workspace_name": "ws-1"}


def write_config(path: Path, **changes: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**CONFIG, **changes}))
    return path


def test_accounts_and_workspaces_survive_a_restart() -> None:
    store = AccountStore()
    assert store.path == config_dir() / "azure.json" and not store.path.exists()
    work = store.save_account(Account.new("Work", "browser", "AzureCloud", username="ada@contoso"))
    china = store.save_account(Account.new("China", "device_code", "AzureChinaCloud", tenant_id="contoso.cn"))
    first = store.add_workspace(WorkspaceEntry(work.id, "sub-1", "rg-1", "ws-1"))
    second = store.add_workspace(
        WorkspaceEntry.from_info(
            china.id,
            WorkspaceInfo("sub-2", "rg-2", "ws-2", "chinaeast2", None, "wid-2", "https://d.example/x"),
        )
    )
    again = AccountStore()
    assert again.accounts == [work, china] and again.workspaces == [first, second]
    assert again.workspaces_of(china.id) == [second]
    assert again.workspace(first.source_id.upper()) == first  # ARM scopes ignore case
    assert again.problem is None
    assert second.workspace_id == "wid-2" and second.discovery_url == "https://d.example/x"
    assert first.source_id == (
        "azureml:/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1"
    )


def test_one_entry_per_workspace_and_removal() -> None:
    store = AccountStore()
    one = store.save_account(Account.new("One"))
    two = store.save_account(Account.new("Two", "azure_cli"))
    store.add_workspace(WorkspaceEntry(one.id, "sub-1", "rg-1", "ws-1"))
    moved = store.add_workspace(WorkspaceEntry(two.id, "sub-1", "rg-1", "WS-1"))
    assert store.workspaces == [moved]
    assert store.remove_workspace(moved.source_id) is True
    assert store.remove_workspace(moved.source_id) is False
    assert AccountStore().workspaces == []
    with pytest.raises(AccountsError, match="not in tbdesk any more"):
        store.add_workspace(WorkspaceEntry("nobody", "sub-1", "rg-1", "ws-1"))


def test_bad_accounts_are_refused_with_clear_messages() -> None:
    with pytest.raises(AccountsError, match="not a sign-in method"):
        Account.new("x", "password")
    with pytest.raises(AccountsError, match="not an Azure cloud"):
        Account.new("x", cloud="AzureGermanCloud")
    with pytest.raises(AccountsError, match="needs its tenant id and its client"):
        Account.new("x", "service_principal", tenant_id="t")
    with pytest.raises(AccountsError, match="not a tenant id"):
        Account.new("x", tenant_id="../../etc")
    with pytest.raises(AccountsError, match="https URL"):
        Account.new("x", arm_endpoint="http://management.example.com/")
    with pytest.raises(AccountsError, match="https URL"):
        Account.new("x", authority_host="http://127.0.0.1:1")
    with pytest.raises(AccountsError, match="not a valid workspace name"):
        WorkspaceEntry("a", "sub", "rg", "../ws")
    # plain http is fine on this machine (a local emulator of ARM)
    assert (
        Account.new("x", arm_endpoint="http://127.0.0.1:9/").endpoints.resource_manager
        == "http://127.0.0.1:9/"
    )


def test_no_secrets_in_the_file() -> None:
    store = AccountStore()
    store.save_account(Account.new("Robot", "service_principal", tenant_id="t", client_id="c"))
    saved = json.loads(store.path.read_text())
    assert set(saved["accounts"][0]) == {"id", "name", "method", "cloud", "tenant_id", "client_id"}


def test_an_unreadable_file_is_kept_and_never_overwritten() -> None:
    path = config_dir() / "azure.json"
    path.parent.mkdir(parents=True, exist_ok=True)  # config_dir() makes it (0700)
    path.write_text('{"version": 1, "accounts": [{"id": "a b"}]')
    store = AccountStore()
    assert store.accounts == [] and store.problem is not None
    (kept,) = path.parent.glob("azure.json.unreadable-*")
    assert kept.read_text() == '{"version": 1, "accounts": [{"id": "a b"}]'
    assert str(kept) in store.problem and "could not be read" in store.problem
    store.save_account(Account.new("Fresh"))
    assert [a.name for a in AccountStore().accounts] == ["Fresh"] and kept.exists()


def test_unknown_fields_from_a_newer_tbdesk_are_ignored() -> None:
    path = config_dir() / "azure.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    account = {"id": "abc", "name": "A", "method": "azure_cli", "cloud": "AzureCloud", "colour": "red"}
    path.write_text(json.dumps({"version": 1, "accounts": [account], "workspaces": []}))
    assert AccountStore().account("abc").method == "azure_cli"


def test_config_json_as_workspace_from_config_reads_it(tmp_path: Path) -> None:
    config = write_config(tmp_path / "project" / "config.json")
    entry = WorkspaceEntry.from_config("acct", config)
    assert (entry.subscription_id, entry.resource_group, entry.workspace_name) == ("sub-1", "rg-1", "ws-1")
    assert WorkspaceEntry.from_config("acct", config.parent) == entry
    broken = tmp_path / "broken.json"
    broken.write_text('{"subscription_id": "x"}')
    with pytest.raises(SourceError, match="needs subscription_id, resource_group and workspace_name"):
        WorkspaceEntry.from_config("acct", broken)


def test_configs_are_found_in_the_folder_and_above(tmp_path: Path) -> None:
    deep = tmp_path / "repo" / "src" / "train"
    deep.mkdir(parents=True)
    near = write_config(deep / ".azureml" / "config.json", workspace_name="near")
    write_config(deep / "config.json", workspace_name="near")  # the same workspace: listed once
    far = write_config(tmp_path / "repo" / "config.json", workspace_name="far")
    (tmp_path / "repo" / "src" / "config.json").write_text('{"some": "other tool"}')
    found = find_workspace_configs(deep)
    assert [(path, ref.name) for path, ref in found] == [(near, "near"), (far, "far")]
    assert find_workspace_configs(tmp_path) == []


def test_open_source_rebuilds_a_remembered_workspace(fake_az: Path) -> None:
    store = AccountStore()
    account = store.save_account(Account.new("Work", "azure_cli", arm_endpoint="http://127.0.0.1:9/"))
    entry = store.add_workspace(
        WorkspaceEntry(account.id, "sub-1", "rg-1", "ws-1", "wid", "https://d.example/")
    )
    source = open_source(entry.source_id)
    assert isinstance(source, AzureSource) and source.id == entry.source_id
    # Same account, same launch: the same credential (one sign-in per launch), made on first use.
    other = store.add_workspace(WorkspaceEntry(account.id, "sub-1", "rg-1", "ws-2"))
    first, second = source._credential, open_source(other.source_id)._credential
    assert first._credential is None and second._credential is None
    scope = account.endpoints.arm_scope
    assert first.get_token(scope).token and second.get_token(scope).token
    assert first._credential is second._credential is session().credential(account)
    store.remove_workspace(entry.source_id)
    with pytest.raises(SourceError, match="workspace ws-1 is no longer among tbdesk's workspaces"):
        open_source(entry.source_id)
