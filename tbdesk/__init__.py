"""tbdesk: a desktop app for looking at experiment runs in TensorBoard."""

__version__ = "0.1.0"

# One reverse-DNS id for the desktop file, the AppStream metainfo, the icon name and
# QGuiApplication.setDesktopFileName.
APP_ID = "io.github.tbdesk.TBDesk"
APP_NAME = "tbdesk"
