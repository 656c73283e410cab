"""What the window remembers across launches, in an INI file under the app's config folder.

Only plain values are stored (strings, booleans, Qt's own state blobs), never pickled objects, so a
hand-edited or damaged file costs at most the entries it breaks.

Two app instances may share the file. The lists (log folders, boards) are merged when written: what
this instance added or removed since it read them is applied to what the file holds now, so the
last instance to quit keeps the other's folders and boards.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QByteArray, QLockFile, QSettings

from tbdesk import paths
from tbdesk.boards import BoardRun
from tbdesk.model import RunKey
from tbdesk.sync import DEFAULT_PREFIX
from tbdesk.sync.cache import DEFAULT_LIMIT

FILE_NAME = "tbdesk.ini"
GB = 1024**3
RECENT_URLS = 10  # cloud folders remembered
CLOUD_ACCOUNTS = 100  # cloud folders whose Azure account is remembered (more than the tree shows)
MIN_CACHE_LIMIT = 10 * 1024**2  # below this the cache could not hold one run's logs
T = TypeVar("T")


@dataclass(frozen=True)
class SavedBoard:
    """A board that was running when the app quit, to start again on the next launch."""

    title: str
    runs: tuple[BoardRun, ...]
    tab: bool  # it had a tab open


class Settings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.config_dir() / FILE_NAME
        paths.make_dirs(self.path.parent)
        # Made before Qt writes it, which keeps an existing file's mode: 0600 in tbdesk's folder.
        with contextlib.suppress(OSError):
            paths.create_file(self.path, "ab").close()
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)
        # The lists as this instance last read or wrote them: the base of its next merge.
        self._folders_seen: list[str] = []
        self._boards_seen: list[SavedBoard] = []

    def problem(self) -> str | None:
        """Why the file could not be read or written, if it could not."""
        status = self._qs.status()
        if status == QSettings.Status.AccessError:
            return f"Cannot read or write the settings file {self.path}"
        if status == QSettings.Status.FormatError:
            return f"The settings file {self.path} is damaged; starting with defaults"
        return None

    def sync(self) -> None:
        self._qs.sync()

    # Qt's own state blobs: window geometry, dock layout, splitter sizes.
    def state(self, name: str) -> QByteArray | None:
        value = self._qs.value(f"window/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_state(self, name: str, value: QByteArray) -> None:
        self._qs.setValue(f"window/{name}", value)

    def window_rect(self) -> tuple[int, int, int, int] | None:
        """Where the window was (x, y, width, height), read apart from Qt's geometry blob so the
        window can tell whether a current screen still shows that place before restoring it."""
        try:
            x, y, width, height = (int(part) for part in self._string("window/rect").split(","))
        except ValueError:
            return None
        return (x, y, width, height) if width > 0 and height > 0 else None

    def set_window_rect(self, rect: tuple[int, int, int, int]) -> None:
        self._qs.setValue("window/rect", ",".join(map(str, rect)))

    def appearance(self) -> str:
        """Light, dark, or the system's (Preferences; tbdesk.ui.appearance.Scheme)."""
        return self._string("appearance/scheme") or "system"

    def set_appearance(self, scheme: str) -> None:
        self._qs.setValue("appearance/scheme", scheme)

    def language(self) -> str:
        """The window's language (Preferences; tbdesk.ui.i18n): "system", "en" or "es"."""
        return self._string("appearance/language") or "system"

    def set_language(self, language: str) -> None:
        self._qs.setValue("appearance/language", language)

    def cache_limit(self) -> int:
        """The run cache's size limit in bytes (Preferences)."""
        try:
            gigabytes = float(self._string("cache/limit_gb") or DEFAULT_LIMIT / GB)
        except ValueError:
            return DEFAULT_LIMIT
        if not math.isfinite(gigabytes):  # a hand-edited "nan" or "inf"
            return DEFAULT_LIMIT
        return max(MIN_CACHE_LIMIT, int(gigabytes * GB))

    def set_cache_limit(self, size: int) -> None:
        self._qs.setValue("cache/limit_gb", f"{max(MIN_CACHE_LIMIT, size) / GB:g}")

    def logs_prefix(self) -> str:
        """Where runs keep their TensorBoard logs (the last one chosen in Open with options)."""
        return self._string("sync/logs_prefix") or DEFAULT_PREFIX

    def set_logs_prefix(self, prefix: str) -> None:
        self._qs.setValue("sync/logs_prefix", prefix)

    def recent_cloud_urls(self) -> list[str]:
        """Cloud folders opened lately, newest first (File > Open cloud folder… offers them)."""
        value = self._qs.value("cloud/recent_urls", [])
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [str(item) for item in items if item][:RECENT_URLS]

    def add_recent_cloud_url(self, url: str) -> None:
        urls = [url, *(known for known in self.recent_cloud_urls() if known != url)]
        self._qs.setValue("cloud/recent_urls", urls[:RECENT_URLS])

    def cloud_account(self, url: str) -> str | None:
        """The tbdesk Azure account (its id) that reads the cloud folder at url, as last chosen
        (an Azure ML datastore's workspace's account, or the one picked in Open cloud folder…);
        None: none chosen (Azure's variables, or the only signed-in account, read it)."""
        return self._cloud_accounts().get(url)

    def set_cloud_account(self, url: str, account: str | None) -> None:
        ties = {url: account} | {known: tie for known, tie in self._cloud_accounts().items() if known != url}
        kept = [(known, tie) for known, tie in ties.items() if tie][:CLOUD_ACCOUNTS]
        self._qs.remove("cloud_accounts")
        self._qs.beginWriteArray("cloud_accounts", len(kept))
        for i, (known, tie) in enumerate(kept):
            self._qs.setArrayIndex(i)
            self._qs.setValue("url", known)
            self._qs.setValue("account", tie)
        self._qs.endArray()

    def _cloud_accounts(self) -> dict[str, str]:
        """url -> account id, newest first."""
        size = self._qs.beginReadArray("cloud_accounts")
        try:
            ties: dict[str, str] = {}
            for i in range(size):
                self._qs.setArrayIndex(i)
                url, account = self._string("url"), self._string("account")
                if url and account:  # a damaged entry: skip it, keep the rest
                    ties.setdefault(url, account)
            return ties
        finally:
            self._qs.endArray()

    def log_folders(self) -> list[str]:
        """Source ids of the log folders the tree showed, in order."""
        self._folders_seen = self._read_log_folders()
        return list(self._folders_seen)

    def _read_log_folders(self) -> list[str]:
        size = self._qs.beginReadArray("log_folders")
        try:
            ids = []
            for i in range(size):
                self._qs.setArrayIndex(i)
                source_id = self._string("source_id")
                if source_id and source_id not in ids:
                    ids.append(source_id)
            return ids
        finally:
            self._qs.endArray()

    def set_log_folders(self, source_ids: Sequence[str]) -> None:
        with self._merging():
            merged = _merge(self._folders_seen, source_ids, self._read_log_folders(), lambda x: x)
            self._write_log_folders(merged)
        self._folders_seen = list(source_ids)

    def _write_log_folders(self, source_ids: Sequence[str]) -> None:
        self._qs.remove("log_folders")
        self._qs.beginWriteArray("log_folders", len(source_ids))
        for i, source_id in enumerate(source_ids):
            self._qs.setArrayIndex(i)
            self._qs.setValue("source_id", source_id)
        self._qs.endArray()

    def boards(self) -> list[SavedBoard]:
        self._boards_seen = self._read_boards()
        return list(self._boards_seen)

    def _read_boards(self) -> list[SavedBoard]:
        size = self._qs.beginReadArray("boards")
        try:
            boards = []
            for i in range(size):
                self._qs.setArrayIndex(i)
                runs = self._read_runs()
                if runs:
                    tab = self._string("tab") == "true"
                    boards.append(SavedBoard(self._string("title"), runs, tab))
            return boards
        finally:
            self._qs.endArray()

    def set_boards(self, boards: Sequence[SavedBoard]) -> None:
        with self._merging():
            self._write_boards(_merge(self._boards_seen, boards, self._read_boards(), _board_key))
        self._boards_seen = list(boards)

    @contextmanager
    def _merging(self) -> Iterator[None]:
        """Read the file afresh and write it back at once, one instance at a time."""
        lock = QLockFile(f"{self.path}.merge-lock")
        lock.setStaleLockTime(10_000)  # a crashed instance's lock is taken over after 10 s
        locked = lock.tryLock(5_000)  # unlocked after 5 s: merge anyway rather than lose the write
        try:
            self._qs.sync()  # picks up what another instance wrote meanwhile
            yield
            self._qs.sync()
        finally:
            if locked:
                lock.unlock()

    def _write_boards(self, boards: Sequence[SavedBoard]) -> None:
        self._qs.remove("boards")
        self._qs.beginWriteArray("boards", len(boards))
        for i, board in enumerate(boards):
            self._qs.setArrayIndex(i)
            self._qs.setValue("title", board.title)
            self._qs.setValue("tab", "true" if board.tab else "false")
            self._qs.beginWriteArray("runs", len(board.runs))
            for j, run in enumerate(board.runs):
                self._qs.setArrayIndex(j)
                self._qs.setValue("name", run.name)
                self._qs.setValue("path", str(run.path))
                self._qs.setValue("source_id", run.key.source_id if run.key else "")
                self._qs.setValue("run_id", run.key.run_id if run.key else "")
            self._qs.endArray()
        self._qs.endArray()

    def _read_runs(self) -> tuple[BoardRun, ...]:
        size = self._qs.beginReadArray("runs")
        try:
            runs = []
            for j in range(size):
                self._qs.setArrayIndex(j)
                name, path = self._string("name"), self._string("path")
                if not name or not path:
                    continue  # a damaged entry: skip it, keep the rest
                source_id, run_id = self._string("source_id"), self._string("run_id")
                key = RunKey(source_id, run_id) if source_id and run_id else None
                runs.append(BoardRun(name, Path(path), key))
            return tuple(runs)
        finally:
            self._qs.endArray()

    def _string(self, key: str) -> str:
        value = self._qs.value(key, "")
        return value if isinstance(value, str) else ""


def _merge(
    base: Sequence[T], mine: Sequence[T], theirs: Sequence[T], key: Callable[[T], Hashable]
) -> list[T]:
    """mine, then what the file holds now (theirs) that this instance neither has nor removed
    (removed: in base, the list as this instance last saw it, but no longer in mine)."""
    kept = {key(item) for item in mine}
    removed = {key(item) for item in base} - kept
    merged = list(mine)
    for item in theirs:
        if key(item) not in kept and key(item) not in removed:
            merged.append(item)
            kept.add(key(item))
    return merged


def _board_key(board: SavedBoard) -> Hashable:
    """A board is the runs it shows."""
    return tuple((run.name, str(run.path), run.key) for run in board.runs)
