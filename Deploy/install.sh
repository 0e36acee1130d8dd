#!/bin/sh
# Install or upgrade Hookline (run by `make install`; safe to run again and
# again, also while the web server is serving requests).
#
#   make build && sudo make install       # build as yourself, install as root
#   sudo Deploy/install.sh                # the same, after `make build`
#   sudo Deploy/install.sh --rollback     # back to the release installed before
#   DESTDIR=/tmp/pkg Deploy/install.sh    # staged install for packaging
#
# It never builds: it installs what `make build` left in BUILD_DIR, so root
# needs no Swift toolchain.
#
# Variables (environment or `make install VAR=…`):
#   PREFIX=/usr  SYSCONFDIR=/etc  LOCALSTATEDIR=/var  DESTDIR=
#   SERVICE_USER=www-data  SERVICE_GROUP=www-data  (the user the CGIs run as)
#   BUILD_DIR=.build/dist  (where the three binaries are)
#   MOUNT=/webhooks  SOCKET=/run/fcgiwrap.socket  (for the rendered snippets)
#
# Lays out:
#   $PREFIX/lib/hookline/{hookline-console,hookline-console-pg,hookline-send,hookline}
#   $PREFIX/lib/hookline/releases/ID/      copies of those binaries, for --rollback
#   $PREFIX/bin/hookline -> ../lib/hookline/hookline
#   $PREFIX/share/hookline/releases/ID/{templates,public}/
#   $PREFIX/share/hookline/current -> releases/ID   (the one switch)
#   $PREFIX/share/hookline/previous -> releases/ID  (what --rollback returns to)
#   $PREFIX/share/hookline/{templates,public} -> current/{templates,public}
#                                           (stable paths: the config's
#                                           `templates` and the snippets use them)
#   $PREFIX/lib/systemd/system/hookline-deliver.service  (not enabled)
#   $SYSCONFDIR/hookline/hookline.conf      only if absent (never overwritten)
#   $SYSCONFDIR/hookline/{nginx,apache}.conf  snippets to include (regenerated)
#   $LOCALSTATEDIR/lib/hookline/            SERVICE_USER, 0750
#
# An upgrade never shows a request half an installation:
#   1. the new release is copied under a temporary name and renamed into
#      releases/ID once complete;
#   2. the NEW `hookline init` creates or migrates the configured database
#      (never drops data) as SERVICE_USER — before anything is switched, so
#      the new programs never meet an old schema;
#   3. each binary, copied to a temporary name next to the live one and given
#      its mode and owner before step 2, is renamed over it (rename(2) is
#      atomic: every exec finds the old or the new program, never nothing or a
#      half-written one);
#   4. `current` is switched to the new release by renaming a new symlink over
#      it: templates and static files change all at once;
#   5. releases other than the new and the previous one are removed.
# With DESTDIR set nothing is chowned and the database is not touched — do
# that when the package is configured.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

PREFIX=${PREFIX:-/usr}
SYSCONFDIR=${SYSCONFDIR:-/etc}
LOCALSTATEDIR=${LOCALSTATEDIR:-/var}
DESTDIR=${DESTDIR:-}
SERVICE_USER=${SERVICE_USER:-www-data}
SERVICE_GROUP=${SERVICE_GROUP:-$SERVICE_USER}
BUILD_DIR=${BUILD_DIR:-$repo/.build/dist}
TEMPLATES_SRC=${TEMPLATES_SRC:-$repo/Templates}
PUBLIC_SRC=${PUBLIC_SRC:-$repo/Public}
MOUNT=${MOUNT:-/webhooks}
SOCKET=${SOCKET:-/run/fcgiwrap.socket}

binaries="hookline-send hookline-console hookline-console-pg hookline"
# What the guide puts in /etc/default/fcgiwrap: keep -f (CGI stderr goes to
# nginx's error log); -c N runs N workers, so N requests run at once.
FCGIWRAP_OPTS='DAEMON_OPTS=-f -c 8'
bin_dir=$PREFIX/lib/hookline
share_dir=$PREFIX/share/hookline
conf_dir=$SYSCONFDIR/hookline
config=$conf_dir/hookline.conf
data_dir=$LOCALSTATEDIR/lib/hookline
unit_dir=$PREFIX/lib/systemd/system
# What this script writes to, under DESTDIR.
B=$DESTDIR$bin_dir
S=$DESTDIR$share_dir

