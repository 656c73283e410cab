"""Microsoft's own generated REST clients as the contract of the Azure ML wire (issue 9).

The emulator was written from the same guesses as tbdesk's client, so agreeing with it proves
nothing. Here every exchange is held against the operations that Microsoft generated from the
service's specs and ships on PyPI, collected by introspection (never copied by hand):

- the operation's HTTP method and URL template (`.metadata['url']` on the method, or the
  `template_url` of the request builder it calls), matched segment by segment; a `{path}`
  serialized with `skip_quote=True` takes several segments;
- the query parameter names the operation (or its builder) sets, and their values' types;
- the request body against the model it serializes (`self._serialize.body(x, 'Model')`): every
  JSON key must be in the model's `_attribute_map`, with a value of its type (a `str` sent as a
  list fails), recursively through nested models;
- the answer against the model it deserializes (`self._deserialize('Model', ...)`), the same way,
  and with the fields a run-history model requires (`_validation`) present.

A request passes when one operation accepts it whole (method, path, query names and body). A
data-plane operation that its own package never calls, while it calls other operations of the
same group, is a stale route, not the contract (azureml-core's generated `list_in_path`, the old
folder listing: azureml-core lists folders with `list_in_container`). Answers must fit the
response model of one client that describes the route (each client has its own version of the
models). Failures name the operation and the file and line of its template.

Not run-history operations, checked otherwise (`check`):
- ARM (`/subscriptions...`): the workspace get and lists against azureml-core's generated
  WorkspacesOperations, subscriptions and resource groups against azure-mgmt-resource's; the
  api-version must be sent, its value is not compared (each client pins its own).
- The discovery document (`/discovery`): a GET without Authorization (azureml-core fetches it so);
  its answer must be a flat JSON object of strings (tbdesk reads `history`, and `studio` for links).
- Artifact bytes (`/blob/...`, the `contentUri`s the emulator hands out): GET or HEAD, without
  Authorization (the SAS in the query is the credential, as Blob storage's Get Blob takes it), a
  Range header only as `bytes=N-` or `bytes=N-M`; the bytes are not JSON and have no model.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from tbdesk.azure.arm import GROUPS_API_VERSION, SUBSCRIPTIONS_API_VERSION
from tests.azureml_emulator.server import BEYOND_THE_MODELS

_SUBSCRIPTIONS = "azure.mgmt.resource.subscriptions.v" + SUBSCRIPTIONS_API_VERSION.replace("-", "_")
_GROUPS = "azure.mgmt.resource.resources.v" + GROUPS_API_VERSION.replace("-", "_")
# (PyPI name, operations package, models module, data plane: may have stale routes, see `stale`,
# the operation groups to read: all when empty); ARM's subscriptions and resource groups at the
# API versions tbdesk asks for, and only those groups (ResourcesOperations.get_by_id's `/{resourceId}`
# would take any path).
CLIENTS = (
    ("azureml-core", "azureml._restclient.operations", "azureml._restclient.models", True, ()),
    (
        "azureml-mlflow",
        "azureml.mlflow._restclient.artifact.operations",
        "azureml.mlflow._restclient.artifact.models._models_py3",
        True,
        (),
    ),
    (
        "azureml-mlflow",
        "azureml.mlflow._restclient.run_artifact.operations",
        "azureml.mlflow._restclient.run_artifact.models._models_py3",
        True,
        (),
    ),
    (
        "azure-ai-ml",
        "azure.ai.ml._restclient.runhistory.operations",
        "azure.ai.ml._restclient.runhistory.models._models_py3",
        True,
        (),
    ),
    (
        "azure-mgmt-resource",
        f"{_SUBSCRIPTIONS}.operations",
        f"{_SUBSCRIPTIONS}.models",
        False,
        ("SubscriptionsOperations",),
    ),
    (
        "azure-mgmt-resource",
        f"{_GROUPS}.operations",
        f"{_GROUPS}.models",
        False,
        ("ResourceGroupsOperations",),
    ),
)
# The hand-written code of each package: where it calls its own data-plane operations.
_OWN_CODE = {
    "azureml-core": (
        "azureml",
        ("azureml/_restclient/operations", "azureml/_restclient/models", "azureml/mlflow"),
    ),
    "azureml-mlflow": ("azureml/mlflow", ("azureml/mlflow/_restclient",)),
    "azure-ai-ml": ("azure/ai/ml", ("azure/ai/ml/_restclient",)),
}
_PRIMITIVES = {"str", "int", "long", "float", "bool", "object", "iso-8601", "duration", "date", "bytearray"}


@dataclass(frozen=True)
class Operation:
    client: str
    name: str  # Class.method
    method: str
    template: str
    where: str  # file:line of the template
    query: dict[str, str] = field(compare=False)  # name -> msrest type ('str', 'int', '[str]'...)
    body: str | None  # the request model's name
    answer: str | None  # the response model's name
    models: ModuleType
    data_plane: bool
    pattern: re.Pattern[str] = field(compare=False)

    @property
    def literal(self) -> int:
        """Characters outside parameters: routes with more literal text win, as in ASP.NET."""
        return len(re.sub(r"\{[^}]+\}", "", self.template))

    def __str__(self) -> str:
        return f"{self.client} {self.name}: {self.method} {short(self.template)} ({self.where})"


_SCOPE = re.compile(
    r"/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.MachineLearningServices/workspaces/[^/]+",
    re.IGNORECASE,
)


def short(path: str) -> str:
    """A workspace's path (a template's, or a request's) with its long ARM scope as {ws}."""
    return _SCOPE.sub("{ws}", path, count=1)


