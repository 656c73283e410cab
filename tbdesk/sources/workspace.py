"""The built-in local workspace as a source of runs.

Every call opens its own connection in a worker thread (SQLite work blocks), so the event loop never
waits on the database and calls may overlap freely; WAL lets them read while loggers write. Browsing
never creates or changes a workspace: connections are read-only.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from tbdesk.local.database import NoWorkspaceError, WorkspaceError, is_read_only
from tbdesk.local.names import InvalidNameError
from tbdesk.local.store import RunRecord, WorkspaceStore, utc
from tbdesk.model import Experiment, Metric, Run, RunFile
from tbdesk.paths import default_workspace_dir
from tbdesk.sources.base import SourceError
from tbdesk.sources.logdir import copy_files, has_event_files

T = TypeVar("T")
PAGE_SIZE = 200


class WorkspaceSource:
    """A local workspace folder; None means the default one in tbdesk's data folder."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = Path(path if path is not None else default_workspace_dir()).expanduser().resolve()

    @property
    def id(self) -> str:
        return f"workspace:{self._path}"

    @property
    def path(self) -> Path:
        return self._path

    @property
    def is_default(self) -> bool:
        """The default local workspace (not one given with --workspace)."""
        return self._path == default_workspace_dir().expanduser().resolve()

    @property
    def read_only(self) -> bool:
        """This user may read the workspace but not write it (a read-only mount, another user's)."""
        return is_read_only(self._path)

    @property
    def title(self) -> str:
        notes = ([] if self.is_default else [self._path.name]) + (["read-only"] if self.read_only else [])
        return "Local workspace" + (f" ({', '.join(notes)})" if notes else "")

    def to_run(self, record: RunRecord) -> Run:
        return Run(
            source_id=self.id,
            experiment=record.experiment,
            id=record.id,
            name=record.display_name or record.id,
            status=record.status,
            start_time=utc(record.start_time),
            end_time=utc(record.end_time),
            parent_id=record.parent_id,
            has_children=record.has_children,
            number=record.number,
            run_type=record.run_type,
            tags=MappingProxyType(dict(record.tags)),
            properties=MappingProxyType(dict(record.properties)),
        )

    async def experiments(self) -> list[Experiment]:
        try:
            records = await self._call(WorkspaceStore.list_experiments, missing_ok=True)
        except NoWorkspaceError:  # nothing logged there yet: an empty workspace, not an error
            return []
        return [Experiment(self.id, r.name, r.name, utc(r.created), r.description) for r in records]

    async def runs(self, experiment: Experiment) -> AsyncIterator[list[Run]]:
        # Keyset paging: runs logged meanwhile never shift a page (they are newer than all of them).
        before: int | None = None
        while True:
            page = await self._call(
                functools.partial(
                    WorkspaceStore.list_runs, experiment=experiment.name, before_seq=before, limit=PAGE_SIZE
                )
            )
            if page:
                yield [self.to_run(record) for _, record in page]
            if len(page) < PAGE_SIZE:
                return
            before = page[-1][0]

    async def child_pages(self, run: Run) -> AsyncIterator[list[Run]]:
        # One page: a local sweep's children are read from SQLite in a moment.
        children = await self.children(run)
        if children:
            yield children

    async def children(self, run: Run) -> list[Run]:
        self._check(run)
        records = await self._call(functools.partial(WorkspaceStore.children, run_id=run.id))
        return [self.to_run(record) for record in records]

    async def metrics(self, run: Run) -> list[Metric]:
        self._check(run)
        return await self._call(functools.partial(WorkspaceStore.metrics, run_id=run.id))

    async def files(self, run: Run, prefix: str = "") -> list[RunFile]:
        self._check(run)
        return await self._call(functools.partial(WorkspaceStore.list_files, run_id=run.id, prefix=prefix))

    async def fetch_files(self, run: Run, dest: Path, prefix: str = "") -> list[Path]:
        self._check(run)

        def fetch(store: WorkspaceStore) -> list[Path]:
            return copy_files(store.run_files_dir(run.id), store.list_files(run.id, prefix), dest)

        return await self._call(fetch)

    async def tensorboard_dir(self, run: Run) -> Path | None:
        """The run's `logs` folder if it holds event files, else its files folder if any of them is
        one (a run that uploaded its logs elsewhere), else None."""
        self._check(run)

        def find(store: WorkspaceStore) -> Path | None:
            files = store.run_files_dir(run.id)
            for folder in (files / "logs", files):
                if has_event_files(folder):
                    return folder
            return None

        return await self._call(find)

    def _check(self, run: Run) -> None:
        if run.source_id != self.id:
            raise SourceError(f"The run {run.name} does not come from the workspace at {self._path}.")

    async def _call(self, work: Callable[[WorkspaceStore], T], *, missing_ok: bool = False) -> T:
        return await asyncio.to_thread(self._blocking, work, missing_ok)

    def _blocking(self, work: Callable[[WorkspaceStore], T], missing_ok: bool) -> T:
        try:
            with WorkspaceStore(self._path, read_only=True) as store:
                return work(store)
        except NoWorkspaceError:
            if missing_ok:
                raise
            raise SourceError(f"There is no tbdesk workspace at {self._path} any more.") from None
        except (WorkspaceError, InvalidNameError) as exc:
            raise SourceError(str(exc)) from exc
        except OSError as exc:
            raise SourceError(f"The local workspace at {self._path} cannot be read: {exc}") from exc


def resolve_run(workspace: Path | None, spec: str) -> Run:
    """The run of the local workspace whose id is spec (blocking; for the command line)."""
    source = WorkspaceSource(workspace)
    try:
        with WorkspaceStore(source.path, read_only=True) as store:
            record = store.get_run(spec.strip())
    except WorkspaceError as exc:
        raise SourceError(str(exc)) from exc
    if record is None:
        raise SourceError(f"There is no run {spec!r} in the local workspace at {source.path}.")
    return source.to_run(record)
