#!/usr/bin/env bash
# Builds the libFuzzer target for the feed parser with clang (ASan + UBSan) and runs it, seeded
# with the rss-atom fixtures and a few hostile documents.
# usage: src/connectors/feed/fuzz/run.sh [SECONDS=60]   (corpus kept in build-fuzz/feed-corpus)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
OUT=$ROOT/build-fuzz
SECONDS_TO_RUN=${1:-60}
mkdir -p "$OUT/feed-corpus"
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I"$ROOT/src" \
  $(pkg-config --cflags libxml-2.0) \
  "$ROOT/src/connectors/feed/fuzz/feed_fuzz.cc" "$ROOT/src/connectors/feed/feed.cc" \
  "$ROOT/src/connectors/feed/dates.cc" "$ROOT/src/core/clock.cc" "$ROOT/src/core/status.cc" \
  $(pkg-config --libs libxml-2.0) -o "$OUT/feed_fuzz"
cp "$ROOT"/../shared/fixtures/rss-atom/feedparser-docs-examples/* "$OUT/feed-corpus/" 2>/dev/null || true
printf '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "&b;&b;"><!ENTITY b "x">]><rss><channel><title>&a;&nbsp;</title></channel></rss>' > "$OUT/feed-corpus/seed-entities"
printf '<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://a/b/"><entry><link href="../c"/><updated>2026-02-30T25:00Z</updated></entry></feed>' > "$OUT/feed-corpus/seed-atom"
"$OUT/feed_fuzz" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=1024 "$OUT/feed-corpus"
