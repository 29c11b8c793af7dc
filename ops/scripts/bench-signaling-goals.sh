#!/usr/bin/env bash
# The other goals of the signalling server, each against a fresh server on loopback:
#   1. relay round trip at half our maximum rate (p99 goal: 2 ms)
#   2. memory (heap + direct) per idle authenticated connection (goal: 4 KB at 20,000 connections)
#   3. call setup latency at 100 new calls/s (p99 goal: 5 ms)
# MAX_RATE (relayed messages/s, e.g. the median from bench-signaling.sh) skips measuring the maximum first.
#
#   ops/scripts/bench-signaling-goals.sh        # IDLE=20000 CALLS_PER_SECOND=100 DURATION=20
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

CONNECTIONS="${CONNECTIONS:-1000}"
WARMUP="${WARMUP:-5}"
DURATION="${DURATION:-20}"
IDLE="${IDLE:-20000}"
CALLS_PER_SECOND="${CALLS_PER_SECOND:-100}"
CALL_DURATION="${CALL_DURATION:-30}"

bench_require java mvn jcmd
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bench_build
fi
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/signaling-goals-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

# 1. Relay latency at half the maximum rate.
if [ -z "${MAX_RATE:-}" ]; then
  bench_start_tabib
  bench_log "measuring our maximum relay rate (closed loop)"
  bench_tabib_load --connections="$CONNECTIONS" --warmup="$WARMUP" --duration="$DURATION" | tee "$out/max.txt"
  bench_stop_tabib
  MAX_RATE="$(bench_value relayed_messages_per_second "$out/max.txt")"
fi
half="$(awk -v m="$MAX_RATE" 'BEGIN { printf "%d", m / 2 }')"
bench_start_tabib
bench_log "relay at half the maximum: $half messages/s"
bench_tabib_load --connections="$CONNECTIONS" --warmup="$WARMUP" --duration="$DURATION" --rate="$half" | tee "$out/half-rate.txt"
bench_stop_tabib

# 2. Memory per idle authenticated connection. Each connection costs a file descriptor on both sides, and both
# processes inherit this shell's limit.
limit="$(ulimit -n)"
idle="$IDLE"
if [ "$limit" != unlimited ] && [ "$idle" -gt "$((limit - 1000))" ]; then
  idle="$((limit - 1000))"
  bench_log "open-files limit is $limit: measuring $idle idle connections instead of $IDLE"
fi
bench_start_tabib -XX:NativeMemoryTracking=summary
bench_log "memory with $idle idle connections"
bench_tabib_load --idle="$idle" --server-pid="$TABIB_PID" --hold=10 --connect-concurrency=512 --phase-timeout=300 \
  | tee "$out/idle.txt"
bench_stop_tabib

# 3. Call setup at a steady rate of new calls.
bench_start_tabib
bench_log "call setup at $CALLS_PER_SECOND new calls/s"
bench_tabib_load --calls-per-second="$CALLS_PER_SECOND" --duration="$CALL_DURATION" | tee "$out/calls.txt"
bench_stop_tabib

{
  echo
  echo "== signalling goals =="
  bench_machine
  echo "relay at half our maximum ($half of $MAX_RATE messages/s): p50 $(bench_value relay_round_trip_p50_ms "$out/half-rate.txt") ms," \
       "p99 $(bench_value relay_round_trip_p99_ms "$out/half-rate.txt") ms, p99.9 $(bench_value relay_round_trip_p999_ms "$out/half-rate.txt") ms (goal p99 <= 2 ms)"
  echo "memory per idle connection at $(bench_value idle_connections "$out/idle.txt") connections:" \
       "heap $(bench_value heap_bytes_per_connection "$out/idle.txt") B + direct $(bench_value direct_bytes_per_connection "$out/idle.txt") B" \
       "= $(bench_value memory_bytes_per_connection "$out/idle.txt") B (goal <= 4096 B)"
  echo "call setup request->accepted at $CALLS_PER_SECOND calls/s: p50 $(bench_value call_setup_accepted_p50_ms "$out/calls.txt") ms," \
       "p99 $(bench_value call_setup_accepted_p99_ms "$out/calls.txt") ms, p99.9 $(bench_value call_setup_accepted_p999_ms "$out/calls.txt") ms (goal p99 <= 5 ms)"
  echo "reports: $out"
} | tee "$out/summary.txt"
