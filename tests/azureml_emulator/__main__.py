"""Run the emulator by hand: `python -m tests.azureml_emulator --seed demo`.

It starts the emulated Azure ML service (http on 127.0.0.1) and, beside it, the stand-in identity
service of tests/auth (https, with a self-signed certificate), then prints what to enter in
tbdesk's Sign in dialog, the REQUESTS_CA_BUNDLE to export before starting tbdesk, and the
config.json of the emulated workspace. It serves until interrupted (Ctrl+C or SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from tests.auth.token_server import CLIENT_ID, TokenServer
from tests.azureml_emulator.seed import seed_demo
from tests.azureml_emulator.seed_v2 import seed_v2
from tests.azureml_emulator.server import Emulator
from tests.azureml_emulator.store import EmuWorkspace
from tests.azureml_emulator.tokens import TENANT

# The labels of tbdesk's Sign in dialog (tbdesk.ui.azure_dialogs.SignInDialog), in its order.
RESOURCE_MANAGER = "Resource Manager"
AUTHORITY = "Sign-in authority"
TENANT_LABEL = "Tenant"
CLIENT_ID_LABEL = "Client id"
SECRET = "Client secret"


def trust_bundle(authority_cert: Path, folder: Path) -> Path:
    """A CA bundle for requests: the usual public authorities plus the stand-in's certificate, so
    that a tbdesk started with it still reaches real Azure too."""
    import certifi

    bundle = folder / "ca-bundle.pem"
    bundle.write_text(Path(certifi.where()).read_text() + "\n" + authority_cert.read_text())
    return bundle


def instructions(emulator: Emulator, authority: TokenServer, bundle: Path) -> str:
    ws = emulator.workspace
    return "\n".join(
        [
            "# 1. Before starting tbdesk (the sign-in authority's certificate is self-signed):",
            f"export REQUESTS_CA_BUNDLE={bundle}",
            "",
            "# 2. In tbdesk: File > Sign in to Azure..., tick 'Custom endpoints (a private cloud)',"
            " and enter (valid while this emulator runs)",
            f"{RESOURCE_MANAGER}: {emulator.url}",
            f"{AUTHORITY}: {authority.url}",
            "# with 'Sign in with: Service principal with a client secret' (needs a system keyring):",
            f"{TENANT_LABEL}: {TENANT}",
            f"{CLIENT_ID_LABEL}: {CLIENT_ID}",
            f"{SECRET}: {authority.client_secret}",
            "# or with 'Device code (sign in on another device)': no keyring needed, and the code"
            " is accepted by itself a moment after it shows.",
            "",
            "# 3. Then add the workspace: pick 'Emulated subscription' > "
            f"{ws.resource_group} > {ws.name}, or use this config.json:",
            json.dumps(emulator.config(), indent=2),
            "",
            f"# azureml-core: export AZUREML_DISCOVERY_SERVICE_ENDPOINT={emulator.discovery_url}",
            f"# Serving Azure ML on {emulator.url} and sign-ins on {authority.url}; Ctrl+C stops.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.azureml_emulator", description=__doc__)
    parser.add_argument("--seed", choices=["demo", "empty"], default="demo")
    parser.add_argument("--sweep-children", type=int, default=12)
    args = parser.parse_args(argv)
    workspace = EmuWorkspace()
    if args.seed == "demo":
        seed_demo(workspace, sweep_children=args.sweep_children)
        seed_v2(workspace)  # and v2 jobs: what a workspace holds since the v1 SDK's end of support
    folder = Path(tempfile.mkdtemp(prefix="tbdesk-emulator-"))
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    emulator = Emulator(workspace).start()
    authority = TokenServer(folder).start()
    try:
        print(instructions(emulator, authority, trust_bundle(authority.ca_bundle, folder)), flush=True)
        done.wait()
    finally:
        authority.stop()
        emulator.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
