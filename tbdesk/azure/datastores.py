"""A workspace's datastores as cloud folders (issue 13): its Blob and ADLS Gen2 datastores, listed
read-only through the workspace's datastore API (`datastore/v1.0{workspace}/datastores`, azureml-
core's DataStoresOperations.list) without their secrets (includeSecret=false), each read with the
user's own identity through adlfs (tbdesk.sources.cloud). A datastore that holds an account key, a
SAS token or a service principal's secret says so: tbdesk never fetches those."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The datastore types that are Blob containers (an ADLS Gen2 file system is one too).
_FOLDER_TYPES = {"AzureBlob": "Blob container", "AzureDataLakeGen2": "ADLS Gen2 file system"}
# How the datastore reaches its storage when it is not the caller's identity.
_SECRETS = {
    "AccountKey": "an account key",
    "Sas": "a SAS token",
    "ClientCredentials": "a service principal's secret",
}
PAGE = 100  # datastores per page (the service's default is 30)


@dataclass(frozen=True)
class Datastore:
    name: str
    kind: str  # the service's dataStoreType: AzureBlob, AzureDataLakeGen2, AzureFile...
    account: str | None
    container: str | None
    endpoint: str  # the storage's DNS suffix: core.windows.net in Azure's public cloud
    credential: str  # the service's credentialType: None (identity-based), AccountKey, Sas...

    @property
    def url(self) -> str | None:
        """The cloud folder to browse it as (tbdesk.sources.cloud), None when it is no folder."""
        if self.kind not in _FOLDER_TYPES or not self.account or not self.container:
            return None
        return f"https://{self.account}.blob.{self.endpoint}/{self.container}"

    @property
    def problem(self) -> str | None:
        """Why tbdesk does not browse it, in the user's words; None when it does."""
        if self.kind not in _FOLDER_TYPES:
            return f"The datastore {self.name} is {self.kind} storage, not a Blob container or ADLS Gen2."
        if not self.account or not self.container:
            return f"The datastore {self.name} names no storage account or container."
        if self.credential in _SECRETS:
            return (
                f"The datastore {self.name} reaches its storage with {_SECRETS[self.credential]}, which"
                " tbdesk does not fetch. Give it identity-based access, or open its container with"
                " File > Open cloud folder... and a SAS token of your own."
            )
        if self.endpoint != "core.windows.net":
            return f"The datastore {self.name} is in another Azure cloud ({self.endpoint})."
        return None


def to_datastore(dto: dict[str, Any]) -> Datastore:
    """A DataStore of the service's answer (azureml-core's model: camelCase JSON)."""
    section = dto.get("azureStorageSection") or {}
    return Datastore(
        name=str(dto.get("name") or ""),
        kind=str(dto.get("dataStoreType") or "Unknown"),
        account=section.get("accountName") or None,
        container=section.get("containerName") or None,
        endpoint=str(section.get("endpoint") or "core.windows.net"),
        credential=str(section.get("credentialType") or "None"),
    )
