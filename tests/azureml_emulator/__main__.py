"""Run the emulator by hand: `python -m tests.azureml_emulator --seed demo [--port N]`.

It prints the config.json of the emulated workspace and the environment a person sets so that
azureml-core (and tbdesk) talk to it, then serves until interrupted.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading

from tests.azureml_emulator.seed import seed_demo
from tests.azureml_emulator.server import Emulator
from tests.azureml_emulator.store import EmuWorkspace


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.azureml_emulator", description=__doc__)
    parser.add_argument("--seed", choices=["demo", "empty"], default="demo")
    parser.add_argument("--sweep-children", type=int, default=12)
    args = parser.parse_args(argv)
    workspace = EmuWorkspace()
    if args.seed == "demo":
        seed_demo(workspace, sweep_children=args.sweep_children)
    emulator = Emulator(workspace).start()
    config = {
        **emulator.config(),
        "discovery_url": emulator.discovery_url,
        "workspace_id": workspace.workspace_id,
    }
    print(json.dumps(config, indent=2))
    print(f"\n# azureml-core: export AZUREML_DISCOVERY_SERVICE_ENDPOINT={emulator.discovery_url}")
    print("# Any bearer token that is a JWT with exp and tid claims is accepted")
    print("# (tests.azureml_emulator.make_token makes one).")
    print(f"# Serving on {emulator.url}; Ctrl+C stops.", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
