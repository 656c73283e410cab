"""What the Python API accepts as runs: objects of logging APIs, turned into (source, run) pairs.

The seed's functions take azureml-core `Run` objects, a list of them or (for export) an
`Experiment`. tbdesk takes those, and its local workspace's `Run` and `Experiment`; each kind of
object has a resolver here. azureml-core is imported only once an object of one of its classes is
passed: a plain script of the local workspace never pays for it.

An azureml-core object is read through an `AzureSource` riding on the object's own `Workspace` (its
authentication and service endpoints; one source per Workspace object, kept while that object
lives). Only reads are sent: the run is fetched again by id, an experiment's runs are listed
through run history's query (no azureml-core `Run` objects are made for them).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tbdesk.model import Experiment, Run
from tbdesk.sources.base import Source

if TYPE_CHECKING:
    from tbdesk.sources.azure import AzureSource


@dataclass(frozen=True)
class Target:
    """One run to show or export, and the source that can read it."""

    source: Source
    run: Run


def by_source(found: Sequence[Target]) -> list[tuple[Source, list[Run]]]:
    """The runs grouped by their source, in order."""
    grouped: dict[str, tuple[Source, list[Run]]] = {}
    for target in found:
        grouped.setdefault(target.source.id, (target.source, []))[1].append(target.run)
    return list(grouped.values())


# A resolver returns the targets an object stands for, or None when the object is not its kind.
Resolver = Callable[[object], Sequence[Target] | None]


def _local_runs(item: object) -> Sequence[Target] | None:
    from tbdesk import local
    from tbdesk.sources.workspace import WorkspaceSource, resolve_run

    if isinstance(item, local.Run):
        runs = [item]
    elif isinstance(item, local.Experiment):
        runs = list(item.get_runs())  # top-level runs, newest first (as azureml-core lists them)
    else:
        return None
    if not runs:
        return []
    path = runs[0].experiment.workspace.path
    source = WorkspaceSource(path)
    return [Target(source, resolve_run(path, run.id)) for run in runs]


def _azureml_runs(item: object) -> Sequence[Target] | None:
    # Checked by module first: importing azureml.core costs ~0.7 s and warns, so only an object of
    # one of its classes (Run, HyperDriveRun, PipelineRun..., Experiment) makes us import it.
    if not type(item).__module__.startswith("azureml."):
        return None
    from azureml.core import Experiment as SdkExperiment
    from azureml.core import Run as SdkRun

    from tbdesk.tensorboard import _loop

    if isinstance(item, SdkRun):
        sdk_experiment = item.experiment
        source = _source_of(sdk_experiment.workspace)
        run = _loop.engine().call(source.get_run(sdk_experiment.name, item.id))
        return [Target(source, run)]
    if isinstance(item, SdkExperiment):
        source = _source_of(item.workspace)
        experiment = Experiment(source_id=source.id, id=str(item.id or item.name), name=item.name)
        return [Target(source, run) for run in _loop.engine().call(_all_runs(source, experiment))]
    return None


async def _all_runs(source: AzureSource, experiment: Experiment) -> list[Run]:
    return [run async for page in source.runs(experiment) for run in page]


# One source per azureml-core Workspace object: it carries the authentication and the endpoints.
# Weak keys: a notebook that drops its Workspace drops our source too.
_AZURE_SOURCES: weakref.WeakKeyDictionary[Any, AzureSource] = weakref.WeakKeyDictionary()
_AZURE_LOCK = threading.Lock()


def _source_of(workspace: Any) -> AzureSource:
    from tbdesk.sources.azure import AzureSource

    with _AZURE_LOCK:
        source = _AZURE_SOURCES.get(workspace)
        if source is None:
            source = _AZURE_SOURCES[workspace] = AzureSource.from_workspace(workspace)
        return source


_RESOLVERS: list[Resolver] = [_local_runs, _azureml_runs]


def register(resolver: Resolver) -> None:
    """Teach the Python API another kind of run object (tried before the ones already known)."""
    _RESOLVERS.insert(0, resolver)


def resolve(run_data: object) -> list[Target]:
    """The targets of a run, an experiment, or a list (any iterable) of runs and experiments, in
    order, each run once. Blocking (it may read a workspace). Never changes run_data."""
    found = _try(run_data)
    if found is not None:
        items = [found]
    elif isinstance(run_data, Iterable) and not isinstance(run_data, str | bytes):
        items = [_resolve_one(item) for item in list(run_data)]
    else:
        items = [_resolve_one(run_data)]
    targets: list[Target] = []
    seen: set[tuple[str, str]] = set()
    for target in (target for group in items for target in group):
        key = (target.source.id, target.run.id)
        if key not in seen:
            seen.add(key)
            targets.append(target)
    return targets


def _try(item: object) -> Sequence[Target] | None:
    for resolver in _RESOLVERS:
        found = resolver(item)
        if found is not None:
            return found
    return None


def _resolve_one(item: object) -> Sequence[Target]:
    found = _try(item)
    if found is None:
        raise TypeError(
            f"Not a run or an experiment: {item!r} ({type(item).__name__}). tbdesk takes runs and "
            "experiments of Azure ML (azureml.core.Run, azureml.core.Experiment) and of its local "
            "workspace (tbdesk.local.Run, tbdesk.local.Experiment), or a list of them."
        )
    return found
