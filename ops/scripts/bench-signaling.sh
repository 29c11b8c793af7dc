#!/usr/bin/env bash
# Signalling benchmark, on loopback: our signalling relay versus a minimal Node.js `ws` pair relay, driven by the
# same load generator with the same load (1,000 connections in 500 pairs, closed loop with one message in flight
# per pair, ICE-candidate-sized JSON of ~200 bytes). Prints both results and `ratio: X` (our relayed messages per
# second over the Node relay's, medians of RUNS runs). Stops everything it started, even on failure.
#
#   ops/scripts/bench-signaling.sh              # RUNS=3 CONNECTIONS=1000 WARMUP=5 DURATION=20
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

RUNS="${RUNS:-3}"
CONNECTIONS="${CONNECTIONS:-1000}"
WARMUP="${WARMUP:-5}"
DURATION="${DURATION:-20}"
LOAD_ARGS=(--connections="$CONNECTIONS" --warmup="$WARMUP" --duration="$DURATION")

bench_require java mvn node npm
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bench_build
fi
bench_install_relay
mkdir -p "$RESULTS_DIR"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$RESULTS_DIR/signaling-$stamp"
mkdir -p "$out"

for run in $(seq 1 "$RUNS"); do
  bench_start_tabib
  bench_log "run $run/$RUNS: our server"
  bench_tabib_load "${LOAD_ARGS[@]}" | tee "$out/tabib-$run.txt"
  bench_stop_tabib

  bench_start_relay
  bench_log "run $run/$RUNS: Node ws relay"
  bench_relay_load "${LOAD_ARGS[@]}" | tee "$out/ws-pair-$run.txt"
  bench_stop_relay
done

summary() {
  local target="$1" key="$2"
  for run in $(seq 1 "$RUNS"); do
    bench_value "$key" "$out/$target-$run.txt"
  done
}

tabib_rates="$(summary tabib relayed_messages_per_second | tr '\n' ' ')"
node_rates="$(summary ws-pair relayed_messages_per_second | tr '\n' ' ')"
tabib_median="$(summary tabib relayed_messages_per_second | bench_median)"
node_median="$(summary ws-pair relayed_messages_per_second | bench_median)"
{
  echo
  echo "== signalling benchmark, $RUNS runs, $CONNECTIONS connections in $((CONNECTIONS / 2)) pairs, ${DURATION} s measured =="
  bench_machine
  echo "our server  relayed messages/s: $tabib_rates-> median $tabib_median"
  echo "  round trip p50 (ms): $(summary tabib relay_round_trip_p50_ms | tr '\n' ' ')"
  echo "  round trip p99 (ms): $(summary tabib relay_round_trip_p99_ms | tr '\n' ' ')"
  echo "  round trip p99.9 (ms): $(summary tabib relay_round_trip_p999_ms | tr '\n' ' ')"
  echo "Node ws     relayed messages/s: $node_rates-> median $node_median"
  echo "  round trip p50 (ms): $(summary ws-pair relay_round_trip_p50_ms | tr '\n' ' ')"
  echo "  round trip p99 (ms): $(summary ws-pair relay_round_trip_p99_ms | tr '\n' ' ')"
  echo "  round trip p99.9 (ms): $(summary ws-pair relay_round_trip_p999_ms | tr '\n' ' ')"
  awk -v a="$tabib_median" -v b="$node_median" 'BEGIN { if (b > 0) printf "ratio: %.2f\n", a / b; else print "ratio: n/a (no Node result)" }'
  echo "reports: $out"
} | tee "$out/summary.txt"
