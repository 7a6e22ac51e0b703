#!/usr/bin/env bash
# On PostgreSQL (PHUCDAP_TEST_POSTGRES, default
# postgres://postgres@127.0.0.1:5432/test) with 1,000,000 seeded cases, the
# month-by-unit report against a bare GROUP BY over the same rows, measured
# interleaved in the same run (performance-floors.md §5–6): the median of
# the per-round ratios must stay within 1.2. It prints every round's
# figures, and prints them too when the bench fails.
#
# Seeding is set-based (INSERT … SELECT generate_series) and takes about a
# minute; the nightly rollup runs once, as in production. Set
# PHUCDAP_BENCH_REPORT_DSN to a database of your own to seed it once and
# keep it between runs. deploy/bench/all.sh runs this figure with the others.
set -uo pipefail
cd "$(dirname "$0")/../.."
rc=0
out=$(go test ./internal/store -run '^$' -bench '^BenchmarkReportMonthByUnit$' -benchtime 1x -timeout 30m -v 2>&1) || rc=$?
echo "$out" | grep -E 'seeded|rollup|round [0-9]+:|November|Benchmark|ratio|FAIL|panic|Error|ok' || true
if [ $rc -ne 0 ]; then
  echo "report bench exited $rc; its last lines:"
  echo "$out" | tail -20
fi
exit $rc
