#!/usr/bin/env bash
# Serve the console for development: nginx + fcgiwrap in the foreground on
# http://127.0.0.1:$PORT/webhooks/ (run by `make run`, after `make build`).
#
# Everything lives in .run/: a dev config (http and loopback targets allowed,
# anonymous dev access, no login), the SQLite database (kept between runs;
# delete .run/ to start over), the rendered nginx config and logs. CGI
# stderr and server errors are shown here. Ctrl-C stops both servers.
#
# Environment: PORT (8080), RUN_DIR (.run), BIN_DIR (.build/dist),
# TEMPLATES_DIR (Templates), PUBLIC_DIR (Public).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
PORT=${PORT:-8080}
RUN_DIR=${RUN_DIR:-$repo/.run}
BIN_DIR=${BIN_DIR:-$repo/.build/dist}
TEMPLATES_DIR=${TEMPLATES_DIR:-$repo/Templates}
PUBLIC_DIR=${PUBLIC_DIR:-$repo/Public}
# DATABASE: used when the dev config is first written. Default: SQLite in $RUN_DIR; a
# postgresql:// URI (an existing, empty or Hookline database) selects PostgreSQL.
DATABASE=${DATABASE:-}
clean_env=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)

for b in hookline-console hookline-console-pg hookline-send hookline; do
    [[ -x $BIN_DIR/$b ]] || { echo "dev-run: $BIN_DIR/$b missing — run 'make build'" >&2; exit 1; }
done
for tool in nginx fcgiwrap; do
    [[ -x /usr/sbin/$tool ]] || { echo "dev-run: /usr/sbin/$tool missing — apt-get install nginx fcgiwrap" >&2; exit 1; }
done

# .run/ holds the database with its signing secrets: nobody else may read it. The
# servers run as this user too (nginx's `user` is set to it below), so 0700/0600 is enough.
umask 077
mkdir -p "$RUN_DIR"/{logs,tmp,fcgiwrap}
chmod 700 "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)

# One instance per run directory: a second one would delete the first one's
# live fcgiwrap socket. The lock is inherited by the servers, so it is held
# until they are gone.
exec 9>>"$RUN_DIR/dev-run.lock"
if ! flock -n 9; then
    echo "dev-run: another 'make run' is serving from $RUN_DIR; stop it first" >&2
    echo "         (or use another directory: RUN_DIR=/tmp/hookline-run PORT=8081 make run)" >&2
    exit 1
fi
config=$RUN_DIR/hookline.conf
socket=$RUN_DIR/fcgiwrap/fcgiwrap.sock

# Dev config: written once, then yours to edit (delete it to regenerate).
if [[ ! -e $config ]]; then
    sed -e "s|^database = .*|database = ${DATABASE:-$RUN_DIR/hookline.db}|" \
        -e "s|^templates = .*|templates = $TEMPLATES_DIR|" \
        -e "s|^allow_http = .*|allow_http = yes|" \
        -e "s|^allowed_private_targets =.*|allowed_private_targets = 127.0.0.0/8, ::1/128|" \
        -e "s|^anonymous = .*|anonymous = dev|" \
        -e "s|^# *public_origin =.*|public_origin = http://127.0.0.1:$PORT, http://localhost:$PORT|" \
        "$repo/Deploy/hookline.conf" > "$config"
    echo "dev-run: wrote $config"
fi

fresh_db=no
if grep -Eq '^database = postgres(ql)?://' "$config"; then
    # PostgreSQL: `demo` adds demo webhooks only to a database that has none.
    fresh_db=yes
    "$BIN_DIR/hookline" --config "$config" init
else
    [[ -e $RUN_DIR/hookline.db ]] || fresh_db=yes
    "$BIN_DIR/hookline" --config "$config" init
fi
if [[ $fresh_db == yes ]]; then
    "$BIN_DIR/hookline" --config "$config" demo
fi

# Everything runs as you (nginx's `user` only matters when started as root).
"$repo/Deploy/render.sh" --auth none -o "$RUN_DIR/nginx-hookline.conf" "$repo/Deploy/nginx/hookline.conf" \
    BIN_DIR="$BIN_DIR" PUBLIC_DIR="$PUBLIC_DIR" CONFIG="$config" SOCKET="$socket"
"$repo/Deploy/render.sh" -o "$RUN_DIR/nginx.conf" "$repo/Deploy/nginx/nginx-standalone.conf" \
    PORT="$PORT" RUN_DIR="$RUN_DIR" SNIPPET="$RUN_DIR/nginx-hookline.conf" \
    USER="$(id -un)" GROUP="$(id -gn)"

pids=()
cleanup() {
    trap - INT TERM EXIT
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -f "$socket"
    echo "dev-run: stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

rm -f "$socket"  # stale: fcgiwrap leaves it behind, and we hold the lock
touch "$RUN_DIR/logs/nginx-error.log"
# Each server in its own process group (setsid), so cleanup can stop all of
# its children; a clean environment, because fcgiwrap hands its own to CGIs.
setsid "${clean_env[@]}" /usr/sbin/fcgiwrap -f -c 4 -s "unix:$socket" \
    -p "$BIN_DIR/hookline-console" -p "$BIN_DIR/hookline-send" \
    >>"$RUN_DIR/logs/fcgiwrap.log" 2>&1 &
pids+=($!)
for _ in $(seq 200); do [[ -S $socket ]] && break; sleep 0.02; done
[[ -S $socket ]] || { echo "dev-run: fcgiwrap did not start; see $RUN_DIR/logs/fcgiwrap.log" >&2; exit 1; }

setsid "${clean_env[@]}" /usr/sbin/nginx -p "$RUN_DIR" -e "$RUN_DIR/logs/nginx-error.log" \
    -c "$RUN_DIR/nginx.conf" -g 'daemon off;' >>"$RUN_DIR/logs/nginx-stdout.log" 2>&1 &
pids+=($!)
setsid tail -n 0 -F "$RUN_DIR/logs/nginx-error.log" 2>/dev/null &
pids+=($!)

ready=no
for _ in $(seq 250); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then ready=yes; break; fi
    kill -0 "${pids[1]}" 2>/dev/null || break
    sleep 0.02
done
if [[ $ready != yes ]]; then
    echo "dev-run: nginx did not start on 127.0.0.1:$PORT:" >&2
    cat "$RUN_DIR/logs/nginx-stdout.log" >&2
    exit 1
fi

echo
echo "  Hookline: http://127.0.0.1:$PORT/webhooks/"
database=$(sed -n 's/^database = //p' "$config" | sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#')
echo "  (database $database, logs in $RUN_DIR/logs; Ctrl-C stops)"
echo

# Return when either server dies (or on Ctrl-C / SIGTERM via the trap).
wait -n "${pids[0]}" "${pids[1]}" || true
echo "dev-run: a server exited unexpectedly; see $RUN_DIR/logs" >&2
exit 1
