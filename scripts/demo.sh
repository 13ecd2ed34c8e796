#!/usr/bin/env bash
# Run the demo: installs what is missing, builds, and serves humas with the demo region
# (fictional Kabupaten) and a live stream of mentions. Stop with Ctrl-C.
#   HUMAS_LISTEN=127.0.0.1:8080 (default)   HUMAS_DATA_DIR=.demo (default)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/src/app/humas demo --data-dir "${HUMAS_DATA_DIR:-.demo}" \
  --listen "${HUMAS_LISTEN:-127.0.0.1:8080}"
