"""azureml-core's objects are left out of the garbage collector's passes once it is imported
(tbdesk.heap): its classes, functions and modules would otherwise be walked on every full
collection, a pause of the window each time."""

from __future__ import annotations

import gc

from tbdesk.azure.workspace import token_auth
from tests.azureml_emulator import StaticCredential


def test_azureml_core_is_out_of_the_collectors_way_once_imported() -> None:
    auth = token_auth(StaticCredential())

    from azureml.core import Run, Workspace
    from azureml.core.authentication import TokenAuthentication

    tracked = {id(each) for each in gc.get_objects()}  # every generation but the frozen one
    assert not {id(Run), id(Workspace), id(TokenAuthentication)} & tracked
    # What is made afterwards is collected as usual.
    assert id(auth) in tracked
