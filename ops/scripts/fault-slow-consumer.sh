#!/usr/bin/env bash
# Fault: slow consumers. Two runs of 1,000 connections relaying at a paced RATE on a fresh server each: one plain,
# one with SLOW more calls whose specialists stop reading while their nurses keep sending SLOW_RATE relay messages/s.
# The server should cut the slow consumers off, and the other pairs' round trips should not suffer. Not part of CI.
#
#   RATE=20000 SLOW=10 ops/scripts/fault-slow-consumer.sh
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

CONNECTIONS="${CONNECTIONS:-1000}"
RATE="${RATE:-20000}"
SLOW="${SLOW:-10}"
SLOW_RATE="${SLOW_RATE:-500}"
DURATION="${DURATION:-60}"

bench_require java mvn
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bench_build
fi
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/fault-slow-consumer-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

bench_start_tabib
bench_log "without slow consumers: $RATE messages/s"
bench_tabib_load --connections="$CONNECTIONS" --warmup=5 --duration="$DURATION" --rate="$RATE" | tee "$out/plain.txt"
bench_stop_tabib

bench_start_tabib
bench_log "with $SLOW slow consumers flooded at $SLOW_RATE messages/s each"
bench_tabib_load --connections="$CONNECTIONS" --warmup=5 --duration="$DURATION" --rate="$RATE" \
  --slow-consumers="$SLOW" --slow-rate="$SLOW_RATE" | tee "$out/slow.txt"
bench_stop_tabib

{
  echo
  echo "== slow consumers: $SLOW flooded at $SLOW_RATE messages/s, others paced at $RATE messages/s =="
  bench_machine
  for run in plain slow; do
    echo "$run: relayed $(bench_value relayed_messages_per_second "$out/$run.txt") messages/s," \
         "round trip p50 $(bench_value relay_round_trip_p50_ms "$out/$run.txt") ms," \
         "p99 $(bench_value relay_round_trip_p99_ms "$out/$run.txt") ms, p99.9 $(bench_value relay_round_trip_p999_ms "$out/$run.txt") ms"
  done
  echo "slow consumers cut off by the server: $(bench_value slow_consumers_cut_off "$out/slow.txt") of $SLOW"
  echo "reports: $out"
} | tee "$out/summary.txt"
