#!/usr/bin/env bash
# Runs the foundation benchmarks (import throughput vs bare SQLite; HTTP throughput with wrk) and
# prints ratios. Usage: bench/run.sh [ROWS]. Builds first via scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
ROWS=${1:-100000}
echo "== import throughput ($ROWS mentions)"
build/bench/import_bench "$ROWS"
echo
echo "== HTTP throughput (wrk, 2 threads, 32 connections, 10 s each)"
bench/http_bench.sh
