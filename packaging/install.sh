#!/bin/sh
# Install tbdesk from this folder for the current user, without root:
#   ./install.sh              the app in ~/.local/lib/tbdesk, `tbdesk` in ~/.local/bin, and the
#                             application menu entry, icons and AppStream metainfo
#   ./install.sh --uninstall  remove all of that again (your workspaces and settings stay)
# PREFIX=/some/where ./install.sh installs under /some/where instead of ~/.local.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
app="$prefix/lib/tbdesk"
link="$prefix/bin/tbdesk"

if [ "${1:-}" = "--uninstall" ]; then
    [ -x "$app/tbdesk" ] && "$app/tbdesk" install-desktop --uninstall
    rm -rf "$app"
    [ -L "$link" ] && rm -f "$link"
    echo "Removed tbdesk from $prefix."
    exit 0
fi

rm -rf "$app.new"
mkdir -p "$prefix/lib" "$prefix/bin"
cp -a "$here/tbdesk" "$app.new"
rm -rf "$app"
mv "$app.new" "$app"
ln -sfn "$app/tbdesk" "$link"
# The menu entry names the installed executable by its absolute path.
"$app/tbdesk" install-desktop
echo "Installed tbdesk in $app; start it from the application menu or with: $link"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "($prefix/bin is not on your PATH.)" ;; esac
