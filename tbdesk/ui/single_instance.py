"""One window per user (and settings folder): a second `tbdesk [PATH...]` hands its folders to the
running window through a local socket (tbdesk.paths.instance_socket) and exits; the window comes to
the front and opens them.

The message is one line of JSON, {"paths": [absolute folders]}, answered with "ok". A socket left
by a crashed tbdesk answers nothing: the next window removes it and listens there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_MS = 1_000
ANSWER_MS = 5_000
MAX_MESSAGE = 1024 * 1024
OK = b"ok\n"


def hand_over(name: str, paths: Sequence[Path | str]) -> bool:
    """Give paths to the window listening at name. False when no window listens there."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    # A folder goes as its absolute path, a cloud folder (a str) as its URL.
    given = [str(path.resolve()) if isinstance(path, Path) else path for path in paths]
    message = json.dumps({"paths": given}).encode() + b"\n"
    socket.write(message)
    socket.flush()
    answer = b""
    while not answer.endswith(b"\n") and socket.waitForReadyRead(ANSWER_MS):
        answer += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return answer == OK


def parse(message: bytes) -> list[Path | str]:
    """The folders of a message (a cloud folder as its URL); ValueError when it is not one."""
    from tbdesk.sources.cloud_access import is_cloud_url

    data = json.loads(message.decode())
    if not isinstance(data, dict) or not isinstance(data.get("paths"), list):
        raise ValueError("not a tbdesk message")
    if not all(isinstance(path, str) for path in data["paths"]):
        raise ValueError("a tbdesk message holds absolute paths or cloud URLs only")
    found: list[Path | str] = []
    for path in data["paths"]:
        if is_cloud_url(path):
            found.append(path)
        elif Path(path).is_absolute():
            found.append(Path(path))
        else:
            raise ValueError("a tbdesk message holds absolute paths or cloud URLs only")
    return found


class InstanceServer(QObject):
    """Listens at name; pathsReceived(list of Path, or str for a cloud URL) for each second tbdesk."""

    pathsReceived = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        if name and not self._server.listen(name):
            QLocalServer.removeServer(name)  # left by a tbdesk that crashed: nobody answered there
            if name and not self._server.listen(name):
                log.warning("Cannot listen for a second tbdesk at %s: %s", name, self._server.errorString())

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        self._server.close()

    def _on_connection(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            buffer = bytearray()
            socket.readyRead.connect(_reader(socket, buffer, self._deliver))
            socket.disconnected.connect(socket.deleteLater)

    def _deliver(self, paths: list[Path | str]) -> None:
        self.pathsReceived.emit(paths)


def _reader(
    socket: QLocalSocket, buffer: bytearray, deliver: Callable[[list[Path | str]], None]
) -> Callable[[], None]:
    def read() -> None:
        buffer.extend(bytes(socket.readAll().data()))
        if len(buffer) > MAX_MESSAGE:
            socket.abort()
            return
        if not buffer.endswith(b"\n"):
            return
        try:
            paths = parse(bytes(buffer))
        except ValueError as error:  # json's errors are ValueErrors too
            log.warning("Ignoring a message on the instance socket: %s", error)
            socket.abort()
            return
        socket.write(OK)
        socket.flush()
        deliver(paths)

    return read
