"""The emulator started by hand (`python -m tests.azureml_emulator --seed demo`), used the way its
printout tells a person to use tbdesk with it: what the Sign in dialog is given goes through
tbdesk.auth (a service principal, then a device code) to the workspace pickers and the source."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure_helpers import collect, run

from tbdesk.auth import add_account, open_workspace, sign_in
from tbdesk.auth.session import session
from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
from tbdesk.azure.arm import list_resource_groups, list_subscriptions, list_workspaces
from tests.auth.fixtures import MemoryKeyring
from tests.azureml_emulator.__main__ import (
    AUTHORITY,
    CLIENT_ID_LABEL,
    RESOURCE_MANAGER,
    SECRET,
    TENANT_LABEL,
)
from tests.azureml_emulator.marks import AZUREML_WARNINGS

pytestmark = AZUREML_WARNINGS
LABELS = (RESOURCE_MANAGER, AUTHORITY, TENANT_LABEL, CLIENT_ID_LABEL, SECRET)
ROOT = Path(__file__).resolve().parents[2]


class ByHand:
    """The emulator's process and what it printed: `values` by label, the CA bundle to export,
    and the config.json."""

    def __init__(self, process: subprocess.Popen[str], lines: list[str]) -> None:
        self.process = process
        self.text = "\n".join(lines)
        labels = "|".join(re.escape(label) for label in LABELS)
        self.values = dict(re.findall(rf"^({labels}): (\S+)$", self.text, re.MULTILINE))
        (self.bundle,) = re.findall(r"^export REQUESTS_CA_BUNDLE=(\S+)$", self.text, re.MULTILINE)
        (config,) = re.findall(r"^\{\n.*?^\}$", self.text, re.MULTILINE | re.DOTALL)
        self.config = json.loads(config)


@pytest.fixture
def by_hand() -> Iterator[ByHand]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.azureml_emulator", "--seed", "demo", "--sweep-children", "3"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    try:
        while not lines or not lines[-1].startswith("# Serving"):
            line = process.stdout.readline()
            assert line, f"the emulator ended early (exit code {process.poll()}):\n" + "\n".join(lines)
            lines.append(line.rstrip("\n"))
        yield ByHand(process, lines)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        process.stdout.close()


def test_the_printout_signs_in_and_browses(
    by_hand: ByHand, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    values = by_hand.values
    assert set(values) == set(LABELS)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", by_hand.bundle)  # as the printout says to export
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    store = AccountStore()
    # The Sign in dialog with custom endpoints and a service principal.
    robot = Account.new(
        "Emulator",
        "service_principal",
        tenant_id=values[TENANT_LABEL],
        client_id=values[CLIENT_ID_LABEL],
        arm_endpoint=values[RESOURCE_MANAGER],
        authority_host=values[AUTHORITY],
    )
    robot = run(sign_in(store, add_account(store, robot, client_secret=values[SECRET])))
    assert robot.username == "ada@example.org"

    # The add-workspace dialog's pickers, then the workspace in the tree.
    credential = session().credential(robot)
    (sub,) = run(list_subscriptions(credential, robot.endpoints))
    (group,) = run(list_resource_groups(credential, robot.endpoints, sub.id))
    (info,) = run(list_workspaces(credential, robot.endpoints, sub.id, group.name))
    entry = store.add_workspace(WorkspaceEntry.from_info(robot.id, info))
    assert by_hand.config == {
        "subscription_id": entry.subscription_id,
        "resource_group": entry.resource_group,
        "workspace_name": entry.workspace_name,
    }
    source = open_workspace(entry, store)
    assert [e.name for e in run(source.experiments())] == [
        "fraud-pipeline",
        "fraud-v2",
        "lr-sweep",
        "metric-kinds",
        "mnist-cnn",
        "vision-v2",
    ]
    ((parent,),) = run(collect(source, "lr-sweep"))
    assert len(run(source.children(parent))) == 3
    source.close()

    # Or a device code, which the stand-in identity service accepts by itself.
    shown: list[object] = []
    ada = add_account(
        store,
        Account.new(
            "Ada", "device_code", arm_endpoint=values[RESOURCE_MANAGER], authority_host=values[AUTHORITY]
        ),
    )
    ada = run(sign_in(store, ada, device_code_prompt=shown.append))
    assert len(shown) == 1 and ada.username == "ada@example.org"
    source = open_workspace(store.add_workspace(WorkspaceEntry.from_info(ada.id, info)), store)
    assert len(run(source.experiments())) == 6
    source.close()

    # Ctrl+C (or SIGTERM) stops it cleanly and takes its certificate folder along.
    by_hand.process.send_signal(signal.SIGTERM)
    assert by_hand.process.wait(timeout=30) == 0
    assert not Path(by_hand.bundle).exists()
