"""What the window does with the sources in the tree: open and close folders of logs, and the Azure ML
accounts and workspaces selected in the tree (sign in, add and remove workspaces, sign in again, sign
out). The Azure work itself is tbdesk.ui.azure_actions'; this module finds what it applies to.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from tbdesk.auth.secret_store import store_secret
from tbdesk.azure.datastores import Datastore
from tbdesk.sources.cloud import CloudFolderSource
from tbdesk.sources.cloud_access import CloudURL, parse_url
from tbdesk.sources.logdir import LogFolderSource
from tbdesk.ui import dialogs
from tbdesk.ui.azure_actions import account_title, is_azure
from tbdesk.ui.cloud_dialog import CloudFolderDialog
from tbdesk.ui.tree_nodes import Kind, Node

if TYPE_CHECKING:
    from tbdesk.azure.accounts import Account
    from tbdesk.ui.main_window import MainWindow


_FOLDERS = (LogFolderSource, CloudFolderSource)  # what Close folder closes


class SourceActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.open_folder_action = window.new_action(
            self.tr("Open logs folder…"), self.ask_log_folder, "Ctrl+O"
        )
        self.open_cloud_action = window.new_action(self.tr("Open cloud folder…"), self.ask_cloud_folder)
        self.close_folder_action = window.new_action(self.tr("Close folder"), self.close_selected_folder)
        self.sign_in_action = window.new_action(self.tr("Sign in to Azure…"), window.azure.ask_sign_in)
        self.add_workspace_action = window.new_action(self.tr("Add Azure ML workspace…"), self.add_workspace)
        self.remove_workspace_action = window.new_action(
            self.tr("Remove workspace"), self.remove_selected_workspaces
        )
        self.sign_in_again_action = window.new_action(self.tr("Sign in again"), self.sign_in_selected_again)

    def update_actions(self) -> None:
        """Enable what fits the tree's selection."""
        self.remove_workspace_action.setEnabled(bool(self.selected_workspaces()))
        self.close_folder_action.setEnabled(
            any(
                node.kind is Kind.SOURCE and isinstance(node.source, _FOLDERS)
                for node in self._window.tree.selected_nodes()
            )
        )

    # --- folders of logs -----------------------------------------------------------------------
    def ask_log_folder(self) -> QFileDialog:
        return self._window.ask_folder(self.tr("Open logs folder"), "open-folder-dialog", self.add_log_folder)

    def add_log_folder(self, path: Path | str) -> None:
        folder = Path(path)
        if not folder.is_dir():
            dialogs.show_error(
                self._window,
                self.tr("Open logs folder failed"),
                self.tr("{0} is not a folder.").format(folder),
            )
            return
        index = self._window.tree_model.add_source(LogFolderSource(folder))
        self._window.tree.expand(index)
        self._window.tree.setCurrentIndex(index)

    def ask_cloud_folder(self) -> CloudFolderDialog:
        settings = self._window.settings
        signed_in = [a for a in self._window.azure.accounts() if not a.signed_out]
        dialog = CloudFolderDialog(
            self._window,
            settings.recent_cloud_urls(),
            self.add_cloud_folder,
            [(account.id, account_title(account)) for account in signed_in],
            settings.cloud_account,
        )
        dialog.open()
        return dialog

    def add_cloud_folder(self, url: CloudURL, secret: str | None = None, account: str | None = None) -> None:
        """Show a cloud folder in the tree (remembered among the recent ones, with the Azure
        account that reads it: None, automatic); a secret given goes to the keyring, for this
        folder's account or bucket."""
        if secret:
            try:
                store_secret(url.secret_id, secret)
            except Exception as error:  # no secure keyring: say so, keep nothing in plain text
                dialogs.show_error(self._window, "Open cloud folder failed", str(error))
                return
        self._window.settings.add_recent_cloud_url(url.text)
        self._window.settings.set_cloud_account(url.text, account)
        model = self._window.tree_model
        source = CloudFolderSource(url, account=account)
        shown = model.node(model.source_index(source.id))
        if (
            shown is not None
            and isinstance(shown.source, CloudFolderSource)
            and shown.source.account != account
        ):
            model.remove_source(source.id)  # shown read by another account: read it anew by this one
        index = model.add_source(source)
        self._window.tree.expand(index)
        self._window.tree.setCurrentIndex(index)

    def open_datastore(self, store: Datastore, workspace_id: str) -> None:
        """An Azure ML datastore opened from the tree: its container as a cloud folder, read with
        the identity of the account of its workspace (source id workspace_id); one that needs
        keys says why not instead."""
        problem = store.problem
        if problem is None and store.url is not None:
            self.add_cloud_folder(parse_url(store.url), account=self._window.azure.account_of(workspace_id))
        else:
            title = self.tr("Cannot open the datastore {name}").format(name=store.name)
            dialogs.show_error(self._window, title, problem or "")

    def close_selected_folder(self) -> None:
        for node in self._window.tree.selected_nodes():
            if node.kind is Kind.SOURCE and isinstance(node.source, _FOLDERS):
                self._window.tree_model.remove_source(node.source.id)

    # --- Azure ---------------------------------------------------------------------------------
    def add_workspace(self) -> QWidget:
        """Add Azure ML workspace…, for the account selected in the tree (if one is)."""
        accounts = [_account_of(node) for node in self._window.tree.selected_nodes()]
        return self._window.azure.ask_add_workspace(next((a for a in accounts if a is not None), None))

    def remove_selected_workspaces(self) -> None:
        for node in self.selected_workspaces():
            if node.source is not None:
                self._window.azure.remove_workspace(node.source.id)

    def sign_in_selected_again(self) -> None:
        for account in dict.fromkeys(_account_of(node) for node in self._window.tree.selected_nodes()):
            if account is not None:
                self._window.azure.sign_in_again(account)

    def sign_in_for_source(self, source_id: str) -> None:
        account = self._window.azure.account_of(source_id)
        if account is not None:
            self._window.azure.sign_in_again(account)

    def selected_workspaces(self) -> list[Node]:
        return [
            node
            for node in self._window.tree.selected_nodes()
            if node.kind is Kind.SOURCE and is_azure(node.source)
        ]

    def selected_accounts(self) -> list[str]:
        return [node.account for node in self._window.tree.selected_nodes() if node.account is not None]

    def fill_sign_out_menu(self, menu: QMenu) -> None:
        """A Sign out entry per signed-in account."""
        azure = self._window.azure
        self._fill_account_menu(
            menu, [a for a in azure.accounts() if not a.signed_out], azure.sign_out, self.tr("Not signed in")
        )

    def fill_remove_account_menu(self, menu: QMenu) -> None:
        """A Remove entry per account (each asks first)."""
        azure = self._window.azure
        self._fill_account_menu(menu, azure.accounts(), azure.ask_remove_account, self.tr("No Azure account"))

    @staticmethod
    def _fill_account_menu(
        menu: QMenu, accounts: list[Account], act_on: Callable[[str], object], none: str
    ) -> None:
        menu.clear()
        for account in accounts:
            act = menu.addAction(account_title(account))
            act.triggered.connect(lambda _=False, account_id=account.id: act_on(account_id))
        if not accounts:
            menu.addAction(none).setEnabled(False)


def _account_of(node: Node) -> str | None:
    """The Azure account a node belongs to (an account, one of its workspaces, or below)."""
    while node.parent is not None and node.kind is not Kind.ACCOUNT:
        node = node.parent
    return node.account if node.kind is Kind.ACCOUNT else None
