"""Boards: local TensorBoard processes serving sets of runs; and the TensorBoards already running."""

from tbdesk.boards.board import Board, BoardError, BoardRun, BoardState, exposure_warning
from tbdesk.boards.discovery import RunningTensorBoard, discover
from tbdesk.boards.manager import BoardManager
from tbdesk.boards.registry import reap_orphans

__all__ = [
    "Board",
    "BoardError",
    "BoardManager",
    "BoardRun",
    "BoardState",
    "RunningTensorBoard",
    "discover",
    "exposure_warning",
    "reap_orphans",
]
