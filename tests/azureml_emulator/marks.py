"""What a test module that imports azureml-core puts in its `pytestmark`."""

import pytest

# azureml-core is deprecated and says so when imported: the FileType notice of its data package,
# and the imghdr module its metrics code imports (removed in Python 3.13).
AZUREML_WARNINGS = [
    pytest.mark.filterwarnings("ignore:FileType Enum is Deprecated:DeprecationWarning:azureml.*"),
    pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning:azureml.*"),
]
