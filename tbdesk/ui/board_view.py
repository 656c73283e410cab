"""One board's TensorBoard dashboard, embedded: confined navigation, a loading indicator until the
charts are drawn, an error panel with a restart button, recovery from renderer crashes, and a slim
strip above it that says how the board's live sync goes."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QFont, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWebEngineCore import (
    QWebEngineNewWindowRequest,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tbdesk.boards.process import RELOAD_INTERVAL_S
from tbdesk.ui.web import (
    BoardOrigin,
    Navigation,
    NavigationRequest,
    decide_navigation,
    foreign_profile,
    qurl_text,
    web_profile,
)

_log = logging.getLogger(__name__)

# Counts what the dashboard has drawn, through shadow roots (the legacy Polymer dashboards) and light
# DOM (the Angular "Time Series" dashboard, TensorBoard's default). A chart counts once its series are
# drawn (SVG paths, or a canvas when WebGL is available) and its card shows no spinner.
# It answers JSON text: PySide hands a returned JavaScript object over as an empty string.
_PROBE_JS = r"""
(() => {
  const spinners = 'mat-spinner, mat-progress-spinner, mat-progress-bar, paper-spinner, paper-spinner-lite';
  const emptyMarkers = ['No dashboards are active', 'No scalar data was found'];
  const roots = [document];
  const found = {'scalar-card': [], 'tf-scalar-card': [], 'card-view': []};
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i].querySelectorAll('*')) {
      const name = el.localName;
      if (name in found) found[name].push(el);
      if (el.shadowRoot) roots.push(el.shadowRoot);
    }
  }
  const deep = (el, selector) => {
    const out = Array.from(el.querySelectorAll(selector));
    const stack = [el];
    while (stack.length) {
      const node = stack.pop();
      for (const child of node.querySelectorAll('*')) {
        if (child.shadowRoot) {
          out.push(...child.shadowRoot.querySelectorAll(selector));
          stack.push(child.shadowRoot);
        }
      }
    }
    return out;
  };
  const drawn = (el, seriesSelector) => deep(el, spinners).length === 0 && deep(el, seriesSelector).some(
    (s) => s.localName === 'canvas' ? s.width > 0 : (s.getAttribute('d') || '').length > 2);
  let charts = 0;
  for (const card of found['scalar-card']) {
    if (drawn(card, 'line-chart .series-view path, line-chart .series-view canvas')) charts++;
  }
  for (const card of found['tf-scalar-card']) {
    if (drawn(card, 'path.line, svg path[d], canvas')) charts++;
  }
  const text = roots.map((r) => r === document ? (document.body ? document.body.textContent : '')
                                               : r.textContent).join('\n');
  // A board with only histograms or images: every card drawn, none of them scalars.
  const others = found['card-view'].length > 0 && found['scalar-card'].length === 0
    && found['card-view'].every((c) => deep(c, spinners).length === 0
      && Array.from(c.querySelectorAll('*')).some((e) => e.localName.endsWith('-card')));
  return JSON.stringify({charts: charts, empty: emptyMarkers.some((m) => text.includes(m)), others: others});
})()
"""


# TensorBoard's own reload button (the header's), pressed as the user would: the page fetches its
# runs and the data of its charts again, without loading the page anew.
# It answers "absent" (not TensorBoard's page, or not built yet), "busy" (a reload is under way,
# which may have asked before the new data was in place) or "pressed".
_RELOAD_DATA_JS = r"""
(() => {
  const button = document.querySelector('app-header-reload button.reload-button');
  if (!button) return 'absent';
  if (button.disabled || button.classList.contains('loading')) return 'busy';
  button.click();
  return 'pressed';
})()
"""

# The run names the dashboard's runs table lists (the Time Series dashboard's, TensorBoard's default).
_LISTED_RUNS_JS = r"""
JSON.stringify(Array.from(document.querySelectorAll('tb-data-table-content-cell.table-column-run'),
                          (cell) => cell.textContent.trim()))
"""


def _parse_probe(answer: Any) -> dict[str, int]:
    """The probe's answer, or nothing when the page could not run it (navigating, crashed)."""
    try:
        result = json.loads(answer) if isinstance(answer, str) and answer else {}
    except ValueError:
        return {}
    return {key: int(value) for key, value in result.items()} if isinstance(result, dict) else {}


