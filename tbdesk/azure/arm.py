"""The Azure clouds tbdesk signs in to, and Azure Resource Manager's lists for the workspace pickers.

A `Cloud` names the sign-in authority and the Resource Manager endpoint (and the audience of its
tokens) of one Azure cloud. The three `list_*` coroutines read subscription, resource group and
Azure ML workspace lists through ARM with tbdesk's REST client (timeouts, retries, clear errors)
in a worker thread; they need only a credential with azure-identity's `get_token`.

    cloud = cloud_named("AzureCloud")
    subs = await list_subscriptions(credential, cloud)
    groups = await list_resource_groups(credential, cloud, subs[0].id)
    found = await list_workspaces(credential, cloud, subs[0].id, groups[0].name)
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from tbdesk.azure.errors import AzureError, ServiceError
from tbdesk.azure.rest import Policy, RestClient, segment

ARM_API_VERSION = "2023-04-01"  # of Microsoft.MachineLearningServices/workspaces
SUBSCRIPTIONS_API_VERSION = "2022-12-01"
GROUPS_API_VERSION = "2021-04-01"
_PAGES_MAX = 1000  # a service that keeps handing out next links must not loop forever


class Credential(Protocol):
    """What tbdesk needs of a credential: azure-identity's get_token(*scopes) -> AccessToken."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Cloud:
    """Where one Azure cloud signs people in and answers Resource Manager calls.

    `authority_host` is a bare host name as azure-identity's `AzureAuthorityHosts` has them (or an
    https URL, for a private authority); `audience` is the resource whose tokens ARM accepts."""

    name: str
    authority_host: str
    resource_manager: str
    audience: str

    @property
    def arm_scope(self) -> str:
        # The audience ends in "/", so the scope is ".../" + "/.default", as Entra ID expects.
        return self.audience + "/.default"

    def with_overrides(
        self, *, resource_manager: str | None = None, authority_host: str | None = None
    ) -> Cloud:
        """This cloud with another ARM endpoint or authority (a private cloud, or a local emulator)."""
        return dataclasses.replace(
            self,
            resource_manager=resource_manager or self.resource_manager,
            authority_host=authority_host or self.authority_host,
        )


# Authority hosts as in azure.identity.AzureAuthorityHosts (kept here so the pickers need not
# import azure-identity); ARM endpoints and audiences as in azureml-core's and the Azure CLI's clouds.
CLOUDS: dict[str, Cloud] = {
    "AzureCloud": Cloud(
        "AzureCloud",
        "login.microsoftonline.com",
        "https://management.azure.com/",
        "https://management.core.windows.net/",
    ),
    "AzureChinaCloud": Cloud(
        "AzureChinaCloud",
        "login.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/",
        "https://management.core.chinacloudapi.cn/",
    ),
    "AzureUSGovernment": Cloud(
        "AzureUSGovernment",
        "login.microsoftonline.us",
        "https://management.usgovcloudapi.net/",
        "https://management.core.usgovcloudapi.net/",
    ),
}


def cloud_named(name: str) -> Cloud:
    """The cloud called `name` (AzureCloud, AzureChinaCloud, AzureUSGovernment)."""
    try:
        return CLOUDS[name]
    except KeyError:
        raise AzureError(f"{name!r} is not an Azure cloud tbdesk knows ({', '.join(CLOUDS)}).") from None


@dataclass(frozen=True)
class Subscription:
    id: str
    name: str
    state: str
    tenant_id: str | None = None


@dataclass(frozen=True)
class ResourceGroup:
    name: str
    location: str | None = None


@dataclass(frozen=True)
class WorkspaceInfo:
    """An Azure ML workspace as ARM lists it; `workspace_id` and `discovery_url` let a source skip
    the ARM call when it opens the workspace."""

    subscription_id: str
    resource_group: str
    name: str
    location: str | None = None
    friendly_name: str | None = None
    workspace_id: str | None = None
    discovery_url: str | None = None


async def list_subscriptions(
    credential: Credential, cloud: Cloud | str = "AzureCloud", *, policy: Policy | None = None
) -> list[Subscription]:
    """The subscriptions the signed-in identity can see, by name."""
    found = await _list(
        credential,
        cloud,
        "/subscriptions",
        version=SUBSCRIPTIONS_API_VERSION,
        what="your subscriptions",
        policy=policy,
    )
    subs = [
        Subscription(
            str(item["subscriptionId"]),
            str(item.get("displayName") or item["subscriptionId"]),
            str(item.get("state") or ""),
            item.get("tenantId"),
        )
        for item in found
    ]
    return sorted(subs, key=lambda s: s.name.casefold())


