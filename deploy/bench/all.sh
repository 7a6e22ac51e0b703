#!/usr/bin/env bash
# The one bench command: every figure of phucdap against its floor, in one
# run, as interleaved pairs (floor, phucdap; floor, phucdap; …), on this
# machine, with the load generator (wrk) on the same box.
#
#   deploy/bench/all.sh            # the full run: 1M cases, 15 s wrk runs, 3 pairs a figure (about 30 minutes, seeding included)
#   deploy/bench/all.sh -quick     # a smoke run: 20k cases, 3 s runs, 2 pairs, no sweep
#
# It prints one table (figure, floor, phucdap, median of the per-pair
# ratios, goal, verdict, the load average at each pair) and writes it as
# JSON, with every raw pair, to $OUT/results.json (OUT defaults to
# ./bench-results). Before each pair it waits for the 1-minute load
# average to fall below LOAD_MAX (default 1.5) for at most LOAD_WAIT
# seconds (default 120), and notes when it could not.
#
# Needs: wrk, pgbench and psql, a PostgreSQL at PHUCDAP_BENCH_PG (default
# postgres://postgres@127.0.0.1:5432, trust auth), where it creates
# phucdap_bench and phucdap_bench_floor (…_quick for -quick) and drops them
# when it ends, unless KEEP_DBS=1 (later runs then skip the seeding). The floors are deploy/bench/floor (a bare
# echo+pgx / echo+glebarez program) and the pgbench scripts in
# deploy/bench/pgbench.
# Knobs: ROUNDS, DURATION (wrk -d), CONNS (wrk -c), POOL (both pools), CASES,
# ONLY (a comma-separated list of figures to run, out of kpi, intake-pg,
# lookup, intake-sqlite, sweep, recompute, search, coldstart; the seeding runs whatever is
# chosen), e.g. `ONLY=lookup KEEP_DBS=1 deploy/bench/all.sh -quick`, and DBS
# (the databases' name prefix, default phucdap_bench, for runs side by side).
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
quick=0
[ "${1:-}" = -quick ] && quick=1
PG=${PHUCDAP_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
OUT=${OUT:-$root/bench-results}
LOAD_MAX=${LOAD_MAX:-1.5}
LOAD_WAIT=${LOAD_WAIT:-120}
POOL=${POOL:-16}
CONNS=${CONNS:-32}
if [ $quick = 1 ]; then
  ROUNDS=${ROUNDS:-2}; DURATION=${DURATION:-3s}; CASES=${CASES:-20000}; sfx=_quick
else
  ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-15s}; CASES=${CASES:-1000000}; sfx=
fi
app_db=${DBS:-phucdap_bench}$sfx
floor_db=${DBS:-phucdap_bench}_floor$sfx
APP_DSN="$PG/$app_db?sslmode=disable"
FLOOR_DSN="$PG/$floor_db?sslmode=disable"
mkdir -p "$OUT"
raw=$OUT/raw.tsv
notes=$OUT/notes.txt
: > "$raw"
: > "$notes"
bin=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.1; done; done
  rm -rf "$bin"
  # The databases go with the run unless KEEP_DBS=1 (a later run then
  # skips the seeding).
  if [ "${KEEP_DBS:-0}" != 1 ]; then
    for d in "$app_db" "$floor_db"; do
      psql "$PG/postgres" -Xqc "DROP DATABASE IF EXISTS $d WITH (FORCE)" 2>/dev/null || echo "could not drop $d; drop it by hand" >&2
    done
  fi
}
trap cleanup EXIT

step=0
steps=11
say() { step=$((step + 1)); echo "[$step/$steps $((100 * (step - 1) / steps))% $(date -u +%H:%M:%S) load $(load)] $*"; }
note() { echo "  note: $*"; echo "$*" >> "$notes"; }
load() { cut -d' ' -f1 /proc/loadavg; }
# retry CMD…: a few tries, for a PostgreSQL that other work fills to
# max_connections now and then.
retry() {
  local i
  for i in 1 2 3 4 5 6; do
    "$@" && return 0
    sleep $((i * 2))
  done
  return 1
}
# want FIGURE: whether ONLY (empty: all) names the figure.
want() { [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$1,"* ]]; }
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-$(load)}" >> "$raw"; }

# quiet waits until the 1-minute load average is below LOAD_MAX, for at
# most LOAD_WAIT seconds, and notes when it gave up.
quiet() {
  local waited=0
  while awk -v l="$(load)" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }'; do
    if [ $waited -ge "$LOAD_WAIT" ]; then
      note "$1: load $(load) still ≥ $LOAD_MAX after ${LOAD_WAIT}s; measured anyway"
      return
    fi
    sleep 5
    waited=$((waited + 5))
  done
}

