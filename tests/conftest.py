"""Test-wide setup: headless Qt, Chromium's sandbox flag as root, an isolated app home, and the one
qasync event loop that every Qt test shares (running the Qt loop twice crashes QtWebEngine)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import os
import warnings
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

# Must happen before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to run as root without this (PLATFORM.md); only ever set for tests.
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

T = TypeVar("T")

ARTIFACTS = Path(__file__).parent / "artifacts"
# Every Azure ML emulator's exchanges are held against Microsoft's own clients (issue 9).
# (pytester runs the plugin's own test, tests/azure/test_contract.py.)
pytest_plugins = ["tests.azureml_emulator.contract_plugin", "pytester"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Qt tests run after the engine tests: once the session's qasync loop exists it counts as the
    running loop of the main thread, and engine tests that call asyncio.run() could not run."""
    qt_fixtures = {"qapp", "qtbot", "qloop", "run_async"}
    items.sort(
        key=lambda item: (
            bool(qt_fixtures & set(getattr(item, "fixturenames", ()))),
            item.get_closest_marker("e2e") is not None,
        )
    )


@pytest.fixture(autouse=True)
def tbdesk_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own TBDESK_HOME, so settings, caches and workspaces never leak."""
    home = tmp_path_factory.mktemp("tbdesk-home")
    monkeypatch.setenv("TBDESK_HOME", str(home))
    return home


_ENGLISH_LOADED: list[bool] = []


@pytest.fixture(autouse=True)
def english_plurals(request: pytest.FixtureRequest, tbdesk_home: Path) -> None:
    """Qt tests see the window's English as the app shows it: its plural forms ("1 run") come
    from tbdesk_en.qm, loaded once into the session's QApplication as tbdesk.app does."""
    if _ENGLISH_LOADED or "qapp" not in request.fixturenames:
        return
    from tbdesk.ui import i18n

    _ENGLISH_LOADED.append(i18n.install_ours(request.getfixturevalue("qapp"), "en"))


@pytest.fixture(scope="session")
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """The single qasync loop of the test session, attached to the already running Qt loop."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    # qasync's default executor is made of QThreads, and one still running when the process
    # exits aborts it: use plain threads, and wait for them at the end of the session.
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="test-loop")
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    yield loop
    executor.shutdown(wait=True)


@pytest.fixture
def run_async(qloop: asyncio.AbstractEventLoop, qtbot: Any) -> Callable[..., Any]:
    """Run a coroutine on the qasync loop while pumping Qt events; return its result."""

    def runner(coro: Awaitable[T], timeout: float = 30.0) -> T:
        # asyncio.run() in an engine test unsets the current loop: set ours again.
        asyncio.set_event_loop(qloop)
        task = asyncio.ensure_future(coro, loop=qloop)
        try:
            qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        except BaseException:
            task.cancel()  # not left polling a window the test goes on to close
            raise
        return task.result()

    return runner


@pytest.fixture(scope="session")
def azureml_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Import azureml-core under the environment it reads at import time (its discovery cache
    goes under HOME, its backoffs default to 32 s), then put the environment back: later imports
    reuse the module, and other tests keep their own HOME. Shared by every test of the Azure
    source (tests/azure uses it for all its tests, tests/ui through its emulator fixture)."""
    home = tmp_path_factory.mktemp("azureml-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("AZUREML_DEFAULT_BACKOFF", "0")
        patch.setenv("AZUREML_DEFAULT_RETRIES", "1")
        patch.setenv("AZUREML_DEFAULT_500_BACKOFF", "0")
        patch.setenv("AZUREML_DEFAULT_503_BACKOFF", "0")
        patch.setenv("AZUREML_CURRENT_CLOUD", "AzureCloud")
        with warnings.catch_warnings():
            # azureml-core's own deprecation notices at import (the SDK is deprecated; AZUREML.md).
            warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"azureml\..*")
            for module in ("azureml.core", "azureml.core.authentication", "azureml.core.run"):
                importlib.import_module(module)
    return home
