#!/usr/bin/env bash
# `make order`: regenerates Build/hookline-console.order, the list of functions a page request
# runs, which the static console's link puts side by side (gold's --section-ordering-file; the
# console is compiled with one section per function).
#
# Why: a CGI process lives for one request, and its cost is mostly the pages of code and data it
# touches. The kernel maps code in 64 KiB windows around each touched page, so hot functions
# scattered through a 7 MiB text segment cost many page faults and megabytes of RSS; gathered,
# they fit in about a megabyte. (SQLite from Debian and part of the Swift runtime come as whole
# sections and keep their layout.)
#
# How: runs the built console (.build/dist) under callgrind for the pages users open most,
# on a demo database, and writes every function that ran. The list only orders code: a
# function missing from it (new code, renamed symbols) still links, just not among the hot
# ones, so regenerate it when the pages change a lot (`make build order build`).
set -euo pipefail
cd "$(dirname "$0")/.."
DIST=${DIST:-.build/dist}
OUT=Build/hookline-console.order
for tool in valgrind sqlite3; do
    command -v "$tool" > /dev/null || { echo "order-functions: $tool missing (make order installs it)" >&2; exit 1; }
done
[ -x "$DIST/hookline-console" ] || { echo "order-functions: build first (make build)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The shipped config (every key a deployment sets, so their parsing is in the list), pointed at
# a scratch database; ANALYZE as an operator may have run it (SQLite then loads its statistics).
sed -e "s|^database = .*|database = $work/hookline.db|" -e "s|^templates = .*|templates = $PWD/Templates|" \
    -e "s|^anonymous = .*|anonymous = dev|" -e "s|^allow_http = .*|allow_http = yes|" \
    -e "s|^allowed_private_targets =.*|allowed_private_targets = 127.0.0.0/8|" Deploy/hookline.conf > "$work/hookline.conf"
"$DIST/hookline" --config "$work/hookline.conf" init > /dev/null
"$DIST/hookline" --config "$work/hookline.conf" demo > /dev/null
"$DIST/hookline" --config "$work/hookline.conf" emit conversation.ended > /dev/null
sqlite3 "$work/hookline.db" "ANALYZE;"

# method path query
requests=(
    "GET / "
    "GET / q=order&status=active"
    "GET / sort=url&dir=desc"
    "GET /nope/nope "
    "GET /1 "
    "GET /1/edit "
    "GET /new "
    "GET /1/deliveries "
    "GET /deliveries status=failed"
    "GET /events "
    "GET /audit "
    "GET /tokens "
    "GET /metrics "
    "GET /api/v1/subscriptions "
    "POST /1/edit "
)
n=0
for request in "${requests[@]}"; do
    read -r method path query <<< "$request"
    n=$((n + 1))
    HOOKLINE_CONFIG="$work/hookline.conf" REQUEST_METHOD=$method SCRIPT_NAME=/webhooks PATH_INFO=$path \
        QUERY_STRING=${query:-} CONTENT_TYPE=application/x-www-form-urlencoded CONTENT_LENGTH=0 \
        valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/run-$n.out" \
        "$DIST/hookline-console" < /dev/null > /dev/null 2> "$work/valgrind-$n.log" \
        || { echo "order-functions: $method $path failed under valgrind (see $work/valgrind-$n.log)" >&2; cat "$work/valgrind-$n.log" >&2; exit 1; }
done

# Function names from callgrind's "fn=(id) name" / "cfn=(id) name" lines ("'2" marks recursion),
# once per request; then the functions most requests run first (start-up, config, layout, then
# what fewer pages share), so the code every request needs is the densest.
for run in "$work"/run-*.out; do
    sed -n -E "s/^c?fn=\([0-9]+\) ([\$_A-Za-z].*)$/\1/p" "$run" | sed -E "s/'[0-9]+$//" | sort -u
done | sort | uniq -c | sort -k1,1nr -k2,2 | awk '{print ".text." $2}' > "$work/order"
cp "$work/order" "$OUT"
echo "order-functions: $(wc -l < "$work/order") functions from $n requests in $OUT"
