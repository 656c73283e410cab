"""What the centre of the window shows while no board is open: how to open one, and, for a fresh
user with nothing to look at yet, a button for each way to get runs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class Welcome(QWidget):
    openFolderRequested = Signal()
    signInRequested = Signal()
    demoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.hint = QLabel(self.tr("Right-click runs in the tree and choose <b>Open in TensorBoard</b>."))
        self.hint.setObjectName("welcome-hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.start = QLabel(self.tr("No runs to look at yet? Start here:"))
        self.start.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.start.setWordWrap(True)
        self.open_folder_button = self._button(
            self.tr("Open a logs folder…"),
            self.tr("Show a folder of TensorBoard event files in the tree"),
            self.openFolderRequested,
        )
        self.sign_in_button = self._button(
            self.tr("Sign in to Azure ML…"),
            self.tr("Browse the runs of your Azure Machine Learning workspaces"),
            self.signInRequested,
        )
        self.demo_button = self._button(
            self.tr("Create the demo"),
            self.tr("Add small example experiments to the local workspace"),
            self.demoRequested,
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.open_folder_button, self.sign_in_button, self.demo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.hint)
        layout.addSpacing(12)
        layout.addWidget(self.start)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.set_empty(False)

    def set_empty(self, empty: bool) -> None:
        """empty: there is nothing in the tree to open, so the ways to get runs come first."""
        self.hint.setVisible(not empty)
        self.start.setText(
            self.tr("Nothing to look at yet. Start here:") if empty else self.tr("Or get more runs:")
        )

    def _button(self, text: str, tip: str, signal: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.clicked.connect(signal)
        return button
