"""The app's web profile and the one place that decides where an embedded dashboard may navigate.

The policy is a pure function over a small dataclass (qutebrowser's habit), so it is tested on
hostile URLs without a browser: a board's page may only go to the board's own scheme, host, port
and path prefix; a frame inside it only to the board too; a web link leaves for the system browser
only when the user just clicked or pressed a key (a page cannot open the browser by itself);
everything else is refused.
"""

from __future__ import annotations

import contextlib
import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, unquote, urlsplit

from tbdesk import APP_NAME, paths

if TYPE_CHECKING:
    from PySide6.QtCore import QObject, QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

_WEB_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Placeholders Chromium gives to fresh frames; harmless inside the board's own page.
_FRAME_PLACEHOLDERS = ("about:blank", "about:srcdoc")


class Navigation(enum.Enum):
    ALLOW = "allow"  # load it in the board's view
    OPEN_EXTERNALLY = "open externally"  # hand it to the system browser, keep the view where it is
    REFUSE = "refuse"  # do nothing at all


@dataclass(frozen=True)
class BoardOrigin:
    """Where one board lives: only URLs under this scheme, host, port and prefix belong to it."""

    scheme: str
    host: str
    port: int
    prefix: str  # always starts and ends with "/"

    @classmethod
    def from_url(cls, url: str) -> BoardOrigin:
        """The origin of a board's URL ("http://127.0.0.1:PORT/PREFIX/"); ValueError when malformed."""
        parts = _split(url)
        if parts is None or parts.scheme not in _WEB_SCHEMES or not parts.hostname:
            raise ValueError(f"not a board URL: {url!r}")
        if parts.username is not None or parts.password is not None:
            raise ValueError(f"a board URL has no user name or password: {url!r}")
        prefix = parts.path or "/"
        if not prefix.endswith("/"):
            prefix += "/"
        return cls(parts.scheme, parts.hostname, _port(parts), prefix)

    def contains(self, url: str) -> bool:
        """True when url is a page of this board."""
        parts = _split(url)
        if parts is None or parts.username is not None or parts.password is not None:
            return False
        if (parts.scheme, parts.hostname) != (self.scheme, self.host):
            return False
        try:
            if _port(parts) != self.port:
                return False
        except ValueError:
            return False
        return self._within_prefix(parts.path)

    def same_server(self, url: str) -> bool:
        """True when url points at the board's server, whatever the path."""
        parts = _split(url)
        try:
            return (
                parts is not None
                and (parts.scheme, parts.hostname) == (self.scheme, self.host)
                and _port(parts) == self.port
            )
        except ValueError:
            return False

    def _within_prefix(self, path: str) -> bool:
        # "/PREFIX" without its slash is where TensorBoard redirects from; accept it.
        if path == self.prefix.rstrip("/"):
            return True
        if not path.startswith(self.prefix):
            return False
        # Percent-encoded dots or slashes must not walk out of the prefix once a server decodes them.
        decoded = unquote(path)
        if not decoded.startswith(self.prefix):
            return False
        segments = decoded[len(self.prefix) :].split("/")
        return not any(segment in (".", "..") for segment in segments)


@dataclass(frozen=True)
class NavigationRequest:
    """One attempt of a board's page to go somewhere."""

    url: str  # fully encoded, as Chromium canonicalised it
    origin: BoardOrigin | None  # None: the view shows no board yet, so nothing is allowed
    main_frame: bool = True
    new_window: bool = False  # target=_blank links, window.open(), "open in new window"
    user_gesture: bool = False  # follows the user's click or key press (not a script on its own)


def decide_navigation(request: NavigationRequest) -> Navigation:
    """Where request.url may be shown: in the view, in the system browser, or nowhere."""
    url = request.url
    origin = request.origin
    if not request.main_frame and not request.new_window:
        # A frame never leaves the board: a page could fill itself with frames of other sites.
        if url in _FRAME_PLACEHOLDERS or (origin is not None and origin.contains(url)):
            return Navigation.ALLOW
        return Navigation.REFUSE
    if not _is_plain_web_url(url):
        return Navigation.REFUSE
    if origin is not None and not request.new_window and origin.same_server(url):
        # The board's own server outside its prefix has nothing to show (TensorBoard answers 404).
        return Navigation.ALLOW if origin.contains(url) else Navigation.REFUSE
    return Navigation.OPEN_EXTERNALLY if request.user_gesture else Navigation.REFUSE


