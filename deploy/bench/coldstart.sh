#!/usr/bin/env bash
# Cold start on SQLite with the seed plan: from exec to the first 200 from
# /api/v1/plans/1 on a fresh data directory (migrations + seed + listen).
# Usage: deploy/bench/coldstart.sh [runs]   (builds the binary first)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
bin=$(mktemp -d)/phucdap
go build -o "$bin" ./cmd/phucdap
port=18931
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  PHUCDAP_DATA_DIR="$dir" PHUCDAP_LISTEN=127.0.0.1:$port PHUCDAP_LOG__LEVEL=warn "$bin" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/api/v1/plans/1"; do sleep 0.005; done
  end=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  echo "run $i: $(( (end - start) / 1000000 )) ms"
done
