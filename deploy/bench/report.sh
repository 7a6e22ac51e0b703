#!/usr/bin/env bash
# Acceptance 4 of issue 8: on PostgreSQL (PHUCDAP_TEST_POSTGRES, default
# postgres://postgres@127.0.0.1:5432/test) with 1,000,000 seeded cases, the
# month-by-unit report against a bare GROUP BY over the same rows, measured
# interleaved in the same run (performance-floors.md §5–6): the median of
# the per-round ratios must stay within 1.5.
#
# Seeding is set-based (INSERT … SELECT generate_series) and takes about a
# minute; the nightly rollup runs once, as in production. Set
# PHUCDAP_BENCH_REPORT_DSN to a database of your own to seed it once and
# keep it between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(go test ./internal/store -run '^$' -bench 'BenchmarkReportMonthByUnit' -benchtime 1x -timeout 30m -v)
echo "$out" | grep -E 'seeded|rollup|November|Benchmark|ratio|FAIL|ok' || true
echo "$out" | grep -q '^--- FAIL' && exit 1 || exit 0
