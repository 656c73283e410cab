"""Fixtures of the sign-in tests, shared by tests/auth and tests/azure (imported by name there):
a real keyring backend that keeps secrets in memory, the stand-in identity service on https,
and a fake `az` on PATH."""

from __future__ import annotations

import json
import os
import stat
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from tests.auth.token_server import TokenServer


class MemoryKeyring(KeyringBackend):
    """A keyring backend like the system ones, holding its secrets in this process only."""

    # Below keyring's "fail" backend: keyring's own discovery never picks it (a test sets it).
    priority = -5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(name="use_keyring")
def use_keyring_fixture() -> Iterator[object]:
    """Set a keyring backend for one test (`use_keyring(backend)`), then put the original back."""
    original = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(original)


@pytest.fixture(name="memory_keyring")
def memory_keyring_fixture(use_keyring: object) -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


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
