#!/usr/bin/env bash
# Builds the libFuzzer target for the webhook checks (headers files + signatures) with clang
# (ASan + UBSan) and runs it, seeded with the peer-suite vectors written as header files.
# usage: src/connectors/webhook/fuzz/run.sh [SECONDS=60]   (corpus kept in build-fuzz/webhook-corpus)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
OUT=$ROOT/build-fuzz
SECONDS_TO_RUN=${1:-60}
mkdir -p "$OUT/webhook-corpus"
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I"$ROOT/src" \
  $(pkg-config --cflags libsodium) \
  "$ROOT/src/connectors/webhook/fuzz/webhook_fuzz.cc" "$ROOT/src/connectors/webhook/verify.cc" \
  "$ROOT/src/core/status.cc" $(pkg-config --libs libsodium) -o "$OUT/webhook_fuzz"
python3 - "$ROOT/../shared" "$OUT/webhook-corpus" <<'PY'
import json, sys, os
shared, out = sys.argv[1], sys.argv[2]
n = 0
def put(headers, body):
    global n
    for text in ('\r\n'.join(f'{k}: {v}' for k, v in headers) + '\r\n', json.dumps(dict(headers))):
        with open(os.path.join(out, f'seed-{n}'), 'wb') as f:
            f.write(text.encode() + b'\0' + body.encode())
        n += 1
for c in json.load(open(f'{shared}/fixtures/peer-suites/standard-webhooks/vectors.json'))['cases']:
    put(list(c['headers'].items()), c['payload'])
for c in json.load(open(f'{shared}/fixtures/peer-suites/webhook-signatures/vectors.json'))['cases']:
    if c.get('header_value'):
        put([(c['header_name'], c['header_value'])], c.get('body', ''))
PY
"$OUT/webhook_fuzz" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
  "$OUT/webhook-corpus"