@dataclass
class Verdict:
    operation: Operation | None  # the one that accepts the request, if any
    problems: list[str]


# ---- collecting the operations
@functools.cache
def operations() -> tuple[Operation, ...]:
    found: list[Operation] = []
    with warnings.catch_warnings():
        # Importing azure-ai-ml's package runs its marshmallow schemas, which warn; not ours.
        warnings.simplefilter("ignore")
        for client, package, models_name, data_plane, only in CLIENTS:
            models = importlib.import_module(models_name)
            for module in _submodules(package):
                for cls in vars(module).values():
                    if (
                        inspect.isclass(cls)
                        and cls.__name__.endswith("Operations")
                        and cls.__module__ == module.__name__
                        and (not only or cls.__name__ in only)
                    ):
                        found += _operations_of(client, cls, module, models, data_plane)
    return tuple(found)


def _submodules(package: str) -> Iterator[ModuleType]:
    pkg = importlib.import_module(package)
    yield pkg
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.ispkg and not info.name.endswith("_patch"):
            yield importlib.import_module(f"{package}.{info.name}")


def _operations_of(
    client: str, cls: type, module: ModuleType, models: ModuleType, data_plane: bool
) -> Iterator[Operation]:
    for name, attribute in vars(cls).items():
        if name.startswith("_") or not callable(attribute):
            continue
        function = inspect.unwrap(attribute)
        source = inspect.getsource(function)
        builder = _builder(source, module)
        template = _template(function, builder)
        if template is None:
            continue
        text = source + (inspect.getsource(builder) if builder is not None else "")
        verb = re.search(r"self\._client\.(get|post|put|patch|delete|head)\(", source) or re.search(
            r"method=[\"'](\w+)[\"']", text
        )
        if verb is None:
            continue
        body = re.search(r"_serialize\.body\(\w+, [\"'](\w+)[\"']", source)
        answer = re.search(r"_deserialize\([\"'](\w+)[\"']", source)
        query = re.findall(
            r"(?:query_parameters|_query_parameters|_params)\[[\"']([^\"']+)[\"']\] = "
            r"(?:self\.)?(?i:_serializer?)\.query\([^,]+, [^,]+, [\"']([^\"']+)[\"']",
            text,
        )
        yield Operation(
            client=client,
            name=f"{cls.__name__}.{name}",
            method=verb.group(1).upper(),
            template=template[0],
            where=template[1],
            query=dict(query),
            body=body.group(1) if body else None,
            answer=answer.group(1) if answer else None,
            models=models,
            data_plane=data_plane,
            pattern=_pattern(template[0], text),
        )


