#!/bin/sh
# Install the Debian packages given as arguments if any is missing
# (used by `make run`). Uses sudo when not root.
set -eu
missing=
for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case $status in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -n "$missing" ] || exit 0
echo "Installing missing Debian packages:$missing"
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing
