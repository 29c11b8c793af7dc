#!/usr/bin/env bash
# Start-up benchmark of the runnable jar: its size and nested jars, then RUNS times each
#  - the application in demo mode (fresh data folder, embedded Redis): seconds from `java -jar` until
#    /actuator/health answers UP, the CPU seconds the JVM used until then, and its resident memory (VmRSS) SETTLE
#    seconds later;
#  - a standalone signalling node (TABIB_MODE=signaling) over a fresh redis-server: seconds from `java -jar` until its
#    port accepts connections, the CPU seconds used until then, and, SETTLE seconds later, the heap in use
#    (jcmd GC.heap_info), the heap still live after a full GC, and VmRSS.
# The CPU seconds move less than the wall clock when other work shares the machine; the load average is printed too.
# Prints every run and the medians. Loopback only, free ports, bounded waits; everything it started is stopped on exit.
#
#   ops/scripts/bench-startup.sh                        # builds the jar (mvn package, tests skipped), 5 runs each
#   SKIP_BUILD=1 RUNS=3 JAR=/tmp/other.jar ops/scripts/bench-startup.sh
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
# shellcheck source=backup-redis-connection.sh
source "$(dirname "$0")/backup-redis-connection.sh"   # free_loopback_port
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'echo "bench-startup: stopped (TIME_LIMIT=${TIME_LIMIT} s reached, or terminated)" >&2; exit 124' TERM

RUNS="${RUNS:-5}"
SETTLE="${SETTLE:-3}"
TIME_LIMIT="${TIME_LIMIT:-900}"
STARTUP_TIMEOUT_SECONDS="${STARTUP_TIMEOUT_SECONDS:-60}"
JAR="${JAR:-$SERVER_JAR}"

bench_require java jcmd curl unzip
bench_server_jar "$JAR"

( trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  sleep "$TIME_LIMIT" & nap=$!
  wait "$nap" && kill -TERM $$ 2>/dev/null ) &
BENCH_PIDS+=("$!")

WORK="$(mktemp -d -t tabib-startup.XXXXXX)"
BENCH_TMP_DIRS+=("$WORK")

