"""What the window does with Azure: accounts and their workspaces in the tree (remembered across
launches by tbdesk.azure.accounts), signing in and out, adding and removing workspaces and
accounts, and opening a run in Azure ML studio.

Signing out forgets the account's secret and tokens but keeps its workspaces: the account stays
in the tree, signed out, and its workspaces say so (activating that row, or Sign in again, opens
the sign-in dialog for the account, and signing in brings them back). An account signed out of
with no workspaces left has nothing to keep and is forgotten. Removing an account (after asking)
signs out and forgets it with its workspaces.

Nothing Azure is imported until there is something Azure to show: a window without accounts
starts as fast as before. Sign-ins and lists run as tasks of the window's task runner (progress,
cancel, clear errors); a device code is shown in the app while the sign-in waits for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QUrl
from PySide6.QtGui import QDesktopServices
from shiboken6 import Shiboken

from tbdesk import paths
from tbdesk.azure.errors import SignedOutError
from tbdesk.model import Experiment, Metric, Run, RunFile
from tbdesk.sources.base import Source, SourceError
from tbdesk.sources.cloud import CloudFolderSource
from tbdesk.ui.locale_text import counts
from tbdesk.ui.tasks import describe_error

if TYPE_CHECKING:
    from tbdesk.auth import DeviceCode
    from tbdesk.azure.accounts import Account, AccountStore, WorkspaceEntry
    from tbdesk.ui.azure_dialogs import (
        AddWorkspaceDialog,
        DeviceCodeDialog,
        RemoveAccountDialog,
        SignInDialog,
        SignInRequest,
    )
    from tbdesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)

ACCOUNTS_FILE = "azure.json"  # tbdesk.azure.accounts.FILE_NAME, named here to avoid importing it


def is_azure(source: Source | None) -> bool:
    return source is not None and source.id.startswith("azureml:")


def account_title(account: Account) -> str:
    return f"{account.name} ({account.username})" if account.username else account.name


def tree_title(account: Account) -> str:
    """How the tree shows an account: a signed-out one says so."""
    if account.signed_out:
        return QCoreApplication.translate("AzureActions", "{0} — signed out").format(account_title(account))
    return account_title(account)


class AzureActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._store: AccountStore | None = None
        self.device_code_dialog: DeviceCodeDialog | None = None

    @property
    def store(self) -> AccountStore:
        if self._store is None:
            from tbdesk.azure.accounts import AccountStore

            self._store = AccountStore()
        return self._store

    def accounts(self) -> list[Account]:
        if self._store is None and not (paths.config_dir() / ACCOUNTS_FILE).exists():
            return []
        return self.store.accounts

    # --- the tree ------------------------------------------------------------------------------
    def restore(self) -> None:
        """Show the remembered accounts and workspaces (no network, no keyring: each workspace
        makes its credential and connects when it is expanded, in a worker thread)."""
        if not self.accounts():
            if self._store is not None and self._store.problem:
                self._window.statusBar().showMessage(self._store.problem)
            return
        store = self.store
        if store.problem:
            self._window.statusBar().showMessage(store.problem)
        for account in store.accounts:
            self._show_account(account)
        for entry in store.workspaces:
            self._show_workspace(entry)

    def _show_account(self, account: Account) -> QModelIndex:
        from tbdesk.ui.azure_dialogs import method_label

        tooltip = f"{method_label(account.method)}, {account.cloud}"
        if account.signed_out:
            tooltip = self.tr("{0}. Signed out: sign in again to read its workspaces.").format(tooltip)
        return self._window.tree_model.add_account(account.id, tree_title(account), tooltip)

    def _show_workspace(self, entry: WorkspaceEntry) -> QModelIndex:
        from tbdesk.sources import open_source

        try:
            source = open_source(entry.source_id)
        except SourceError as error:  # e.g. azure.json lost it meanwhile: the tree says so under it
            source = _Unavailable(entry, error)
        return self._window.tree_model.add_source(source, account=entry.account_id)

    def _reopen_workspaces(self, account_id: str, *, read: bool = True) -> None:
        """Sources made anew with the account's credential of now (after signing in again: those
        that were expanded are read again; after signing out, `read` False: they show collapsed,
        and say they are signed out when expanded)."""
        model = self._window.tree_model
        keep = self._window.tree.expanded_keys()
        for entry in self.store.workspaces_of(account_id):
            index = model.source_index(entry.source_id)
            node = model.node(index)
            if node is not None:
                _close(node.source)
                model.remove_source(entry.source_id)
            self._show_workspace(entry)
        index = model.account_index(account_id)
        if index.isValid() and read:
            model.refresh(keep, index)

    # --- sign in and out -----------------------------------------------------------------------
    def ask_sign_in(self) -> SignInDialog:
        """The sign-in dialog, for a new account."""
        return self._sign_in_dialog(None)

    def ask_sign_in_again(self, account_id: str) -> SignInDialog:
        """The sign-in dialog for an account signed out of, filled in as it was: signing in
        brings its remembered workspaces back (a service principal's secret is asked again)."""
        return self._sign_in_dialog(self.store.account(account_id))

    def _sign_in_dialog(self, account: Account | None) -> SignInDialog:
        from tbdesk.ui.azure_dialogs import SignInDialog

        dialog = SignInDialog(self._window, account=account)
        dialog.requested.connect(self.sign_in)
        dialog.open()

        async def methods() -> Any:
            from tbdesk.auth import sign_in_methods

            return await asyncio.to_thread(sign_in_methods)

        def show(task: asyncio.Task[Any]) -> None:
            if not Shiboken.isValid(dialog) or task.cancelled():
                return
            error = task.exception()
            if error is None:
                dialog.set_methods(task.result())
            else:  # the methods stay offered; signing in will say what is wrong
                dialog.note.setText(
                    self.tr("Could not check the sign-in methods: {0}").format(describe_error(error)[0])
                )

        asyncio.ensure_future(methods()).add_done_callback(show)
        return dialog

    def sign_in(self, request: SignInRequest) -> asyncio.Task[Account]:
        if request.account_id is not None:
            return self._window.tasks.run(
                self._sign_in_returning(request),
                self.tr("Signing in to Azure as {0}").format(request.name),
                on_success=self._signed_in_again,
                done_text=lambda account: self.tr("Signed in to Azure as {0}").format(account_title(account)),
            )
        return self._window.tasks.run(
            self._sign_in_new(request),
            self.tr("Signing in to Azure as {0}").format(request.name),
            on_success=self._signed_in,
            done_text=lambda account: self.tr("Signed in to Azure as {0}").format(account_title(account)),
        )

    async def _sign_in_new(self, request: SignInRequest) -> Account:
        from tbdesk.auth import add_account, sign_out
        from tbdesk.azure.accounts import Account

        account = Account.new(
            request.name,
            request.method,
            request.cloud,
            tenant_id=request.tenant_id,
            client_id=request.client_id,
            arm_endpoint=request.arm_endpoint,
            authority_host=request.authority_host,
        )
        store = self.store
        # A secret goes to the keyring (it may talk to a keyring daemon): not on the UI thread.
        account = await asyncio.to_thread(add_account, store, account, client_secret=request.client_secret)
        try:
            return await self._sign_in(account)
        except BaseException:
            try:  # a failed first sign-in leaves nothing behind (the sign-in's error is the one to show)
                await asyncio.shield(sign_out(store, account.id))
            except Exception:
                log.exception("Forgetting the account %s after its failed sign-in failed", account.id)
            raise

    async def _sign_in_returning(self, request: SignInRequest) -> Account:
        """Sign in again to an account signed out of, as the dialog now says (its workspaces stay
        its own whatever happens; a failed sign-in leaves it signed out, its secret forgotten)."""
        from tbdesk.auth import add_account, sign_out

        assert request.account_id is not None
        store = self.store
        known = store.account(request.account_id)
        account = dataclasses.replace(
            known,
            name=request.name,
            method=request.method,
            cloud=request.cloud,
            tenant_id=request.tenant_id,
            client_id=request.client_id,
            arm_endpoint=request.arm_endpoint,
            authority_host=request.authority_host,
            username=known.username if request.method == known.method else None,
        )
        account = await asyncio.to_thread(add_account, store, account, client_secret=request.client_secret)
        try:
            return await self._sign_in(account)
        except BaseException:
            try:
                await asyncio.shield(sign_out(store, account.id, keep_account=True))
            except Exception:
                log.exception("Forgetting the secret of %s after its failed sign-in failed", account.id)
            raise

    def _signed_in_again(self, account: Account | None) -> None:
        if account is None:  # the sign-in dialog took over
            return
        self._show_account(account)
        self._reopen_workspaces(account.id)
        model = self._window.tree_model
        keep = self._window.tree.expanded_keys()
        for source in model.sources():  # the cloud folders it reads (datastores...) read again too
            if isinstance(source, CloudFolderSource) and source.account == account.id:
                model.refresh(keep, model.source_index(source.id))

    def sign_in_again(self, account_id: str) -> asyncio.Task[Account | None] | SignInDialog:
        """Sign the account in again: at once when its sign-in only expired; through the sign-in
        dialog when the person signed out of it, or when what it signs in with is gone (a service
        principal's secret the keyring lost)."""
        account = self.store.account(account_id)
        if account.signed_out:
            return self.ask_sign_in_again(account_id)
        return self._window.tasks.run(
            self._sign_in_or_ask(account),
            self.tr("Signing in to Azure as {0}").format(account.name),
            on_success=self._signed_in_again,
            done_text=lambda signed_in: (
                self.tr("Signed in to Azure as {0}").format(account_title(signed_in))
                if signed_in
                else self.tr("Sign in to continue")
            ),
        )

    async def _sign_in_or_ask(self, account: Account) -> Account | None:
        """The sign-in, or (None) the sign-in dialog when a service principal's secret is gone."""
        try:
            return await self._sign_in(account)
        except SignedOutError:
            if account.method != "service_principal":
                raise  # what is wrong (say, the Azure CLI signed out) is the message to show
            self.ask_sign_in_again(account.id)
            return None

    async def _sign_in(self, account: Account) -> Account:
        from tbdesk.auth import sign_in

        loop = asyncio.get_running_loop()
        job = asyncio.current_task()

        def prompt(code: DeviceCode) -> None:  # called in azure-identity's worker thread
            loop.call_soon_threadsafe(self._show_device_code, code, job)

        try:
            return await sign_in(
                self.store, account, device_code_prompt=prompt if account.method == "device_code" else None
            )
        finally:
            if self.device_code_dialog is not None and Shiboken.isValid(self.device_code_dialog):
                self.device_code_dialog.finish()
            self.device_code_dialog = None

    def _show_device_code(self, code: DeviceCode, job: asyncio.Task[Any] | None) -> None:
        from tbdesk.ui.azure_dialogs import DeviceCodeDialog

        if job is not None and job.done():
            return
        dialog = DeviceCodeDialog(code, self._window)
        if job is not None:
            dialog.cancelled.connect(job.cancel)
        self.device_code_dialog = dialog
        dialog.show()

    def _signed_in(self, account: Account) -> None:
        self._show_account(account)
        if not self.store.workspaces_of(account.id):
            self.ask_add_workspace(account.id)

    def sign_out(self, account_id: str) -> asyncio.Task[bool]:
        """Forget the account's secret and tokens. Its workspaces stay, under the account shown
        signed out; an account without workspaces is forgotten (the task's result: kept or not)."""
        account = self.store.account(account_id)

        def done(kept: bool) -> str:
            if kept:
                return self.tr("Signed out of {0}; its workspaces stay: sign in again to read them").format(
                    account.name
                )
            return self.tr("Signed out of {0}").format(account.name)

        return self._window.tasks.run(
            self._sign_out(account_id), self.tr("Signing out of {0}").format(account.name), done_text=done
        )

    async def _sign_out(self, account_id: str) -> bool:
        from tbdesk.auth import sign_out

        keep = bool(self.store.workspaces_of(account_id))
        self._close_workspaces(account_id)
        await sign_out(self.store, account_id, keep_account=keep)
        if keep:
            self._show_account(self.store.account(account_id))
            self._reopen_workspaces(account_id, read=False)  # each says it is signed out when expanded
        else:
            self._window.tree_model.remove_account(account_id)
        return keep

    def ask_remove_account(self, account_id: str) -> RemoveAccountDialog:
        """Ask, then remove the account with its workspaces (see remove_account)."""
        from tbdesk.ui.azure_dialogs import RemoveAccountDialog

        account = self.store.account(account_id)
        dialog = RemoveAccountDialog(account, self.store.workspaces_of(account_id), self._window)
        dialog.confirmed.connect(lambda: self.remove_account(account_id))
        dialog.open()
        return dialog

    def remove_account(self, account_id: str) -> asyncio.Task[list[WorkspaceEntry]]:
        """Sign out of the account and forget it and its workspaces (their tree rows go too)."""
        account = self.store.account(account_id)
        return self._window.tasks.run(
            self._remove_account(account_id),
            self.tr("Removing the Azure account {0}").format(account.name),
            done_text=lambda removed: (
                self.tr("Removed the Azure account {0} and its %n workspaces", "", len(removed)).format(
                    account.name
                )
                if removed
                else self.tr("Removed the Azure account {0}").format(account.name)
            ),
        )

    async def _remove_account(self, account_id: str) -> list[WorkspaceEntry]:
        from tbdesk.auth import sign_out

        self._close_workspaces(account_id)
        removed = await sign_out(self.store, account_id)
        self._window.tree_model.remove_account(account_id)
        return removed

    def _close_workspaces(self, account_id: str) -> None:
        model = self._window.tree_model
        for entry in self.store.workspaces_of(account_id):
            node = model.node(model.source_index(entry.source_id))
            if node is not None:
                _close(node.source)

    # --- workspaces ----------------------------------------------------------------------------
    def ask_add_workspace(self, account_id: str | None = None) -> AddWorkspaceDialog | SignInDialog:
        """The add-workspace dialog; without any account, the sign-in dialog first."""
        from tbdesk.auth.session import session
        from tbdesk.ui.azure_dialogs import AddWorkspaceDialog

        known = self.accounts()
        asked = next((account for account in known if account.id == account_id), None)
        if asked is not None and asked.signed_out:
            self._window.statusBar().showMessage(
                self.tr("Sign in again to {0} first.").format(asked.name), 10_000
            )
            return self.ask_sign_in_again(asked.id)
        accounts = [account for account in known if not account.signed_out]  # only they can list
        if not accounts:
            self._window.statusBar().showMessage(
                self.tr("Sign in to Azure first, then add your workspaces."), 10_000
            )
            return self.ask_sign_in()
        dialog = AddWorkspaceDialog(
            accounts, lambda account: session().credential(account), self._window, account_id=account_id
        )
        dialog.chosen.connect(self.add_workspace)
        dialog.open()
        return dialog

    def add_workspace(self, entry: WorkspaceEntry) -> QModelIndex:
        """Remember the workspace and show it under its account, expanded."""
        model = self._window.tree_model
        entry = self.store.add_workspace(entry)
        existing = model.node(model.source_index(entry.source_id))
        if existing is not None:  # added again (maybe with another account): read it anew
            _close(existing.source)
            model.remove_source(entry.source_id)
        self._show_account(self.store.account(entry.account_id))
        index = self._show_workspace(entry)
        self._window.tree.expand(model.account_index(entry.account_id))
        self._window.tree.expand(index)
        self._window.tree.setCurrentIndex(index)
        self._window.statusBar().showMessage(
            self.tr("Added the workspace {0}").format(entry.workspace_name), 5000
        )
        return index

    def remove_workspace(self, source_id: str) -> None:
        """Forget the workspace; an account signed out of goes too with its last workspace (it
        was only kept for its workspaces)."""
        model = self._window.tree_model
        node = model.node(model.source_index(source_id))
        if node is not None:
            _close(node.source)
        model.remove_source(source_id)
        entry = self.store.workspace(source_id) if self.accounts() else None
        self.store.remove_workspace(source_id)
        if entry is None:
            return
        owner = next((account for account in self.store.accounts if account.id == entry.account_id), None)
        if owner is not None and owner.signed_out and not self.store.workspaces_of(owner.id):
            self.store.remove_account(owner.id)  # its secret and tokens went when it signed out
            model.remove_account(owner.id)

    def account_of(self, source_id: str) -> str | None:
        entry = self.store.workspace(source_id) if self.accounts() else None
        return entry.account_id if entry is not None else self._window.tree_model.account_of(source_id)

    # --- runs ----------------------------------------------------------------------------------
    def open_in_studio(self, items: Sequence[tuple[Source, Run]]) -> asyncio.Task[list[str]] | None:
        wanted = [(source, run) for source, run in items if hasattr(source, "portal_url")]
        if not wanted:
            return None

        async def open_all() -> list[str]:
            urls = []
            for source, run in wanted:
                url = str(await source.portal_url(run))
                if not QDesktopServices.openUrl(QUrl(url)):
                    raise SourceError(self.tr("No web browser could open {0}").format(url))
                urls.append(url)
            return urls

        name = wanted[0][1].name if len(wanted) == 1 else counts().runs(len(wanted))
        return self._window.tasks.run(
            open_all(),
            self.tr("Opening {0} in Azure ML studio").format(name),
            done_text=self.tr("Opened in your web browser"),
        )


class _Unavailable:
    """A remembered workspace that cannot be opened now (say, another tbdesk removed it or its
    account from azure.json): the tree shows it with the reason as its error row. Sign-in
    problems, such as a secret gone from the keyring, show when the workspace first connects."""

    def __init__(self, entry: WorkspaceEntry, error: SourceError) -> None:
        self._id = entry.source_id
        self._title = entry.workspace_name
        self._error = error

    @property
    def id(self) -> str:
        return self._id

    @property
    def title(self) -> str:
        return self._title

    async def experiments(self) -> list[Experiment]:
        raise self._error

    async def runs(self, experiment: Experiment) -> AsyncIterator[list[Run]]:
        raise self._error
        yield []  # pragma: no cover - makes this an async generator

    async def child_pages(self, run: Run) -> AsyncIterator[list[Run]]:
        raise self._error
        yield []  # pragma: no cover - makes this an async generator

    async def children(self, run: Run) -> list[Run]:
        raise self._error

    async def metrics(self, run: Run) -> list[Metric]:
        raise self._error

    async def files(self, run: Run, prefix: str = "") -> list[RunFile]:
        raise self._error

    async def fetch_files(self, run: Run, dest: Path, prefix: str = "") -> list[Path]:
        raise self._error

    async def tensorboard_dir(self, run: Run) -> Path | None:
        raise self._error


def _close(source: Source | None) -> None:
    close = getattr(source, "close", None)
    if callable(close):
        close()
