"""An HTTP server on 127.0.0.1 that answers what azureml-core (and tbdesk) send to Azure ML.

It serves ARM (workspace get/list), the discovery document, run history, metrics v2 and artifacts
for one in-memory workspace, plus the artifact bytes themselves (the `contentUri`s it hands out
point back at it, with HTTP range requests and etags). Every request is logged; faults are
injected on demand with `inject(Fault(...))`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from tests.azureml_emulator import odata
from tests.azureml_emulator.store import ORIGIN, EmuRun, EmuWorkspace, etag_of, iso
from tests.azureml_emulator.tokens import claims_of

_PROVIDER = "/providers/Microsoft.MachineLearningServices/workspaces/"
# Requests that only read, although they are POSTs (queries with a body).
# What the emulator serves that no official model of the route describes, each with why: the one
# list of it. The contract checks (contract.py) allow exactly these (model, JSON key) pairs.
BEYOND_THE_MODELS: dict[tuple[str, str], str] = {
    # azureml-core's model of the prefix/contentinfo listing is older than azureml-mlflow's model
    # of the same listing (PaginatedArtifactContentInformationList, on its own route), which has
    # nextLink; the emulator's pages carry it everywhere to prove that tbdesk follows it.
    ("PaginatedArtifactContentInformationDto", "nextLink"): "azureml-mlflow's model of this listing has it",
}
# Called with every emulator that starts: tests/azureml_emulator/contract_plugin.py holds their
# exchanges against Microsoft's own clients when each test ends.
WATCHERS: list[Callable[[Emulator], object]] = []
_READ_POSTS = re.compile(r"(experiments:query|runs:query|/runs/[^/]+/(list|full))$")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    at: float  # time.monotonic() when it arrived
    authorized: bool
    range: str | None = None  # the Range header asked for, if any
    agent: str | None = None  # the User-Agent header: tbdesk's own client says tbdesk/...
    answer: Any = None  # the JSON answered (None for file bytes), for the contract checks

    @property
    def is_read(self) -> bool:
        return self.method in ("GET", "HEAD") or (
            self.method == "POST" and _READ_POSTS.search(self.path) is not None
        )


@dataclass
class Fault:
    """Something that goes wrong with the next `times` requests whose path matches `match`."""

    match: str = ""  # a regular expression searched in the path
    method: str | None = None
    status: int | None = None  # answer with this status and an Azure-shaped error body
    retry_after: float | None = None  # with a Retry-After header (seconds)
    delay: float = 0.0  # answer only after this long
    cut: bool = False  # close the connection without answering
    cut_after: int | None = None  # file bytes: send this many bytes of the body, then hang up
    times: int = 1
    # Called when the fault strikes, before the answer: a test changes the workspace right there.
    then: Callable[[], object] | None = None
    hits: int = 0

    def applies(self, method: str, path: str) -> bool:
        return (
            self.hits < self.times
            and (self.method is None or self.method == method)
            and re.search(self.match, path) is not None
        )


class _Reply(Exception):
    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> _Reply:
    body = {
        "error": {"code": code, "message": message, "innerError": {"code": code}},
        "correlation": {"operation": secrets.token_hex(8), "request": secrets.token_hex(8)},
    }
    return _Reply(status, body, headers)


def _arm_shaped(path: str, reply: _Reply) -> _Reply:
    """ARM answers errors in its own envelope, `{"error": {code, message}}` (azure-mgmt's
    ErrorResponse under "error"), without the run-history services' correlation block."""
    if (
        reply.status < 400
        or not path.lower().startswith("/subscriptions")
        or not isinstance(reply.body, dict)
    ):
        return reply
    error = reply.body.get("error") or {}
    body = {"error": {"code": error.get("code"), "message": error.get("message")}}
    return _Reply(reply.status, body, reply.headers)


def _page(items: list[Any], token: str | None, size: int) -> tuple[list[Any], str | None]:
    start = 0
    if token:
        if not token.startswith("page:") or not token[5:].isdigit():
            raise _error(400, "BadContinuationToken", f"The continuation token {token!r} is not valid.")
        start = int(token[5:])
    end = start + size
    return items[start:end], (f"page:{end}" if end < len(items) else None)