class _UserActivation(QObject):
    """Whether the user just clicked or pressed a key in the dashboard: a page may hand a URL to
    the system browser only right after that, once per click (as browsers allow pop-ups).

    Chromium tells this for new windows (isUserInitiated) but not for navigations of the page,
    so the view's input is watched here: on the view and on the widget Chromium renders into,
    which is added (and replaced after a renderer crash) as a child of the view.
    """

    WINDOW_S = 1.0

    def __init__(self, view: QWebEngineView) -> None:
        super().__init__(view)
        self._at: float | None = None
        view.installEventFilter(self)
        for child in view.findChildren(QWidget):
            child.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ChildAdded:
            child = event.child()  # type: ignore[attr-defined]
            if child is not None and child.isWidgetType():
                child.installEventFilter(self)
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.KeyPress):
            self._at = time.monotonic()
        return False

    def recent(self) -> bool:
        return self._at is not None and time.monotonic() - self._at <= self.WINDOW_S

    def consume(self) -> None:
        self._at = None


class BoardPage(QWebEnginePage):
    """A page that stays inside its board: every navigation goes through tbdesk.ui.web's policy."""

    linkOpenedExternally = Signal(str)
    navigationDecided = Signal(str, str)  # url, the decision's value: for the log and for tests

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.origin: BoardOrigin | None = None
        self.user_activation: _UserActivation | None = None
        # Handling the signal (instead of createWindow) gives the new window's URL up front;
        # not calling request.openIn() refuses the window.
        self.newWindowRequested.connect(self._on_new_window)

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        lineNumber: int,
        sourceID: str,
    ) -> None:
        # TensorBoard's console chatter is not the app's warning; keep it for debugging only.
        _log.debug("dashboard console (%s) %s:%d: %s", level.name, sourceID, lineNumber, message)

    def acceptNavigationRequest(
        self, url: QUrl | str, type: QWebEnginePage.NavigationType, isMainFrame: bool
    ) -> bool:
        qurl = QUrl(url)
        activation = self.user_activation
        gesture = activation is not None and activation.recent()
        request = NavigationRequest(
            qurl_text(qurl), self.origin, main_frame=isMainFrame, user_gesture=gesture
        )
        decision = decide_navigation(request)
        if decision is Navigation.OPEN_EXTERNALLY and activation is not None:
            activation.consume()  # one click, one URL
        return self._apply(decision, qurl)

    def _on_new_window(self, request: QWebEngineNewWindowRequest) -> None:
        qurl = request.requestedUrl()
        navigation = NavigationRequest(
            qurl_text(qurl), self.origin, new_window=True, user_gesture=request.isUserInitiated()
        )
        self._apply(decide_navigation(navigation), qurl)

    def _apply(self, decision: Navigation, url: QUrl) -> bool:
        _log.debug("navigation to %s: %s", url.toString(), decision.value)
        if decision is Navigation.OPEN_EXTERNALLY:
            QDesktopServices.openUrl(url)
            self.linkOpenedExternally.emit(url.toString())
        self.navigationDecided.emit(url.toString(), decision.value)
        return decision is Navigation.ALLOW


class _ErrorPanel(QWidget):
    """What replaces the dashboard when the board is down: a heading, details and one way out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        font = QFont(self.heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setFont(QFont("monospace"))
        self.restart_button = QPushButton(self.tr("Restart"), self)
        self.restart_button.setToolTip(self.tr("Start this board's TensorBoard again"))
        self.reload_button = QPushButton(self.tr("Reload page"), self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.restart_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)

    def show_text(self, text: str, *, restart: bool, reload: bool) -> None:
        """text's first line becomes the heading, the rest (say, TensorBoard's last lines) the details."""
        heading, _, details = text.strip().partition("\n")
        self.heading.setText(heading or self.tr("The board is not available."))
        self.details.setPlainText(details.strip())
        self.details.setVisible(bool(details.strip()))
        self.restart_button.setVisible(restart)
        self.reload_button.setVisible(reload)


class _SyncStrip(QWidget):
    """One line above the dashboard: "Live - 3 runs, 1.2 MB fetched", or an error and its retry."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync-strip")
        self.label = QLabel(self)
        self.label.setObjectName("sync-text")
        self.button = QPushButton(self)
        self.button.setObjectName("sync-refresh")
        self.button.setFlat(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 6, 1)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)

    def show_text(self, text: str, tooltip: str, *, error: bool) -> None:
        self.label.setText(text)
        self.label.setToolTip(tooltip)
        self.label.setStyleSheet("color: #c62828;" if error else "")
        self.button.setText(self.tr("Retry") if error else self.tr("Refresh"))
        self.button.setToolTip(self.tr("Look for new logs now"))
        self.show()