# What a request costs, beside how many a second: the CPU the server
# process and PostgreSQL spent over a wrk run, divided by its requests.
# On a machine where wrk, the server and PostgreSQL share the cores, the
# ratio of two sides' throughput is bounded by the ratio of their CPU per
# request; these figures say where each side's goes.
hz=$(getconf CLK_TCK)
# cpu_ticks PID: the process's own CPU (user + system), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# pg_ticks: the local PostgreSQL's CPU in clock ticks: its live processes'
# own, and what the postmaster's ended children used (a backend that exits
# moves from one to the other); empty when PostgreSQL is not on this box.
pg_ticks() {
  local pm
  pm=$(pgrep -o -x postgres) || return 0
  awk -v pm="$pm" '{ n = split($0, f, " "); t = f[14] + f[15]; if (f[1] == pm) t += f[16] + f[17]; s += t } END { print s }' \
    "/proc/$pm/stat" $(pgrep -P "$pm" | sed 's|.*|/proc/&/stat|') 2>/dev/null
}

# wrk_run FIGURE SIDE ROUND URL LUA [ARG]: one wrk run; records req/s and
# p99 (ms), and the CPU per request of the side's server (floor_pid or
# app_pid) and of PostgreSQL; a run with errors is noted.
wrk_run() {
  local fig=$1 side=$2 round=$3 url=$4 lua=$5 arg=${6:-}
  local l o rps p99 pid n app0 app1 pg0 pg1 cpu=""
  l=$(load)
  pid=$app_pid
  [ "$side" = floor ] && pid=$floor_pid
  app0=$(cpu_ticks "$pid"); pg0=$(pg_ticks)
  o=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$lua" "$url" -- $arg 2>&1)
  app1=$(cpu_ticks "$pid"); pg1=$(pg_ticks)
  n=$(awk '/requests in/ { print $1 }' <<< "$o")
  if [ -n "$n" ] && [ "$n" -gt 0 ]; then
    local us
    us=$(awk -v a="$((app1 - app0))" -v n="$n" -v hz="$hz" 'BEGIN { printf "%.1f", a / hz / n * 1e6 }')
    record "$fig app CPU µs/req" "$side" "$round" "$us" "$l"
    cpu=", app CPU $us µs/req"
    if [ -n "$pg0" ] && [ -n "$pg1" ] && [ "$fig" != intake-sqlite ]; then
      us=$(awk -v a="$((pg1 - pg0))" -v n="$n" -v hz="$hz" 'BEGIN { printf "%.1f", a / hz / n * 1e6 }')
      record "$fig PostgreSQL CPU µs/req" "$side" "$round" "$us" "$l"
      cpu="$cpu, PostgreSQL CPU $us µs/req"
    fi
  fi
  echo "$o" > "$OUT/wrk_${fig// /_}_${side}_$round.txt"
  rps=$(awk '/^Requests\/sec/ {print $2}' <<< "$o")
  p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }' <<< "$o")
  if grep -qE 'Non-2xx|Socket errors' <<< "$o"; then
    note "$fig $side round $round: $(grep -E 'Non-2xx|Socket errors' <<< "$o" | tr '\n' ' ')"
  fi
  echo "  $fig $side round $round: ${rps:-?} req/s, p99 ${p99:-?} ms$cpu (load $l)"
  [ -n "$rps" ] && record "$fig req/s" "$side" "$round" "$rps" "$l"
  [ -n "$p99" ] && record "$fig p99" "$side" "$round" "$p99" "$l"
}