def _builder(source: str, module: ModuleType) -> Any:
    called = re.search(r"\b(build_\w+_request)\(", source)
    return getattr(module, called.group(1), None) if called else None


def _template(function: Any, builder: Any) -> tuple[str, str] | None:
    """The URL template and the file:line that holds it."""
    metadata = getattr(function, "metadata", None)
    if isinstance(metadata, dict) and "url" in metadata:
        return metadata["url"], _line_of(function, f"{function.__name__}.metadata = ")
    if builder is not None:
        found = re.search(r"(?:template_url\", |_url = )\"(/[^\"]*)\"", inspect.getsource(builder))
        if found:
            return found.group(1), _line_of(builder, found.group(0))
    return None


def _line_of(thing: Any, text: str) -> str:
    """Where `text` is, at or after `thing`'s definition (a method's `.metadata` follows it), as
    a path under site-packages."""
    path = Path(inspect.getsourcefile(thing) or "?")
    name = next(
        (path.relative_to(p).as_posix() for p in path.parents if p.name == "site-packages"), str(path)
    )
    lines, first = inspect.findsource(thing)
    for number in range(first, len(lines)):
        if text in lines[number]:
            return f"{name}:{number + 1}"
    return f"{name}:{first + 1}"


def _pattern(template: str, source: str) -> re.Pattern[str]:
    def param(match: re.Match[str]) -> str:
        name = match.group(1)
        many = re.search(
            rf"[\"']{name}[\"']: (?:self\.)?(?i:_serializer?)\.url\([^)]*skip_quote=True", source
        )
        # azureml-core itself sends an empty {path} (download_files with no prefix: `.../{container}/`).
        return "(.*)" if many else "([^/]+)"

    return re.compile(re.sub(r"\\\{(\w+)\\\}", param, re.escape(template)), re.IGNORECASE)


@functools.cache
def _called_names(client: str) -> frozenset[str]:
    """Every attribute name the package's hand-written code uses after a dot (`x.list_in_container(`)."""
    root, generated = _OWN_CODE[client]
    base = Path(importlib.import_module("azureml._restclient").__file__ or "").parents[2]
    if client == "azure-ai-ml":
        base = Path(importlib.import_module("azure.ai.ml").__file__ or "").parents[3]
    names: set[str] = set()
    for path in (base / root).rglob("*.py"):
        relative = path.relative_to(base).as_posix()
        if not any(relative.startswith(skip) for skip in generated):
            names.update(re.findall(r"\.(\w+)\b", path.read_text(errors="replace")))
    return frozenset(names)


def called_by_its_client(op: Operation) -> bool:
    return op.name.split(".")[1] in _called_names(op.client)


def stale(op: Operation) -> bool:
    """A generated data-plane method its own package never calls, while it calls others of the
    same operation group: the client reads the service another way (azureml-core lists a folder
    with list_in_container, never with list_in_path). A group the package never uses at all
    (azure-ai-ml reads no metrics itself) says nothing either way."""
    if not op.data_plane or called_by_its_client(op):
        return False
    group = op.name.split(".")[0]
    file = op.where.rsplit(":", 1)[0]
    return any(
        called_by_its_client(other)
        for other in operations()
        if other.client == op.client and other.name.split(".")[0] == group and other.where.startswith(file)
    )


# ---- checking values against models
def problems_of(value: Any, kind: str, models: ModuleType, where: str) -> list[str]:  # noqa: PLR0911
    """What in a JSON value does not fit `kind` (an msrest type: 'str', '[RunDto]', '{str}',
    a model name...); empty when it fits. None fits everything, as msrest reads it."""
    if value is None:
        return []
    if kind.startswith("[") and kind.endswith("]"):
        if not isinstance(value, list):
            return [f"{where} is a {_json_kind(value)}, the official type is {kind}"]
        return [
            p for i, item in enumerate(value) for p in problems_of(item, kind[1:-1], models, f"{where}[{i}]")
        ]
    if kind.startswith("{") and kind.endswith("}"):
        if not isinstance(value, dict):
            return [f"{where} is a {_json_kind(value)}, the official type is {kind}"]
        return [p for k, item in value.items() for p in problems_of(item, kind[1:-1], models, f"{where}.{k}")]
    if kind in _PRIMITIVES:
        return (
            [] if _fits(value, kind) else [f"{where} is a {_json_kind(value)}, the official type is {kind}"]
        )
    model = getattr(models, kind, None)
    if model is None or not hasattr(model, "_attribute_map"):
        return []  # an enum (serialized as str) or a type msrest reads leniently
    if not isinstance(value, dict):
        return [f"{where} is a {_json_kind(value)}, the official type is the model {kind}"]
    return _model_problems(value, model, models, where)


