#!/usr/bin/env bash
# Fault: one of two signalling nodes killed mid-call. Starts a Redis (the machine's redis-server, or else the one the
# server jar carries, on a free loopback port, in a temporary folder), two standalone signalling nodes A and B sharing it and one token key, and the load
# generator's node-kill scenario: PAIRS calls whose members are spread over A and B (nurse on A and specialist on B,
# the other way round, both on A, both on B), each member relaying MEMBER_RATE numbered ICE candidates per second.
# Once they relay, node A gets SIGKILL. Its clients reconnect to B and resume; the run checks that every call
# resumed active within the resume window, that no relayed message was lost (beyond those inside node A when it
# died), duplicated or reordered, that ICE restarted and that relay went on. Exit status 0 only when every check
# passed. Loopback only; everything it started is stopped on exit; TIME_LIMIT bounds the whole run. Not part of CI.
#
#   ops/scripts/fault-node-kill.sh                       # 50 calls, production node timeout and resume window
#   PAIRS=20 NODE_TIMEOUT=5s SKIP_BUILD=1 ops/scripts/fault-node-kill.sh
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
# shellcheck source=backup-redis-connection.sh
source "$(dirname "$0")/backup-redis-connection.sh"   # free_loopback_port
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'echo "fault-node-kill: stopped (TIME_LIMIT=${TIME_LIMIT} s reached, or terminated)" >&2; exit 124' TERM

PAIRS="${PAIRS:-50}"
MEMBER_RATE="${MEMBER_RATE:-10}"
NODE_TIMEOUT="${NODE_TIMEOUT:-15s}"
RESUME_WINDOW="${RESUME_WINDOW:-30s}"
WARMUP="${WARMUP:-3}"
AFTER_RESUME="${AFTER_RESUME:-5}"
TIME_LIMIT="${TIME_LIMIT:-300}"

bench_require java jar
[ "${SKIP_BUILD:-0}" = 1 ] || { bench_require mvn; bench_build; }
[ -f "$SERVER_JAR" ] && [ -f "$LOAD_JAR" ] || { echo "fault-node-kill: build first (unset SKIP_BUILD)" >&2; exit 2; }

# The hard bound: a watchdog that terminates this script; the TERM trap exits and the EXIT trap stops everything.
( trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  sleep "$TIME_LIMIT" & nap=$!
  wait "$nap" && kill -TERM $$ 2>/dev/null ) &
BENCH_PIDS+=("$!")

WORK="$(mktemp -d -t tabib-node-kill.XXXXXX)"
BENCH_TMP_DIRS+=("$WORK")
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/fault-node-kill-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"

REDIS_SERVER="$(bench_redis_server "$WORK")"
REDIS_PORT="$(free_loopback_port)"
bench_log "starting $REDIS_SERVER on 127.0.0.1:$REDIS_PORT (no persistence, in $WORK)"
(cd "$WORK" && exec "$REDIS_SERVER" --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --dir "$WORK" >"$WORK/redis.log" 2>&1) &
REDIS_PID=$!
BENCH_PIDS+=("$REDIS_PID")
bench_await_start "$REDIS_PID" "$WORK/redis.log" "redis-server (port $REDIS_PORT)" bench_port_open "$REDIS_PORT"

KEY="$WORK/access-token.jwk"
java -jar "$SERVER_JAR" token-key "$KEY" >/dev/null
STATE_KEY="$WORK/signaling-state.key"
java -jar "$SERVER_JAR" signaling-key "$STATE_KEY" >/dev/null

# start_node NAME PORT: a standalone signalling node (TABIB_MODE=signaling) on the shared Redis, token key and
# signalling state key, accepting the load generator's minted tokens (TABIB_AUTH_SESSIONLESS_TOKENS; never in
# production).
start_node() {
  local name="$1" port="$2" dir="$WORK/node-$1"
  mkdir -p "$dir"
  # shellcheck disable=SC2086
  (cd "$dir" && exec env TABIB_MODE=signaling TABIB_DATA_DIR="$dir" TABIB_TLS=false \
      REDIS_URL="redis://127.0.0.1:$REDIS_PORT" TABIB_TOKEN_KEY_FILE="$KEY" TABIB_SIGNALING_STATE_KEY_FILE="$STATE_KEY" \
      TABIB_AUTH_SESSIONLESS_TOKENS=true \
      TABIB_SIGNALING_HOST=127.0.0.1 TABIB_SIGNALING_PORT="$port" TABIB_NODE_ID="fault-node-$name" \
      TABIB_SIGNALING_NODE_TIMEOUT="$NODE_TIMEOUT" TABIB_SIGNALING_RESUME_WINDOW="$RESUME_WINDOW" \
      java $SERVER_JAVA_OPTS -jar "$SERVER_JAR" >"$dir/node.log" 2>&1) &
  NODE_PID=$!
  BENCH_PIDS+=("$NODE_PID")
}

PORT_A="$(free_loopback_port)"
PORT_B="$(free_loopback_port)"
bench_log "starting signalling nodes A (port $PORT_A) and B (port $PORT_B)"
start_node a "$PORT_A"; PID_A=$NODE_PID
start_node b "$PORT_B"; PID_B=$NODE_PID
bench_await_start "$PID_A" "$WORK/node-a/node.log" "node A (port $PORT_A)" bench_port_open "$PORT_A"
bench_await_start "$PID_B" "$WORK/node-b/node.log" "node B (port $PORT_B)" bench_port_open "$PORT_B"
bench_log "nodes up: A pid $PID_A, B pid $PID_B"

READY="$WORK/relaying"
PATIENT="$(bench_seed_patient "$REDIS_PORT")"
# shellcheck disable=SC2086
java $LOAD_JAVA_OPTS -jar "$LOAD_JAR" --scenario=node-kill --target=tabib \
  --url="ws://127.0.0.1:$PORT_A/signal" --failover-url="ws://127.0.0.1:$PORT_B/signal" --key-file="$KEY" \
  --patient-ref="$PATIENT" \
  --connections="$((PAIRS * 2))" --member-rate="$MEMBER_RATE" --warmup="$WARMUP" --duration="$AFTER_RESUME" \
  --ready-file="$READY" >"$out/report.txt" &
LOAD_PID=$!
BENCH_PIDS+=("$LOAD_PID")

while [ ! -f "$READY" ]; do
  kill -0 "$LOAD_PID" 2>/dev/null || break
  sleep 0.2
done
if [ -f "$READY" ]; then
  bench_log "relaying: kill -9 node A (pid $PID_A)"
  kill -KILL "$PID_A"
  bench_forget_pid "$PID_A"
fi

status=0
wait "$LOAD_PID" || status=$?
bench_forget_pid "$LOAD_PID"
kill -0 "$PID_B" 2>/dev/null || { echo "fault-node-kill: node B died during the run" >&2; status=1; }

{
  cat "$out/report.txt"
  echo
  echo "== a signalling node killed mid-call: $PAIRS calls, $MEMBER_RATE relay messages/s per member," \
       "node timeout $NODE_TIMEOUT, resume window $RESUME_WINDOW =="
  bench_machine | grep -v '^node:'
  echo "redis: $("$REDIS_SERVER" --version | sed 's/ sha=.*//')"
  echo "reports and node logs: $out"
} | tee "$out/summary.txt"
cp "$WORK/node-a/node.log" "$out/node-a.log" 2>/dev/null || true
cp "$WORK/node-b/node.log" "$out/node-b.log" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  echo "fault-node-kill: FAILED (load generator exit status $status)" >&2
fi
exit "$status"
