"""Fixtures of the cloud-folder tests (defined in tests/cloud/fixtures.py, which tests/ui shares)."""

from tests.cloud.fixtures import (
    azurite_server,
    bucket,
    cache,
    container,
    gcs_bucket,
    gcs_server,
    s3,
    s3_server,
)

__all__ = ["azurite_server", "bucket", "cache", "container", "gcs_bucket", "gcs_server", "s3", "s3_server"]
