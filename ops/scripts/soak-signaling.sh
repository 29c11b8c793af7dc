#!/usr/bin/env bash
# Soak: our server relays at half load (1,000 connections in 500 calls, paced) for SOAK_SECONDS (default 600)
# while its memory is sampled every SAMPLE_SECONDS: live heap after a full GC, direct memory (NMT "Other") and RSS.
# Prints the samples and the least-squares trend of each over the run after the first minute. Not part of CI.
#
#   SOAK_RATE=40000 ops/scripts/soak-signaling.sh     # SOAK_RATE defaults to half of a closed-loop run measured first
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

CONNECTIONS="${CONNECTIONS:-1000}"
SOAK_SECONDS="${SOAK_SECONDS:-600}"
SAMPLE_SECONDS="${SAMPLE_SECONDS:-30}"

bench_require java mvn jcmd
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bench_build
fi
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/soak-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

if [ -z "${SOAK_RATE:-}" ]; then
  bench_start_tabib
  bench_log "measuring our maximum relay rate (closed loop)"
  bench_tabib_load --connections="$CONNECTIONS" --warmup=5 --duration=20 | tee "$out/max.txt"
  bench_stop_tabib
  SOAK_RATE="$(awk -v m="$(bench_value relayed_messages_per_second "$out/max.txt")" 'BEGIN { printf "%d", m / 2 }')"
fi

bench_start_tabib -XX:NativeMemoryTracking=summary
sample() {
  local elapsed="$1" heap direct rss
  jcmd "$TABIB_PID" GC.run >/dev/null
  heap="$(jcmd "$TABIB_PID" GC.heap_info | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -n 1)"
  direct="$(jcmd "$TABIB_PID" VM.native_memory summary | sed -n 's/.*Other (reserved=[0-9]*KB, committed=\([0-9]*\)KB).*/\1/p' | head -n 1)"
  rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$TABIB_PID/status")"
  echo "$elapsed,$heap,$direct,$rss" | tee -a "$out/memory.csv"
}

echo "seconds,heap_kb,direct_kb,rss_kb" | tee "$out/memory.csv"
bench_log "soak: $SOAK_RATE messages/s for $SOAK_SECONDS s"
# shellcheck disable=SC2086
(exec java $LOAD_JAVA_OPTS -jar "$LOAD_JAR" --target=tabib --url="ws://127.0.0.1:$BENCH_SIGNAL_PORT/signal" \
  --key-file="$TABIB_DATA/data/keys/access-token.jwk" --patient-ref="$BENCH_PATIENT_REF" \
  --connections="$CONNECTIONS" --warmup=0 \
  --duration="$SOAK_SECONDS" --rate="$SOAK_RATE" >"$out/load.txt" 2>&1) &
load_pid=$!
BENCH_PIDS+=("$load_pid")
start=$(date +%s)
sample 0
while kill -0 "$load_pid" 2>/dev/null; do
  sleep "$SAMPLE_SECONDS"
  kill -0 "$load_pid" 2>/dev/null || break
  sample "$(( $(date +%s) - start ))"
done
wait "$load_pid" || true
bench_forget_pid "$load_pid"
# Once every call has ended: what the load left behind (not part of the trend).
after="$(sample "$(( $(date +%s) - start ))" | tail -n 1)"
sed -i '$d' "$out/memory.csv"
bench_stop_tabib
cat "$out/load.txt"

{
  echo
  echo "== soak: $SOAK_RATE messages/s, $CONNECTIONS connections, $SOAK_SECONDS s =="
  bench_machine
  awk -F, 'NR > 1 && $1 >= 60 { n++; x += $1; xx += $1 * $1; for (i = 2; i <= 4; i++) { y[i] += $i; xy[i] += $1 * $i } }
    END {
      if (n < 3) { print "trend: too few samples"; exit }
      split("heap direct rss", name, " ")
      for (i = 2; i <= 4; i++) {
        slope = (n * xy[i] - x * y[i]) / (n * xx - x * x)
        printf "trend %s: %+.1f KB/min over %d samples (mean %.0f KB)\n", name[i - 1], slope * 60, n, y[i] / n
      }
    }' "$out/memory.csv"
  echo "after the load, every call ended (seconds,heap_kb,direct_kb,rss_kb): $after"
  echo "reports: $out"
} | tee "$out/summary.txt"
