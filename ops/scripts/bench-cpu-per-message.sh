#!/usr/bin/env bash
# CPU per relayed message, three servers side by side: ours, the Node ws relay, and the floor (a Netty relay that
# forwards frames and does nothing else). The same closed-loop relay load as bench-signaling.sh (CONNECTIONS/2 pairs,
# one ~200-byte ICE candidate in flight per pair); the servers take turns, RUNS rounds. With two or more CPUs the load
# generator is pinned to LOAD_CPUS and each server in turn to SERVER_CPUS (taskset), so they never share a core.
# Over the measured window it reads the CPU time (user + system, /proc/<pid>/stat) of the server and of the generator
# and divides it by the messages relayed. Prints the medians and the ratios:
#   ratio:                  our relay throughput / the Node relay's
#   cpu-per-message-ratio:  our server CPU per message / the Node relay's (goal: <= 0.33)
#   floor-ratio:            our server CPU per message / the floor's
# Linux only.
#
#   ops/scripts/bench-cpu-per-message.sh     # RUNS=5 CONNECTIONS=1000 WARMUP=5 DURATION=12 LOAD_CPUS=0 SERVER_CPUS=1
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_dedicated_cores

RUNS="${RUNS:-5}"
CONNECTIONS="${CONNECTIONS:-1000}"
WARMUP="${WARMUP:-5}"
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

# measure SERVER_PID LOAD_FUNCTION: prints "<messages/s> <server us/msg> <generator us/msg>"
measure() {
  local server="$1" load="$2" generator s0 s1 g0 g1 rate
  "$load" --threads="$LOAD_THREADS" --connections="$CONNECTIONS" --warmup="$WARMUP" --duration="$DURATION" >"$report" 2>&1 &
  local load_pid=$!
  until grep -q "measuring" "$report" 2>/dev/null || ! kill -0 "$load_pid" 2>/dev/null; do sleep 0.1; done
  generator="$(pgrep -f -n -- "-jar $LOAD_JAR")"
  s0="$(cpu_ticks "$server")"; g0="$(cpu_ticks "$generator")"
  sleep "$DURATION"
  s1="$(cpu_ticks "$server")"; g1="$(cpu_ticks "$generator")"
  wait "$load_pid"
  rate="$(bench_value relayed_messages_per_second "$report")"
  [ -n "$rate" ] && [ "$rate" != 0 ] || { echo "bench: the load relayed nothing; its report:" >&2; cat "$report" >&2; exit 1; }
  awk -v r="$rate" -v s=$((s1 - s0)) -v g=$((g1 - g0)) -v t="$TICKS" -v d="$DURATION" \
    'BEGIN { printf "%.0f %.2f %.2f\n", r, s * 1e6 / t / (d * r), g * 1e6 / t / (d * r) }'
}

# median COLUMN LINES...: the median of one column of the measure lines
median() {
  local column="$1"
  shift
  printf '%s\n' "$@" | awk -v c="$column" '{ print $c }' | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ours=(); node=(); floor=()
for run in $(seq 1 "$RUNS"); do
  bench_start_tabib
  ours+=("$(measure "$TABIB_PID" bench_tabib_load)")
  bench_stop_tabib
  bench_start_relay
  node+=("$(measure "$RELAY_PID" bench_relay_load)")
  bench_stop_relay
  bench_start_floor
  floor+=("$(measure "$FLOOR_PID" bench_floor_load)")
  bench_stop_floor
  bench_log "run $run/$RUNS: ours ${ours[-1]}; node ${node[-1]}; floor ${floor[-1]} (messages/s, server us/msg, generator us/msg)"
done

echo
echo "== CPU per relayed message, $RUNS runs, $CONNECTIONS connections, ${DURATION} s measured each =="
bench_machine
echo "pinned: load generator on CPUs '${LOAD_CPUS:-any}', server under test on CPUs '${SERVER_CPUS:-any}'"
echo "each run: messages/s, server us/msg, generator us/msg"
printf 'our server:     %s\n' "${ours[@]}"
printf 'Node ws relay:  %s\n' "${node[@]}"
printf 'floor relay:    %s\n' "${floor[@]}"
for who in ours node floor; do
  declare -n runs="$who"
  printf 'median %-6s %s messages/s, server %s us/msg, generator %s us/msg\n' "$who:" \
    "$(median 1 "${runs[@]}")" "$(median 2 "${runs[@]}")" "$(median 3 "${runs[@]}")"
done
awk -v ot="$(median 1 "${ours[@]}")" -v nt="$(median 1 "${node[@]}")" \
    -v oc="$(median 2 "${ours[@]}")" -v nc="$(median 2 "${node[@]}")" -v fc="$(median 2 "${floor[@]}")" \
  'BEGIN { printf "ratio: %.2f\ncpu-per-message-ratio: %.2f\nfloor-ratio: %.2f\n", ot / nt, oc / nc, oc / fc }'
