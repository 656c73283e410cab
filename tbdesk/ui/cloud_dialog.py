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
from tbdesk.sources.cloud_access import CloudURL, parse_url

CLOUD_DIALOG_NAME = "open-cloud-folder-dialog"
EXAMPLES = (
    "s3://bucket/logs, gs://bucket/logs, az://container/logs,\n"
    "abfs://container@ACCOUNT.dfs.core.windows.net/logs, https://ACCOUNT.blob.core.windows.net/container/logs"
)


class CloudFolderDialog(QDialog):
    """Calls `accepted_url(url, secret)` with the parsed URL and the secret typed (or None)."""

    def __init__(
        self,
        parent: QWidget | None,
        recent: Sequence[str],
        accepted_url: Callable[[CloudURL, str | None], None],
    ) -> None:
        super().__init__(parent)
        self.setObjectName(CLOUD_DIALOG_NAME)
        self.setWindowTitle(self.tr("Open cloud folder"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._accepted_url = accepted_url
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
                " AZURE_STORAGE_CONNECTION_STRING, the signed-in Azure account, gcloud's application"
                " default credentials), or from the secret given here."
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
        form.addRow(hint)
        form.addRow(self.problem)
        form.addRow(buttons)

    def _check(self) -> None:
        try:
            url = parse_url(self.url.currentText())
        except SourceError as error:
            self.problem.setText(str(error))  # the dialog stays open with what was typed
            return
        self._accepted_url(url, self.secret.text().strip() or None)
        self.accept()
