#!/usr/bin/env bash
# Urgent-call bursts and the cost of a dispatch against the queue's length:
#   1. against a fresh server: POOL specialists over SPECIALTIES specialties all available, then POOL nurses request
#      an urgent call within BURST_MS; each specialist accepts the call rung to her. WARMUP_BURSTS bursts first, not
#      counted (the server's compiler is still at work through the first ones; the first burst's times are reported
#      apart), then RUNS runs, medians of the time until every call rang and was accepted (goals: 300 ms and 600 ms
#      for 500 calls in 100 ms).
#   2. against a fresh redis-server: Redis time of the queue's scripts per new call and per head call taken, with
#      QUEUED calls waiting (DispatchBenchmark; the cost should stay flat as the queue grows).
#
#   ops/scripts/bench-burst.sh        # POOL=500 SPECIALTIES=7 BURST_MS=100 WARMUP_BURSTS=5 RUNS=5
#                                     # QUEUED=10,100,1000,5000
set -euo pipefail
# The load generator is a fresh JVM for each burst, on the same two cores as the server. With the default compilers
# it used 3.7 CPU-seconds per burst run against 2.1 with C1 alone, and the server waited for the cores (all ringing
# after about 430 ms against 230 ms, same server; docs/benchmarks.md). C1's code runs slower, which can only make the
# times the generator measures longer, never shorter.
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--Xms512m -Xmx2g -Dio.netty.leakDetection.level=disabled -XX:TieredStopAtLevel=1}"
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

POOL="${POOL:-500}"
SPECIALTIES="${SPECIALTIES:-7}"
BURST_MS="${BURST_MS:-100}"
RUNS="${RUNS:-5}"
WARMUP_BURSTS="${WARMUP_BURSTS:-5}"
QUEUED="${QUEUED:-10,100,1000,5000}"
BENCH_REDIS_PORT="${BENCH_REDIS_PORT:-28379}"

bench_require java mvn
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bench_build
fi
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/burst-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
(cd "$ROOT" && mvn -B -q -o -pl ops dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath \
  -Dmdep.includeScope=runtime) || (cd "$ROOT" && mvn -B -q -pl ops dependency:build-classpath \
  -Dmdep.outputFile=target/runtime.classpath -Dmdep.includeScope=runtime)

# CPU seconds (user + system) a process has used so far.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

# 1. Bursts, one fresh server, a new set of users for each run. The server's CPU time over each run (connections,
# burst, hang-ups) is noted too: on a shared machine it varies less than the wall-clock times.
bench_start_tabib
for warmup in $(seq 1 "$WARMUP_BURSTS"); do
  bench_log "warm-up burst $warmup of $WARMUP_BURSTS (not counted)"
  bench_tabib_load --scenario=burst --pool="$POOL" --specialties="$SPECIALTIES" --burst-ms="$BURST_MS" \
    --prefix="warmup$warmup" --connect-concurrency=128 >"$out/warmup-$warmup.txt"
  sleep 2
done
for run in $(seq 1 "$RUNS"); do
  bench_log "burst $run of $RUNS: $POOL calls within $BURST_MS ms"
  cpu_before="$(cpu_seconds "$TABIB_PID")"
  bench_tabib_load --scenario=burst --pool="$POOL" --specialties="$SPECIALTIES" --burst-ms="$BURST_MS" \
    --prefix="burst$run" --connect-concurrency=128 | tee "$out/burst-$run.txt"
  echo "server_cpu_seconds=$(awk -v a="$cpu_before" -v b="$(cpu_seconds "$TABIB_PID")" 'BEGIN { printf "%.2f", b - a }')" \
    | tee -a "$out/burst-$run.txt"
  sleep 2
done
bench_stop_tabib

median_of() {
  local key="$1" run
  for run in $(seq 1 "$RUNS"); do bench_value "$key" "$out/burst-$run.txt"; done | grep . | bench_median
}

# 2. Redis time per event against the queue's length.
redis_dir="$(mktemp -d -t tabib-bench-redis.XXXXXX)"
BENCH_TMP_DIRS+=("$redis_dir")
if bench_port_open "$BENCH_REDIS_PORT"; then
  echo "bench: port $BENCH_REDIS_PORT is already in use; set BENCH_REDIS_PORT" >&2
  exit 2
fi
redis_server="$(bench_redis_server "$redis_dir")"
"$redis_server" --port "$BENCH_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" \
  >"$redis_dir/redis.log" 2>&1 &
BENCH_PIDS+=("$!")
bench_await_start "$!" "$redis_dir/redis.log" "redis-server (port $BENCH_REDIS_PORT)" bench_port_open "$BENCH_REDIS_PORT"
bench_log "Redis time per event with $QUEUED calls queued"
# shellcheck disable=SC2086
# The scripts measured are this checkout's (its signaling classes first), not those of an installed jar.
java ${LOAD_JAVA_OPTS} -cp "$ROOT/ops/target/classes:$ROOT/signaling/target/classes:$ROOT/redis-script/target/classes:$(cat "$ROOT/ops/target/runtime.classpath")" \
  ma.tabiblink.ops.bench.dispatch.DispatchBenchmark --redis "127.0.0.1:$BENCH_REDIS_PORT" --db 0 \
  --queued "$QUEUED" --runs "$RUNS" | tee "$out/dispatch.txt"

{
  echo
  echo "== call bursts =="
  bench_machine
  echo "load generator JVM options: $LOAD_JAVA_OPTS"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$WARMUP_BURSTS" -gt 0 ]; then
    echo "first burst on a fresh server (warm-up, not counted): all ringing after" \
         "$(bench_value burst_all_ringing_ms "$out/warmup-1.txt") ms, all accepted after" \
         "$(bench_value burst_all_accepted_ms "$out/warmup-1.txt") ms"
  fi
  echo "$POOL calls within $BURST_MS ms, $POOL specialists over $SPECIALTIES specialties (median of $RUNS runs" \
       "after $WARMUP_BURSTS warm-up bursts):"
  echo "  all ringing after $(median_of burst_all_ringing_ms) ms (goal <= 300), all accepted after" \
       "$(median_of burst_all_accepted_ms) ms (goal <= 600)"
  echo "  server CPU per run (connect, burst, hang up): $(median_of server_cpu_seconds) s"
  echo "  request->ringing p50 $(median_of burst_ringing_p50_ms) ms, p99 $(median_of burst_ringing_p99_ms) ms;" \
       "request->accepted p50 $(median_of burst_accepted_p50_ms) ms, p99 $(median_of burst_accepted_p99_ms) ms"
  echo "Redis time per event against the queue's length (median of $RUNS runs):"
  grep '^|' "$out/dispatch.txt"
  echo "reports: $out"
} | tee "$out/summary.txt"
