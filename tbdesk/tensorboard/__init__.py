"""The seed's Python surface, a drop-in for `azureml.tensorboard`:

from tbdesk.tensorboard import Tensorboard
from tbdesk.tensorboard.export import export_to_tensorboard
"""

from tbdesk.tensorboard.instance import Tensorboard

__all__ = ["Tensorboard"]
