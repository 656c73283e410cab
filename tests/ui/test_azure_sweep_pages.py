"""A sweep's child runs come into the tree a page at a time, as an experiment's runs do: the first
page shows after one request, the next is fetched ahead and offered with "More runs…", and
scrolling down brings the rest (a sweep of hundreds of trials over a slow network shows at once)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tbdesk.sources.azure import AzureSource
from tbdesk.ui.tree_model import SourceTreeModel
from tbdesk.ui.tree_nodes import Kind, Node
from tbdesk.ui.tree_view import SourceTreeView
from tests.azureml_emulator import Emulator, EmuWorkspace, StaticCredential, seed_sweep
from tests.azureml_emulator.marks import AZUREML_WARNINGS

pytestmark = AZUREML_WARNINGS
WAIT_MS = 30_000
CHILDREN, PAGE = 250, 100


@pytest.fixture
def emulator(azureml_env: Path) -> Iterator[Emulator]:
    workspace = EmuWorkspace()
    seed_sweep(workspace, "sweep", children=CHILDREN, steps=0)
    with Emulator(workspace) as emu:
        yield emu


@pytest.fixture
def source(emulator: Emulator) -> Iterator[AzureSource]:
    ws = emulator.workspace
    azure = AzureSource(
        StaticCredential(),
        ws.subscription_id,
        ws.resource_group,
        ws.name,
        discovery_url=emulator.discovery_url,
        workspace_id=ws.workspace_id,
        page_size=PAGE,
    )
    yield azure
    azure.close()


def kinds(node: Node) -> list[Kind]:
    return [child.kind for child in node.children]


def test_a_sweeps_child_runs_come_a_page_at_a_time(
    qtbot: Any, qloop: asyncio.AbstractEventLoop, emulator: Emulator, source: AzureSource
) -> None:
    model = SourceTreeModel()
    tree = SourceTreeView(model)
    qtbot.addWidget(tree)
    tree.resize(600, 400)
    tree.show()
    source_index = model.add_source(source)
    tree.expand(source_index)
    # Its one experiment, then the row of its datastores.
    qtbot.waitUntil(lambda: not model.busy and model.rowCount(source_index) == 2, timeout=WAIT_MS)
    tree.expand(model.index(0, 0, source_index))
    qtbot.waitUntil(lambda: not model.busy, timeout=WAIT_MS)
    experiment, _datastores = model.node(source_index).children  # type: ignore[union-attr]
    (parent,) = experiment.children
    assert parent.kind is Kind.RUN and parent.run is not None and parent.run.name == "lr sweep"

    tree.expand(model.index_of(parent))
    qtbot.waitUntil(lambda: not model.busy, timeout=WAIT_MS)
    # The first page, then "More runs…" for the page fetched ahead: two requests, not three.
    assert kinds(parent) == [Kind.RUN] * PAGE + [Kind.MORE]
    assert len(emulator.requests("GET", "/children")) == 2
    newest = [child.run.name for child in parent.children[:3] if child.run is not None]
    assert newest == [f"HD_sweep_parent_{i}" for i in (CHILDREN - 1, CHILDREN - 2, CHILDREN - 3)]

    def all_shown() -> bool:
        tree.scrollToBottom()
        return not model.busy and kinds(parent) == [Kind.RUN] * CHILDREN

    qtbot.waitUntil(all_shown, timeout=WAIT_MS)
    names = [child.run.name for child in parent.children if child.run is not None]
    assert len(set(names)) == CHILDREN  # every trial once, none lost or repeated between pages
    assert len(emulator.requests("GET", "/children")) == 3


def test_searching_a_sweep_offers_its_pages_not_loaded_yet(
    qtbot: Any, qloop: asyncio.AbstractEventLoop, emulator: Emulator, source: AzureSource
) -> None:
    model = SourceTreeModel()
    tree = SourceTreeView(model)
    qtbot.addWidget(tree)
    tree.resize(600, 400)
    tree.show()
    source_index = model.add_source(source)
    tree.expand(source_index)
    # Its one experiment, then the row of its datastores.
    qtbot.waitUntil(lambda: not model.busy and model.rowCount(source_index) == 2, timeout=WAIT_MS)
    tree.expand(model.index(0, 0, source_index))
    qtbot.waitUntil(lambda: not model.busy, timeout=WAIT_MS)
    experiment, _datastores = model.node(source_index).children  # type: ignore[union-attr]
    (parent,) = experiment.children
    tree.expand(model.index_of(parent))
    qtbot.waitUntil(lambda: not model.busy and kinds(parent)[-1] is Kind.MORE, timeout=WAIT_MS)

    def shown() -> list[str]:
        view, row = tree.model(), tree.view_index(model.index_of(parent))
        return [str(view.index(r, 0, row).data()) for r in range(view.rowCount(row))]

    # Trial 42 is on the third page: the search finds nothing loaded, but says more is there.
    tree.set_query("HD_sweep_parent_42")
    assert shown() == ["More runs…"]
    for _ in range(2):  # activating it loads the next page, as at the experiment's level
        tree.activated.emit(tree.view_index(model.index_of(parent.children[-1])))
        qtbot.waitUntil(lambda: not model.busy, timeout=WAIT_MS)
    assert shown() == ["HD_sweep_parent_42"]