async def list_resource_groups(
    credential: Credential, cloud: Cloud | str, subscription_id: str, *, policy: Policy | None = None
) -> list[ResourceGroup]:
    """The resource groups of one subscription, by name."""
    path = f"/subscriptions/{segment(subscription_id)}/resourcegroups"
    what = f"the resource groups of subscription {subscription_id}"
    found = await _list(credential, cloud, path, version=GROUPS_API_VERSION, what=what, policy=policy)
    groups = [ResourceGroup(str(item["name"]), item.get("location")) for item in found]
    return sorted(groups, key=lambda g: g.name.casefold())


async def list_workspaces(
    credential: Credential,
    cloud: Cloud | str,
    subscription_id: str,
    resource_group: str | None = None,
    *,
    policy: Policy | None = None,
) -> list[WorkspaceInfo]:
    """The Azure ML workspaces of a resource group (or of the whole subscription), by name."""
    path = f"/subscriptions/{segment(subscription_id)}"
    where = f"subscription {subscription_id}"
    if resource_group:
        path += f"/resourceGroups/{segment(resource_group)}"
        where = f"resource group {resource_group}"
    path += "/providers/Microsoft.MachineLearningServices/workspaces"
    what = f"the Azure ML workspaces of {where}"
    found = await _list(credential, cloud, path, version=ARM_API_VERSION, what=what, policy=policy)
    spaces = [_workspace(item, subscription_id, resource_group) for item in found]
    return sorted(spaces, key=lambda w: w.name.casefold())


def arm_headers(credential: Credential, cloud: Cloud) -> dict[str, str]:
    """The Authorization header for ARM calls (blocks while the credential gets a token)."""
    return {"Authorization": "Bearer " + str(credential.get_token(cloud.arm_scope).token)}


async def _list(
    credential: Credential, cloud: Cloud | str, path: str, *, version: str, what: str, policy: Policy | None
) -> list[dict[str, Any]]:
    chosen = cloud_named(cloud) if isinstance(cloud, str) else cloud
    work = functools.partial(_read_all, credential, chosen, path, version=version, what=what, policy=policy)
    return await asyncio.to_thread(work)


def _read_all(
    credential: Credential, cloud: Cloud, path: str, *, version: str, what: str, policy: Policy | None
) -> list[dict[str, Any]]:
    client = RestClient(lambda: arm_headers(credential, cloud), policy)
    try:
        url: str | None = cloud.resource_manager.rstrip("/") + path
        params: dict[str, str] | None = {"api-version": version}
        items: list[dict[str, Any]] = []
        for _ in range(_PAGES_MAX):
            if url is None:
                return items
            answer = client.get_json(url, what, params)
            value = answer.get("value") if isinstance(answer, dict) else None
            if not isinstance(value, list):
                raise ServiceError(f"Azure Resource Manager's answer for {what} has no list of values.")
            items.extend(item for item in value if isinstance(item, dict))
            url = _next_link(answer, cloud)
            params = None  # a next link carries its own query
        raise ServiceError(f"Azure Resource Manager kept paging {what}; stopped after {_PAGES_MAX} pages.")
    except (KeyError, TypeError) as exc:
        raise ServiceError(
            f"Azure Resource Manager answered something tbdesk cannot read for {what}."
        ) from exc
    finally:
        client.close()


def _next_link(answer: dict[str, Any], cloud: Cloud) -> str | None:
    link = answer.get("nextLink")
    if not link:
        return None
    # The bearer token goes only to the cloud's own Resource Manager, never to a host a page names.
    if urlsplit(str(link)).netloc.lower() != urlsplit(cloud.resource_manager).netloc.lower():
        raise ServiceError("Azure Resource Manager handed out a next page on another host; tbdesk stopped.")
    return str(link)


def _workspace(item: dict[str, Any], subscription_id: str, resource_group: str | None) -> WorkspaceInfo:
    properties = item.get("properties")
    if not isinstance(properties, dict):
        properties = {}
    group = resource_group or _group_of(str(item.get("id") or ""))
    if not group:
        raise KeyError("id")
    return WorkspaceInfo(
        subscription_id=subscription_id,
        resource_group=group,
        name=str(item["name"]),
        location=item.get("location"),
        friendly_name=properties.get("friendlyName"),
        workspace_id=properties.get("workspaceId"),
        discovery_url=properties.get("discoveryUrl"),
    )


def _group_of(arm_id: str) -> str | None:
    parts = arm_id.strip("/").split("/")
    for index, part in enumerate(parts[:-1]):
        if part.lower() == "resourcegroups":
            return parts[index + 1]
    return None
