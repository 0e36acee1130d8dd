#!/bin/sh
# Install Hookline (run by `make install`; safe to run again to upgrade).
#
#   Deploy/install.sh                     # as root, after `make build`
#   DESTDIR=/tmp/pkg Deploy/install.sh    # staged install for packaging
#
# Variables (environment or `make install VAR=…`):
#   PREFIX=/usr  SYSCONFDIR=/etc  LOCALSTATEDIR=/var  DESTDIR=
#   SERVICE_USER=www-data  SERVICE_GROUP=www-data  (the user the CGIs run as)
#   BUILD_DIR=.build/release  (where the three binaries are)
#   MOUNT=/webhooks  SOCKET=/run/fcgiwrap.socket  (for the rendered snippets)
#
# Lays out:
#   $PREFIX/lib/hookline/{hookline-console,hookline-send,hookline}
#   $PREFIX/bin/hookline -> ../lib/hookline/hookline
#   $PREFIX/share/hookline/{templates,public}/
#   $PREFIX/lib/systemd/system/hookline-deliver.service  (not enabled)
#   $SYSCONFDIR/hookline/hookline.conf      only if absent (never overwritten)
#   $SYSCONFDIR/hookline/{nginx,apache}.conf  snippets to include (regenerated)
#   $LOCALSTATEDIR/lib/hookline/            SERVICE_USER, 0750
# then runs `hookline init` as SERVICE_USER: creates or migrates the
# database (never drops data); the database file is 0640. With DESTDIR set
# nothing is chowned or run — do that when the package is configured.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

PREFIX=${PREFIX:-/usr}
SYSCONFDIR=${SYSCONFDIR:-/etc}
LOCALSTATEDIR=${LOCALSTATEDIR:-/var}
DESTDIR=${DESTDIR:-}
SERVICE_USER=${SERVICE_USER:-www-data}
SERVICE_GROUP=${SERVICE_GROUP:-$SERVICE_USER}
BUILD_DIR=${BUILD_DIR:-$repo/.build/release}
TEMPLATES_SRC=${TEMPLATES_SRC:-$repo/Templates}
PUBLIC_SRC=${PUBLIC_SRC:-$repo/Public}
MOUNT=${MOUNT:-/webhooks}
SOCKET=${SOCKET:-/run/fcgiwrap.socket}

bin_dir=$PREFIX/lib/hookline
share_dir=$PREFIX/share/hookline
conf_dir=$SYSCONFDIR/hookline
config=$conf_dir/hookline.conf
data_dir=$LOCALSTATEDIR/lib/hookline
database=$data_dir/hookline.db
unit_dir=$PREFIX/lib/systemd/system

say() { printf 'install: %s\n' "$*"; }

for b in hookline-console hookline-send hookline; do
    [ -x "$BUILD_DIR/$b" ] || { echo "install: $BUILD_DIR/$b missing — run 'make build' first" >&2; exit 1; }
done
[ -d "$TEMPLATES_SRC" ] || { echo "install: $TEMPLATES_SRC missing" >&2; exit 1; }

# Replace a directory's content atomically enough for an upgrade: copy into a
# sibling, then swap, so a request never sees a half-copied template set.
replace_dir() { # SRC DST
    rm -rf "$2.new"
    mkdir -p "$2.new"
    if [ -d "$1" ]; then cp -R "$1/." "$2.new/"; fi
    find "$2.new" -type d -exec chmod 0755 {} +
    find "$2.new" -type f -exec chmod 0644 {} +
    rm -rf "$2.old"
    if [ -d "$2" ]; then mv "$2" "$2.old"; fi
    mv "$2.new" "$2"
    rm -rf "$2.old"
}

umask 022
install -d -m 0755 "$DESTDIR$bin_dir" "$DESTDIR$PREFIX/bin" "$DESTDIR$share_dir" \
    "$DESTDIR$conf_dir" "$DESTDIR$unit_dir"