class _DataRefresh(QObject):
    """Has a board's page fetch its data again after the board's logs changed: once the board's
    data server has read them, and once more a while later (a busy machine may read them late),
    while the view is visible (else when it shows, as TensorBoard's own auto-reload does)."""

    # The board's data server rescans its folders every RELOAD_INTERVAL_S: one more second for its read.
    SETTLE_MS = (RELOAD_INTERVAL_S + 1) * 1000
    LATER_MS = 7000  # the second fetch: 7-10 s after the change
    PRESSES = 2  # fetches after a change
    MAX_BUSY_TRIES = 10  # a page that stays busy this many times in a row is left to the user

    def __init__(self, view: BoardView) -> None:
        super().__init__(view)
        self._view = view
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._reload)
        self._presses = 0  # fetches still owed to the last change
        self._missed = False  # the timer went off while the view was hidden
        self._busy_tries = 0

    def changed(self) -> None:
        self._presses = self.PRESSES
        if not self._timer.isActive():  # else it goes off soon enough, and the last press comes later
            self._busy_tries = 0
            self._timer.start(self.SETTLE_MS)

    def shown(self) -> None:
        if self._missed:
            self._missed = False
            self.changed()

    def _reload(self) -> None:
        view = self._view
        if not view.isVisible():
            self._missed = True
        elif view.page_loading:  # maybe asked before the new logs were read: once more after it
            self._timer.start(self.SETTLE_MS)
        elif view.url and not view.showing_error:  # an error panel's Reload loads all anew
            view.page.runJavaScript(
                _RELOAD_DATA_JS, QWebEngineScript.ScriptWorldId.ApplicationWorld, self._done
            )

    def _done(self, answer: Any) -> None:
        if answer == "busy" and self._busy_tries < self.MAX_BUSY_TRIES:
            self._busy_tries += 1
            self._timer.start(self.SETTLE_MS)
            return
        self._busy_tries = 0
        self._presses -= 1
        if self._presses > 0:
            self._timer.start(self.LATER_MS)


