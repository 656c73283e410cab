"""Which Azure ML workspace, how to authenticate to it, and where its services answer.

azureml-core provides the auth bridge (`TokenAuthentication`, fed by any azure-identity
credential) and, for notebooks and the seed's API, `Workspace` objects. Finding a workspace's
endpoints is done here with tbdesk's own client (one ARM GET when the discovery URL is not known,
then the discovery document), so that a missing network or a slow service fails fast with a clear
message instead of going through azureml-core's long fixed backoffs and untimed requests.
Everything here blocks: call it in a worker thread. azureml-core is imported only when needed.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tbdesk.azure.arm import ARM_API_VERSION, Credential, cloud_named
from tbdesk.azure.errors import AzureError, ServiceError
from tbdesk.azure.rest import RestClient
from tbdesk.heap import freeze_imported

_LOG = logging.getLogger(__name__)
# Run history, metrics and artifacts share the `history` host; nothing else of the discovery
# document is read (`studio` makes links, and a workspace without it still browses). Private-link
# and sovereign-cloud workspaces may lack the other services azureml-core's ServiceContext asks for.
_REQUIRED_DISCOVERY = ("history",)


@dataclass(frozen=True)
class WorkspaceRef:
    subscription_id: str
    resource_group: str
    name: str

    @property
    def scope(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.MachineLearningServices/workspaces/{self.name}"
        )

    @classmethod
    def from_config(cls, path: Path) -> WorkspaceRef:
        """Read a config.json as `Workspace.from_config()` writes it (or a folder holding one,
        directly or in its `.azureml/`)."""
        if path.is_dir():
            for candidate in (path / "config.json", path / ".azureml" / "config.json"):
                if candidate.is_file():
                    path = candidate
                    break
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AzureError(f"Cannot read the workspace configuration {path}: {exc}") from exc
        try:
            return cls(str(data["subscription_id"]), str(data["resource_group"]), str(data["workspace_name"]))
        except (KeyError, TypeError) as exc:
            raise AzureError(
                f"{path} is not a workspace configuration: it needs subscription_id, resource_group and"
                " workspace_name."
            ) from exc


@dataclass(frozen=True)
class Endpoints:
    """Where the services of one workspace answer, and its identity."""

    scope: str  # the ARM path of the workspace: every data URL embeds it
    history: str  # run history, metrics and artifacts share this host
    studio: str  # "" when the service directory names no studio
    workspace_id: str | None = None
    discovery_url: str | None = None
    location: str | None = None

    def history_url(self, rest: str) -> str:
        return f"{self.history.rstrip('/')}/history/v1.0{self.scope}{rest}"

    def metric_url(self, rest: str) -> str:
        return f"{self.history.rstrip('/')}/metric/v2.0{self.scope}{rest}"

    def artifact_url(self, rest: str) -> str:
        return f"{self.history.rstrip('/')}/artifact/v2.0{self.scope}{rest}"

    def datastore_url(self, rest: str) -> str:
        # The datastore service answers on the same regional API host as run history.
        return f"{self.history.rstrip('/')}/datastore/v1.0{self.scope}{rest}"


@functools.cache
def _import_azureml_core() -> None:
    """Import azureml-core (once: its package brings nearly all of it) and put its many objects
    out of the garbage collector's way (tbdesk.heap)."""
    import azureml.core  # noqa: F401 - imported for its objects

    freeze_imported()


def token_auth(credential: Credential, cloud: str = "AzureCloud") -> Any:
    """azureml-core's TokenAuthentication, fed by an azure-identity credential (AZUREML.md)."""
    known = cloud_named(cloud).name
    _import_azureml_core()
    from azureml.core.authentication import TokenAuthentication

    def token_for(audience: str) -> str:
        # ARM's audience ends in "/", so its scope is ".../" + "/.default", as Entra ID expects.
        return str(credential.get_token(audience + "/.default").token)

    return TokenAuthentication(get_token_for_audience=token_for, cloud=known)


def discover(
    client: RestClient,
    ref: WorkspaceRef,
    *,
    arm_endpoint: str,
    discovery_url: str | None = None,
    workspace_id: str | None = None,
) -> Endpoints:
    """The workspace's endpoints: ARM (only when the discovery URL is not known), then discovery."""
    what = f"the workspace {ref.name}"
    location = None
    if discovery_url is None:
        arm = client.get_json(arm_endpoint.rstrip("/") + ref.scope, what, {"api-version": ARM_API_VERSION})
        properties = arm.get("properties") if isinstance(arm, dict) else None
        if not isinstance(properties, dict) or not properties.get("discoveryUrl"):
            raise ServiceError(f"Azure Resource Manager's description of {what} has no discovery URL.")
        discovery_url = str(properties["discoveryUrl"])
        workspace_id = workspace_id or properties.get("workspaceId")
        location = arm.get("location")
    document = client.get_json(discovery_url, f"the service directory of {what}", auth=False)
    missing = [key for key in _REQUIRED_DISCOVERY if not isinstance(document, dict) or not document.get(key)]
    if missing:
        raise ServiceError(f"The service directory of {what} lacks {', '.join(missing)}.")
    return Endpoints(
        scope=ref.scope,
        history=str(document["history"]),
        studio=str(document.get("studio") or ""),
        workspace_id=workspace_id,
        discovery_url=discovery_url,
        location=location,
    )


def endpoints_of(workspace: Any) -> Endpoints:
    """The endpoints of an existing azureml-core Workspace, through its own service context
    (which may call ARM and discovery, with azureml-core's retries)."""
    context = workspace.service_context
    return Endpoints(
        scope=str(context._get_workspace_scope()),
        history=str(context._get_run_history_url()),
        studio=str(context._get_workspace_portal_url())
        if hasattr(context, "_get_workspace_portal_url")
        else "",
        workspace_id=getattr(workspace, "_workspace_id_internal", None),
        discovery_url=getattr(workspace, "_discovery_url_internal", None),
        location=getattr(workspace, "_location", None),
    )


def build_workspace(ref: WorkspaceRef, auth: Any, endpoints: Endpoints) -> Any:
    """An azureml-core Workspace for this workspace that never calls ARM: it is given the
    workspace id, location and discovery URL that tbdesk already knows (private arguments of
    azureml-core's constructor; AZUREML.md). azureml-core itself needs every service of the
    discovery document (its ServiceContext raises KeyError on a missing one): tbdesk's own reads
    never go through it."""
    _import_azureml_core()
    from azureml.core import Workspace

    workspace = Workspace(
        ref.subscription_id,
        ref.resource_group,
        ref.name,
        auth=auth,
        _location=endpoints.location,
        _disable_service_check=True,
        _workspace_id=endpoints.workspace_id,
    )
    if not hasattr(workspace, "_discovery_url_internal"):
        raise AzureError("This azureml-core version builds workspaces differently; tbdesk cannot skip ARM.")
    workspace._discovery_url_internal = endpoints.discovery_url
    return workspace


def header_of(auth: Any) -> Mapping[str, str]:
    return dict(auth.get_authentication_header())


def token_claims(token: str) -> dict[str, Any]:
    """The claims of an access token (a JWT), read without checking its signature: for showing
    who signed in and in which tenant, never for deciding access. Empty when it is no JWT."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def tenant_of(auth: Any) -> str | None:
    """The tenant (`tid` claim) of the token azureml-core's auth sends; None when it has none, or
    no token can be had now. Blocks while it gets one."""
    try:
        header = header_of(auth).get("Authorization", "")
    except Exception:  # signed out, or a refusing identity service: a caller that only shows it goes on
        _LOG.debug("No token to read the tenant from", exc_info=True)
        return None
    tenant = token_claims(header.removeprefix("Bearer ").strip()).get("tid")
    return tenant if isinstance(tenant, str) and tenant else None