# Binaries: install(1) writes a new file and renames it, so running CGIs keep
# their old inode and new requests get the new program.
for b in hookline-console hookline-send hookline; do
    install -m 0755 "$BUILD_DIR/$b" "$DESTDIR$bin_dir/$b"
done
ln -sfn "../lib/hookline/hookline" "$DESTDIR$PREFIX/bin/hookline"
say "binaries in $bin_dir, CLI at $PREFIX/bin/hookline"

replace_dir "$TEMPLATES_SRC" "$DESTDIR$share_dir/templates"
replace_dir "$PUBLIC_SRC" "$DESTDIR$share_dir/public"
say "templates and static files in $share_dir"

if [ -e "$DESTDIR$config" ]; then
    say "keeping existing $config"
else
    sed -e "s|^database = .*|database = $database|" \
        -e "s|^templates = .*|templates = $share_dir/templates|" \
        "$here/hookline.conf" > "$DESTDIR$config.new"
    chmod 0644 "$DESTDIR$config.new"
    mv "$DESTDIR$config.new" "$DESTDIR$config"
    say "wrote default config $config"
fi

# Web server snippets: regenerated on every install (edit the include, not these).
"$here/render.sh" -o "$DESTDIR$conf_dir/nginx.conf" "$here/nginx/hookline.conf" \
    MOUNT="$MOUNT" BIN_DIR="$bin_dir" PUBLIC_DIR="$share_dir/public" CONFIG="$config" \
    SOCKET="$SOCKET" HTPASSWD="$conf_dir/htpasswd"
"$here/render.sh" -o "$DESTDIR$conf_dir/apache.conf" "$here/apache/hookline.conf" \
    MOUNT="$MOUNT" BIN_DIR="$bin_dir" PUBLIC_DIR="$share_dir/public" CONFIG="$config" \
    HTPASSWD="$conf_dir/htpasswd"
"$here/render.sh" -o "$DESTDIR$unit_dir/hookline-deliver.service" "$here/systemd/hookline-deliver.service" \
    BIN_DIR="$bin_dir" CONFIG="$config" USER="$SERVICE_USER" GROUP="$SERVICE_GROUP" DATA_DIR="$data_dir"
chmod 0644 "$DESTDIR$conf_dir/nginx.conf" "$DESTDIR$conf_dir/apache.conf" "$DESTDIR$unit_dir/hookline-deliver.service"
say "web server snippets: $conf_dir/nginx.conf, $conf_dir/apache.conf"

install -d -m 0750 "$DESTDIR$data_dir"
if [ -n "$DESTDIR" ]; then
    say "DESTDIR set: not changing owners and not initialising the database;"
    say "on the target run: chown $SERVICE_USER:$SERVICE_GROUP $data_dir &&"
    say "  runuser -u $SERVICE_USER -- $PREFIX/bin/hookline --config $config init"
    exit 0
fi

chown "$SERVICE_USER:$SERVICE_GROUP" "$data_dir"
chmod 0750 "$data_dir"

# The database is created and migrated by the user that will write it, so
# that SQLite's -wal/-shm files belong to that user too.
as_service_user() {
    if [ "$(id -u)" = 0 ] && [ "$(id -un)" != "$SERVICE_USER" ]; then
        setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_GROUP" --init-groups -- "$@"
    else
        "$@"
    fi
}
(cd "$data_dir" && umask 027 && as_service_user "$bin_dir/hookline" --config "$config" init)
for f in "$database" "$database-wal" "$database-shm"; do
    if [ -e "$f" ]; then
        chown "$SERVICE_USER:$SERVICE_GROUP" "$f"
        chmod 0640 "$f"
    fi
done
say "database $database is up to date"

if [ ! -e "$conf_dir/htpasswd" ]; then
    say "next: create users with  htpasswd -B -c $conf_dir/htpasswd USER"
fi
say "next: include $conf_dir/nginx.conf (or apache.conf) in your server; see README"