def _bound_string(body: dict[str, Any], name: str) -> str | None:
    """A body field the service's model declares as a string (QueryParamsDto.orderby): an array
    or object there fails .NET's model binding (Json.NET) with a 400, as the real service does."""
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | bool):
        return json.dumps(value)  # Json.NET turns a number or boolean into its text
    said = f"Unexpected character encountered while parsing value: {json.dumps(value)[0]}. Path '{name}'."
    reply = _error(400, "UserError", f"One or more validation errors occurred. {name}: {said}")
    reply.body["error"]["innerError"] = {"code": "BadArgument"}
    reply.body["error"]["details"] = [{"code": name, "message": said}]
    raise reply


def _sorted_runs(runs: list[EmuRun], orderby: str | None) -> list[EmuRun]:
    field_name, _, direction = (orderby or "CreatedUtc desc").partition(" ")
    keys: dict[str, Callable[[EmuRun], Any]] = {
        "createdutc": lambda r: r.created,
        "starttimeutc": lambda r: r.start,
        "endtimeutc": lambda r: r.end,
        "runid": lambda r: r.id,
        "runnumber": lambda r: r.number,
    }
    key = keys.get(field_name.lower())
    if key is None:
        raise _error(400, "BadOrderBy", f"Cannot order runs by {field_name!r}.")
    present = [r for r in runs if key(r) is not None]
    missing = [r for r in runs if key(r) is None]
    present.sort(key=lambda r: (key(r), r.number), reverse=direction.lower() == "desc")
    return present + missing


def _run_field(run: EmuRun, name: str) -> Any:
    if "/" in name:
        group, _, key = name.partition("/")
        table = {"tags": run.tags, "properties": run.properties}.get(group.lower(), {})
        return table.get(key)
    getter = _RUN_FIELDS.get(name.lower())
    if getter is None:
        raise _error(400, "BadFilter", f"Cannot filter runs on {name!r}.")
    return getter(run)


_RUN_FIELDS: dict[str, Callable[[EmuRun], Any]] = {
    "runid": lambda r: r.id,
    "parentrunid": lambda r: r.parent_id,
    "rootrunid": lambda r: r.root_id,
    "status": lambda r: r.status,
    "runtype": lambda r: r.run_type,
    "target": lambda r: r.target,
    "displayname": lambda r: r.display_name,
    "runnumber": lambda r: r.number,
    "createdutc": lambda r: iso(r.created),
    "starttimeutc": lambda r: iso(r.start),
    "endtimeutc": lambda r: iso(r.end),
}


