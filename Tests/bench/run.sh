#!/usr/bin/env bash
# `make bench`: what one CGI request costs, as ratios against a C CGI in the same run.
#
# Runs the release binaries directly with CGI environment variables (no web server: the exec,
# the SQLite queries and the rendering are what Hookline controls), with hyperfine.
# Inventories of 100 and 10,000 webhooks show that a page costs the same whatever the size.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=$ROOT/.build/dist
OUT=$ROOT/.bench
RUNS=${BENCH_RUNS:-200}
rm -rf "$OUT" && mkdir -p "$OUT"
command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (apt-get install hyperfine)"; exit 1; }

gcc -O2 -o "$OUT/hello-c" Tests/bench/hello.c

make_db() {  # make_db NAME COUNT
    local dir=$OUT/$1
    mkdir -p "$dir"
    printf 'database = %s/hookline.db\ntemplates = %s/Templates\nanonymous = dev\n' "$dir" "$ROOT" > "$dir/hookline.conf"
    "$BIN/hookline" --config "$dir/hookline.conf" init >/dev/null
    "$BIN/hookline" --config "$dir/hookline.conf" demo >/dev/null
    sqlite3 "$dir/hookline.db" <<SQL
PRAGMA foreign_keys = ON;
DELETE FROM subscriptions;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
INSERT INTO subscriptions (id, name, url, active, signature_scheme, secret, event_count, agent_count, created_at, updated_at)
SELECT i, 'Webhook ' || printf('%06d', (i * 7919) % $2), 'https://hooks' || i || '.example.com/in', i % 3 != 0, 'hookline',
       CASE WHEN i % 2 = 0 THEN 'whsec_x' END, 2, i % 4 = 0, 1700000000 + i, 1700000000 + i FROM n;
INSERT INTO subscription_events SELECT id, 'conversation.ended' FROM subscriptions;
INSERT INTO subscription_events SELECT id, 'conversation.started' FROM subscriptions;
INSERT INTO subscription_agents SELECT id, '5d0f8a2c-6b1e-4f37-9a58-2c7d41e0b9a1' FROM subscriptions WHERE agent_count = 1;
ANALYZE;
SQL
}
make_db small 100
make_db large 10000

cgi() {  # cgi DB QUERY [PATH]
    echo "env HOOKLINE_CONFIG=$OUT/$1/hookline.conf REQUEST_METHOD=GET SCRIPT_NAME=/webhooks PATH_INFO=${3:-/} QUERY_STRING=$2 $BIN/hookline-console"
}
# Sanity: the pages answer 200 and show 50 rows.
for db in small large; do
    rows=$(env HOOKLINE_CONFIG=$OUT/$db/hookline.conf REQUEST_METHOD=GET SCRIPT_NAME=/webhooks PATH_INFO=/ "$BIN/hookline-console" | grep -c '<tr data-id=')
    echo "inventory ($db): $rows rows on page 1"
done

hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$OUT/results.json" \
    -n "C hello CGI (baseline)" "env REQUEST_METHOD=GET $OUT/hello-c" \
    -n "inventory, 100 webhooks" "$(cgi small '')" \
    -n "inventory, 10000 webhooks" "$(cgi large '')" \
    -n "inventory, 10000, page 100" "$(cgi large 'page=100')" \
    -n "inventory, 10000, search+status" "$(cgi large 'q=hooks42&status=active')" \
    -n "inventory, 10000, sort events desc" "$(cgi large 'sort=events&dir=desc')" \
    -n "edit form, 10000" "$(cgi large '' /42/edit)" \
    -n "404 page" "$(cgi large '' /nope/nope)" >/dev/null

python3 - "$OUT/results.json" <<'PY' | tee "$OUT/results.md"
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
small = next(r["median"] for r in results if r["command"] == "inventory, 100 webhooks")
print("| request | median ms | × C baseline | × 100-webhook inventory |")
print("|---|---|---|---|")
for r in results:
    m = r["median"]
    print(f"| {r['command']} | {m * 1000:.2f} | {m / base:.1f} | {m / small:.2f} |")
PY
