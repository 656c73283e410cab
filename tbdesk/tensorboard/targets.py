"""What the Python API accepts as runs: objects of logging APIs, turned into (source, run) pairs.

The seed's functions take azureml-core `Run` objects, a list of them or (for export) an
`Experiment`. tbdesk takes its local workspace's `Run` and `Experiment` now; each kind of object
has a resolver here, so Azure ML's objects are one more resolver, registered without importing
azureml-core until someone passes one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tbdesk.model import Run
from tbdesk.sources.base import Source


@dataclass(frozen=True)
class Target:
    """One run to show or export, and the source that can read it."""

    source: Source
    run: Run


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


_RESOLVERS: list[Resolver] = [_local_runs]


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
            "experiments of its local workspace (tbdesk.local.Run, tbdesk.local.Experiment), "
            "or a list of them."
        )
    return found
