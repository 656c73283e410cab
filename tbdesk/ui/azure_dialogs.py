"""The Azure dialogs: sign in (method and cloud; or again, to an account signed out of), the device
code to enter elsewhere, adding an Azure ML workspace from a config.json or by picking
subscription -> resource group -> workspace, and confirming that an account is to be removed.

Every dialog opens with `open()` or `show()`, never `exec()` (see tbdesk.ui.dialogs); each says
what it wants through a signal, and the window runs the work as a task. Lists read from Azure
load in asyncio tasks the dialog owns and cancels when it closes.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from tbdesk.azure.accounts import find_workspace_configs
from tbdesk.ui import dialogs
from tbdesk.ui.i18n import QT_TRANSLATE_NOOP
from tbdesk.ui.tasks import describe_error

if TYPE_CHECKING:
    from tbdesk.auth import DeviceCode, MethodStatus
    from tbdesk.azure.accounts import Account, WorkspaceEntry

T = TypeVar("T")

SIGN_IN_DIALOG_NAME = "azure-sign-in-dialog"
DEVICE_CODE_DIALOG_NAME = "azure-device-code-dialog"
ADD_WORKSPACE_DIALOG_NAME = "azure-add-workspace-dialog"
CONFIG_FILE_DIALOG_NAME = "azure-config-file-dialog"
REMOVE_ACCOUNT_DIALOG_NAME = "azure-remove-account-dialog"
DEFAULT_METHOD = "browser"
_ERROR_STYLE = "color: #c62828"
_WARNING_STYLE = (
    "QLabel { background: #fff8e1; border: 1px solid #f9a825; border-radius: 3px; padding: 6px; }"
)
# The sign-in methods in the window's words (tbdesk.azure.accounts.METHODS has the engine's).
_METHOD_LABELS = {
    "browser": QT_TRANSLATE_NOOP("SignInDialog", "Web browser"),
    "device_code": QT_TRANSLATE_NOOP("SignInDialog", "Device code (sign in on another device)"),
    "azure_cli": QT_TRANSLATE_NOOP("SignInDialog", "Azure CLI (az login)"),
    "service_principal": QT_TRANSLATE_NOOP("SignInDialog", "Service principal with a client secret"),
}


def method_label(method: str) -> str:
    from tbdesk.azure.accounts import METHODS

    return QCoreApplication.translate("SignInDialog", _METHOD_LABELS.get(method, METHODS.get(method, method)))


# What to do so that a service principal's secret can be kept, by platform.
_KEYRING_HELP = {
    "linux": QT_TRANSLATE_NOOP(
        "SignInDialog",
        "install a Secret Service, such as GNOME Keyring (the gnome-keyring package) or KDE Wallet,"
        " and have it running and unlocked in your session; if one already runs, check that the"
        " keyring configuration (PYTHON_KEYRING_BACKEND, keyringrc.cfg) does not choose another backend",
    ),
    "darwin": QT_TRANSLATE_NOOP(
        "SignInDialog",
        "let the keyring library use the macOS Keychain: check that the keyring configuration"
        " (PYTHON_KEYRING_BACKEND, keyringrc.cfg) does not turn it off or choose another backend",
    ),
    "win32": QT_TRANSLATE_NOOP(
        "SignInDialog",
        "let the keyring library use the Windows Credential Manager: check that the keyring"
        " configuration (PYTHON_KEYRING_BACKEND, keyringrc.cfg) does not turn it off or choose another"
        " backend",
    ),
}


@dataclass(frozen=True)
class SignInRequest:
    """What the sign-in dialog asked for. The secret is only handed on to the keyring layer."""

    name: str
    method: str
    cloud: str
    tenant_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    arm_endpoint: str | None = None  # custom endpoints: a private cloud (or a local emulator)
    authority_host: str | None = None
    account_id: str | None = None  # signing in again to this remembered account (not a new one)


class _Tasks:
    """The asyncio tasks of one dialog: results are shown only while the dialog lives."""

    def __init__(self, owner: QWidget) -> None:
        self._owner = owner
        self._tasks: list[asyncio.Task[Any]] = []

    def start(
        self,
        work: Callable[[], Awaitable[T]],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None],
    ) -> asyncio.Task[None]:
        async def run() -> None:
            try:
                result = await work()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if Shiboken.isValid(self._owner):
                    failed(error)
                return
            if Shiboken.isValid(self._owner):
                done(result)

        task = asyncio.ensure_future(run())
        self._tasks = [t for t in self._tasks if not t.done()] + [task]
        return task

    @property
    def busy(self) -> bool:
        return any(not task.done() for task in self._tasks)

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks = []


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet(_ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _note_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.hide()
    return label


def _line(name: str, placeholder: str, text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def _show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    if text and label.window() is not label:
        dialogs.fit(label.window())  # the dialog grows to show the whole message


# --- sign in ---------------------------------------------------------------------------------------
class SignInDialog(QDialog):
    """Choose how to sign in; `requested` carries a SignInRequest when the person clicks Sign in.

    Given `account` (one signed out of), the dialog signs in again to it: filled in as it was,
    and the request names it, so its remembered workspaces come back.

    `note` says what to expect of the chosen method (such as a token cache that cannot be kept);
    `keyring_note`, shown only when this system has no keyring that keeps secrets, says why the
    service principal method is disabled, which methods work, and what would enable it."""

    requested = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        methods: Sequence[MethodStatus] | None = None,
        *,
        account: Account | None = None,
    ) -> None:
        from tbdesk.azure.arm import CLOUDS

        super().__init__(parent)
        self.setObjectName(SIGN_IN_DIALOG_NAME)
        self.setWindowTitle(
            self.tr("Sign in to Azure") if account is None else self.tr("Sign in to Azure again")
        )
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.account_id = account.id if account is not None else None
        self._preferred = account.method if account is not None else DEFAULT_METHOD
        self.again = _note_label("sign-in-again")
        if account is not None:
            self.again.setText(
                self.tr(
                    "You signed out of {0}. Sign in again to read its workspaces:"
                    " tbdesk still remembers them."
                ).format(_html(account.name))
            )
            self.again.show()
        self.keyring_note = _note_label("keyring-note")
        self.keyring_note.setStyleSheet(_WARNING_STYLE)
        self.name = _line("account-name", self.tr("how the tree names this account"), "Azure")
        self.method = QComboBox()
        self.method.setObjectName("method")
        self.note = QLabel(self.tr("Checking which sign-in methods this computer offers…"))
        self.note.setObjectName("method-note")
        self.note.setWordWrap(True)
        self.cloud = QComboBox()
        self.cloud.setObjectName("cloud")
        self.cloud.addItems(list(CLOUDS))
        self.tenant = _line("tenant", self.tr("optional: your organisation's tenant id or domain"))
        self.client_id = _line("client-id", self.tr("the application (client) id"))
        self.secret = _line("client-secret", self.tr("kept only in the system keyring"))
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.custom = QCheckBox(self.tr("Custom endpoints (a private cloud)"))
        self.custom.setObjectName("custom-endpoints")
        self.arm_endpoint = _line("arm-endpoint", "https://management.example.com/")
        self.authority = _line("authority", "https://login.example.com")
        self.error = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.addButton(
            self.tr("Sign in"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._form = self._lay_out()
        self._statuses: dict[str, MethodStatus] = {}
        self.method.currentIndexChanged.connect(self._method_changed)
        self.custom.toggled.connect(self._custom_toggled)
        self._custom_toggled(False)
        if account is not None:
            self._fill_in(account)
        self.set_methods(methods)

    def _lay_out(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow(self.tr("Account name"), self.name)
        form.addRow(self.tr("Sign in with"), self.method)
        form.addRow("", self.note)
        form.addRow(self.tr("Cloud"), self.cloud)
        form.addRow(self.tr("Tenant"), self.tenant)
        form.addRow(self.tr("Client id"), self.client_id)
        form.addRow(self.tr("Client secret"), self.secret)
        form.addRow("", self.custom)
        form.addRow(self.tr("Resource Manager"), self.arm_endpoint)
        form.addRow(self.tr("Sign-in authority"), self.authority)
        layout = QVBoxLayout(self)
        layout.addWidget(self.again)
        layout.addWidget(self.keyring_note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        return form

    def _fill_in(self, account: Account) -> None:
        self.name.setText(account.name)
        self.cloud.setCurrentText(account.cloud)
        self.tenant.setText(account.tenant_id or "")
        self.client_id.setText(account.client_id or "")
        self.arm_endpoint.setText(account.arm_endpoint or "")
        self.authority.setText(account.authority_host or "")
        self.custom.setChecked(bool(account.arm_endpoint or account.authority_host))

    def set_methods(self, methods: Sequence[MethodStatus] | None) -> None:
        """Offer the sign-in methods; those this computer cannot use show disabled, saying why.
        None: not known yet (all are listed, and the note says they are being checked)."""
        from tbdesk.azure.accounts import METHODS

        self._statuses = {status.method: status for status in methods or ()}
        chosen = self.method.currentData() or self._preferred
        self.method.blockSignals(True)
        self.method.clear()
        for method in METHODS:
            self.method.addItem(method_label(method), method)
        model = self.method.model()
        assert isinstance(model, QStandardItemModel)
        for row in range(self.method.count()):
            status = self._statuses.get(self.method.itemData(row))
            item = model.item(row)
            if status is not None and item is not None:
                item.setEnabled(status.available)
                item.setToolTip(status.note)
        usable = [row for row in range(self.method.count()) if model.item(row).isEnabled()]
        row = self.method.findData(chosen)
        self.method.setCurrentIndex(row if row in usable else (usable[0] if usable else 0))
        self.method.blockSignals(False)
        self._show_keyring_note()
        self._method_changed()

    def _show_keyring_note(self) -> None:
        """Without a keyring that keeps secrets, say so where it is seen, not in a disabled item's
        tooltip: what cannot be done, which methods work instead, and how to enable it."""
        status = self._statuses.get("service_principal")
        if status is None or status.available:
            self.keyring_note.hide()
            self.keyring_note.clear()
            return
        usable = [method_label(each.method) for each in self._statuses.values() if each.available]
        works = (
            self.tr("These sign-in methods work here, as they store no secret: {0}.").format(
                _and_list(usable)
            )
            if usable
            else self.tr("No other sign-in method works here either.")
        )
        helps = self.tr(_KEYRING_HELP.get(sys.platform, _KEYRING_HELP["linux"]))
        self.keyring_note.setText(
            self.tr(
                "<b>Secrets cannot be stored on this system</b>, so a service principal cannot be used:"
                " its client secret may only be kept in a system keyring (such as the Secret Service),"
                " and none is usable. {0}<br>{1}<br>To use a service principal, {2}, then open this"
                " dialog again."
            ).format(_html(status.note), _html(works), _html(helps))
        )
        self.keyring_note.show()

    def choose(self, method: str) -> None:
        self.method.setCurrentIndex(self.method.findData(method))

    def request(self) -> SignInRequest:
        """The request as filled in; ValueError says what is missing."""
        name = self.name.text().strip()
        method = str(self.method.currentData() or DEFAULT_METHOD)
        status = self._statuses.get(method)
        if not name:
            raise ValueError(self.tr("Give the account a name (it is how the tree shows it)."))
        if status is not None and not status.available:
            raise ValueError(status.note)
        tenant = self.tenant.text().strip() or None
        client_id = self.client_id.text().strip() or None
        secret = self.secret.text() or None
        custom = self.custom.isChecked()
        endpoints = {
            "arm_endpoint": (self.arm_endpoint.text().strip() or None) if custom else None,
            "authority_host": (self.authority.text().strip() or None) if custom else None,
        }
        if method == "service_principal":
            if not (tenant and client_id and secret):
                raise ValueError(
                    self.tr("A service principal needs its tenant, its client id and a client secret.")
                )
            return SignInRequest(
                name,
                method,
                self.cloud.currentText(),
                tenant,
                client_id,
                secret,
                **endpoints,
                account_id=self.account_id,
            )
        return SignInRequest(
            name,
            method,
            self.cloud.currentText(),
            tenant,
            None,
            None,
            **endpoints,
            account_id=self.account_id,
        )

    def accept(self) -> None:
        try:
            request = self.request()
        except ValueError as error:
            _show_error(self.error, str(error))
            return
        self.requested.emit(request)
        super().accept()

    def _custom_toggled(self, on: bool) -> None:
        for widget in (self.arm_endpoint, self.authority):
            widget.setVisible(on)
            label = self._form.labelForField(widget)
            if label is not None:
                label.setVisible(on)
        dialogs.fit(self)

    def _method_changed(self, *_: object) -> None:
        method = self.method.currentData()
        status = self._statuses.get(method)
        if status is not None:
            self.note.setText(status.note)
        elif self._statuses:
            self.note.setText("")
        principal = method == "service_principal"
        for widget in (self.client_id, self.secret):
            widget.setVisible(principal)
            label = self._form.labelForField(widget)
            if label is not None:
                label.setVisible(principal)
        self.tenant.setPlaceholderText(
            self.tr("your organisation's tenant id or domain")
            if principal
            else self.tr("optional: your organisation's tenant")
        )
        _show_error(self.error, "")
        dialogs.fit(self)


# --- device code -----------------------------------------------------------------------------------
class DeviceCodeDialog(QDialog):
    """The code to enter at the sign-in page on any device; Cancel (`cancelled`) stops the sign-in."""

    cancelled = Signal()

    def __init__(self, code: DeviceCode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(DEVICE_CODE_DIALOG_NAME)
        self.setWindowTitle(self.tr("Sign in to Azure with a code"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.device_code = code
        intro = QLabel(
            self.tr('Open <a href="{0}">{1}</a> on this or any other device, and enter this code:').format(
                _attr(code.url), _html(code.url)
            )
        )
        intro.setOpenExternalLinks(False)
        intro.linkActivated.connect(lambda _: self.open_browser())
        intro.setWordWrap(True)
        self.code = QLabel(code.code)
        self.code.setObjectName("device-code")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(max(font.pointSize(), 10) * 2)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        expires = code.expires_on.astimezone().strftime("%H:%M")
        waiting = QLabel(
            self.tr("tbdesk waits for you to finish there. The code works until {0}.").format(expires)
        )
        waiting.setWordWrap(True)
        self.copy_button = QPushButton(self.tr("Copy code"))
        self.copy_button.setObjectName("copy-code")
        self.copy_button.clicked.connect(self.copy_code)
        self.browser_button = QPushButton(self.tr("Open browser"))
        self.browser_button.setObjectName("open-browser")
        self.browser_button.clicked.connect(self.open_browser)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addWidget(self.browser_button)
        row.addStretch(1)
        row.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.code)
        layout.addWidget(waiting)
        layout.addLayout(row)
        self.rejected.connect(self.cancelled)

    def copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.device_code.code)
        self.copy_button.setText(self.tr("Copied"))

    def open_browser(self) -> bool:
        return QDesktopServices.openUrl(QUrl(self.device_code.url))

    def finish(self) -> None:
        """The sign-in ended (either way): close without cancelling it."""
        self.rejected.disconnect(self.cancelled)
        self.close()


# --- add a workspace -------------------------------------------------------------------------------
class AddWorkspaceDialog(QDialog):
    """Pick a workspace for an account; `chosen` carries the WorkspaceEntry on Add.

    `credential_of(account)` gives the credential the pickers read Resource Manager's lists with
    (called in a worker thread: it may read the keyring).
    """

    chosen = Signal(object)

    CONFIG_TAB, PICK_TAB = 0, 1

    def __init__(
        self,
        accounts: Sequence[Account],
        credential_of: Callable[[Account], Any],
        parent: QWidget | None = None,
        *,
        account_id: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(ADD_WORKSPACE_DIALOG_NAME)
        self.setWindowTitle(self.tr("Add an Azure ML workspace"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(560, 440)
        self._accounts = list(accounts)
        self._credential_of = credential_of
        self._tasks = _Tasks(self)
        self._lists: dict[str, asyncio.Task[None]] = {}

        self.account = QComboBox()
        self.account.setObjectName("account")
        for account in self._accounts:
            label = f"{account.name} ({account.username})" if account.username else account.name
            self.account.addItem(label, account.id)
        if account_id is not None and self.account.findData(account_id) >= 0:
            self.account.setCurrentIndex(self.account.findData(account_id))

        self.config_path = QLineEdit()
        self.found = QLabel()  # a config.json found where tbdesk was started, once looked for
        self.found.setObjectName("found-config")
        self.found.hide()
        self.subscriptions = QListWidget()
        self.groups = QListWidget()
        self.workspaces = QListWidget()
        self.list_status = QLabel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._config_tab(), self.tr("From a config.json"))
        self.tabs.addTab(self._pick_tab(), self.tr("From your subscriptions"))
        self.error = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton(self.tr("Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Account"), self.account)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.tabs.currentChanged.connect(self._tab_changed)
        self.account.currentIndexChanged.connect(self._account_changed)
        self.subscriptions.currentItemChanged.connect(self._subscription_changed)
        self.groups.currentItemChanged.connect(self._group_changed)
        self.finished.connect(self._tasks.cancel)
        # As Workspace.from_config() looks (folders up to the root: maybe slow), off the UI thread.
        self._tasks.start(
            lambda: asyncio.to_thread(find_workspace_configs, Path.cwd()), self._show_found, lambda _: None
        )

    def _config_tab(self) -> QWidget:
        self.config_path.setObjectName("config-path")
        self.config_path.setPlaceholderText(
            self.tr("config.json downloaded from the workspace's page in the portal")
        )
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.config_path, 1)
        path_row.addWidget(browse)
        config_tab = QWidget()
        config_layout = QVBoxLayout(config_tab)
        config_layout.addWidget(
            QLabel(self.tr("The workspace's config.json (as Workspace.from_config() reads it):"))
        )
        config_layout.addLayout(path_row)
        config_layout.addWidget(self.found)
        config_layout.addStretch(1)
        return config_tab

    def _show_found(self, found: Sequence[tuple[Path, Any]]) -> None:
        """Offer the nearest config.json found (unless the person typed one meanwhile)."""
        if not found:
            return
        path = found[0][0]
        if not self.config_path.text():
            self.config_path.setText(str(path))
        self.found.setText(self.tr("Found {0}.").format(path))
        self.found.show()

    def _pick_tab(self) -> QWidget:
        self.subscriptions.setObjectName("subscriptions")
        self.groups.setObjectName("resource-groups")
        self.workspaces.setObjectName("workspaces")
        self.list_status.setObjectName("list-status")
        self.list_status.setWordWrap(True)
        lists = QHBoxLayout()
        for title, widget in (
            (self.tr("Subscription"), self.subscriptions),
            (self.tr("Resource group"), self.groups),
            (self.tr("Workspace"), self.workspaces),
        ):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(widget)
            lists.addLayout(column)
        pick_tab = QWidget()
        pick_layout = QVBoxLayout(pick_tab)
        pick_layout.addLayout(lists)
        pick_layout.addWidget(self.list_status)
        return pick_tab

    @property
    def busy(self) -> bool:
        return self._tasks.busy

    def current_account(self) -> Account | None:
        wanted = self.account.currentData()
        return next((account for account in self._accounts if account.id == wanted), None)

    def browse(self) -> QFileDialog:
        start = self.config_path.text().strip()
        dialog = QFileDialog(
            self, self.tr("Choose the workspace's config.json"), str(Path(start).parent) if start else ""
        )
        dialog.setObjectName(CONFIG_FILE_DIALOG_NAME)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([self.tr("Workspace configuration (*.json)"), self.tr("All files (*)")])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self.config_path.setText(path) if path else None)
        dialog.open()
        return dialog

    def entry(self) -> WorkspaceEntry:
        """The workspace as chosen; AzureError (or ValueError) says what is wrong."""
        from tbdesk.azure.accounts import WorkspaceEntry

        account = self.current_account()
        if account is None:
            raise ValueError(self.tr("Sign in to Azure first: File > Sign in to Azure…"))
        if self.tabs.currentIndex() == self.CONFIG_TAB:
            text = self.config_path.text().strip()
            if not text:
                raise ValueError(self.tr("Choose the workspace's config.json."))
            return WorkspaceEntry.from_config(account.id, Path(text).expanduser())
        item = self.workspaces.currentItem()
        info = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if info is None:
            raise ValueError(self.tr("Pick a subscription, a resource group and a workspace."))
        return WorkspaceEntry.from_info(account.id, info)

    def accept(self) -> None:
        from tbdesk.azure.errors import AzureError

        try:
            entry = self.entry()
        except (AzureError, ValueError) as error:
            _show_error(self.error, str(error))
            return
        self.chosen.emit(entry)
        super().accept()

    # --- the pickers ---------------------------------------------------------------------------
    def load_subscriptions(self) -> None:
        from tbdesk.azure.arm import list_subscriptions

        account = self.current_account()
        self._clear(self.subscriptions, self.groups, self.workspaces)
        if account is None:
            return
        self._load(
            "subscriptions",
            lambda credential: list_subscriptions(credential, account.endpoints),
            self.subscriptions,
            lambda sub: f"{sub.name}  ({sub.id})" if sub.name != sub.id else sub.id,
            self.tr("subscriptions"),
        )

    def _subscription_changed(self, item: QListWidgetItem | None, *_: object) -> None:
        from tbdesk.azure.arm import list_resource_groups

        self._clear(self.groups, self.workspaces)
        account, sub = self.current_account(), item.data(Qt.ItemDataRole.UserRole) if item else None
        if account is None or sub is None:
            return
        self._load(
            "groups",
            lambda credential: list_resource_groups(credential, account.endpoints, sub.id),
            self.groups,
            lambda group: group.name,
            self.tr("resource groups in {0}").format(sub.name),
        )

    def _group_changed(self, item: QListWidgetItem | None, *_: object) -> None:
        from tbdesk.azure.arm import list_workspaces

        self._clear(self.workspaces)
        sub_item = self.subscriptions.currentItem()
        account = self.current_account()
        sub = sub_item.data(Qt.ItemDataRole.UserRole) if sub_item else None
        group = item.data(Qt.ItemDataRole.UserRole) if item else None
        if account is None or sub is None or group is None:
            return
        self._load(
            "workspaces",
            lambda credential: list_workspaces(credential, account.endpoints, sub.id, group.name),
            self.workspaces,
            _workspace_label,
            self.tr("Azure ML workspaces in {0}").format(group.name),
        )

    def _load(
        self,
        key: str,
        work: Callable[[Any], Awaitable[Sequence[Any]]],
        target: QListWidget,
        label: Callable[[Any], str],
        what: str,
    ) -> None:
        account = self.current_account()
        if account is None:
            return
        previous = self._lists.pop(key, None)
        if previous is not None:
            previous.cancel()
        self.list_status.setStyleSheet("")
        self.list_status.setText(self.tr("Loading {0}…").format(what))

        async def load() -> Sequence[Any]:
            # Making a credential may read the keyring: not on the UI thread.
            credential = await asyncio.to_thread(self._credential_of, account)
            return await work(credential)

        def done(items: Sequence[Any]) -> None:
            target.clear()
            for value in items:
                entry = QListWidgetItem(label(value))
                entry.setData(Qt.ItemDataRole.UserRole, value)
                target.addItem(entry)
            self.list_status.setText(self.tr("No {0}.").format(what) if not items else "")

        def failed(error: BaseException) -> None:
            self.list_status.setStyleSheet(_ERROR_STYLE)
            self.list_status.setText(
                self.tr("Could not list the {0}: {1}").format(what, describe_error(error)[0])
            )

        self._lists[key] = self._tasks.start(load, done, failed)

    def _clear(self, *lists: QListWidget) -> None:
        for each in lists:
            each.clear()

    def _tab_changed(self, index: int) -> None:
        _show_error(self.error, "")
        loading = self._lists.get("subscriptions")
        if index == self.PICK_TAB and self.subscriptions.count() == 0 and (loading is None or loading.done()):
            self.load_subscriptions()  # again after a failure: switching tabs is the retry

    def _account_changed(self, *_: object) -> None:
        self._lists.clear()
        self._tasks.cancel()
        self._clear(self.subscriptions, self.groups, self.workspaces)
        if self.tabs.currentIndex() == self.PICK_TAB:
            self.load_subscriptions()


# --- remove an account ------------------------------------------------------------------------------
class RemoveAccountDialog(QMessageBox):
    """Asks before an account is removed with its workspaces; `confirmed` when the person agrees.
    Cancel is the default: removing makes the person add every workspace again later."""

    confirmed = Signal()

    def __init__(
        self, account: Account, workspaces: Sequence[WorkspaceEntry], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(REMOVE_ACCOUNT_DIALOG_NAME)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Remove Azure account"))
        self.setTextFormat(Qt.TextFormat.PlainText)
        count = len(workspaces)
        if count:
            names = ", ".join(entry.workspace_name for entry in workspaces)
            self.setText(
                self.tr("Remove the Azure account {0} and its %n workspaces?", "", count).format(account.name)
            )
            self.setInformativeText(
                self.tr(
                    "tbdesk signs out of it (forgetting its client secret and its tokens) and forgets its"
                    " %n workspaces ({0}): to read them again you would sign in and add each one again."
                    " Nothing changes in Azure. To sign out and keep the workspaces, use Sign out.",
                    "",
                    count,
                ).format(names)
            )
        else:
            self.setText(self.tr("Remove the Azure account {0}?").format(account.name))
            self.setInformativeText(
                self.tr(
                    "tbdesk signs out of it (forgetting its client secret and its tokens) and forgets the"
                    " account. Nothing changes in Azure."
                )
            )
        self.remove_button = self.addButton(self.tr("Remove account"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(cancel)
        self.setEscapeButton(cancel)
        self.remove_button.clicked.connect(self.confirmed)


def _and_list(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) == 1:
        return items[0]
    return QCoreApplication.translate("SignInDialog", "{0} and {1}").format(", ".join(items[:-1]), items[-1])


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _html(text).replace('"', "&quot;")


def _workspace_label(info: Any) -> str:
    friendly = info.friendly_name
    return f"{info.name}  ({friendly})" if friendly and friendly != info.name else str(info.name)
