"""The built-in local workspace: SQLite plus a files folder, with an azureml-core-shaped logging API.

from tbdesk.local import Workspace, Experiment
"""

from tbdesk.local.api import Experiment, Run, Workspace
from tbdesk.local.database import WorkspaceError
from tbdesk.local.names import InvalidNameError
from tbdesk.local.store import WorkspaceStore

__all__ = ["Experiment", "InvalidNameError", "Run", "Workspace", "WorkspaceError", "WorkspaceStore"]
