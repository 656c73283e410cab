"""Sign-in fixtures (defined in fixtures.py, which tests/azure imports too)."""

from tests.auth.fixtures import (
    fake_az_fixture,
    memory_keyring_fixture,
    no_secret_service_fixture,
    token_server_fixture,
    use_keyring_fixture,
)

__all__ = [
    "fake_az_fixture",
    "memory_keyring_fixture",
    "no_secret_service_fixture",
    "token_server_fixture",
    "use_keyring_fixture",
]