def _model_problems(value: dict[str, Any], model: type, models: ModuleType, where: str) -> list[str]:
    problems: list[str] = []
    fields: dict[str, Any] = {}
    for attribute in model._attribute_map.values():  # type: ignore[attr-defined]
        fields[attribute["key"]] = attribute["type"]
    nested = {key.split(".", 1)[0] for key in fields if "." in key}  # ARM's flattened properties.x
    # Required fields of run-history models must be there; ARM's specs mark `nextLink` required
    # where the service leaves it out on a last page, so ARM models are not held to it.
    rules = {} if model.__module__.startswith("azure.mgmt") else getattr(model, "_validation", {})
    for name, attribute in model._attribute_map.items():  # type: ignore[attr-defined]
        if (
            rules.get(name, {}).get("required")
            and "." not in attribute["key"]
            and attribute["key"] not in value
        ):
            problems.append(
                f"{where} lacks {attribute['key']}, required by the official model {model.__name__}"
            )
    for key, item in value.items():
        if key in nested and isinstance(item, dict):
            inner = {k.split(".", 1)[1]: t for k, t in fields.items() if k.startswith(key + ".")}
            for sub, sub_item in item.items():
                if sub not in inner:
                    problems.append(f"{where}.{key}.{sub} is not in the official model {model.__name__}")
                else:
                    problems += problems_of(sub_item, inner[sub], models, f"{where}.{key}.{sub}")
        elif key not in fields and (model.__name__, key) not in BEYOND_THE_MODELS:
            problems.append(f"{where}.{key} is not in the official model {model.__name__}")
        elif key in fields:
            problems += problems_of(item, fields[key], models, f"{where}.{key}")
    return problems