class Emulator:
    """Start with `start()` (or `with Emulator(...) as emu:`); `url` is then http://127.0.0.1:PORT."""

    def __init__(
        self,
        workspace: EmuWorkspace | None = None,
        *,
        page_size: int = 100,
        metric_page_size: int = 1000,
        metric_list_page_size: int = 1000,
        artifact_page_size: int = 500,
    ) -> None:
        self.workspace = workspace or EmuWorkspace()
        self.page_size = page_size
        self.metric_page_size = metric_page_size
        self.metric_list_page_size = metric_list_page_size
        self.artifact_page_size = artifact_page_size
        self.workspace_gone = False  # every call about the workspace answers 404
        # Services the discovery document leaves out (a private-link or sovereign-cloud workspace).
        self.discovery_lacks: set[str] = set()
        self.next_link_only = False  # artifact pages say where the next one is by nextLink alone
        self.log: list[Request] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._secret = secrets.token_bytes(16)
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- life
    def start(self) -> Emulator:
        emulator = self

        class Handler(_Handler):
            owner = emulator

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=functools.partial(self._server.serve_forever, poll_interval=0.05),
            name="azureml-emulator",
            daemon=True,
        )
        self._thread.start()
        for watch in list(WATCHERS):
            watch(self)
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the emulator first"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/discovery"

    def config(self) -> dict[str, str]:
        """The config.json (Workspace.from_config format) of the emulated workspace."""
        ws = self.workspace
        return {
            "subscription_id": ws.subscription_id,
            "resource_group": ws.resource_group,
            "workspace_name": ws.name,
        }

    # ---- faults and the log
    def inject(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def requests(self, method: str | None = None, contains: str = "") -> list[Request]:
        with self._lock:
            return [r for r in self.log if (method is None or r.method == method) and contains in r.path]

    def writes(self) -> list[Request]:
        """Requests that would create, change or delete something in a real workspace."""
        with self._lock:
            return [r for r in self.log if not r.is_read]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    def _fault_for(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.applies(method, path):
                    fault.hits += 1
                    return fault
        return None

    def _record(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)

    # ---- artifact bytes
    def content_uri(self, run: EmuRun, path: str) -> str:
        blob = f"{run.data_container_id}/{path}"
        sig = hmac.new(self._secret, blob.encode(), hashlib.sha256).hexdigest()
        return f"{self.url}/blob/{quote(blob)}?sv=2019-07-07&sr=b&sp=r&sig={sig}"

    def _check_sig(self, blob: str, sig: str) -> bool:
        expected = hmac.new(self._secret, blob.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, sig)

    # ---- routing
    def answer(self, method: str, path: str, query: dict[str, str], body: Any, auth: str | None) -> _Reply:
        if path == "/discovery" and method == "GET":
            return _Reply(200, self._discovery())
        if path.startswith("/blob/"):
            raise AssertionError("blob requests are answered by the handler")
        self._check_auth(auth)
        ws = self.workspace
        scope = ws.scope.lower()
        lower = path.lower()
        if lower == "/subscriptions" or lower.startswith("/subscriptions/"):
            return self._arm(method, path, lower)
        for prefix, handler in (
            ("/history/v1.0", self._history),
            ("/metric/v2.0", self._metric),
            ("/artifact/v2.0", self._artifact),
            ("/datastore/v1.0", self._datastores),
        ):
            if lower.startswith(prefix + scope):
                if self.workspace_gone:
                    raise _error(404, "WorkspaceNotFound", f"Workspace {ws.name} was not found.")
                rest = path[len(prefix) + len(scope) :]
                with ws.lock:
                    return handler(method, rest, query, body)
            if lower.startswith(prefix + "/subscriptions/"):
                raise _error(404, "WorkspaceNotFound", "No such workspace.")
        raise _error(404, "NotFound", f"Nothing is served at {path}.")

    def _discovery(self) -> dict[str, str]:
        base = self.url
        keys = (
            "api",
            "catalog",
            "experimentation",
            "gallery",
            "history",
            "hyperdrive",
            "labeling",
            "modelmanagement",
            "pipelines",
        )
        doc = {key: base for key in keys}
        doc["studio"] = "https://ml.azure.com"
        return {key: url for key, url in doc.items() if key not in self.discovery_lacks}

    def _check_auth(self, header: str | None) -> None:
        if not header or not header.startswith("Bearer "):
            raise _error(
                401,
                "AuthenticationFailed",
                "Authentication information is missing.",
                {"WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/"'},
            )
        claims = claims_of(header[7:])
        if claims is None or "exp" not in claims or "tid" not in claims:
            raise _error(
                401,
                "InvalidAuthenticationToken",
                "The access token is invalid.",
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if float(claims["exp"]) < time.time():
            raise _error(
                401,
                "ExpiredAuthenticationToken",
                "The access token expiry UTC time is earlier than current UTC time.",
                {"WWW-Authenticate": 'Bearer error="invalid_token", error_description="expired"'},
            )

    # ---- ARM
    def _arm(self, method: str, path: str, lower: str) -> _Reply:
        ws = self.workspace
        if method != "GET":
            raise _error(405, "MethodNotAllowed", "The emulator's ARM only reads.")
        if lower == ws.scope.lower() and not self.workspace_gone:
            return _Reply(200, ws.arm_dto(self.url))
        group = f"/subscriptions/{ws.subscription_id}/resourceGroups/{ws.resource_group}".lower()
        if lower in (
            group + _PROVIDER.lower().rstrip("/"),
            f"/subscriptions/{ws.subscription_id}{_PROVIDER}".lower().rstrip("/"),
        ):
            return _Reply(200, {"value": [] if self.workspace_gone else [ws.arm_dto(self.url)]})
        if lower == "/subscriptions":
            return _Reply(
                200,
                {
                    "value": [
                        {
                            "subscriptionId": ws.subscription_id,
                            "displayName": "Emulated subscription",
                            "state": "Enabled",
                            "tenantId": ws.tenant_id,
                        }
                    ]
                },
            )
        if lower == f"/subscriptions/{ws.subscription_id}/resourcegroups".lower():
            return _Reply(200, {"value": [{"name": ws.resource_group, "location": ws.location, "id": group}]})
        code = "ResourceNotFound" if _PROVIDER.lower() in lower else "NotFound"
        raise _error(404, code, f"The Resource '{path.rsplit('/', 1)[-1]}' was not found.")

    # ---- datastores
    def _datastores(self, method: str, rest: str, query: dict[str, str], body: Any) -> _Reply:
        if rest != "/datastores" or method != "GET":
            raise _error(404 if method == "GET" else 405, "NotSupported", f"No {method} {rest} here.")
        size = int(query.get("count", "30"))
        page, token = _page(self.workspace.datastores, query.get("continuationToken"), size)
        if query.get("includeSecret", "true").lower() != "true":  # the service's default: with them
            secrets_ = ("accountKey", "sasToken", "credential")
            page = [
                {
                    **store,
                    "azureStorageSection": {
                        k: v for k, v in store.get("azureStorageSection", {}).items() if k not in secrets_
                    },
                }
                for store in page
            ]
        return _Reply(200, {"value": page, **({"continuationToken": token} if token else {})})

    # ---- run history
    def _history(self, method: str, rest: str, query: dict[str, str], body: Any) -> _Reply:
        reply = self._experiments(method, rest, body) or self._runs(method, rest, query, body)
        if reply is None:
            code = 405 if method != "GET" else 404
            raise _error(code, "NotSupported", f"The emulator does not answer {method} {rest}.")
        return reply

    def _experiments(self, method: str, rest: str, body: Any) -> _Reply | None:
        ws = self.workspace
        if rest == "/experiments:query" and method == "POST":
            body = body or {}
            _bound_string(body, "orderby")  # experiments come newest first whatever it says
            experiments = sorted(ws.experiments.values(), key=lambda e: e.created, reverse=True)
            if body.get("viewType", "ActiveOnly") == "ActiveOnly":
                experiments = [e for e in experiments if e.archived is None]
            if body.get("filter"):
                predicate = self._predicate(body["filter"])
                experiments = [
                    e for e in experiments if predicate(lambda n, e=e: self._experiment_field(e, n))
                ]
            items, token = _page(
                experiments,
                body.get("continuationToken"),
                min(int(body.get("top") or self.page_size), self.page_size),
            )
            return _Reply(
                200, {"value": [self._experiment_dto(e) for e in items], "continuationToken": token}
            )
        match = re.fullmatch(r"/experiments/([^/]+)", rest)
        if match:
            name = unquote(match.group(1))
            if method == "GET":
                exp = ws.experiments.get(name)
                if exp is None:
                    raise _error(404, "ExperimentNotFound", f"Experiment {name} not found.")
                return _Reply(200, self._experiment_dto(exp))
            if method in ("POST", "PUT"):
                return _Reply(200, self._experiment_dto(ws.add_experiment(name)))
        match = re.fullmatch(r"/experimentids/([^/]+)", rest)
        if match and method == "GET":
            exp = next((e for e in ws.experiments.values() if e.id == match.group(1)), None)
            if exp is None:
                raise _error(404, "ExperimentNotFound", "Experiment not found.")
            return _Reply(200, self._experiment_dto(exp))
        return None

    def _runs(self, method: str, rest: str, query: dict[str, str], body: Any) -> _Reply | None:
        ws = self.workspace
        match = re.fullmatch(r"/(experiments|experimentids)/([^/]+)/runs:query", rest)
        if match and method == "POST":
            exp = self._experiment(match.group(1), unquote(match.group(2)))
            body = body or {}
            runs = [r for r in ws.runs.values() if r.experiment is exp]
            if body.get("filter"):
                predicate = self._predicate(body["filter"])
                runs = [r for r in runs if predicate(lambda n, r=r: _run_field(r, n))]
            runs = _sorted_runs(runs, _bound_string(body, "orderby"))
            size = min(int(body.get("top") or self.page_size), self.page_size)
            items, token = _page(runs, body.get("continuationToken"), size)
            return _Reply(200, {"value": [r.dto() for r in items], "continuationToken": token})
        match = re.fullmatch(
            r"(?:/(experiments|experimentids)/([^/]+))?/runs/([^/]+)(/details|/children)?", rest
        )
        if match and method == "GET":
            run = ws.runs.get(unquote(match.group(3)))
            if match.group(1):
                exp = self._experiment(match.group(1), unquote(match.group(2)))
                if run is not None and run.experiment is not exp:
                    run = None
            if run is None:
                raise _error(404, "RunNotFound", f"Run {unquote(match.group(3))} was not found.")
            if match.group(4) == "/details":
                return _Reply(200, run.details())
            if match.group(4) == "/children":
                children = _sorted_runs(ws.children(run.id), query.get("$orderby"))
                if query.get("$filter"):
                    predicate = self._predicate(query["$filter"])
                    children = [r for r in children if predicate(lambda n, r=r: _run_field(r, n))]
                size = min(int(query.get("$top") or self.page_size), self.page_size)
                items, token = _page(children, query.get("$continuationToken"), size)
                return _Reply(200, {"value": [r.dto() for r in items], "continuationToken": token})
            return _Reply(200, run.dto())
        return None

    def _experiment(self, kind: str, key: str) -> Any:
        ws = self.workspace
        exp = (
            ws.experiments.get(key)
            if kind == "experiments"
            else next((e for e in ws.experiments.values() if e.id == key), None)
        )
        if exp is None:
            raise _error(404, "ExperimentNotFound", f"Experiment {key} not found.")
        return exp

    @staticmethod
    def _experiment_dto(exp: Any) -> dict[str, Any]:
        return {
            "experimentId": exp.id,
            "name": exp.name,
            "description": exp.description,
            "createdUtc": iso(exp.created),
            "archivedTime": iso(exp.archived),
            "tags": dict(exp.tags),
        }

    @staticmethod
    def _experiment_field(exp: Any, name: str) -> Any:
        if name.lower().startswith("tags/"):
            return exp.tags.get(name[5:])
        if name.lower() == "name":
            return exp.name
        raise _error(400, "BadFilter", f"Cannot filter experiments on {name!r}.")

    @staticmethod
    def _predicate(text: str) -> odata.Predicate:
        try:
            return odata.parse(text)
        except ValueError as exc:
            raise _error(400, "BadFilter", str(exc)) from exc

    # ---- metrics v2
    def _metric(self, method: str, rest: str, query: dict[str, str], body: Any) -> _Reply:
        match = re.fullmatch(r"/runs/([^/]+)/(list|full)", rest)
        if not match or method != "POST":
            raise _error(405, "NotSupported", f"The emulator does not answer {method} {rest}.")
        run = self.workspace.runs.get(unquote(match.group(1)))
        if run is None:
            raise _error(404, "RunNotFound", "Run not found.")
        body = body or {}
        if match.group(2) == "list":
            definitions = [
                {"metricKey": {"namespace": m.namespace, "name": m.name}, "columns": dict(m.columns)}
                for m in run.metrics.values()
            ]
            items, token = _page(definitions, body.get("continuationToken"), self.metric_list_page_size)
            return _Reply(200, {"value": items, "continuationToken": token})
        # A metric is its name in its namespace (RetrieveFullFidelityMetricRequest.metricNamespace).
        name, namespace = body.get("metricName") or "", body.get("metricNamespace") or None
        metric = next((m for m in run.metrics.values() if m.name == name and m.namespace == namespace), None)
        if metric is None:
            raise _error(404, "MetricNotFound", f"Metric {name!r} not found in run {run.id}.")
        items, token = _page(metric.values, body.get("continuationToken"), self.metric_page_size)
        return _Reply(
            200,
            {
                "name": metric.name,
                "dataContainerId": run.data_container_id,
                "columns": dict(metric.columns),
                "properties": {"uxMetricType": metric.ux_type} if metric.ux_type else {},
                "namespace": metric.namespace,
                "value": items,
                "continuationToken": token,
            },
        )

    # ---- artifacts
    def _artifact(self, method: str, rest: str, query: dict[str, str], body: Any) -> _Reply:
        if method != "GET":
            raise _error(405, "NotSupported", f"The emulator does not answer {method} {rest}.")
        match = re.fullmatch(r"/artifacts(/prefix)?(/contentinfo)?/([^/]+)/([^/]+)(?:/(.*))?", rest)
        if not match or match.group(3) != ORIGIN:
            raise _error(404, "NotFound", f"Nothing is served at {rest}.")
        run = self.workspace.run_by_container(unquote(match.group(4)))
        if run is None:
            raise _error(404, "ContainerNotFound", "The artifact container was not found.")
        path = unquote(match.group(5) or "")
        prefix, contentinfo = match.group(1), match.group(2)
        if prefix and contentinfo:
            files = [f for p, f in sorted(run.files.items()) if p.startswith(path)]
            items, token = _page(files, query.get("continuationToken"), self.artifact_page_size)
            value = [
                {
                    "contentUri": self.content_uri(run, f.path),
                    "origin": ORIGIN,
                    "container": run.data_container_id,
                    "path": f.path,
                }
                for f in items
            ]
            return _Reply(200, self._artifact_page(rest, query, value, token))
        if contentinfo:
            found = run.files.get(path)
            if found is None:
                raise _error(404, "ArtifactNotFound", f"Artifact {path} was not found.")
            return _Reply(
                200,
                {
                    "contentUri": self.content_uri(run, path),
                    "origin": ORIGIN,
                    "container": run.data_container_id,
                    "path": path,
                },
            )
        if prefix:
            raise _error(404, "NotFound", f"Nothing is served at {rest}.")
        # azureml-mlflow's list_in_container asks for a folder with ?path= on the container route;
        # the older route with the path in it (azureml-core's generated client) is served too.
        path = path or query.get("path", "")
        files = [f for p, f in sorted(run.files.items()) if p.startswith(path)]
        items, token = _page(files, query.get("continuationToken"), self.artifact_page_size)
        value = [
            {
                "artifactId": f"{ORIGIN}/{run.data_container_id}/{f.path}",
                "origin": ORIGIN,
                "container": run.data_container_id,
                "path": f.path,
                "etag": f.etag,
                "createdTime": iso(f.created),
            }
            for f in items
        ]
        return _Reply(200, self._artifact_page(rest, query, value, token))

    def _artifact_page(
        self, rest: str, query: dict[str, str], value: list[dict[str, Any]], token: str | None
    ) -> dict[str, Any]:
        """A page as PaginatedArtifactList (azureml-mlflow) has it: its `nextLink` is the whole
        URL of the next page; `continuationToken` too, unless `next_link_only` (newer services)."""
        link = None
        if token is not None:
            asked = {**query, "continuationToken": token}
            link = f"{self.url}/artifact/v2.0{self.workspace.scope}{quote(rest)}?{urlencode(asked)}"
        page: dict[str, Any] = {"value": value, "nextLink": link}
        if not self.next_link_only:
            page["continuationToken"] = token
        return page


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hung up mid-answer (timeouts, cut connections) is expected here


class _Handler(BaseHTTPRequestHandler):
    owner: Emulator
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm and delayed ACKs
        # add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        arrived = time.monotonic()
        parts = urlsplit(self.path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        auth = self.headers.get("Authorization")
        emulator = self.owner
        fault = emulator._fault_for(method, path)
        if fault is not None and fault.then is not None:
            fault.then()
        asked = self.headers.get("Range")
        agent = self.headers.get("User-Agent")
        status = 0  # set by the branches that answer without a reply object
        reply: _Reply | None = None
        try:
            if fault is not None and fault.delay:
                emulator._stopping.wait(fault.delay)
            if fault is not None and fault.cut:
                status = -1
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault is not None and fault.status is not None:
                headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
                raise _error(fault.status, "Injected", f"Injected fault {fault.status}.", headers)
            if path.startswith("/blob/"):
                cut_after = fault.cut_after if fault is not None else None
                status = self._blob(method, unquote(path[len("/blob/") :]), query, cut_after)
                return
            reply = emulator.answer(method, path, query, body, auth)
        except _Reply as exc:
            reply = exc
        except Exception as exc:  # a bug in the emulator: say so as a 500 a test will notice
            reply = _error(500, "EmulatorBug", f"{type(exc).__name__}: {exc}")
        finally:
            if reply is None:
                emulator._record(
                    Request(method, path, query, body, status, arrived, bool(auth), asked, agent)
                )
        reply = _arm_shaped(path, reply)
        emulator._record(
            Request(method, path, query, body, reply.status, arrived, bool(auth), asked, agent, reply.body)
        )
        self._send(reply.status, reply.body, reply.headers, head=method == "HEAD")

    def _send(
        self,
        status: int,
        body: Any,
        headers: dict[str, str],
        *,
        head: bool = False,
        raw: bytes | None = None,
        cut_after: int | None = None,
    ) -> None:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        try:
            self.send_response(status)
            if raw is None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-ms-request-id", secrets.token_hex(8))
            self.end_headers()
            if cut_after is not None:  # a connection that breaks mid-file
                self.wfile.write(data[:cut_after])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            elif not head:
                self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client went away (it timed out, or was cancelled)

    def _blob(  # noqa: PLR0911 - one per answer kind
        self, method: str, blob: str, query: dict[str, str], cut_after: int | None = None
    ) -> int:
        """Serve an artifact's bytes like blob storage: SAS-checked, with etags and Range."""
        emulator = self.owner
        container, _, path = blob.partition("/")
        if method not in ("GET", "HEAD"):
            self._send(405, None, {})
            return 405
        if not emulator._check_sig(blob, query.get("sig", "")):
            self._send(403, None, {"x-ms-error-code": "AuthenticationFailed"})
            return 403
        run = emulator.workspace.run_by_container(container)
        found = run.files.get(path) if run is not None else None
        if found is None:
            self._send(404, None, {"x-ms-error-code": "BlobNotFound"})
            return 404
        # One snapshot: a file appended to meanwhile must not get the etag of its new bytes.
        data = found.data
        etag = etag_of(data)
        headers = {
            "ETag": etag,
            "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream",
            "Last-Modified": self.date_time_string(found.created.timestamp()),
        }
        if self.headers.get("If-None-Match") == etag:
            self._send(304, None, headers, raw=b"")
            return 304
        wanted = self.headers.get("Range")
        if wanted:
            span = _byte_range(wanted, len(data))
            if span is None:
                headers["Content-Range"] = f"bytes */{len(data)}"
                self._send(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, None, headers, raw=b"")
                return 416
            first, last = span
            headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
            self._send(
                206, None, headers, head=method == "HEAD", raw=data[first : last + 1], cut_after=cut_after
            )
            return 206
        self._send(200, None, headers, head=method == "HEAD", raw=data, cut_after=cut_after)
        return 200


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None
    if not match.group(1):  # the last N bytes
        count = int(match.group(2))
        return (max(size - count, 0), size - 1) if count and size else None
    first = int(match.group(1))
    last = min(int(match.group(2)), size - 1) if match.group(2) else size - 1
    return (first, last) if first < size and first <= last else None
