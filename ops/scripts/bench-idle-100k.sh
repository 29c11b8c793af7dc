#!/usr/bin/env bash
# 100,000 authenticated idle WebSocket connections on one signalling node (goals: <= 3 KB of heap + direct memory
# each, connected at >= 5,000 per second). The load connects from many loopback addresses (127.1.0.1 upwards), so
# that the ephemeral port range of one address does not cap the count; each connection costs a file descriptor in the
# server and in the load generator, so the open-files limit is raised first (as far as this machine lets it).
# Reports heap, direct memory and RSS per connection, the connect rate, and the server's class histogram at the plateau.
# With WARMUP_WAVES=N the same connections are first opened and closed N times on the same server (their connect
# rates reported apart): the measured wave then meets a server whose compiler has finished with the connect path, as a
# node that has run for a while would be. Pages touched by an earlier wave are reused, so the RSS growth of a measured
# wave after warm-up waves says little; heap and direct memory are counted live, so they still do.
#
#   ops/scripts/bench-idle-100k.sh      # IDLE=100000 CONNECT_RATE=5000 SOURCES=<one per 50,000> HOLD=10 RUNS=1
#                                       # WARMUP_WAVES=0
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

IDLE="${IDLE:-100000}"
CONNECT_RATE="${CONNECT_RATE:-5000}"
CONNECT_CONCURRENCY="${CONNECT_CONCURRENCY:-2048}"
SOURCES="${SOURCES:-$(( (IDLE + 49999) / 50000 ))}"
HOLD="${HOLD:-10}"
RUNS="${RUNS:-1}"
WARMUP_WAVES="${WARMUP_WAVES:-0}"
OPEN_FILES="${OPEN_FILES:-1100000}"
SERVER_HEAP="${SERVER_HEAP:-2g}"

bench_require java mvn jcmd
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bench_build
fi

# Both JVMs inherit this shell's limit. Raising the hard limit needs CAP_SYS_RESOURCE, which containers often drop.
ulimit -Hn "$OPEN_FILES" 2>/dev/null || bench_log "cannot raise the hard open-files limit to $OPEN_FILES (hard limit stays $(ulimit -Hn))"
ulimit -n "$OPEN_FILES" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
limit="$(ulimit -n)"
bench_log "open-files limit: $limit"
idle="$IDLE"
if [ "$limit" != unlimited ] && [ "$idle" -gt "$((limit - 1000))" ]; then
  idle="$((limit - 1000))"
  bench_log "open-files limit is $limit: measuring $idle idle connections instead of $IDLE"
fi

mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/idle-100k-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
# The load generator keeps a peer object and a channel per connection. It shares the cores with the server, so it
# compiles with C1 only (quick to compile; slower code can only lower the rate measured), as in bench-burst.sh.
LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS_IDLE:--Xms1g -Xmx4g -Dio.netty.leakDetection.level=disabled -XX:TieredStopAtLevel=1}"

for run in $(seq 1 "$RUNS"); do
  # A heap touched in full from the start: the growth of the RSS is then the connections' native memory, not the
  # pages the young generation happens to touch while they connect.
  bench_start_tabib -Xms"$SERVER_HEAP" -Xmx"$SERVER_HEAP" -XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary
  for wave in $(seq 1 "$WARMUP_WAVES"); do
    bench_log "run $run/$RUNS, warm-up wave $wave/$WARMUP_WAVES: $idle idle connections, opened then closed"
    bench_tabib_load --idle="$idle" --server-pid="$TABIB_PID" --hold=1 --connect-rate="$CONNECT_RATE" \
      --connect-concurrency="$CONNECT_CONCURRENCY" --source-addresses="$SOURCES" --phase-timeout=900 \
      >"$out/run-$run-warmup-$wave.txt"
    bench_log "warm-up wave $wave: $(bench_value connect_per_second "$out/run-$run-warmup-$wave.txt") connections per s"
  done
  bench_log "run $run/$RUNS: $idle idle connections at $CONNECT_RATE per s from $SOURCES local addresses"
  bench_tabib_load --idle="$idle" --server-pid="$TABIB_PID" --hold="$HOLD" --connect-rate="$CONNECT_RATE" \
    --connect-concurrency="$CONNECT_CONCURRENCY" --source-addresses="$SOURCES" --phase-timeout=900 \
    | tee "$out/run-$run.txt"
  bench_stop_tabib
done

median() {
  local key="$1" run
  for run in $(seq 1 "$RUNS"); do
    bench_value "$key" "$out/run-$run.txt"
  done | bench_median
}

{
  echo
  echo "== idle connections on one signalling node ($RUNS run(s), median) =="
  bench_machine
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); open-files limit: $limit"
  echo "connections: $(median idle_connections) of $idle asked ($IDLE wanted), from $SOURCES local addresses"
  echo "load generator JVM options: $LOAD_JAVA_OPTS"
  [ "$WARMUP_WAVES" = 0 ] || echo "measured after $WARMUP_WAVES warm-up wave(s) of the same connections on each server"
  echo "connect rate: $(median connect_per_second) per s over the connect phase (paced at $CONNECT_RATE; goal >= 5000)"
  echo "per connection: heap $(median heap_bytes_per_connection) B + direct $(median direct_bytes_per_connection) B" \
       "= $(median memory_bytes_per_connection) B (goal <= 3072 B); RSS $(median rss_bytes_per_connection) B"
  echo "reports: $out"
} | tee "$out/summary.txt"
