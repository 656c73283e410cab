"""File > Open cloud folder…: a URL of a folder of TensorBoard logs in S3, Azure Blob storage or
Google Cloud Storage (the recent ones offered), and optionally a secret for it, which goes to the
keyring and nowhere else."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from tbdesk.sources.base import SourceError
from tbdesk.sources.cloud_access import CloudURL, azure_environment, parse_url

CLOUD_DIALOG_NAME = "open-cloud-folder-dialog"
EXAMPLES = (
    "s3://bucket/logs, gs://bucket/logs, az://container/logs,\n"
    "abfs://container@ACCOUNT.dfs.core.windows.net/logs, https://ACCOUNT.blob.core.windows.net/container/logs"
)


class CloudFolderDialog(QDialog):
    """Calls `accepted_url(url, secret, account)` with the parsed URL, the secret typed (or None)
    and the id of the Azure account chosen to read it (None: automatic, or not Azure).

    `accounts`: the signed-in Azure accounts, (id, title); with none, no choice is shown.
    `remembered(url)`: the account last chosen for a URL, preselected when that URL is."""

    def __init__(
        self,
        parent: QWidget | None,
        recent: Sequence[str],
        accepted_url: Callable[[CloudURL, str | None, str | None], None],
        accounts: Sequence[tuple[str, str]] = (),
        remembered: Callable[[str], str | None] = lambda url: None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(CLOUD_DIALOG_NAME)
        self.setWindowTitle(self.tr("Open cloud folder"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._accepted_url = accepted_url
        self._remembered = remembered
        self.account = QComboBox(self)
        self.account.setObjectName("cloud-account")
        # Automatic never guesses among several signed-in accounts: the folder then says to choose.
        self.account.addItem(self.tr("Automatic (Azure's variables, or the only signed-in account)"), None)
        for account_id, title in accounts:
            self.account.addItem(title, account_id)
        self.url = QComboBox(self)
        self.url.setEditable(True)
        self.url.addItems(list(recent))
        self.url.setMinimumContentsLength(50)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(
            self.tr("optional: SAS token, connection string, or ACCESS_KEY_ID:SECRET (kept in the keyring)")
        )
        self.problem = QLabel(self)
        self.problem.setObjectName("cloud-url-problem")
        self.problem.setWordWrap(True)
        hint = QLabel(
            EXAMPLES
            + "\n"
            + self.tr(
                "Credentials come from where each cloud's own tools find them (AWS_PROFILE,"
                " AZURE_STORAGE_CONNECTION_STRING, gcloud's application default credentials), from"
                " an Azure account signed in to tbdesk for Azure URLs, or from the secret given here."
            ),
            self,
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("URL:"), self.url)
        form.addRow(self.tr("Secret:"), self.secret)
        form.addRow(self.tr("Azure account:"), self.account)
        form.setRowVisible(self.account, bool(accounts))
        form.addRow(hint)
        form.addRow(self.problem)
        form.addRow(buttons)
        self.url.currentTextChanged.connect(self._pick_account)
        self._pick_account(self.url.currentText())

    def _pick_account(self, text: str) -> None:
        """The account last chosen for the URL, else automatic."""
        try:
            remembered = self._remembered(parse_url(text).text)
        except SourceError:
            remembered = None
        self.account.setCurrentIndex(max(0, self.account.findData(remembered)) if remembered else 0)

    def _check(self) -> None:
        try:
            url = parse_url(self.url.currentText())
        except SourceError as error:
            self.problem.setText(str(error))  # the dialog stays open with what was typed
            return
        secret = self.secret.text().strip() or None
        account = self.account.currentData() if url.kind == "az" else None
        several = self.account.count() > 2  # Automatic and two accounts or more
        if url.kind == "az" and account is None and several and not secret and not azure_environment():
            # The folder would refuse to guess which account reads it: ask here instead.
            self.problem.setText(
                self.tr("Several Azure accounts are signed in: choose the one that reads it.")
            )
            return
        self._accepted_url(url, secret, account)
        self.accept()
