#!/usr/bin/env bash
# HTTP throughput of an authenticated JSON list endpoint (GET /api/v1/mentions?limit=20 with a
# session cookie, demo data) against the named baseline GET /api/v1/health (no session, no query),
# both measured with wrk on loopback in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/src/app/humas
DATA=$(mktemp -d)
PORT=${HUMAS_BENCH_PORT:-18089}
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
$BIN demo --data-dir "$DATA" --listen 127.0.0.1:$PORT --demo-rate 1 >/dev/null 2>"$DATA/log" &
PID=$!
for _ in $(seq 100); do grep -q server.ready "$DATA/log" 2>/dev/null && break; sleep 0.2; done
BASE=http://127.0.0.1:$PORT
COOKIE=$(curl -s -i -X POST -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"sukamaju-demo-2025"}' $BASE/api/v1/auth/login |
  sed -n 's/^[Ss]et-[Cc]ookie: \(humas_session=[^;]*\).*/\1/p')
[ -n "$COOKIE" ] || { echo "login failed"; exit 1; }
run() { wrk -t2 -c32 -d10s "$@" | awk '/Requests\/sec/ {print $2}'; }
LIST=$(run -H "Cookie: $COOKIE" "$BASE/api/v1/mentions?limit=20")
HEALTH=$(run "$BASE/api/v1/health")
printf 'authenticated list  GET /api/v1/mentions?limit=20: %10.0f req/s\n' "$LIST"
printf 'baseline            GET /api/v1/health:            %10.0f req/s\n' "$HEALTH"
awk -v a="$LIST" -v b="$HEALTH" 'BEGIN { printf "ratio list/health: %.2f\n", a / b }'
