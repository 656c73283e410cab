"""The Azure accounts a person signed in with, and the Azure ML workspaces they added, remembered
across launches in one JSON file under the config folder (`azure.json`).

Nothing secret is ever written there: an account holds how to sign in (method, cloud, tenant,
client id, a user name hint, and azure-identity's AuthenticationRecord, which only names the
signed-in identity); client secrets live in the system keyring (tbdesk.auth.secret_store) and
tokens in azure-identity's encrypted cache. An account signed out of (tbdesk.auth.sign_out with
keep_account) stays here, marked `signed_out`, with its workspaces: signing in again brings
them back without adding them again.

    store = AccountStore()                       # reads azure.json (creates nothing yet)
    account = store.save_account(Account.new("Work", "browser"))
    entry = store.add_workspace(WorkspaceEntry.from_config(account.id, Path("config.json")))
    store.workspace(entry.source_id)             # what open_source("azureml:...") looks up
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import logging
import os
import re
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tbdesk.azure.arm import CLOUDS, Cloud, WorkspaceInfo, cloud_named
from tbdesk.azure.errors import AzureError
from tbdesk.azure.workspace import WorkspaceRef
from tbdesk.paths import config_dir, make_dirs

FILE_NAME = "azure.json"
VERSION = 1
# The sign-in methods, with the words the sign-in dialog uses for them.
METHODS = {
    "browser": "Web browser",
    "device_code": "Device code (sign in on another device)",
    "azure_cli": "Azure CLI (az login)",
    "service_principal": "Service principal with a client secret",
}
_TENANT = re.compile(r"^[A-Za-z0-9.-]{1,100}$")
_LOG = logging.getLogger(__name__)


class AccountsError(AzureError):
    """An account or workspace entry that cannot be used as given."""


@dataclass(frozen=True)
class Account:
    """How to sign in to Azure as one identity.

    `method` is "browser" (default), "device_code", "azure_cli" or "service_principal" (which needs
    `tenant_id` and `client_id`; its secret is in the keyring). `cloud` is AzureCloud,
    AzureChinaCloud or AzureUSGovernment. `authentication_record` is azure-identity's serialized
    AuthenticationRecord after an interactive sign-in (lets a restart reuse the token cache).
    `arm_endpoint` and `authority_host` override the cloud's (a private cloud, or a local emulator;
    plain http only on loopback). `signed_out`: the person signed out (its secret and tokens are
    forgotten); its workspaces stay remembered until it signs in again."""

    id: str
    name: str
    method: str = "browser"
    cloud: str = "AzureCloud"
    tenant_id: str | None = None
    client_id: str | None = None
    username: str | None = None
    authentication_record: str | None = None
    arm_endpoint: str | None = None
    authority_host: str | None = None
    signed_out: bool = False

    def __post_init__(self) -> None:
        if not self.id or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", self.id):
            raise AccountsError(f"{self.id!r} is not an account id.")
        if not self.name.strip():
            raise AccountsError("An account needs a name.")
        if self.method not in METHODS:
            raise AccountsError(f"{self.method!r} is not a sign-in method ({', '.join(METHODS)}).")
        if self.cloud not in CLOUDS:
            raise AccountsError(f"{self.cloud!r} is not an Azure cloud tbdesk knows ({', '.join(CLOUDS)}).")
        if self.tenant_id is not None and not _TENANT.fullmatch(self.tenant_id):
            raise AccountsError(f"{self.tenant_id!r} is not a tenant id (a GUID or a domain name).")
        if self.method == "service_principal" and not (self.tenant_id and self.client_id):
            raise AccountsError("A service principal needs its tenant id and its client (application) id.")
        if self.arm_endpoint is not None:
            _check_endpoint(self.arm_endpoint, "Resource Manager endpoint")
        if self.authority_host is not None:
            _check_endpoint(self.authority_host, "sign-in authority", https_only=True)
        if not isinstance(self.signed_out, bool):
            raise AccountsError(f"{self.signed_out!r} does not say whether the account is signed out.")

    @classmethod
    def new(cls, name: str, method: str = "browser", cloud: str = "AzureCloud", **fields: Any) -> Account:
        """A new account with a fresh id (fields: tenant_id, client_id, username, arm_endpoint,
        authority_host)."""
        return cls(uuid.uuid4().hex[:16], name.strip(), method, cloud, **fields)

    @property
    def endpoints(self) -> Cloud:
        """The cloud this account signs in to, with its overrides applied."""
        return cloud_named(self.cloud).with_overrides(
            resource_manager=self.arm_endpoint, authority_host=self.authority_host
        )

    @property
    def method_label(self) -> str:
        return METHODS[self.method]


@dataclass(frozen=True)
class WorkspaceEntry:
    """An Azure ML workspace added to tbdesk, and the account that reads it. `workspace_id` and
    `discovery_url` are remembered when known (from the ARM lists), so opening it skips ARM."""

    account_id: str
    subscription_id: str
    resource_group: str
    workspace_name: str
    workspace_id: str | None = None
    discovery_url: str | None = None

    def __post_init__(self) -> None:
        for label, value in (
            ("subscription id", self.subscription_id),
            ("resource group", self.resource_group),
            ("workspace name", self.workspace_name),
        ):
            if not value or "/" in value or value.strip() != value or len(value) > 260:
                raise AccountsError(f"{value!r} is not a valid {label}.")
        if self.discovery_url is not None:
            _check_endpoint(self.discovery_url, "discovery URL")

    @property
    def ref(self) -> WorkspaceRef:
        return WorkspaceRef(self.subscription_id, self.resource_group, self.workspace_name)

    @property
    def source_id(self) -> str:
        """The id of the AzureSource for this workspace ("azureml:" + its ARM scope)."""
        return "azureml:" + self.ref.scope

    @classmethod
    def from_config(cls, account_id: str, path: Path) -> WorkspaceEntry:
        """From a config.json as `Workspace.from_config()` reads it (or a folder holding one)."""
        ref = WorkspaceRef.from_config(path)
        return cls(account_id, ref.subscription_id, ref.resource_group, ref.name)

    @classmethod
    def from_info(cls, account_id: str, info: WorkspaceInfo) -> WorkspaceEntry:
        """From a workspace picked in the ARM lists."""
        return cls(
            account_id,
            info.subscription_id,
            info.resource_group,
            info.name,
            info.workspace_id,
            info.discovery_url,
        )


def find_workspace_configs(start: Path) -> list[tuple[Path, WorkspaceRef]]:
    """Workspace config files found as azureml-core's `Workspace.from_config()` looks for them:
    `.azureml/config.json`, `aml_config/config.json` and `config.json` in `start` and each folder
    above it, nearest first; files that are not workspace configurations are skipped."""
    found: list[tuple[Path, WorkspaceRef]] = []
    seen: set[str] = set()
    folder = start.expanduser().resolve()
    for where in (folder, *folder.parents):
        for candidate in (
            where / ".azureml" / "config.json",
            where / "aml_config" / "config.json",
            where / "config.json",
        ):
            try:
                if not candidate.is_file():
                    continue
                ref = WorkspaceRef.from_config(candidate)
            except (AzureError, OSError):
                continue
            if ref.scope.lower() not in seen:
                seen.add(ref.scope.lower())
                found.append((candidate, ref))
    return found


class AccountStore:
    """Accounts and workspaces in `azure.json`; every change is written at once (atomically).

    A file that cannot be read is never overwritten: it is kept beside as `azure.json.unreadable-*`,
    the store starts empty, and `problem` says what happened (for the UI to show)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / FILE_NAME
        self.problem: str | None = None
        self._accounts: dict[str, Account] = {}
        self._workspaces: list[WorkspaceEntry] = []
        self._load()

    @property
    def accounts(self) -> list[Account]:
        return list(self._accounts.values())

    @property
    def workspaces(self) -> list[WorkspaceEntry]:
        return list(self._workspaces)

    def account(self, account_id: str) -> Account:
        try:
            return self._accounts[account_id]
        except KeyError:
            raise AccountsError(
                f"The Azure account {account_id!r} is not in tbdesk any more (signed out?). Sign in again."
            ) from None

    def save_account(self, account: Account) -> Account:
        """Add the account, or replace the one with its id."""
        self._accounts[account.id] = account
        self._save()
        return account

    def remove_account(self, account_id: str) -> list[WorkspaceEntry]:
        """Forget the account and its workspaces (returned). Its secret and token cache are
        tbdesk.auth.sign_out's to forget (which, told to keep the account, marks it signed out
        with `save_account` instead)."""
        self._accounts.pop(account_id, None)
        removed = [w for w in self._workspaces if w.account_id == account_id]
        self._workspaces = [w for w in self._workspaces if w.account_id != account_id]
        self._save()
        return removed

    def workspaces_of(self, account_id: str) -> list[WorkspaceEntry]:
        return [w for w in self._workspaces if w.account_id == account_id]

    def workspace(self, source_id: str) -> WorkspaceEntry | None:
        """The entry whose source id this is (ARM scopes compare without regard to case)."""
        wanted = source_id.lower()
        return next((w for w in self._workspaces if w.source_id.lower() == wanted), None)

    def add_workspace(self, entry: WorkspaceEntry) -> WorkspaceEntry:
        """Remember a workspace. One entry per workspace: adding it again (with another account,
        or now with its discovery URL) replaces the earlier entry in place."""
        self.account(entry.account_id)
        for index, known in enumerate(self._workspaces):
            if known.source_id.lower() == entry.source_id.lower():
                self._workspaces[index] = entry
                break
        else:
            self._workspaces.append(entry)
        self._save()
        return entry

    def remove_workspace(self, source_id: str) -> bool:
        entry = self.workspace(source_id)
        if entry is None:
            return False
        self._workspaces.remove(entry)
        self._save()
        return True

    # ---- the file
    def _load(self) -> None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise AccountsError(f"Cannot read tbdesk's Azure accounts file {self.path}: {exc}") from exc
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("version") != VERSION:
                raise ValueError(f"not a version {VERSION} accounts file")
            accounts = [Account(**_fields(Account, item)) for item in _list(data, "accounts")]
            workspaces = [
                WorkspaceEntry(**_fields(WorkspaceEntry, item)) for item in _list(data, "workspaces")
            ]
        except (ValueError, TypeError, AccountsError) as exc:
            kept = self.path.with_name(f"{self.path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(self.path, kept)
            self.problem = (
                f"tbdesk's Azure accounts file could not be read ({exc}); it was kept as {kept}"
                " and tbdesk starts without Azure accounts."
            )
            _LOG.warning("%s", self.problem)
            return
        self._accounts = {a.id: a for a in accounts}
        self._workspaces = [w for w in workspaces if w.account_id in self._accounts]

    def _save(self) -> None:
        data = {
            "version": VERSION,
            "accounts": [_account_record(a) for a in self._accounts.values()],
            "workspaces": [_drop_none(dataclasses.asdict(w)) for w in self._workspaces],
        }
        make_dirs(self.path.parent)
        handle, name = tempfile.mkstemp(prefix=".azure-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=2)
                out.write("\n")
            os.replace(name, self.path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"its {key} are not a list of records")
    return items


def _fields(kind: type, item: dict[str, Any]) -> dict[str, Any]:
    """The record's known fields (a newer tbdesk may have added others)."""
    names = {f.name for f in dataclasses.fields(kind)}
    return {key: value for key, value in item.items() if key in names}


def _drop_none(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value is not None}


def _account_record(account: Account) -> dict[str, Any]:
    """The account as azure.json keeps it: `signed_out` only when it is (a signed-in account's
    record is what it always was, for older tbdesk versions reading the same file)."""
    record = _drop_none(dataclasses.asdict(account))
    if not account.signed_out:
        record.pop("signed_out")
    return record


def _check_endpoint(url: str, what: str, *, https_only: bool = False) -> None:
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and not https_only and _is_loopback(host):
        return
    raise AccountsError(
        f"{url!r} is not a usable {what}: it must be an https URL (plain http only on this machine)."
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