now_ns() { date +%s%N; }
seconds_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# Heap in use as the collector reports it reports it, in MB (the first "used NK" of GC.heap_info is the whole heap's).
heap_used_mb() {
  jcmd "$1" GC.heap_info 2>/dev/null | awk 'match($0, /used [0-9]+K/) && !done { printf "%.0f", substr($0, RSTART + 5, RLENGTH - 6) / 1024; done = 1 }'
}
health_up() { curl -fsS --max-time 1 "http://127.0.0.1:$1/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; }

# await PID LOG WHAT COMMAND...: polls every 50 ms (bench_await_start polls every 200 ms, too coarse here).
await() {
  local pid="$1" log="$2" what="$3" deadline=$((SECONDS + STARTUP_TIMEOUT_SECONDS))
  shift 3
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench-startup: $what exited during start-up; its log:" >&2; tail -n 40 "$log" >&2; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bench-startup: $what was not ready within $STARTUP_TIMEOUT_SECONDS s; its log:" >&2; tail -n 40 "$log" >&2; exit 1
    fi
    sleep 0.05
  done
}

stop() { bench_stop_pid "$1"; bench_forget_pid "$1"; }

jar_mb="$(stat -c %s "$JAR" | awk '{ printf "%.1f", $1 / 1e6 }')"
nested="$(unzip -l "$JAR" | grep -c 'BOOT-INF/lib/')"
echo "jar: $JAR, $(stat -c %s "$JAR") bytes ($jar_mb MB), $nested nested jars; the biggest:"
unzip -l "$JAR" | grep 'BOOT-INF/lib/' | sort -n -r | awk 'NR <= 10 { printf "  %6.1f MB  %s\n", $1 / 1e6, $4 }'

web_start=(); web_cpu=(); web_rss=()
for run in $(seq 1 "$RUNS"); do
  dir="$WORK/web-$run"; mkdir -p "$dir"
  http="$(free_loopback_port)"; sig="$(free_loopback_port)"
  t0="$(now_ns)"
  (cd "$dir" && exec env TABIB_DEMO=true TABIB_TLS=false TABIB_DATA_DIR="$dir/data" \
      SERVER_PORT="$http" TABIB_SIGNALING_PORT="$sig" java $SERVER_JAVA_OPTS -jar "$JAR" >"$dir/server.log" 2>&1) &
  pid=$!
  BENCH_PIDS+=("$pid")
  await "$pid" "$dir/server.log" "the application (port $http)" health_up "$http"
  took="$(seconds_since "$t0")"
  cpu="$(cpu_s "$pid")"
  sleep "$SETTLE"
  rss="$(rss_mb "$pid")"
  stop "$pid"
  echo "application run $run: health UP after $took s ($cpu CPU s), RSS $rss MB"
  web_start+=("$took"); web_cpu+=("$cpu"); web_rss+=("$rss")
done

REDIS_SERVER="$(bench_redis_server "$WORK")"
java -jar "$JAR" token-key "$WORK/access-token.jwk" >/dev/null
java -jar "$JAR" signaling-key "$WORK/signaling-state.key" >/dev/null
node_start=(); node_cpu=(); node_heap=(); node_live=(); node_rss=()
for run in $(seq 1 "$RUNS"); do
  dir="$WORK/node-$run"; mkdir -p "$dir"
  redis_port="$(free_loopback_port)"
  (cd "$dir" && exec "$REDIS_SERVER" --bind 127.0.0.1 --port "$redis_port" --save '' --appendonly no \
      --dir "$dir" >"$dir/redis.log" 2>&1) &
  redis_pid=$!
  BENCH_PIDS+=("$redis_pid")
  await "$redis_pid" "$dir/redis.log" "redis-server (port $redis_port)" bench_port_open "$redis_port"
  sig="$(free_loopback_port)"
  t0="$(now_ns)"
  (cd "$dir" && exec env TABIB_MODE=signaling TABIB_TLS=false TABIB_DATA_DIR="$dir" \
      REDIS_URL="redis://127.0.0.1:$redis_port" TABIB_TOKEN_KEY_FILE="$WORK/access-token.jwk" \
      TABIB_SIGNALING_STATE_KEY_FILE="$WORK/signaling-state.key" TABIB_NODE_ID="startup-$run" \
      TABIB_SIGNALING_HOST=127.0.0.1 TABIB_SIGNALING_PORT="$sig" \
      java $SERVER_JAVA_OPTS -jar "$JAR" >"$dir/node.log" 2>&1) &
  pid=$!
  BENCH_PIDS+=("$pid")
  await "$pid" "$dir/node.log" "the signalling node (port $sig)" bench_port_open "$sig"
  took="$(seconds_since "$t0")"
  cpu="$(cpu_s "$pid")"
  sleep "$SETTLE"
  heap="$(heap_used_mb "$pid")"
  rss="$(rss_mb "$pid")"
  jcmd "$pid" GC.run >/dev/null 2>&1 || true
  live="$(heap_used_mb "$pid")"
  stop "$pid"; stop "$redis_pid"
  echo "signalling node run $run: listening after $took s ($cpu CPU s), heap in use $heap MB ($live MB live after a full GC), RSS $rss MB"
  node_start+=("$took"); node_cpu+=("$cpu"); node_heap+=("$heap"); node_live+=("$live"); node_rss+=("$rss")
done

median() { printf '%s\n' "$@" | bench_median; }
echo
bench_machine 2>/dev/null | grep -v '^node:'
echo "load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $RUNS runs:"
echo "  jar_mb=$jar_mb nested_jars=$nested"
echo "  app_health_up_s=$(median "${web_start[@]}") app_cpu_s=$(median "${web_cpu[@]}") app_rss_mb=$(median "${web_rss[@]}")"
echo "  node_listening_s=$(median "${node_start[@]}") node_cpu_s=$(median "${node_cpu[@]}") node_heap_used_mb=$(median "${node_heap[@]}") node_heap_live_mb=$(median "${node_live[@]}") node_rss_mb=$(median "${node_rss[@]}")"