def _is_plain_web_url(url: str) -> bool:
    """An http(s) URL with a host, a valid port and no user name or password.

    Anything else (javascript:, file:, data:, chrome:, view-source:, malformed) never loads and never
    leaves; "http://127.0.0.1:PORT@evil/" is a trick to look like the board, and no page needs it.
    """
    parts = _split(url)
    if parts is None or parts.scheme not in _WEB_SCHEMES or not parts.hostname or "@" in parts.netloc:
        return False
    try:
        _port(parts)
    except ValueError:
        return False
    return True


def qurl_text(url: QUrl) -> str:
    """A QUrl as the fully encoded text the policy reads."""
    return bytes(url.toEncoded().data()).decode("ascii", errors="replace")


def _split(url: str) -> SplitResult | None:
    # Chromium gives canonical URLs; anything with spaces, control characters or backslashes
    # was not made by it and parses differently in different parsers, so it is refused.
    if not url or any(ch.isspace() or ord(ch) < 0x20 or ch in "\\\x7f" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme != parts.scheme.lower():
        parts = parts._replace(scheme=parts.scheme.lower())
    return parts


def _port(parts: SplitResult) -> int:
    port = parts.port  # raises ValueError when out of range or not a number
    return port if port is not None else _DEFAULT_PORTS[parts.scheme]


_PROFILE_OBJECT_NAME = "tbdesk-web-profile"
_FOREIGN_PROFILE_OBJECT_NAME = "tbdesk-foreign-web-profile"


def foreign_profile() -> QWebEngineProfile:
    """The web profile for TensorBoards that tbdesk did not start: off the record (no storage, no
    disk cache, nothing shared with the boards' profile), so a page from one of them can neither
    read nor leave anything that tbdesk's own boards see."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWebEngineCore import QWebEngineProfile

    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("the web profile needs a QApplication")
    profile = app.findChild(
        QWebEngineProfile, _FOREIGN_PROFILE_OBJECT_NAME, Qt.FindChildOption.FindDirectChildrenOnly
    )
    if profile is None:
        profile = QWebEngineProfile(app)  # no storage name: off the record
        profile.setObjectName(_FOREIGN_PROFILE_OBJECT_NAME)
        profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    return profile


def web_profile() -> QWebEngineProfile:
    """The app's persistent web profile, created on first use and then shared by every board view.

    Its storage and cache sit in the app's own folders, not in QtWebEngine's defaults. It lives as a
    child of the application and is looked up there each time: PySide ties the wrapper that
    QWebEnginePage.profile() returns to that page, so a wrapper kept in a global dies with the first
    page that goes, while the profile itself lives on.
    """
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineProfileBuilder

    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("the web profile needs a QApplication")
    profile = app.findChild(
        QWebEngineProfile, _PROFILE_OBJECT_NAME, Qt.FindChildOption.FindDirectChildrenOnly
    )
    if profile is not None:
        return profile
    storage = paths.data_dir() / "web"
    cache = paths.cache_dir() / "web"
    paths.make_dirs(storage)
    paths.make_dirs(cache)
    # Chromium makes its files 0600, but for this one, which it writes under the umask: made here
    # first, it keeps this mode (Chromium rewrites it in place). Found by the test that walks the
    # profile (tests/ui/test_board_view.py); what a later Chromium adds there would fail it.
    with contextlib.suppress(OSError):
        paths.create_file(storage / "Visited Links", "ab").close()
    builder = QWebEngineProfileBuilder()
    builder.setPersistentStoragePath(str(storage))
    builder.setCachePath(str(cache))
    builder.setHttpCacheType(QWebEngineProfile.HttpCacheType.DiskHttpCache)
    # TensorBoard sets no cookies we need to keep; its settings live in local storage.
    builder.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
    builder.setPersistentPermissionsPolicy(QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
    profile = builder.createProfile(APP_NAME, app)
    profile.setObjectName(_PROFILE_OBJECT_NAME)
    return profile


def warm_up(parent: QObject) -> QWebEnginePage:
    """Start Chromium (the profile, its browser, GPU and zygote processes) with a hidden blank page,
    so that the first board's dashboard costs what later ones cost. Call it once the window shows:
    it takes a few tenths of a second of the UI thread. The page lives until its parent drops it."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage

    page = QWebEnginePage(web_profile(), parent)
    page.setObjectName("warm-up-page")
    page.load(QUrl("about:blank"))
    return page
