"""Fixtures of the sign-in tests, shared by tests/auth, tests/azure and the Azure UI tests
(imported by name there): a real keyring backend that keeps secrets in memory, the stand-in
identity service on https, a fake `az` on PATH, and (autouse wherever imported) no Secret
Service for azure-identity's token cache, whatever this machine has."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from tbdesk.auth import add_account
from tbdesk.azure.accounts import Account, AccountStore
from tests.auth.token_server import CLIENT_ID, TokenServer
from tests.azureml_emulator.tokens import TENANT


class MemoryKeyring(KeyringBackend):
    """A keyring backend like the system ones, holding its secrets in this process only. It
    notes the thread of every read: a real keyring can block there (a locked one prompts)."""

    # Below keyring's "fail" backend: keyring's own discovery never picks it (a test sets it).
    priority = -5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}
        self.read_in: list[threading.Thread] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.read_in.append(threading.current_thread())
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(name="no_secret_service", autouse=True)
def no_secret_service_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests never touch this machine's Secret Service, and hold the same on a desktop that has
    one as on a headless machine: msal-extensions' libsecret check fails as it does without one,
    so azure-identity's token cache stays in memory (a test that wants an encrypted cache puts
    its own stand-in in place)."""
    from tbdesk.auth import credentials

    def trial_run() -> None:
        raise RuntimeError("No Secret Service (tests stand in for a machine without one).")

    stand_in = types.ModuleType("msal_extensions.libsecret")
    stand_in.trial_run = trial_run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "msal_extensions.libsecret", stand_in)
    credentials._token_cache_check.cache_clear()
    yield
    credentials._token_cache_check.cache_clear()


@pytest.fixture(name="use_keyring")
def use_keyring_fixture() -> Iterator[object]:
    """Set a keyring backend for one test (`use_keyring(backend)`), then put the original back."""
    original = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(original)


@pytest.fixture(name="memory_keyring")
def memory_keyring_fixture() -> Iterator[MemoryKeyring]:
    original = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(original)


@pytest.fixture(name="token_server")
def token_server_fixture(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TokenServer]:
    """The stand-in identity service, trusted through REQUESTS_CA_BUNDLE (azure-identity talks to
    it through requests)."""
    server = TokenServer(tmp_path_factory.mktemp("authority")).start()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_bundle))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(name="fake_az")
def fake_az_fixture(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An `az` on PATH answering `az account get-access-token` as the Azure CLI does (JSON with
    accessToken, expiresOn in local time, expires_on, subscription, tenant, tokenType); it writes
    its arguments to args.json beside itself. The token lifetime comes from FAKE_AZ_LIFETIME."""
    folder = tmp_path_factory.mktemp("fake-az")
    root = Path(__file__).resolve().parents[2]
    script = folder / "az"
    script.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            import datetime, json, os, sys, time
            sys.path.insert(0, {str(root)!r})
            from tests.azureml_emulator.tokens import TENANT, make_token
            with open({str(folder / "args.json")!r}, "w") as out:
                json.dump(sys.argv[1:], out)
            if sys.argv[1:3] != ["account", "get-access-token"]:
                sys.exit("fake az: unexpected arguments")
            lifetime = float(os.environ.get("FAKE_AZ_LIFETIME", "3600"))
            expires = time.time() + 3600
            print(json.dumps({{
                "accessToken": make_token(lifetime),
                "expiresOn": datetime.datetime.fromtimestamp(expires).strftime("%Y-%m-%d %H:%M:%S.%f"),
                "expires_on": int(expires),
                "subscription": "00000000-0000-0000-0000-000000000000",
                "tenant": TENANT,
                "tokenType": "Bearer",
            }}, indent=2))
            """
        )
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return folder


def az_args(fake_az: Path) -> list[str]:
    return list(json.loads((fake_az / "args.json").read_text()))


def robot_account(server: TokenServer, arm_endpoint: str | None = None) -> Account:
    """The stand-in identity service's service principal, as the Sign in dialog makes it."""
    return Account.new(
        "CI robot",
        "service_principal",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        authority_host=server.url,
        arm_endpoint=arm_endpoint,
    )


def add_robot(store: AccountStore, server: TokenServer, arm_endpoint: str | None = None) -> Account:
    """robot_account, remembered with its secret in the keyring (not signed in yet)."""
    return add_account(store, robot_account(server, arm_endpoint), client_secret=server.client_secret)
