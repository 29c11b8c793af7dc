#!/usr/bin/env bash
# CPU per relayed message: the same closed-loop relay load as bench-signaling.sh against our server and against the
# Node ws relay, alternately, RUNS times; over the measured window it reads the CPU time (user + system, from
# /proc/<pid>/stat) of the server and of the load generator and divides it by the messages relayed. Linux only.
#
#   ops/scripts/bench-cpu-per-message.sh        # RUNS=3 CONNECTIONS=1000 WARMUP=3 DURATION=12
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

RUNS="${RUNS:-3}"
CONNECTIONS="${CONNECTIONS:-1000}"
WARMUP="${WARMUP:-3}"
DURATION="${DURATION:-12}"
TICKS="$(getconf CLK_TCK)"

bench_require java mvn node npm getconf
[ "${SKIP_BUILD:-0}" = 1 ] || bench_build
bench_install_relay
report="$(mktemp -t cpu-per-message.XXXXXX)"
BENCH_TMP_DIRS+=("$report")

cpu_ticks() {
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# measure TARGET SERVER_PID LOAD_FUNCTION: prints "<messages/s> <server us/msg> <generator us/msg>"
measure() {
  local server="$1" load="$2" generator s0 s1 g0 g1 rate
  "$load" --connections="$CONNECTIONS" --warmup="$WARMUP" --duration="$DURATION" >"$report" 2>&1 &
  local load_pid=$!
  until grep -q "measuring" "$report" 2>/dev/null || ! kill -0 "$load_pid" 2>/dev/null; do sleep 0.1; done
  generator="$(pgrep -f -n "$LOAD_JAR")"
  s0="$(cpu_ticks "$server")"; g0="$(cpu_ticks "$generator")"
  sleep "$DURATION"
  s1="$(cpu_ticks "$server")"; g1="$(cpu_ticks "$generator")"
  wait "$load_pid"
  rate="$(bench_value relayed_messages_per_second "$report")"
  awk -v r="$rate" -v s=$((s1 - s0)) -v g=$((g1 - g0)) -v t="$TICKS" -v d="$DURATION" \
    'BEGIN { printf "%.0f %.1f %.1f\n", r, s * 1e6 / t / (d * r), g * 1e6 / t / (d * r) }'
}

ours=(); node=()
for run in $(seq 1 "$RUNS"); do
  bench_start_tabib
  ours+=("$(measure "$TABIB_PID" bench_tabib_load)")
  bench_stop_tabib
  bench_start_relay
  node+=("$(measure "$RELAY_PID" bench_relay_load)")
  bench_stop_relay
  bench_log "run $run/$RUNS: ours ${ours[-1]}; node ${node[-1]} (messages/s, server us/msg, generator us/msg)"
done

echo
echo "== CPU per relayed message, $RUNS runs, $CONNECTIONS connections, ${DURATION} s measured each =="
bench_machine
printf 'our server:      %s\n' "${ours[@]}" | sed 's/: */: messages\/s, server us\/msg, generator us\/msg = /'
printf 'Node ws relay:   %s\n' "${node[@]}" | sed 's/: */: messages\/s, server us\/msg, generator us\/msg = /'
