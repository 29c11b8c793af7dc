#!/usr/bin/env bash
# Profiles our server under one load generator scenario with Java Flight Recorder: starts a fresh server, runs the
# scenario, records PROFILE_SECONDS of CPU samples once the load is on, and prints the hottest methods (top of
# stack) and the hottest of our own methods (first Tabib Link frame). The .jfr file is kept for JDK Mission Control.
#
#   ops/scripts/bench-profile.sh relay        # closed-loop relay, 1,000 connections
#   ops/scripts/bench-profile.sh calls        # 100 new calls/s
#   ops/scripts/bench-profile.sh burst        # 500 urgent calls within 100 ms (PROFILE_SECONDS=5 covers it)
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

scenario="${1:-relay}"
PROFILE_SECONDS="${PROFILE_SECONDS:-15}"
case "$scenario" in
  relay) load_args=(--connections=1000 --warmup=3 --duration=$((PROFILE_SECONDS + 10))); marker="measuring" ;;
  calls) load_args=(--calls-per-second=100 --duration=$((PROFILE_SECONDS + 10))); marker="per second: measuring" ;;
  burst) load_args=(--scenario=burst); marker="requesting" ;;
  *) echo "usage: $0 relay|calls|burst" >&2; exit 2 ;;
esac

bench_require java mvn jcmd jfr
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bench_build
fi
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/profile-$scenario-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

bench_start_tabib
(exec java $LOAD_JAVA_OPTS -jar "$LOAD_JAR" --target=tabib --url="ws://127.0.0.1:$BENCH_SIGNAL_PORT/signal" \
  --key-file="$TABIB_DATA/data/keys/access-token.jwk" --patient-ref="$BENCH_PATIENT_REF" "${load_args[@]}" \
  >"$out/load.txt" 2>"$out/load.err") &
load_pid=$!
BENCH_PIDS+=("$load_pid")
waited=0
until grep -q "$marker" "$out/load.err" 2>/dev/null; do
  kill -0 "$load_pid" 2>/dev/null || { cat "$out/load.err" >&2; exit 1; }
  [ "$waited" -lt 1200 ] || { echo "bench: the load never reached its measured phase" >&2; exit 1; }
  sleep 0.5
  waited=$((waited + 1))
done
bench_log "recording $PROFILE_SECONDS s of CPU samples"
jcmd "$TABIB_PID" JFR.start name=bench settings=profile duration="${PROFILE_SECONDS}s" filename="$out/server.jfr" >/dev/null
sleep "$((PROFILE_SECONDS + 3))"
wait "$load_pid" || true
bench_forget_pid "$load_pid"
bench_stop_tabib
cat "$out/load.txt"

jfr print --events jdk.ExecutionSample "$out/server.jfr" >"$out/samples.txt"
{
  echo "== hottest methods (top of stack), $scenario =="
  awk '/stackTrace = \[/ { top = 1; ours = 1; n++; next }
       top && /^[[:space:]]+[a-zA-Z]/ { sub(/^[[:space:]]+/, ""); sub(/\(.*/, ""); self[$0]++; top = 0 }
       ours && /ma\.tabiblink\./ { line = $0; sub(/^[[:space:]]+/, "", line); sub(/\(.*/, "", line); own[line]++; ours = 0 }
       END {
         for (m in self) printf "%5.1f%% %s\n", 100 * self[m] / n, m | "sort -rn | head -n 25"
         close("sort -rn | head -n 25")
         print "== hottest of our methods (first Tabib Link frame on the stack) =="
         for (m in own) printf "%5.1f%% %s\n", 100 * own[m] / n, m | "sort -rn | head -n 20"
         close("sort -rn | head -n 20")
         printf "samples: %d\n", n
       }' "$out/samples.txt"
  echo "recording: $out/server.jfr"
} | tee "$out/summary.txt"