# serve NAME PORT CMD…: starts a server in the background, waits for its
# first 200 on READY (default /) and prints its pid; the caller adds it to
# pids, which the exit trap stops.
serve() {
  local name=$1 port=$2
  shift 2
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is taken by another process: stop it, or the bench would measure it" >&2
    exit 1
  fi
  "$@" > "$OUT/server_$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$port${READY:-/}" && { echo "$pid"; return; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill "$pid" 2>/dev/null
  echo "server $name did not start; see $OUT/server_$name.log" >&2
  tail -5 "$OUT/server_$name.log" >&2
  exit 1
}

stop() {
  kill "$1" 2>/dev/null
  while kill -0 "$1" 2>/dev/null; do sleep 0.05; done
}

peak_mb() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# app_env is phucdap's environment for the bench: no jobs, quiet logs, the
# same pool as the floor, and intake limits out of the way (every request
# comes from one address).
app_env=(env PHUCDAP_LOG__LEVEL=warn PHUCDAP_JOBS__ENABLED=false PHUCDAP_DB__MAX_OPEN_CONNS=$POOL
  PHUCDAP_INTAKE__PER_IP_HOUR=1000000000 PHUCDAP_INTAKE__PER_IP_DAY=1000000000
  PHUCDAP_INTAKE__PER_PHONE_HOUR=1000000000 PHUCDAP_INTAKE__PER_PHONE_DAY=1000000000)

say "build phucdap and the floors (quick=$quick, $CASES cases, $ROUNDS pairs of $DURATION at c=$CONNS, pool $POOL)"
for t in wrk pgbench psql curl; do command -v $t > /dev/null || { echo "needs $t (apt-get install wrk postgresql-client)"; exit 1; }; done
go build -o "$bin/phucdap" ./cmd/phucdap && go build -o "$bin/floor" ./deploy/bench/floor && go build -o "$bin/table" ./deploy/bench/table || exit 1
for d in "$app_db" "$floor_db"; do
  retry psql "$PG/postgres" -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$d'" | grep -q 1 || retry psql "$PG/postgres" -Xqc "CREATE DATABASE $d" || exit 1
done
echo "machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); $(retry psql "$PG/postgres" -XAtc 'SHOW server_version') PostgreSQL" | tee -a "$notes"

say "floor: load $CASES rows into p (kept between runs)"
retry "$bin/floor" load -dsn "$FLOOR_DSN" -n "$CASES" -codes "$OUT/codes_floor.txt" || exit 1
retry psql "$FLOOR_DSN" -Xq -f deploy/bench/pgbench/schema5.sql > /dev/null || exit 1

say "KPI month by unit: seed $CASES cases into $app_db if needed, then $((ROUNDS * 7)) interleaved rounds of its floor (the same figures in bare SQL) and the report"
quiet "kpi"
kpi_rounds=$((ROUNDS * 7))
want kpi || kpi_rounds=1
PHUCDAP_BENCH_REPORT_DSN="$APP_DSN" PHUCDAP_BENCH_CASES=$CASES PHUCDAP_BENCH_CODES="$OUT/codes.txt" PHUCDAP_BENCH_ROUNDS=$kpi_rounds \
  go test ./internal/store -run '^$' -bench '^BenchmarkReportMonthByUnit$' -benchtime 1x -timeout 60m -v > "$OUT/report.txt" 2>&1
kpi_rc=$?
grep -E 'seeded|rollup|round [0-9]+:|November|FAIL' "$OUT/report.txt" | sed 's/^ */  /'
[ $kpi_rc = 0 ] || note "the KPI bench exited $kpi_rc (figures above; see $OUT/report.txt)"
want kpi && sed -nE 's/.*round ([0-9]+): floor ([0-9.]+) ms, report ([0-9.]+) ms.*/\1 \2 \3/p' "$OUT/report.txt" |
  while read -r r f p; do record "kpi month by unit" floor "$r" "$f"; record "kpi month by unit" phucdap "$r" "$p"; done
[ -s "$OUT/codes.txt" ] || { echo "no seeded codes for the lookup bench; see $OUT/report.txt"; exit 1; }

say "PostgreSQL servers: floor on :18080, phucdap on :18081 ($app_db)"
floor_pid=$(serve floor-pg 18080 "$bin/floor" serve -store pg -dsn "$FLOOR_DSN" -pool "$POOL" -addr 127.0.0.1:18080) || exit 1
pids+=("$floor_pid")
appdir=$(mktemp -d)
app_pid=$(READY=/api/v1/topics serve phucdap-pg 18081 "${app_env[@]}" PHUCDAP_LISTEN=127.0.0.1:18081 PHUCDAP_DATABASE_URL="$APP_DSN" PHUCDAP_DATA_DIR="$appdir" "$bin/phucdap") || exit 1
pids+=("$app_pid")
topic=$(curl -s http://127.0.0.1:18081/api/v1/topics | grep -oE '"id": ?[0-9]+' | head -1 | grep -oE '[0-9]+')
[ -n "$topic" ] || { echo "no topic to file petitions under"; exit 1; }
# warm both sides the same way
if want intake-pg; then
  wrk -t2 -c"$CONNS" -d2s -s deploy/bench/wrk/post_floor.lua http://127.0.0.1:18080 > /dev/null
  wrk -t2 -c"$CONNS" -d2s -s deploy/bench/wrk/post_phucdap.lua http://127.0.0.1:18081 -- "$topic" > /dev/null
fi

say "intake on PostgreSQL: $ROUNDS pairs (floor POST /p, phucdap POST /api/v1/petitions), with pgbench's 5 rows + counter, its batch of 16 and phucdap's own batch of 16"
want intake-pg || note "intake-pg skipped (ONLY=$ONLY)"
for r in $(want intake-pg && seq 1 "$ROUNDS"); do
  quiet "intake-pg pair $r"
  wrk_run intake-pg floor "$r" http://127.0.0.1:18080 deploy/bench/wrk/post_floor.lua
  wrk_run intake-pg phucdap "$r" http://127.0.0.1:18081 deploy/bench/wrk/post_phucdap.lua "$topic"
  l=$(load)
  tps=$(pgbench "$FLOOR_DSN" -n -f deploy/bench/pgbench/intake5_seqlast.sql -c 16 -j 2 -T "${DURATION%s}" 2>&1 | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  echo "  pgbench 5 rows + counter round $r: ${tps:-?} TPS (load $l)"
  ours=$(awk -v f="intake-pg req/s" -v r="$r" -F'\t' '$1 == f && $2 == "phucdap" && $3 == r { print $4 }' "$raw")
  if [ -n "$tps" ] && [ -n "$ours" ]; then
    record "intake-pg vs pgbench 5 rows+counter" floor "$r" "$tps" "$l"
    record "intake-pg vs pgbench 5 rows+counter" phucdap "$r" "$ours" "$l"
  fi
  l=$(load)
  tps=$(pgbench "$FLOOR_DSN" -n -f deploy/bench/pgbench/intake_batch16_ids.sql -c 4 -j 2 -T "${DURATION%s}" 2>&1 | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  echo "  pgbench batch of 16 round $r: ${tps:-?} TPS, $(awk -v t="${tps:-0}" 'BEGIN { printf "%.0f", t * 16 }') petitions/s (load $l)"
  if [ -n "$tps" ] && [ -n "$ours" ]; then
    record "intake-pg vs pgbench batch" floor "$r" "$(awk -v t="$tps" 'BEGIN { printf "%.1f", t * 16 }')" "$l"
    record "intake-pg vs pgbench batch" phucdap "$r" "$ours" "$l"
  fi
  # phucdap's own batch on its own schema: what PostgreSQL alone takes to
  # write phucdap's petitions here, the bound of its intake.
  l=$(load)
  tps=$(pgbench "$APP_DSN" -n -f deploy/bench/pgbench/intake_phucdap.sql -D n=16 -c 1 -T "${DURATION%s}" 2>&1 | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  echo "  pgbench phucdap's own batch of 16 round $r: ${tps:-?} TPS, $(awk -v t="${tps:-0}" 'BEGIN { printf "%.0f", t * 16 }') petitions/s (load $l)"
  if [ -n "$tps" ] && [ -n "$ours" ]; then
    record "intake-pg vs pgbench phucdap's batch" floor "$r" "$(awk -v t="$tps" 'BEGIN { printf "%.1f", t * 16 }')" "$l"
    record "intake-pg vs pgbench phucdap's batch" phucdap "$r" "$ours" "$l"
  fi
done
# pgbench's rate counters go; its cases (agency PGB, numbered apart) and
# audit rows stay: deleting a case checks some twenty referencing tables,
# tens of ms a case over the seeded million, and audit_log refuses DELETE.
if want intake-pg; then
  psql "$APP_DSN" -Xqc "DELETE FROM rate_counters WHERE bucket LIKE 'pgb%'" || note "could not delete pgbench's rate counters from $app_db"
fi

say "lookup by tracking code over $CASES cases with the secret: $ROUNDS pairs"
want lookup || note "lookup skipped (ONLY=$ONLY)"
want lookup && wrk -t2 -c"$CONNS" -d2s -s deploy/bench/wrk/get_floor.lua http://127.0.0.1:18080 -- "$OUT/codes_floor.txt" > /dev/null
want lookup && wrk -t2 -c"$CONNS" -d2s -s deploy/bench/wrk/get_phucdap.lua http://127.0.0.1:18081 -- "$OUT/codes.txt" > /dev/null
for r in $(want lookup && seq 1 "$ROUNDS"); do
  quiet "lookup pair $r"
  wrk_run lookup floor "$r" http://127.0.0.1:18080 deploy/bench/wrk/get_floor.lua "$OUT/codes_floor.txt"
  wrk_run lookup phucdap "$r" http://127.0.0.1:18081 deploy/bench/wrk/get_phucdap.lua "$OUT/codes.txt"
done
record "peak RSS" floor 1 "$(peak_mb "$floor_pid")"
record "peak RSS" phucdap 1 "$(peak_mb "$app_pid")"
echo "  peak RSS after intake and lookup: floor $(peak_mb "$floor_pid") MB, phucdap $(peak_mb "$app_pid") MB"
stop "$floor_pid"; stop "$app_pid"

say "intake on SQLite: $ROUNDS pairs"
if want intake-sqlite; then
sqldir=$(mktemp -d)
floor_pid=$(serve floor-sqlite 18080 "$bin/floor" serve -store sqlite -path "$sqldir/floor.db" -addr 127.0.0.1:18080) || exit 1
pids+=("$floor_pid")
app_pid=$(READY=/api/v1/topics serve phucdap-sqlite 18081 "${app_env[@]}" PHUCDAP_LISTEN=127.0.0.1:18081 PHUCDAP_DATA_DIR="$sqldir/app" "$bin/phucdap") || exit 1
pids+=("$app_pid")
topic=$(curl -s http://127.0.0.1:18081/api/v1/topics | grep -oE '"id": ?[0-9]+' | head -1 | grep -oE '[0-9]+')
wrk -t2 -c"$CONNS" -d2s -s deploy/bench/wrk/post_floor.lua http://127.0.0.1:18080 > /dev/null
wrk -t2 -c"$CONNS" -d2s -s deploy/bench/wrk/post_phucdap.lua http://127.0.0.1:18081 -- "$topic" > /dev/null
for r in $(seq 1 "$ROUNDS"); do
  quiet "intake-sqlite pair $r"
  wrk_run intake-sqlite floor "$r" http://127.0.0.1:18080 deploy/bench/wrk/post_floor.lua
  wrk_run intake-sqlite phucdap "$r" http://127.0.0.1:18081 deploy/bench/wrk/post_phucdap.lua "$topic"
done
stop "$floor_pid"; stop "$app_pid"
rm -rf "$sqldir"
else
  note "intake-sqlite skipped (ONLY=$ONLY)"
fi
rm -rf "$appdir"

say "sweep: 1M open vs 20k open with 20k newly late, and the bare UPDATE of the newly late"
if ! want sweep; then
  note "sweep skipped (ONLY=$ONLY)"
elif [ $quick = 1 ]; then
  note "sweep skipped in -quick (it seeds 1M clocks twice)"
else
  quiet "sweep"
  go test ./internal/store -run '^$' -bench '^BenchmarkSweep$' -benchtime "${BENCHTIME:-3x}" -timeout 40m > "$OUT/sweep.txt" 2>&1 ||
    note "the sweep bench failed (see $OUT/sweep.txt)"
  big=$(awk '/^BenchmarkSweep\/open=1M/ {print $3 / 1e6}' "$OUT/sweep.txt")
  small=$(awk '/^BenchmarkSweep\/open=20k/ {print $3 / 1e6}' "$OUT/sweep.txt")
  # The same rows written in bare SQL, timed by the bench on the same
  # database between the sweep's runs (its bare-ms/op).
  same=$(awk '/^BenchmarkSweep\/open=1M/ { for (i = 1; i < NF; i++) if ($(i + 1) == "bare-ms/op") print $i }' "$OUT/sweep.txt")
  echo "  sweep 1M: ${big:-?} ms, 20k: ${small:-?} ms; its writes in bare SQL over the 1M: ${same:-?} ms"
  if [ -n "$big" ] && [ -n "$same" ]; then
    record "sweep vs its writes in bare SQL" floor 1 "$same"; record "sweep vs its writes in bare SQL" phucdap 1 "$big"
  fi
  if [ -n "$big" ] && [ -n "$small" ]; then
    record "sweep 1M vs 20k" floor 1 "$small"; record "sweep 1M vs 20k" phucdap 1 "$big"
    r=0
    for f in $("$bin/floor" update -dsn "$FLOOR_DSN" -rounds "$ROUNDS"); do
      r=$((r + 1)); record "sweep vs bare UPDATE" floor "$r" "$f"; record "sweep vs bare UPDATE" phucdap "$r" "$big"
    done
  fi
fi

say "calendar recompute: a day off added inside the period of 100k open clocks, every one of which moves, against the same writes in bare SQL"
if ! want recompute; then
  note "calendar recompute skipped (ONLY=$ONLY)"
else
  quiet "recompute"
  l=$(load)
  go test ./internal/store -run '^$' -bench '^BenchmarkRecompute$' -benchtime "${BENCHTIME:-3x}" -timeout 40m > "$OUT/recompute.txt" 2>&1 ||
    note "the recompute bench failed (see $OUT/recompute.txt)"
  ours=$(awk '/^BenchmarkRecompute/ {print $3 / 1e6}' "$OUT/recompute.txt")
  same=$(awk '/^BenchmarkRecompute/ { for (i = 1; i < NF; i++) if ($(i + 1) == "bare-ms/op") print $i }' "$OUT/recompute.txt")
  echo "  recompute of 100k clocks: ${ours:-?} ms; its writes in bare SQL: ${same:-?} ms (load $l)"
  if [ -n "$ours" ] && [ -n "$same" ]; then
    record "recompute vs its writes in bare SQL" floor 1 "$same" "$l"; record "recompute vs its writes in bare SQL" phucdap 1 "$ours" "$l"
  fi
fi

say "search over $CASES cases (deploy/bench/search, its own database phucdap_bench_search, kept): p95 of each query against a bare ILIKE on an unaccented trigram index, ${SEARCH_ROUNDS:-60} interleaved rounds"
if ! want search; then
  note "search skipped (ONLY=$ONLY)"
else
  quiet "search"
  l=$(load)
  # The first run seeds and indexes the cases (about 12 minutes over a
  # million); later runs reuse them.
  if go run ./deploy/bench/search -url "$PG/postgres?sslmode=disable" -cases "$CASES" -rounds "${SEARCH_ROUNDS:-60}" -tsv "$OUT/search.tsv" > "$OUT/search.txt" 2>&1; then
    sed 's/^/  /' "$OUT/search.txt" | tail -6
    while IFS=$'\t' read -r name ours fl; do
      record "search $name p95" floor 1 "$fl" "$l"; record "search $name p95" phucdap 1 "$ours" "$l"
    done < "$OUT/search.tsv"
  else
    note "the search bench failed (see $OUT/search.txt)"
  fi
fi

say "cold start: fresh SQLite to the first 200, $ROUNDS pairs"
want coldstart || note "cold start skipped (ONLY=$ONLY)"
for r in $(want coldstart && seq 1 "$ROUNDS"); do
  quiet "cold start pair $r"
  d=$(mktemp -d)
  t0=$(date +%s%N); p=$(serve floor-cold 18080 "$bin/floor" serve -store sqlite -path "$d/floor.db" -addr 127.0.0.1:18080) || exit 1
  t1=$(date +%s%N); stop "$p"
  t2=$(date +%s%N); p=$(READY=/api/v1/plans/1 serve phucdap-cold 18081 "${app_env[@]}" PHUCDAP_LISTEN=127.0.0.1:18081 PHUCDAP_DATA_DIR="$d/app" "$bin/phucdap") || exit 1
  t3=$(date +%s%N); stop "$p"
  rm -rf "$d"
  record "cold start" floor "$r" $(( (t1 - t0) / 1000000 )); record "cold start" phucdap "$r" $(( (t3 - t2) / 1000000 ))
  echo "  cold start round $r: floor $(( (t1 - t0) / 1000000 )) ms, phucdap $(( (t3 - t2) / 1000000 )) ms"
done

echo "$(date -u '+%Y-%m-%d %H:%M UTC'); load at the end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$notes"
"$bin/table" -in "$raw" -json "$OUT/results.json" -notes "$notes"
echo "raw figures: $raw; table as JSON: $OUT/results.json"