say() { printf 'install: %s\n' "$*"; }
die() { printf 'install: %s\n' "$*" >&2; exit 1; }

mode=install
case ${1:-} in
    "") ;;
    --rollback) mode=rollback ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
esac

uid=$(id -u)
is_root() { [ "$uid" = 0 ]; }

# Runs a command as the service user (the database's owner), so that SQLite's
# -wal/-shm files belong to that user too.
as_service_user() {
    if is_root && [ "$(id -un)" != "$SERVICE_USER" ]; then
        setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_GROUP" --init-groups -- "$@"
    else
        "$@"
    fi
}

# The database the config names (relative paths are relative to the config's
# directory), or nothing for a PostgreSQL URI.
configured_database() {
    db=$(sed -n 's/^[[:space:]]*database[[:space:]]*=[[:space:]]*//p' "$config" | tail -n 1 | sed 's/[[:space:]]*$//')
    case $db in
        "") echo "$data_dir/hookline.db" ;;
        postgres://* | postgresql://*) ;;
        /*) echo "$db" ;;
        *) echo "$conf_dir/$db" ;;
    esac
}

# `hookline init` of release $1 against the configured database, as the
# service user: creates it, or migrates it to what that release needs.
migrate_with() { # RELEASE_BIN_DIR
    db=$(configured_database)
    if [ -n "$db" ]; then
        dir=$(dirname "$db")
        if [ ! -d "$dir" ]; then
            install -d -m 0750 "$dir"
            chown "$SERVICE_USER:$SERVICE_GROUP" "$dir"
        fi
    else
        dir=/
    fi
    (cd "$dir" && umask 027 && as_service_user "$1/hookline" --config "$config" init) || return 1
    if [ -n "$db" ]; then
        for f in "$db" "$db-wal" "$db-shm"; do
            if [ -e "$f" ]; then
                chown "$SERVICE_USER:$SERVICE_GROUP" "$f"
                chmod 0640 "$f"
            fi
        done
    fi
}

# Binaries go live in two steps, so that the moment between the database
# migration and the switch is as short as possible: prepare_binaries copies
# release $1's binaries next to the live ones under temporary names, with their
# mode and owner set; switch_binaries renames them over the live ones (rename(2)
# is atomic: every exec finds the old or the new program, never nothing).
prepare_binaries() { # ID
    for b in $binaries; do
        tmp=$B/.$b.new.$$
        cp "$B/releases/$1/$b" "$tmp"
        chmod 0755 "$tmp"
        if is_root; then chown 0:0 "$tmp"; fi
    done
}
switch_binaries() {
    for b in $binaries; do
        mv -f "$B/.$b.new.$$" "$B/$b"
    done
}
discard_binaries() {
    for b in $binaries; do
        rm -f "$B/.$b.new.$$"
    done
}

# Points symlink $2 at $1 by renaming a new symlink over it (`mv -T` renames
# the link itself instead of moving into the directory it points to).
replace_symlink() { # TARGET LINK
    tmp=${2%/*}/.${2##*/}.new.$$
    rm -f "$tmp"
    ln -s "$1" "$tmp"
    if [ -d "$2" ] && [ ! -L "$2" ]; then
        # A real directory from an install before releases/ existed: move it
        # aside first (a one-time switch, two renames back to back).
        rm -rf "$2.pre-releases"
        mv "$2" "$2.pre-releases"
        mv -T "$tmp" "$2"
        rm -rf "$2.pre-releases"
    else
        mv -T "$tmp" "$2"
    fi
}

release_of() { # LINK → the release id it points to, or nothing
    if [ -L "$1" ]; then
        target=$(readlink "$1")
        echo "${target##*/}"
    fi
}

