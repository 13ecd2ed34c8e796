#!/usr/bin/env bash
# Run every test: installs what is missing, builds, then runs the C++ unit and integration tests
# and the API integration tests against the real server on loopback (all through CTest), the web
# unit tests (Vitest), and the browser end-to-end tests (playwright-core + Debian Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
scripts/setup.sh

export HUMAS_BIN="$ROOT/build/src/app/humas"
export HUMAS_WEB_DIR="$ROOT/web/dist"
export HUMAS_SHARED="$ROOT/../shared"

status=0
printf '\n==> C++ unit and integration tests, API integration tests (ctest)\n'
ctest --test-dir build --output-on-failure --timeout 900 || status=1

printf '\n==> web unit tests (vitest)\n'
(cd web && npm test --silent) || status=1

printf '\n==> browser end-to-end tests (playwright-core + chromium)\n'
(cd web && node --test --test-concurrency=1 e2e/) || status=1

if [ $status -ne 0 ]; then echo "SOME TESTS FAILED"; else echo "ALL TESTS PASSED"; fi
exit $status
