#!/usr/bin/env bash
# Latency tails of our server with dedicated cores: the load generator pinned to LOAD_CPUS, the server (and its
# embedded Redis) to SERVER_CPUS (taskset), RUNS rounds of:
#   1. the maximum relay rate, closed loop (CONNECTIONS/2 pairs)
#   2. the relay round trip paced at half that rate             (goal: p99 <= 2 ms)
#   3. call setup, request to accepted, at CALLS_PER_SECOND      (goal: p99 <= 5 ms at 100 new calls/s)
# The generator runs with the Epsilon collector (it allocates, but never collects, in a heap sized for the run), so
# none of its own pauses land in the tail; both processes write a GC log, summed up per run (pauses, total, longest).
# Prints each run, then the medians of p50/p99/p99.9.
#
#   ops/scripts/bench-tails.sh   # RUNS=5 CONNECTIONS=1000 WARMUP=60 CALL_WARMUP=60 DURATION=20 CALLS_PER_SECOND=100 LOAD_CPUS=0 SERVER_CPUS=1 SERVER_HEAP=1g
set -euo pipefail
GENERATOR_HEAP="${GENERATOR_HEAP:-8g}"
# a fixed heap for the server, as an operator sets it: a heap still growing pauses for full collections
SERVER_HEAP="${SERVER_HEAP:-1g}"
export SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Dio.netty.leakDetection.level=disabled -Xms$SERVER_HEAP -Xmx$SERVER_HEAP}"
BASE_LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--XX:+UnlockExperimentalVMOptions -XX:+UseEpsilonGC -Xms$GENERATOR_HEAP -Xmx$GENERATOR_HEAP -Dio.netty.leakDetection.level=disabled}"
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_dedicated_cores

RUNS="${RUNS:-5}"
CONNECTIONS="${CONNECTIONS:-1000}"
# Long enough for every session's replay buffer to reach its size limit (512 messages at about 23 per second per
# connection): until then the buffers grow, and their copies in young collections pause the server for tens of ms.
WARMUP="${WARMUP:-60}"
# the maximum rate is a throughput, not a tail: a short warm-up does for it
MAX_WARMUP="${MAX_WARMUP:-10}"
DURATION="${DURATION:-20}"
CALLS_PER_SECOND="${CALLS_PER_SECOND:-100}"
# As long as the relay's: after 10 s at 100 calls/s the server's compiler is still at work on the one core it shares
# with the calls (p99 4.6-5.8 ms against 2.5-3.0 ms after 60 s, docs/benchmarks.md).
CALL_WARMUP="${CALL_WARMUP:-60}"
CALL_DURATION="${CALL_DURATION:-30}"

bench_require java mvn
[ "${SKIP_BUILD:-0}" = 1 ] || bench_build
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/tails-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

# gc_summary LOG: "<pauses> pauses, <total> ms in all, longest <max> ms"
gc_summary() {
  awk '/Pause/ && match($0, /[0-9.]+ms$/) { v = substr($0, RSTART, RLENGTH - 2) + 0; n++; t += v; if (v > m) m = v }
       END { printf "%d pauses, %.1f ms in all, longest %.2f ms", n, t, m }' "$1"
}

# one STEP RUN LOAD_ARGS...: a fresh server, the load, both GC logs; the load's report in $out/STEP-RUN.txt
one() {
  local step="$1" run="$2"
  shift 2
  local name="$step-$run"
  bench_start_tabib "-Xlog:gc:file=$out/$name-server-gc.log"
  LOAD_JAVA_OPTS="$BASE_LOAD_JAVA_OPTS -Xlog:gc:file=$out/$name-load-gc.log" bench_tabib_load --threads="$LOAD_THREADS" "$@" >"$out/$name.txt" 2>"$out/$name.err"
  bench_stop_tabib
  echo "$step run $run: server GC $(gc_summary "$out/$name-server-gc.log"); generator GC $(gc_summary "$out/$name-load-gc.log")" \
    >>"$out/gc.txt"
}

for run in $(seq 1 "$RUNS"); do
  one max "$run" --connections="$CONNECTIONS" --warmup="$MAX_WARMUP" --duration="$DURATION"
  max="$(bench_value relayed_messages_per_second "$out/max-$run.txt")"
  half="$(awk -v m="$max" 'BEGIN { printf "%d", m / 2 }')"
  echo "$half" >"$out/half-rate-$run.rate"
  one half "$run" --connections="$CONNECTIONS" --warmup="$WARMUP" --duration="$DURATION" --rate="$half"
  one calls "$run" --calls-per-second="$CALLS_PER_SECOND" --warmup="$CALL_WARMUP" --duration="$CALL_DURATION"
  bench_log "run $run/$RUNS: maximum $max messages/s;" \
    "relay at $half/s p50/p99/p99.9 $(bench_value relay_round_trip_p50_ms "$out/half-$run.txt")/$(bench_value relay_round_trip_p99_ms "$out/half-$run.txt")/$(bench_value relay_round_trip_p999_ms "$out/half-$run.txt") ms;" \
    "call setup p50/p99/p99.9 $(bench_value call_setup_accepted_p50_ms "$out/calls-$run.txt")/$(bench_value call_setup_accepted_p99_ms "$out/calls-$run.txt")/$(bench_value call_setup_accepted_p999_ms "$out/calls-$run.txt") ms"
done

# median KEY STEP: the median over the runs of one key=value of the reports of STEP
median() {
  local key="$1" step="$2" run
  for run in $(seq 1 "$RUNS"); do bench_value "$key" "$out/$step-$run.txt"; done | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

{
  echo
  echo "== latency tails with dedicated cores, medians of $RUNS runs =="
  bench_machine
  echo "pinned: load generator on CPUs '${LOAD_CPUS:-any}' ($LOAD_THREADS threads, Epsilon GC, $GENERATOR_HEAP), server and its Redis on CPUs '${SERVER_CPUS:-any}' ($SERVER_JAVA_OPTS)"
  echo "relay: warm-up ${WARMUP} s (${MAX_WARMUP} s for the maximum), measured ${DURATION} s; calls: warm-up ${CALL_WARMUP} s, measured ${CALL_DURATION} s"
  echo "maximum relay rate: $(median relayed_messages_per_second max) messages/s ($CONNECTIONS connections, closed loop)"
  echo "relay round trip at half of each run's maximum: p50 $(median relay_round_trip_p50_ms half) ms," \
       "p99 $(median relay_round_trip_p99_ms half) ms, p99.9 $(median relay_round_trip_p999_ms half) ms (goal p99 <= 2 ms)"
  echo "call setup request->accepted at $CALLS_PER_SECOND calls/s: p50 $(median call_setup_accepted_p50_ms calls) ms," \
       "p99 $(median call_setup_accepted_p99_ms calls) ms, p99.9 $(median call_setup_accepted_p999_ms calls) ms (goal p99 <= 5 ms)"
  echo "GC per run:"
  sed 's/^/  /' "$out/gc.txt"
  echo "reports and GC logs: $out"
} | tee "$out/summary.txt"