# Makes release $1 the live one: binaries (prepared), then templates and
# static files.
activate() { # ID
    switch_binaries
    replace_symlink "releases/$1" "$S/current"
    # The stable paths; they never change once they are symlinks.
    for d in templates public; do
        if [ "$(readlink "$S/$d" 2>/dev/null || true)" != "current/$d" ]; then
            replace_symlink "current/$d" "$S/$d"
        fi
    done
    if [ "$(readlink "$DESTDIR$PREFIX/bin/hookline" 2>/dev/null || true)" != "../lib/hookline/hookline" ]; then
        replace_symlink "../lib/hookline/hookline" "$DESTDIR$PREFIX/bin/hookline"
    fi
}

# Removes releases other than the current and the previous one. A request
# still reading the previous release's templates keeps finding them.
prune() {
    keep_current=$(release_of "$S/current")
    keep_previous=$(release_of "$S/previous")
    for parent in "$S/releases" "$B/releases"; do
        for path in "$parent"/* "$parent"/.new.*; do
            [ -e "$path" ] || continue
            id=${path##*/}
            if [ "$id" != "$keep_current" ] && [ "$id" != "$keep_previous" ]; then
                rm -rf "$path"
            fi
        done
    done
    # Temporary names an interrupted install may have left.
    for path in "$B"/.*.new.* "$S"/.*.new.* "$DESTDIR$PREFIX/bin"/.hookline.new.*; do
        if [ -e "$path" ] || [ -L "$path" ]; then rm -rf "$path"; fi
    done
}

umask 022

# One install at a time (an install removes what it did not create).
if command -v flock >/dev/null 2>&1; then
    install -d -m 0755 "$S"
    exec 9>"$S/.install.lock"
    flock 9
fi

# ----------------------------------------------------------------------------
# --rollback: the previous release becomes the current one again.

if [ "$mode" = rollback ]; then
    back=$(release_of "$S/previous")
    now=$(release_of "$S/current")
    [ -n "$back" ] || die "no previous release to roll back to (there is one after the second install with this script)"
    for b in $binaries; do
        [ -x "$B/releases/$back/$b" ] || die "release $back is incomplete: $bin_dir/releases/$back/$b missing"
    done
    [ -d "$S/releases/$back/templates" ] || die "release $back is incomplete: $share_dir/releases/$back/templates missing"
    prepare_binaries "$back"
    if [ -z "$DESTDIR" ] && [ -e "$config" ]; then
        # The older `hookline init` refuses a database a newer release has
        # migrated; then the database backup from before the upgrade is needed.
        if ! migrate_with "$bin_dir/releases/$back"; then
            discard_binaries
            die "release $back cannot use the database as it is now (see above); nothing was changed. Restore the backup taken before the upgrade (see the deployment guide), then run --rollback again"
        fi
    fi
    activate "$back"
    replace_symlink "releases/$now" "$S/previous"
    say "rolled back from release $now to $back (run --rollback again to return)"
    say "next: sudo systemctl restart hookline-deliver"
    exit 0
fi

# ----------------------------------------------------------------------------
# Install or upgrade.

for b in $binaries; do
    if [ ! -x "$BUILD_DIR/$b" ]; then
        die "$BUILD_DIR/$b is missing: nothing to install.
  Build first, as the user who has the Swift toolchain:  make build
  then install (root needs no toolchain):                sudo make install"
    fi
done
[ -d "$TEMPLATES_SRC" ] || die "$TEMPLATES_SRC missing"
[ -d "$PUBLIC_SRC" ] || die "$PUBLIC_SRC missing"
if [ -d "$repo/Sources" ] && [ "$BUILD_DIR" = "$repo/.build/dist" ]; then
    newer=$(find "$repo/Sources" "$repo/Package.swift" -newer "$BUILD_DIR/hookline-console" -type f 2>/dev/null | head -n 1)
    if [ -n "$newer" ]; then
        say "warning: ${newer#"$repo"/} is newer than the build; run 'make build' again if it changed since"
    fi
fi

install -d -m 0755 "$B/releases" "$S/releases" "$DESTDIR$PREFIX/bin" \
    "$DESTDIR$conf_dir" "$DESTDIR$unit_dir"

