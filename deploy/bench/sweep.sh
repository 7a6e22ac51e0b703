#!/usr/bin/env bash
# Acceptance 6 of issue 7: the overdue sweep over 1M open clocks with 20k
# newly late, and over 20k open with 20k newly late, on PostgreSQL
# (PHUCDAP_TEST_POSTGRES, default postgres://postgres@127.0.0.1:5432/test).
# Prints both times and their ratio, which must stay within 1.5.
# Takes about 3 minutes (seeding 1M rows twice is most of it).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(go test ./internal/store -run '^$' -bench 'BenchmarkSweep' -benchtime "${BENCHTIME:-5x}" -timeout 40m)
echo "$out"
echo "$out" | awk '/^BenchmarkSweep\/open=1M/ {big=$3} /^BenchmarkSweep\/open=20k/ {small=$3}
  END { if (big == "" || small == "") { print "no figures"; exit 1 }
        r = big / small; printf "sweep 1M/20k: %.2f s, 20k/20k: %.2f s, ratio %.2f (limit 1.5)\n", big/1e9, small/1e9, r
        exit (r <= 1.5 ? 0 : 1) }'
