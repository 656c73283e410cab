"""A local emulator of the Azure ML REST API, driven by the real azureml-core client in tests and
usable by hand: `python -m tests.azureml_emulator --seed demo` prints the config.json to use."""

from tests.azureml_emulator.seed import seed_demo, seed_kinds, seed_sweep
from tests.azureml_emulator.seed_v2 import seed_v2
from tests.azureml_emulator.server import Emulator, Fault, Request
from tests.azureml_emulator.store import EmuRun, EmuWorkspace
from tests.azureml_emulator.tokens import StaticCredential, make_token

__all__ = [
    "EmuRun",
    "EmuWorkspace",
    "Emulator",
    "Fault",
    "Request",
    "StaticCredential",
    "make_token",
    "seed_demo",
    "seed_kinds",
    "seed_sweep",
    "seed_v2",
]
