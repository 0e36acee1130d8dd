#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (Debian's `postgresql` package): initdb + pg_ctl
# in a temporary directory, as an unprivileged user, reachable only over a Unix socket.
#
#   pg-server.sh start DIR        create and start a server whose handle is DIR (must not exist);
#                                 prints the URI of its empty database `hookline`
#   pg-server.sh url DIR [NAME]   the URI of database NAME (default hookline) on that server:
#                                 postgresql://hookline@/NAME?host=SOCKET_DIR
#   pg-server.sh stop DIR         stop the server and remove everything it had (safe to repeat)
#
# The role `hookline` is the superuser (trust authentication over the socket only), so tests may
# create and drop databases. As root the server runs as `postgres` (runuser); otherwise as the
# caller. Every user can reach the socket (it is created 0777 in a 0755 directory), so CGIs running
# as www-data connect too. The cluster lives in DIR when the server's user can write there and
# every parent directory is traversable by all; otherwise (a repository under a 0700 home
# directory) in a fresh /tmp/hookline-pg.* directory that DIR points to. Durability is off
# (fsync, synchronous_commit, full_page_writes): nothing here outlives the test run.
set -euo pipefail

PG_BIN=${PG_BIN:-}
if [ -z "$PG_BIN" ]; then
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi

usage() {
    echo "usage: $0 start DIR | url DIR [DATABASE] | stop DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
command=$1
handle=$2

# Runs "$@" as the user the server runs as.
if [ "$(id -u)" = 0 ]; then
    server_user=postgres
    as_server() { runuser -u "$server_user" -- "$@"; }
else
    server_user=$(id -un)
    as_server() { "$@"; }
fi

# Whether every directory from / down to $1 can be traversed by every user.
traversable_by_all() {
    local path=$1
    while [ "$path" != / ] && [ -n "$path" ]; do
        [ "$(($(stat -c '0%a' "$path") & 1))" = 1 ] || return 1
        path=$(dirname "$path")
    done
}

cluster_root() {
    [ -f "$handle/root" ] || { echo "$0: no server at $handle" >&2; exit 1; }
    cat "$handle/root"
}

uri() {
    local root
    root=$(cluster_root)
    echo "postgresql://hookline@/${1:-hookline}?host=$root/socket"
}

start() {
    [ -x "$PG_BIN/initdb" ] || {
        echo "$0: no PostgreSQL server binaries in ${PG_BIN:-/usr/lib/postgresql/*/bin} (install Debian's postgresql)" >&2
        exit 1
    }
    [ ! -e "$handle" ] || { echo "$0: $handle exists already" >&2; exit 1; }
    mkdir -p "$handle"
    handle=$(cd "$handle" && pwd -P)
    chmod 0755 "$handle"
    local root="$handle/cluster"
    # A Unix socket path has at most 107 bytes; keep the directory short enough for it.
    if ! traversable_by_all "$handle" || [ ${#root} -gt 80 ]; then
        root=$(mktemp -d /tmp/hookline-pg.XXXXXX)
    fi
    echo "$root" > "$handle/root"
    mkdir -p "$root/socket"
    chmod 0755 "$root" "$root/socket"
    [ "$server_user" = "$(id -un)" ] || chown -R "$server_user:" "$root"

    if ! as_server "$PG_BIN/initdb" -D "$root/data" -A trust -U hookline -E UTF8 --locale=C.UTF-8 --no-sync \
        > "$root/initdb.log" 2>&1; then
        cat "$root/initdb.log" >&2
        exit 1
    fi
    local options="-k $root/socket -c listen_addresses='' -c unix_socket_permissions=0777"
    options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB"
    options+=" -c max_connections=200 -c log_min_messages=warning"
    if ! as_server "$PG_BIN/pg_ctl" -D "$root/data" -l "$root/server.log" -o "$options" -w -t 60 start > /dev/null; then
        cat "$root/server.log" >&2
        exit 1
    fi
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$(uri postgres)" -c "CREATE DATABASE hookline" > /dev/null
    uri hookline
}

stop() {
    [ -e "$handle" ] || return 0
    if [ -f "$handle/root" ]; then
        local root
        root=$(cat "$handle/root")
        if [ -f "$root/data/postmaster.pid" ]; then
            as_server "$PG_BIN/pg_ctl" -D "$root/data" -m immediate -w -t 60 stop > /dev/null || true
        fi
        case $root in
            "$handle"/* | /tmp/hookline-pg.*) rm -rf "$root" ;;
        esac
    fi
    rm -rf "$handle"
}

case $command in
    start) start ;;
    url) uri "${3:-hookline}" ;;
    stop) stop ;;
    *) usage ;;
esac
