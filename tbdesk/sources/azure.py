"""An Azure Machine Learning workspace as a source of runs.

Build it from a credential (anything with azure-identity's `get_token(*scopes)`) and the
workspace's subscription, resource group and name, or from an azureml-core Workspace a notebook
already has:

    source = AzureSource(DefaultAzureCredential(), "<subscription>", "<group>", "<workspace>")
    source = AzureSource.from_workspace(Workspace.from_config())

It only reads: experiments through `experiments:query` (never the experiment GET that creates a
missing experiment), runs newest first one page at a time, children page by page, full metric
history with steps and times from metrics v2, files and their bytes. Reads go through tbdesk's
own REST client (tbdesk.azure.rest) in worker threads, with azureml-core's auth header and the
workspace's endpoints; no azureml-core `Run` objects are made, so its never-drained cleanup queue
does not grow however many runs are listed.

Beyond the Source protocol, live sync (tbdesk.sync) builds on four public calls: `files` (a
run's files under a prefix with etags: one request per poll), `download_links` (every file's
contentUri under a prefix in one request), `open_download` (the bytes of a link from an offset,
streaming) and `run_tree` (a run and all its descendants with fresh status in one query).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from tbdesk.azure.arm import Credential
from tbdesk.azure.convert import metric_name, to_experiment, to_file, to_metric, to_run
from tbdesk.azure.datastores import PAGE, Datastore, to_datastore
from tbdesk.azure.errors import AzureError, NotFoundError
from tbdesk.azure.rest import CancelledError, Downloaded, NextPage, Policy, RestClient, segment
from tbdesk.azure.workspace import (
    Endpoints,
    WorkspaceRef,
    build_workspace,
    discover,
    endpoints_of,
    header_of,
    tenant_of,
    token_auth,
)
from tbdesk.model import Experiment, Metric, Run, RunFile
from tbdesk.sources.base import SourceError
from tbdesk.sources.paths import local_path
from tbdesk.workers import in_thread

if TYPE_CHECKING:
    import requests

T = TypeVar("T")
PAGE_SIZE = 100
PARALLEL = 4  # metric histories and files fetched at once per call
ORIGIN = "ExperimentRun"
_NEWEST_FIRST = "CreatedUtc desc"


class AzureSource:
    def __init__(
        self,
        credential: Credential,
        subscription_id: str,
        resource_group: str,
        workspace_name: str,
        *,
        cloud: str = "AzureCloud",
        workspace_id: str | None = None,
        discovery_url: str | None = None,
        arm_endpoint: str | None = None,
        policy: Policy | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        """With `discovery_url` (and ideally `workspace_id`) known, no ARM call is made;
        `arm_endpoint` defaults to the cloud's Resource Manager."""
        self.ref = WorkspaceRef(subscription_id, resource_group, workspace_name)
        self._credential = credential
        self._cloud = cloud
        self._workspace_id = workspace_id
        self._discovery_url = discovery_url
        self._arm_endpoint = arm_endpoint
        self._policy = policy or Policy()
        self._page_size = page_size
        self._sdk_workspace: Any = None
        self._auth: Any = None
        self._client: RestClient | None = None
        self._endpoints: Endpoints | None = None
        self._connecting = asyncio.Lock()
        self._containers: dict[str, str] = {}  # run id -> data container id (for its files)
        self._limit = asyncio.Semaphore(PARALLEL)

    @classmethod
    def from_workspace(
        cls, workspace: Any, *, policy: Policy | None = None, page_size: int = PAGE_SIZE
    ) -> AzureSource:
        """A source over an existing `azureml.core.Workspace`, using its authentication and its
        service context (no new sign-in)."""
        source = cls(
            _NoCredential(),
            workspace.subscription_id,
            workspace.resource_group,
            workspace.name,
            policy=policy,
            page_size=page_size,
        )
        source._sdk_workspace = workspace
        source._auth = workspace._auth
        return source

    @property
    def id(self) -> str:
        return f"azureml:{self.ref.scope}"

    @property
    def title(self) -> str:
        return self.ref.name

    # ---- the Source protocol
    async def experiments(self) -> list[Experiment]:
        client, ends = await self._connect()
        what = f"the experiments of {self.ref.name}"
        url = ends.history_url("/experiments:query")
        body = {"viewType": "ActiveOnly", "top": self._page_size}
        found = await self._thread(client.all_pages, lambda token: client.post_page(url, what, body, token))
        experiments = [to_experiment(self.id, dto) for dto in found]
        return sorted(experiments, key=lambda e: e.name.casefold())

    async def datastores(self) -> list[Datastore]:
        """The workspace's datastores, without their secrets (tbdesk.azure.datastores)."""
        client, ends = await self._connect()
        what = f"the datastores of {self.ref.name}"
        url = ends.datastore_url("/datastores")
        params = {"count": PAGE, "includeSecret": "false"}
        found = await self._thread(
            client.all_pages,
            lambda after: client.get_page(url, what, params, after, "continuationToken"),
        )
        return sorted((to_datastore(dto) for dto in found), key=lambda d: d.name.casefold())

    async def runs(self, experiment: Experiment) -> AsyncIterator[list[Run]]:
        client, ends = await self._connect()
        what = f"the runs of experiment {experiment.name}"
        url = ends.history_url(f"/experiments/{segment(experiment.name)}/runs:query")
        # One string: QueryParamsDto.orderby is a str (azureml-core flattens a list to its first item).
        body = {"filter": "(ParentRunId eq null)", "orderby": _NEWEST_FIRST, "top": self._page_size}

        def page_of_runs(token: str | None) -> tuple[list[Run], bool, str | None]:
            page, after = client.post_page(url, what, body, token)
            return self._runs(experiment.name, page), bool(page), after

        token: str | None = None
        while True:
            runs, any_runs, token = await self._thread(page_of_runs, token)
            if any_runs:
                yield runs
            if token is None:
                return

    async def child_pages(self, run: Run) -> AsyncIterator[list[Run]]:
        self._check(run)
        client, ends = await self._connect()
        what = f"the child runs of {run.name}"
        url = ends.history_url(f"/experiments/{segment(run.experiment)}/runs/{segment(run.id)}/children")
        params = {"$orderby": _NEWEST_FIRST, "$top": self._page_size}

        def page_of_children(after: NextPage | None) -> tuple[list[Run], NextPage | None]:
            page, following = client.get_page(url, what, params, after, "$continuationToken")
            return self._runs(run.experiment, page), following

        after: NextPage | None = None
        while True:
            children, after = await self._thread(page_of_children, after)
            if children:
                yield children
            if after is None:
                return

    async def children(self, run: Run) -> list[Run]:
        return [child async for page in self.child_pages(run) for child in page]

    async def get_run(self, experiment: str, run_id: str) -> Run:
        """One run by its id (for runs named on a command line or passed as azureml-core objects)."""
        client, ends = await self._connect()
        url = ends.history_url(f"/experiments/{segment(experiment)}/runs/{segment(run_id)}")
        dto = await self._thread(client.get_json, url, f"the run {run_id}")
        return self._runs(experiment, [dto])[0]

    async def metrics(self, run: Run) -> list[Metric]:
        self._check(run)
        client, ends = await self._connect()
        what = f"the metrics of {run.name}"
        list_url = ends.metric_url(f"/runs/{segment(run.id)}/list")
        full_url = ends.metric_url(f"/runs/{segment(run.id)}/full")
        definitions = await self._thread(
            client.all_pages, lambda token: client.post_page(list_url, what, {}, token)
        )
        # A metric is its name in its namespace (metricKey): same-named ones of two namespaces
        # are two metrics. A definition without a readable key names nothing to ask for.
        keys = list(
            dict.fromkeys(
                (str(key.get("namespace") or ""), str(key["name"]))
                for d in definitions
                if isinstance(d, dict) and isinstance(key := d.get("metricKey"), dict) and key.get("name")
            )
        )

        def history(namespace: str, name: str) -> Metric | None:
            # The SDK's own paging of this endpoint is the one that works: the token goes in the body.
            what_one = f"the metric {metric_name(name, namespace)} of {run.name}"
            merged: dict[str, Any] | None = None
            token: str | None = None
            while True:
                # RetrieveFullFidelityMetricRequest (azureml-mlflow) carries metricNamespace.
                body = {
                    "metricName": name,
                    **({"metricNamespace": namespace} if namespace else {}),
                    **({"continuationToken": token} if token else {}),
                }
                page = client.post_json(full_url, what_one, body)
                if merged is None:
                    merged = page
                else:
                    merged["value"] = list(merged.get("value") or []) + list(page.get("value") or [])
                next_token = page.get("continuationToken")
                token = None if not next_token or next_token == token else str(next_token)
                if token is None:
                    return to_metric(merged, namespace or None)

        async def one(namespace: str, name: str) -> Metric | None:
            async with self._limit:
                try:
                    return await self._thread(history, namespace, name)
                except NotFoundError:
                    return None  # listed but gone meanwhile

        found = await asyncio.gather(*(one(namespace, name) for namespace, name in keys))
        return [metric for metric in found if metric is not None]

    async def files(self, run: Run, prefix: str = "") -> list[RunFile]:
        """The run's files whose paths start with prefix, with their etags and upload times, in
        one request unless the service pages (a prefix that names a folder, ending in '/', is
        listed by the service itself). Sizes stay None: the artifact service's listings carry
        none (an artifact is path, etag, createdTime and where it is stored), so a file's size is
        only known from its bytes."""
        self._check(run)
        client, ends = await self._connect()
        container = await self._container(run)
        what = f"the files of {run.name}"
        # azureml-mlflow's list_in_container: a folder is asked for with ?path= on the container.
        params = {"path": prefix} if prefix.endswith("/") else {}
        url = ends.artifact_url(f"/artifacts/{ORIGIN}/{segment(container)}")
        found = await self._thread(
            client.all_pages, lambda after: client.get_page(url, what, params, after, "continuationToken")
        )
        return [
            to_file(dto)
            for dto in found
            if isinstance(dto, dict) and str(dto.get("path", "")).startswith(prefix)
        ]

    async def fetch_files(self, run: Run, dest: Path, prefix: str = "") -> list[Path]:
        client, _ = await self._connect()
        links = await self.download_links(run, prefix)
        targets = [(path, uri, local_path(dest, path)) for path, uri in links.items()]

        async def one(path: str, uri: str, target: Path) -> Path:
            async with self._limit:
                await self._thread(client.download, uri, target, f"the file {path} of {run.name}")
            return target

        return list(await asyncio.gather(*(one(*t) for t in targets)))

    async def tensorboard_dir(self, run: Run) -> Path | None:
        """None: an Azure run's event files must be fetched first (`fetch_files(run, dest, "logs/")`)."""
        self._check(run)
        return None

    # ---- beyond the protocol: what live sync (tbdesk.sync.remote) and others build on
    async def run_tree(self, run: Run) -> list[Run]:
        """The run and all its descendants, with their current status: one query for a top-level
        run (every run in its tree names it as root), level by level for a child run."""
        self._check(run)
        if run.parent_id is not None:
            tree = [await self.get_run(run.experiment, run.id)]
            level = tree
            while level:
                kids = await asyncio.gather(*(self.children(r) for r in level))
                level = [kid for group in kids for kid in group]
                tree += level
            return tree
        client, ends = await self._connect()
        url = ends.history_url(f"/experiments/{segment(run.experiment)}/runs:query")
        body = {"filter": f"(RootRunId eq '{_literal(run.id)}')", "top": self._page_size}
        what = f"the status of {run.name} and its child runs"
        return await self._thread(
            lambda: self._runs(
                run.experiment, client.all_pages(lambda token: client.post_page(url, what, body, token))
            )
        )

    async def download_links(self, run: Run, prefix: str = "") -> dict[str, str]:
        """Where to download the run's files under prefix: path -> contentUri, for all of them in
        one request unless the service pages. A contentUri is a blob-storage URL with its own
        signature (no sign-in needed) that serves HTTP ranges; it stops working after a while,
        and then is asked for again. Paths are the service's, unchecked: a caller that writes
        files keeps them inside its folder."""
        self._check(run)
        client, ends = await self._connect()
        container = await self._container(run)
        what = f"the download links of the files of {run.name}"
        url = ends.artifact_url(
            f"/artifacts/prefix/contentinfo/{ORIGIN}/{segment(container)}/{_path(prefix)}"
        )
        found = await self._thread(
            client.all_pages, lambda after: client.get_page(url, what, {}, after, "continuationToken")
        )
        return {
            str(item["path"]): str(item["contentUri"])
            for item in found
            if isinstance(item, dict)
            and item.get("path")
            and item.get("contentUri")
            and str(item["path"]).startswith(prefix)
        }

    def open_download(
        self, link: str, what: str, *, offset: int = 0, unless: str | None = None
    ) -> requests.Response:
        """GET a download link (from `download_links`), streaming; with offset, only the bytes
        from there on (HTTP Range); with `unless` (an ETag the link answered before), nothing
        when the bytes still have that ETag (If-None-Match, told before the range). Blocks: call
        it in a worker thread. The source's retries and timeouts apply. The answer is 200 (the
        whole file), 206 (a range, said by Content-Range), 304 (still `unless`) or 416 (nothing
        at or past offset); the caller reads and closes it. Raises
        AccessDeniedError or NotFoundError when the link no longer works, CancelledError when
        the source was closed (a later async call reconnects) or the call was given up (its stop
        event in tbdesk.workers.current_stop was set), other AzureErrors as usual."""
        client = self._client
        if client is None:
            raise CancelledError(f"Stopped reading {what}: the connection to {self.ref.name} was closed.")
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        if unless is not None:
            headers["If-None-Match"] = unless
        return client.send("GET", link, what, auth=False, stream=True, headers=headers, ok=(304, 416))

    async def download(self, run: Run, path: str, dest: Path, *, offset: int = 0) -> Downloaded:
        """One file of a run into dest; with offset, only its bytes from there on (appended)."""
        self._check(run)
        client, ends = await self._connect()
        container = await self._container(run)
        what = f"the file {path} of {run.name}"
        info = await self._thread(
            client.get_json,
            ends.artifact_url(f"/artifacts/contentinfo/{ORIGIN}/{segment(container)}/{_path(path)}"),
            what,
        )
        return await self._thread(client.download, str(info["contentUri"]), dest, what, offset=offset)

    async def workspace(self) -> Any:
        """The azureml-core Workspace of this source (built without calling ARM when possible)."""
        if self._sdk_workspace is None:
            await self._connect()
            assert self._endpoints is not None
            self._sdk_workspace = await self._thread(build_workspace, self.ref, self._auth, self._endpoints)
        return self._sdk_workspace

    async def portal_url(self, run: Run) -> str:
        """The run's page in Azure ML studio (for the system browser), in the tenant of this
        source's sign-in as azureml-core's `get_portal_url()` names it (studio would otherwise
        open the person's home tenant, where a guest's workspace is not found)."""
        _, ends = await self._connect()
        if not ends.studio:
            raise AzureError(
                f"The service directory of {self.ref.name} names no Azure ML studio to link the run to."
            )
        tenant = await self._thread(tenant_of, self._auth)
        ref = self.ref
        scope = (
            f"/subscriptions/{ref.subscription_id}/resourcegroups/{ref.resource_group}/workspaces/{ref.name}"
        )
        url = f"{ends.studio.rstrip('/')}/runs/{quote(run.id)}?wsid={scope}"
        return url + (f"&tid={quote(tenant, safe='')}" if tenant else "")

    def close(self) -> None:
        """Cancel retries and waits in flight; later calls reconnect."""
        if self._client is not None:
            self._client.close()
        self._client = None
        self._endpoints = None

    # ---- plumbing
    async def _connect(self) -> tuple[RestClient, Endpoints]:
        async with self._connecting:
            if self._client is None or self._endpoints is None:
                opened = await self._thread(self._open)
                self._client, self._endpoints = opened
                return opened
            return self._client, self._endpoints

    def _open(self) -> tuple[RestClient, Endpoints]:
        if self._auth is None:
            self._auth = token_auth(self._credential, self._cloud)
        auth = self._auth
        client = RestClient(lambda: header_of(auth), self._policy, workspace=self.ref.name)
        try:
            handed = self._sdk_workspace
            known = getattr(handed, "_discovery_url_internal", None) if handed is not None else None
            if handed is not None and self._discovery_url is None and known:
                # tbdesk's own discovery, not azureml-core's ServiceContext: that one asks for
                # every service of the document and fails (KeyError) on a workspace whose
                # document has only what tbdesk reads (a private-link or sovereign-cloud one).
                endpoints = discover(
                    client,
                    self.ref,
                    arm_endpoint="",
                    discovery_url=str(known),
                    workspace_id=getattr(handed, "_workspace_id_internal", None),
                )
            elif handed is not None and self._discovery_url is None:
                endpoints = _sdk_endpoints(handed)
            else:
                arm = self._arm_endpoint or str(auth._get_arm_end_point())
                endpoints = discover(
                    client,
                    self.ref,
                    arm_endpoint=arm,
                    discovery_url=self._discovery_url,
                    workspace_id=self._workspace_id,
                )
        except BaseException:
            client.close()
            raise
        return client, endpoints

    async def _container(self, run: Run) -> str:
        container = self._containers.get(run.id)
        if container is None:
            client, ends = await self._connect()
            url = ends.history_url(f"/experiments/{segment(run.experiment)}/runs/{segment(run.id)}")
            dto = await self._thread(client.get_json, url, f"the run {run.name}")
            container = self._containers[run.id] = str(dto.get("dataContainerId") or f"dcid.{run.id}")
        return container

    def _runs(self, experiment: str, dtos: list[dict[str, Any]]) -> list[Run]:
        # Listings call this in the worker thread that fetched dtos: a thousand conversions on the
        # event loop would stall the window.
        runs = []
        for dto in dtos:
            if dto.get("hidden"):
                continue
            run = to_run(self.id, experiment, dto)
            if dto.get("dataContainerId"):
                self._containers[run.id] = str(dto["dataContainerId"])
            runs.append(run)
        return runs

    def _check(self, run: Run) -> None:
        if run.source_id != self.id:
            raise SourceError(
                f"The run {run.name} does not come from the Azure ML workspace {self.ref.name}."
            )

    @staticmethod
    async def _thread(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        # A cancelled caller (the status bar's Cancel, the details pane moving on) stops the call
        # in its thread too (tbdesk.workers).
        try:
            return await in_thread(work, *args, **kwargs)
        except SourceError:
            raise
        except OSError as exc:
            raise SourceError(f"Cannot write the downloaded files: {exc}") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise AzureError(
                f"Azure ML answered something tbdesk cannot read ({type(exc).__name__}: {exc})."
            ) from exc


class _NoCredential:
    """Stands in for a credential when the source rides on an existing Workspace's own auth."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        raise AzureError("This source uses its workspace's own authentication.")


def _sdk_endpoints(workspace: Any) -> Endpoints:
    try:
        return endpoints_of(workspace)
    except AzureError:
        raise
    except Exception as exc:  # azureml-core's own failures: requests errors, ServiceException...
        status = getattr(getattr(exc, "response", None), "status_code", None) or getattr(
            exc, "status_code", None
        )
        raise AzureError(
            f"azureml-core could not find the services of workspace {workspace.name}:"
            f" {str(exc).strip()[:300]}",
            status if isinstance(status, int) else None,
        ) from exc


def _path(path: str) -> str:
    return quote(path, safe="/")


def _literal(text: str) -> str:
    """A string inside an OData filter's quotes."""
    return text.replace("'", "''")


__all__ = ["AzureSource"]
