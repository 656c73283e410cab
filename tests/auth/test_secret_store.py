"""Client secrets go to a keyring that protects them, or nowhere."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import chainer, fail, null

from tbdesk.auth import SignInError, secure_storage_available, sign_in_methods
from tbdesk.auth.secret_store import SERVICE, forget_secret, load_secret, store_secret
from tests.auth.fixtures import MemoryKeyring


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's file keyring, which writes secrets readably."""


def test_no_keyring_service_means_no_secure_storage(use_keyring) -> None:
    keyring.set_keyring(fail.Keyring())
    available, reason = secure_storage_available()
    assert not available
    assert "No system keyring is available" in reason and "Secret Service" in reason


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        (null.Keyring(), "turned off"),
        (PlaintextKeyring(), "readable file"),
    ],
)
def test_backends_that_do_not_protect_secrets_do_not_count(use_keyring, backend, words: str) -> None:
    keyring.set_keyring(backend)
    available, reason = secure_storage_available()
    assert not available and words in reason


def test_a_real_backend_counts(memory_keyring: MemoryKeyring) -> None:
    available, reason = secure_storage_available()
    assert available and "MemoryKeyring" in reason


def test_a_chainer_is_judged_by_the_backend_it_writes_to(
    use_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(chainer.ChainerBackend())
    # keyring's default where no backend is viable: a chainer of nothing.
    monkeypatch.setattr(chainer.ChainerBackend, "backends", ())
    available, reason = secure_storage_available()
    assert not available and "No system keyring" in reason
    monkeypatch.setattr(chainer.ChainerBackend, "backends", (PlaintextKeyring(), MemoryKeyring()))
    assert secure_storage_available()[0] is False
    monkeypatch.setattr(chainer.ChainerBackend, "backends", (MemoryKeyring(), PlaintextKeyring()))
    assert secure_storage_available()[0] is True


def test_secrets_round_trip_per_account(memory_keyring: MemoryKeyring) -> None:
    store_secret("acct1", "one")
    store_secret("acct2", "two")
    assert (load_secret("acct1"), load_secret("acct2"), load_secret("other")) == ("one", "two", None)
    assert memory_keyring.secrets[(SERVICE, "acct1")] == "one"
    assert forget_secret("acct1") is True
    assert forget_secret("acct1") is False
    assert load_secret("acct1") is None and load_secret("acct2") == "two"


def test_without_secure_storage_nothing_is_stored_and_the_message_offers_other_methods(use_keyring) -> None:
    keyring.set_keyring(PlaintextKeyring())
    with pytest.raises(
        SignInError, match=r"needs a secure system keyring.*browser, a device code or the Azure CLI"
    ):
        store_secret("acct1", "secret")
    backend = keyring.get_keyring()
    assert isinstance(backend, PlaintextKeyring) and backend.secrets == {}
    assert forget_secret("acct1") is False


def test_an_empty_secret_is_refused(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(SignInError, match="empty"):
        store_secret("acct1", "")


def test_methods_offered_without_and_with_a_keyring(use_keyring) -> None:
    keyring.set_keyring(fail.Keyring())
    methods = {m.method: m for m in sign_in_methods()}
    assert list(methods) == ["browser", "device_code", "azure_cli", "service_principal"]
    assert [m.method for m in methods.values() if m.available] == ["browser", "device_code", "azure_cli"]
    assert "No system keyring" in methods["service_principal"].note
    # No Secret Service either (tests/auth/fixtures.py): interactive sign-ins work but are not
    # remembered, and say so.
    assert "sign in again at each launch" in methods["browser"].note
    keyring.set_keyring(MemoryKeyring())
    assert all(m.available for m in sign_in_methods())