def _fits(value: Any, kind: str) -> bool:
    if kind == "object":
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("int", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "iso-8601":
        return isinstance(value, str) and _is_iso(value)
    return isinstance(value, str)


def _is_iso(text: str) -> bool:
    # .NET writes 7 fractional digits; Python reads at most 6.
    trimmed = re.sub(r"(\.\d{6})\d+", r"\1", text).replace("Z", "+00:00")
    try:
        datetime.fromisoformat(trimmed)
    except ValueError:
        return False
    return True


def _fits_query(text: str, kind: str) -> bool:
    """A query value as msrest serializes `kind` into a URL."""
    if kind in ("int", "long"):
        return re.fullmatch(r"-?\d+", text) is not None
    if kind == "bool":
        return text in ("true", "false")
    return True


def _json_kind(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "list", dict: "object"}.get(
        type(value), type(value).__name__
    )


# ---- checking exchanges
def routed(method: str, path: str) -> list[Operation]:
    """The official operations of every client that would take `method path`: of the routes
    that match, the most specific ones (as the service's router picks them)."""
    matching = [op for op in operations() if op.method == method and op.pattern.fullmatch(path)]
    best = max((op.literal for op in matching), default=0)
    return [op for op in matching if op.literal == best]


def check_request(method: str, path: str, query: dict[str, str], body: Any) -> Verdict:
    """The official operation that accepts this request, or why none does."""
    candidates = routed(method, path)
    if not candidates:
        others = [op for op in operations() if op.pattern.fullmatch(path)]
        if others:
            names = "; ".join(str(op) for op in others[:3])
            other = f"{method} {short(path)}: the official operations of this route take another method"
            return Verdict(None, [f"{other}: {names}"])
        return Verdict(
            None, [f"{method} {short(path)}: no official operation has this route{_nearest(path)}"]
        )
    problems: list[str] = []
    for op in candidates:
        why = _refusal(op, query, body)
        if not why:
            return Verdict(op, [])
        problems.append(f"{method} {short(path)} against {op}: {'; '.join(why)}")
    return Verdict(None, problems)


def _refusal(op: Operation, query: dict[str, str], body: Any) -> list[str]:
    why = [
        f"query parameter {name!r} is not one of {sorted(op.query)}"
        if name not in op.query
        else f"query parameter {name}={value!r} is not of the official type {op.query[name]}"
        for name, value in sorted(query.items())
        if name not in op.query or not _fits_query(value, op.query[name])
    ]
    if body is not None:
        if op.body is None:
            why.append("no request body model to hold it against (none, or a typed client's)")
        else:
            why += problems_of(body, op.body, op.models, "body")
    if stale(op):
        why.append(f"{op.client}'s own code never calls {op.name}, only others of its group: a stale route")
    return why


def _nearest(path: str) -> str:
    """The official template sharing the longest start with path, to say where to look."""
    best: tuple[int, Operation | None] = (0, None)
    for op in operations():
        fixed = op.template.split("{", 1)[0]
        common = len(_common_prefix(fixed.lower(), path.lower()))
        if common > best[0]:
            best = (common, op)
    return f" (nearest: {best[1]})" if best[1] is not None else ""


def _common_prefix(a: str, b: str) -> str:
    end = 0
    while end < min(len(a), len(b)) and a[end] == b[end]:
        end += 1
    return a[:end]


def check_answer(method: str, path: str, status: int, answer: Any) -> list[str]:
    """What in an answer the official response models lack or type otherwise. Each client that
    describes the route has its own version of the model: fitting one of them is enough."""
    if answer is None:
        return []
    verdicts: list[list[str]] = []
    for op in routed(method, path):
        if status >= 400 and not op.data_plane:  # ARM wraps its ErrorResponse in {"error": ...}
            extra = [f"error answer.{k} is not in ARM's error envelope" for k in answer if k != "error"]
            found = extra + problems_of(answer.get("error"), "ErrorResponse", op.models, "error answer.error")
        elif status >= 400:
            found = problems_of(answer, "ErrorResponse", op.models, "error answer")
        elif op.answer is not None:
            found = problems_of(answer, op.answer, op.models, "answer")
        else:
            continue
        if not found:
            return []
        verdicts.append([f"{op}: {p}" for p in found])
    if not verdicts and status < 400:
        return [f"{method} {short(path)}: no official operation of this route has a response model"]
    return min(verdicts, key=len)


_RANGE = re.compile(r"bytes=\d+-\d*")


def check(request: Any) -> list[str]:
    """Every problem of one logged exchange (tests.azureml_emulator.server.Request) against the
    official clients; see the module's docstring for what is checked where."""
    path = request.path
    if path == "/discovery":
        problems = [] if request.method == "GET" else [f"{request.method} {path}: discovery is only read"]
        if request.authorized:
            problems.append("the discovery document is fetched without Authorization")
        answer = request.answer
        if request.status == 200 and (
            not isinstance(answer, dict) or not all(isinstance(v, str) for v in answer.values())
        ):
            problems.append(f"the discovery document is not a flat object of strings: {answer!r}")
        return problems
    if path.startswith("/blob/"):
        problems = (
            [] if request.method in ("GET", "HEAD") else [f"{request.method} {path}: bytes are only read"]
        )
        if request.authorized:
            problems.append(f"GET {path} sends Authorization to storage; the SAS is the credential")
        if request.range is not None and not _RANGE.fullmatch(request.range):
            problems.append(f"GET {path} asks for Range {request.range!r}, not bytes=N- or bytes=N-M")
        return problems
    if path.lower().startswith("/subscriptions") and "api-version" not in request.query:
        return [f"{request.method} {path}: an ARM request without api-version"]
    verdict = check_request(request.method, path, request.query, request.body)
    if verdict.operation is None:
        return verdict.problems
    return check_answer(request.method, path, request.status, request.answer)