class BoardView(QWidget):
    """One board's dashboard. The window puts one in a tab per board."""

    chartsReady = Signal()  # the dashboard settled: charts drawn, or TensorBoard says it has no data
    restartRequested = Signal()  # the user asked to restart this board's TensorBoard
    # Time to ask whether the board still answers: at an interval while the view is visible, on
    # reload, and when a page load times out. The window asks the board manager.
    checkRequested = Signal()
    linkOpenedExternally = Signal(str)  # a link left for the system browser (for the status bar)
    syncRefreshRequested = Signal()  # the user asked the board's live sync to look for new logs now
    browserFailed = Signal(str)  # no system browser could open this URL

    POLL_MS = 150
    CHECK_MS = 10_000  # how often a visible board is asked whether it still answers
    LOAD_TIMEOUT_MS = 30_000  # a page load that takes longer says so in the tab
    # After this the indicator stops even if no chart showed up (a slow or odd board).
    READY_TIMEOUT_MS = 30_000
    # Renderer crashes within this window count as a crash loop, which stops automatic reloads.
    CRASH_WINDOW_S = 60.0
    MAX_CRASH_RELOADS = 3

    def __init__(self, url: str, title: str, parent: QWidget | None = None, *, foreign: bool = False) -> None:
        """url: the board's address; "" while the board is still starting (the view shows loading).
        foreign: a TensorBoard tbdesk did not start, shown in a profile that keeps nothing."""
        super().__init__(parent)
        self._title = title
        self._url = ""
        self._charts_ready = False
        self._probe_in_flight = False
        self._crashes: deque[float] = deque(maxlen=self.MAX_CRASH_RELOADS)

        self._progress = QProgressBar(self)
        self._progress.setTextVisible(False)
        self._progress.setFixedHeight(4)
        self._progress.setToolTip(self.tr("Loading the dashboard"))

        self._view = QWebEngineView(self)
        self._page = BoardPage(foreign_profile() if foreign else web_profile(), self._view)
        self._view.setPage(self._page)
        self._page.user_activation = _UserActivation(self._view)
        self._page.linkOpenedExternally.connect(self.linkOpenedExternally)
        self._page.loadStarted.connect(self._on_load_started)
        self._page.loadProgress.connect(self._on_load_progress)
        self._page.loadFinished.connect(self._on_load_finished)
        self._page.renderProcessTerminated.connect(self._on_render_process_terminated)

        self._error_panel = _ErrorPanel(self)
        self._error_panel.restart_button.clicked.connect(self.restartRequested)
        self._error_panel.reload_button.clicked.connect(self.reload)

        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._view)
        self._stack.addWidget(self._error_panel)
        self._sync_strip = _SyncStrip(self)
        self._sync_strip.button.clicked.connect(self.syncRefreshRequested)
        self._sync_strip.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._sync_strip)
        layout.addWidget(self._progress)
        layout.addWidget(self._stack, 1)

        self._poll_timer = self._make_timer(self.POLL_MS, self._probe)
        self._ready_deadline = self._make_timer(self.READY_TIMEOUT_MS, self._give_up_waiting, single=True)
        self._check_timer = self._make_timer(self.CHECK_MS, self.checkRequested.emit)
        self._load_deadline = self._make_timer(self.LOAD_TIMEOUT_MS, self._on_load_timeout, single=True)
        self._data_refresh = _DataRefresh(self)

        # Shortcuts of a hidden tab are inactive, so each tab's view can own the same keys.
        # F5 belongs to the main window's Refresh.
        self.reload_action = QAction(self.tr("Reload dashboard"), self)
        self.reload_action.setShortcut(QKeySequence("Ctrl+R"))
        self.reload_action.triggered.connect(self.reload)
        self.open_in_browser_action = QAction(self.tr("Open in browser"), self)
        self.open_in_browser_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.open_in_browser_action.triggered.connect(self.open_in_browser)
        self.addActions([self.reload_action, self.open_in_browser_action])

        self.set_url(url)

    def _make_timer(self, interval_ms: int, slot: Callable[[], object], *, single: bool = False) -> QTimer:
        timer = QTimer(self)
        timer.setInterval(interval_ms)
        timer.setSingleShot(single)
        timer.timeout.connect(slot)
        return timer

    # -- public API -----------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return self._title

    @title.setter
    def title(self, title: str) -> None:
        self._title = title

    @property
    def url(self) -> str:
        return self._url

    @property
    def charts_ready(self) -> bool:
        return self._charts_ready

    @property
    def page(self) -> BoardPage:
        return self._page

    @property
    def web_view(self) -> QWebEngineView:
        return self._view

    def set_url(self, url: str) -> None:
        """Show the board at url (after a restart its port and prefix change); "" shows loading."""
        origin = BoardOrigin.from_url(url) if url else None
        self._url = url
        self._page.origin = origin
        self._crashes.clear()
        has_url = bool(url)
        self.reload_action.setEnabled(has_url)
        self.open_in_browser_action.setEnabled(has_url)
        self.show_loading()
        if has_url:
            self._page.load(QUrl(url))

    def reload(self) -> None:
        if not self._url:
            return
        self.checkRequested.emit()
        self.show_loading()
        if (
            self._page.url().isEmpty()
            or not self._page.origin
            or not self._page.origin.contains(qurl_text(self._page.url()))
        ):
            self._page.load(QUrl(self._url))
        else:
            self._page.triggerAction(QWebEnginePage.WebAction.Reload)

    def open_in_browser(self) -> None:
        if self._url and not QDesktopServices.openUrl(QUrl(self._url)):
            self.browserFailed.emit(self._url)

    def show_loading(self) -> None:
        """Show the dashboard area with a busy indicator (the board is starting or the page loading)."""
        self._set_charts_ready(False)
        self._stack.setCurrentWidget(self._view)
        self._progress.setRange(0, 0)
        self._progress.show()

    def show_error(self, text: str) -> None:
        """Replace the dashboard with an error panel: text's first line as heading, the rest below
        (say, TensorBoard's last lines), and a Restart button that emits restartRequested."""
        self._show_panel(text, restart=True)

    def show_not_responding(self, text: str) -> None:
        """The board runs but does not answer: text as in show_error, with Restart and Reload."""
        self._show_panel(text, restart=True, reload=True)

    @property
    def showing_error(self) -> bool:
        return self._stack.currentWidget() is self._error_panel

    def show_sync(self, text: str, tooltip: str = "", *, error: bool = False) -> None:
        """Say how the board's live sync goes, in the strip above the dashboard."""
        self._sync_strip.show_text(text, tooltip, error=error)

    def hide_sync(self) -> None:
        self._sync_strip.hide()

    @property
    def sync_text(self) -> str:
        """What the sync strip says ("" when it is hidden)."""
        return self._sync_strip.label.text() if not self._sync_strip.isHidden() else ""

    def data_changed(self) -> None:
        """The board's logs changed (the window's LogsWatch saw it): the page fetches its data again
        once the board has read them. TensorBoard's page would not by itself (its own auto-reload
        is off by default, and 30 s apart at best)."""
        self._data_refresh.changed()

    @property
    def page_loading(self) -> bool:
        return self._load_deadline.isActive()

    async def listed_runs(self) -> list[str]:
        """The run names the dashboard lists right now."""
        try:
            names = json.loads(await self._run_js(_LISTED_RUNS_JS) or "[]")
        except ValueError:
            return []
        return [str(name) for name in names] if isinstance(names, list) else []

    async def count_scalar_charts(self) -> int:
        """How many scalar charts the page has drawn right now."""
        return _parse_probe(await self._run_js(_PROBE_JS)).get("charts", 0)

    # -- loading and readiness --------------------------------------------------------------------

    def _on_load_started(self) -> None:
        self._load_deadline.start(self.LOAD_TIMEOUT_MS)
        self._set_charts_ready(False)
        self._poll_timer.stop()
        self._progress.setRange(0, 100)
        self._progress.setValue(0)
        self._progress.show()

    def _on_load_progress(self, percent: int) -> None:
        if self._progress.maximum() > 0:
            self._progress.setValue(percent)

    def _on_load_finished(self, ok: bool) -> None:
        self._load_deadline.stop()
        if not ok or self._stack.currentWidget() is not self._view:
            # A failed load shows Chromium's error page; the board's state tells the user why.
            self._progress.hide()
            return
        self._progress.setRange(0, 0)
        self._ready_deadline.start(self.READY_TIMEOUT_MS)
        self._poll_timer.start()
        self._probe()

    def _probe(self) -> None:
        if self._probe_in_flight:
            return
        self._probe_in_flight = True
        self._page.runJavaScript(_PROBE_JS, QWebEngineScript.ScriptWorldId.ApplicationWorld, self._on_probe)

    def _on_probe(self, answer: Any) -> None:
        self._probe_in_flight = False
        result = _parse_probe(answer)
        if not self._poll_timer.isActive():
            return
        if result.get("charts", 0) > 0 or result.get("empty") or result.get("others"):
            self._stop_waiting()
            self._set_charts_ready(True)

    def _give_up_waiting(self) -> None:
        self._stop_waiting()

    def _stop_waiting(self) -> None:
        self._poll_timer.stop()
        self._ready_deadline.stop()
        self._progress.hide()

    def _set_charts_ready(self, ready: bool) -> None:
        was_ready = self._charts_ready
        self._charts_ready = ready
        if ready and not was_ready:
            self.chartsReady.emit()

    # -- failures ---------------------------------------------------------------------------------

    def _on_render_process_terminated(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, exit_code: int
    ) -> None:
        self._stop_waiting()
        self._set_charts_ready(False)
        now = time.monotonic()
        self._crashes.append(now)
        if len(self._crashes) == self._crashes.maxlen and now - self._crashes[0] < self.CRASH_WINDOW_S:
            self._crashes.clear()
            self._show_panel(
                self.tr("The dashboard's page keeps crashing.")
                + "\n"
                + self.tr(
                    "Its renderer stopped {0} times within a minute (last: {1}, exit code {2})."
                ).format(self.MAX_CRASH_RELOADS, status.name, exit_code),
                restart=False,
            )
            return
        # Reloading from inside the signal handler would reuse the dying renderer.
        QTimer.singleShot(0, self, self.reload)

    def _on_load_timeout(self) -> None:
        if self._stack.currentWidget() is not self._view:
            return
        self._page.triggerAction(QWebEnginePage.WebAction.Stop)
        self.show_not_responding(
            self.tr("The dashboard did not load within {0} s.").format(self.LOAD_TIMEOUT_MS // 1000)
            + "\n"
            + self.tr("TensorBoard may be busy or hung: reload the page, or restart the board.")
        )
        self.checkRequested.emit()

    def _show_panel(self, text: str, *, restart: bool, reload: bool | None = None) -> None:
        self._stop_waiting()
        self._load_deadline.stop()
        self._set_charts_ready(False)
        self._error_panel.show_text(text, restart=restart, reload=not restart if reload is None else reload)
        self._stack.setCurrentWidget(self._error_panel)

    # -- visibility -------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._check_timer.start()
        self._data_refresh.shown()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._check_timer.stop()

    # -- JavaScript -------------------------------------------------------------------------------

    async def _run_js(self, script: str) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def done(result: Any) -> None:
            if not future.done():
                future.set_result(result)

        self._page.runJavaScript(script, QWebEngineScript.ScriptWorldId.ApplicationWorld, done)
        return await future
