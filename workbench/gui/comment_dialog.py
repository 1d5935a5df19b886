"""Asking for a few words: a reason (case unusable), a comment (returning a self-assessment or a pack)."""

from __future__ import annotations

from workbench.gui.qt import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget, named
from workbench.gui.style import label


class CommentDialog(QDialog):
    """`text()` after Accept. With `required`, the OK button stays disabled until something is written."""

    def __init__(self, title: str, prompt: str, action: str, parent: QWidget | None = None,
                 required: bool = True, placeholder: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("commentDialog")
        self.setWindowTitle(title)
        self.edit = named(QPlainTextEdit(placeholderText=placeholder), "commentEdit")
        self.edit.setAccessibleName(prompt.split(":")[0].split(".")[0][:80] or "Comment")
        self.edit.setFixedHeight(96)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(action)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label(prompt, wrap=True))
        layout.addWidget(self.edit)
        if required:
            layout.addWidget(label("Required.", "muted"))
            self.edit.textChanged.connect(lambda: self.ok.setEnabled(bool(self.text())))
            self.ok.setEnabled(False)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def text(self) -> str:
        return self.edit.toPlainText().strip()
