#!/usr/bin/env bash
# What waiting for a replica costs a booking: runs ReplicaAcknowledgementLatencyBenchmark (web test scope, outside
# `mvn verify`) RUNS times (default 3). Each run starts a primary, two replicas and three sentinels on loopback and
# books distinct free slots one after another through BookingService with min-replicas-acked 0 and 1 alternating in
# blocks (ROUNDS blocks of BLOCK bookings each, the first two rounds warm-up). Prints the median over the runs of each
# setting's p50, p99 and mean. Needs Debian's redis-server and redis-sentinel (bash ops/scripts/install-test-deps.sh).
# Raw lines: ops/bench/results/replica-ack-<time>.txt.
#
#   bash ops/scripts/bench-replica-ack.sh
#   RUNS=5 ROUNDS=12 BLOCK=50 MVN_FLAGS=-o bash ops/scripts/bench-replica-ack.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${RUNS:-3}"
ROUNDS="${ROUNDS:-10}"
BLOCK="${BLOCK:-50}"
MVN_FLAGS="${MVN_FLAGS:-}"
RESULTS_DIR="${RESULTS_DIR:-$ROOT/ops/bench/results}"
REPORTS="$ROOT/web/target/surefire-reports"
BENCH=ReplicaAcknowledgementLatencyBenchmark

for binary in redis-server redis-sentinel; do
  command -v "$binary" >/dev/null 2>&1 \
    || { echo "bench-replica-ack: $binary is missing (bash ops/scripts/install-test-deps.sh installs it)" >&2; exit 2; }
done
mkdir -p "$RESULTS_DIR"
RAW="$RESULTS_DIR/replica-ack-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), $(redis-server --version | sed 's/ sha=.*//')"
  echo "# main at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%FT%TZ), RUNS=$RUNS ROUNDS=$ROUNDS BLOCK=$BLOCK"
} >"$RAW"

for run in $(seq 1 "$RUNS"); do
  echo "bench-replica-ack: run $run of $RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  rm -f "$REPORTS"/*"$BENCH"*
  # shellcheck disable=SC2086
  (cd "$ROOT" && mvn -B -q $MVN_FLAGS -pl web -am test -Dtest="$BENCH" -Dtabib.bench.rounds="$ROUNDS" \
      -Dtabib.bench.block="$BLOCK" -Dsurefire.failIfNoSpecifiedTests=false >"$RAW.maven-$run.log" 2>&1) \
    || echo "bench-replica-ack: run $run failed (see $RAW.maven-$run.log)" >&2
  grep -h '^replica-ack-result ' "$REPORTS"/*"$BENCH"-output.txt 2>/dev/null | sed "s/^/run=$run /" >>"$RAW" || true
done

grep -q '^run=' "$RAW" || { echo "bench-replica-ack: no run produced a result; see $RAW.maven-*.log" >&2; exit 1; }
{
  grep '^#' "$RAW"
  grep '^run=' "$RAW"
  for setting in 0 1; do
    grep "^run=.* min_replicas_acked=$setting " "$RAW" | awk -v setting="$setting" '
      { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1], NR] = kv[2] } }
      END {
        line = "median of " NR " runs, min-replicas-acked " setting ":"
        split("p50_us p99_us mean_us", names, " ")
        for (f = 1; f <= 3; f++) {
          for (i = 1; i <= NR; i++) s[i] = v[names[f], i] + 0
          for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++) if (s[j] < s[i]) { t = s[i]; s[i] = s[j]; s[j] = t }
          line = line sprintf(" %s=%g", names[f], NR % 2 ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2)
        }
        print line
      }'
  done
  echo "raw lines: $RAW"
} | tee "$RAW.summary"