# 1. The new release, complete, under its final name only once it is complete.
id=$(date -u +%Y%m%dT%H%M%SZ).$$
for parent in "$B/releases" "$S/releases"; do
    rm -rf "$parent/.new.$id"
    mkdir -m 0755 "$parent/.new.$id"
done
for b in $binaries; do
    cp "$BUILD_DIR/$b" "$B/releases/.new.$id/$b"
done
cp -R "$TEMPLATES_SRC" "$S/releases/.new.$id/templates"
cp -R "$PUBLIC_SRC" "$S/releases/.new.$id/public"
find "$B/releases/.new.$id" "$S/releases/.new.$id" -type d -exec chmod 0755 {} +
find "$S/releases/.new.$id" -type f -exec chmod 0644 {} +
find "$B/releases/.new.$id" -type f -exec chmod 0755 {} +
if is_root; then chown -R 0:0 "$B/releases/.new.$id" "$S/releases/.new.$id"; fi
mv "$B/releases/.new.$id" "$B/releases/$id"
mv "$S/releases/.new.$id" "$S/releases/$id"

# The config, once; the admin's edits are never overwritten.
if [ -e "$DESTDIR$config" ]; then
    say "keeping existing $config"
else
    sed -e "s|^database = .*|database = $data_dir/hookline.db|" \
        -e "s|^templates = .*|templates = $share_dir/templates|" \
        "$here/hookline.conf" > "$DESTDIR$config.new.$$"
    chmod 0644 "$DESTDIR$config.new.$$"
    mv "$DESTDIR$config.new.$$" "$DESTDIR$config"
    say "wrote default config $config"
fi

# 2. The database, migrated by the new release before it goes live (the
# binaries are copied first, so that only renames remain after the migration).
prepare_binaries "$id"
install -d -m 0750 "$DESTDIR$data_dir"
if [ -z "$DESTDIR" ]; then
    chown "$SERVICE_USER:$SERVICE_GROUP" "$data_dir"
    if ! migrate_with "$bin_dir/releases/$id"; then
        discard_binaries
        die "the new release could not prepare the database (see above); nothing was switched — the old release keeps running"
    fi
    say "database $(configured_database) is up to date"
fi

# 3.–4. Switch.
was=$(release_of "$S/current")
activate "$id"
if [ -n "$was" ] && [ "$was" != "$id" ] && [ -d "$S/releases/$was" ]; then
    replace_symlink "releases/$was" "$S/previous"
fi
say "release $id is live: binaries in $bin_dir, templates and static files in $share_dir/current/"
[ -z "$was" ] || say "previous release $was kept for 'Deploy/install.sh --rollback'"

# 5. Old releases.
prune

# Web server snippets and the worker's unit: regenerated on every install
# (edit the include, not these); render.sh writes a temporary file and renames it.
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

if [ -n "$DESTDIR" ]; then
    say "DESTDIR set: not changing owners and not initialising the database;"
    say "on the target run: chown $SERVICE_USER:$SERVICE_GROUP $data_dir &&"
    say "  runuser -u $SERVICE_USER -- $PREFIX/bin/hookline --config $config init"
    exit 0
fi

# What is left for the admin (see Deploy/README-deploy.md).
if [ ! -e "$conf_dir/htpasswd" ]; then
    say "next: create the logins, readable by the web server only:"
    say "  htpasswd -B -c $conf_dir/htpasswd USER   (-c only for the first user)"
    say "  chgrp $SERVICE_GROUP $conf_dir/htpasswd && chmod 0640 $conf_dir/htpasswd"
fi
say "next: include $conf_dir/nginx.conf (or apache.conf) in your HTTPS server block; see Deploy/README-deploy.md"
say "next (nginx): run fcgiwrap with several workers, or one slow test send blocks every page:"
say "  echo '$FCGIWRAP_OPTS' > /etc/default/fcgiwrap && systemctl restart fcgiwrap.service"
if [ -n "$was" ]; then
    say "next: systemctl restart hookline-deliver   (the worker runs the old program until then)"
fi
