"""What a person reads when no access token can be had: a sign-in that ended says so in tbdesk's
words (azure-identity's "Call 'authenticate' to begin" is for developers: it stays in the
exception chain), and it is still a SignedOutError, the kind whose error row offers to sign in
again. Real azure-identity credentials, with nothing in their token cache, against the emulator."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import AuthenticationRequiredError, ClientSecretCredential
from azure_helpers import run

from tbdesk.auth import credential_for
from tbdesk.azure.accounts import Account
from tbdesk.azure.errors import SignedOutError
from tbdesk.sources.azure import AzureSource
from tbdesk.ui.tasks import describe_error
from tests.auth.token_server import CLIENT_ID, TokenServer
from tests.azureml_emulator import Emulator
from tests.azureml_emulator.marks import AZUREML_WARNINGS
from tests.azureml_emulator.tokens import TENANT

pytestmark = AZUREML_WARNINGS

MakeSource = Callable[..., AzureSource]


def shown(error: BaseException) -> str:
    """The text of the tree's error row (tbdesk.ui.tree_model), and that it has no traceback."""
    message, details = describe_error(error)
    assert details is None  # a message for people, not a bug report
    return f"Could not load: {message}"


@pytest.mark.parametrize("method", ["browser", "device_code"])
def test_a_sign_in_that_ended_says_so_without_azure_identitys_words(
    method: str, demo: Emulator, make_source: MakeSource, token_server: TokenServer
) -> None:
    account = Account.new("Ada", method, authority_host=token_server.url)
    credential = credential_for(account, device_code_prompt=lambda code: None)  # never prompts
    source = make_source(credential=credential)

    with pytest.raises(SignedOutError) as caught:
        run(source.experiments())

    assert shown(caught.value) == (
        "Could not load: Your sign-in to Azure has ended. Sign in again to read the workspace ws-emulated."
    )
    # What azure-identity said is kept for whoever reads the log's traceback.
    assert isinstance(caught.value.__cause__, AuthenticationRequiredError)
    assert "authenticate" in str(caught.value.__cause__)
    # Nothing was sent without a token, and nobody was asked to sign in.
    assert demo.log == []
    assert not any(s.path.endswith("/devicecode") for s in token_server.log)


def test_a_refused_sign_in_says_what_the_identity_service_said(
    demo: Emulator, make_source: MakeSource, token_server: TokenServer
) -> None:
    credential = ClientSecretCredential(
        TENANT, CLIENT_ID, "not the secret", authority=token_server.url, disable_instance_discovery=True
    )
    source = make_source(credential=credential)

    with pytest.raises(SignedOutError) as caught:
        run(source.experiments())

    assert shown(caught.value) == (
        "Could not load: Azure refused the sign-in needed to read the workspace ws-emulated"
        " (AADSTS7000215: Invalid client secret provided). Sign in again."
    )
    assert isinstance(caught.value.__cause__, ClientAuthenticationError)
    assert demo.log == []
