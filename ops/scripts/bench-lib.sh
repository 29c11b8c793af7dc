# Shared by the signalling benchmark scripts (sourced, not run): build, start and stop the servers under test,
# run the load generator. Everything started here is stopped by bench_cleanup, which the scripts trap on EXIT.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOAD_JAR="$ROOT/ops/target/tabib-load.jar"
SERVER_JAR="$ROOT/web/target/tabib-link.jar"
RELAY_DIR="$ROOT/ops/bench/ws-relay"
RESULTS_DIR="${RESULTS_DIR:-$ROOT/ops/bench/results}"

# Ports of the servers under test: away from the defaults, so that a server already running on them is not measured.
BENCH_HTTP_PORT="${BENCH_HTTP_PORT:-28080}"
BENCH_SIGNAL_PORT="${BENCH_SIGNAL_PORT:-28081}"
BENCH_RELAY_PORT="${BENCH_RELAY_PORT:-28091}"
BENCH_FLOOR_PORT="${BENCH_FLOOR_PORT:-28092}"
STARTUP_TIMEOUT_SECONDS="${STARTUP_TIMEOUT_SECONDS:-120}"
# The closed loop makes each connection send far more than the production per-connection limit (50 messages/s,
# bursts of 100), which would close it with RATE_LIMITED; the benchmark raises the limit (the Node relay has none).
BENCH_MAX_MESSAGES_PER_SECOND="${BENCH_MAX_MESSAGES_PER_SECOND:-1000000}"

LOAD_JAVA_OPTS="${LOAD_JAVA_OPTS:--Xms512m -Xmx2g -Dio.netty.leakDetection.level=disabled}"
# as the deployment units run it: Netty's sampling leak detector off
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Dio.netty.leakDetection.level=disabled}"
# CPU lists (taskset -c) for the server under test and for the load generator; empty: not pinned.
SERVER_CPUS="${SERVER_CPUS:-}"
LOAD_CPUS="${LOAD_CPUS:-}"
SERVER_PIN=()
LOAD_PIN=()
# the generator's threads: as given, else one per CPU it is pinned to, else 2
LOAD_THREADS_GIVEN="${LOAD_THREADS:-}"
LOAD_THREADS="${LOAD_THREADS:-2}"

# Sets the pinning from SERVER_CPUS and LOAD_CPUS, and one generator thread per CPU it is given (two threads on one
# core would wait for each other's time slices).
bench_pin() {
  SERVER_PIN=()
  LOAD_PIN=()
  [ -z "$SERVER_CPUS" ] || SERVER_PIN=(taskset -c "$SERVER_CPUS")
  if [ -n "$LOAD_CPUS" ]; then
    LOAD_PIN=(taskset -c "$LOAD_CPUS")
    LOAD_THREADS="${LOAD_THREADS_GIVEN:-$(taskset -c "$LOAD_CPUS" nproc)}"
  fi
}

# Dedicated cores when the machine has two or more: the generator on LOAD_CPUS (default 0), the server under test
# on SERVER_CPUS (default 1). Scripts that compare servers call this once, after sourcing.
bench_dedicated_cores() {
  if [ "$(nproc)" -ge 2 ]; then
    LOAD_CPUS="${LOAD_CPUS:-0}"
    SERVER_CPUS="${SERVER_CPUS:-1}"
  fi
  bench_pin
}

bench_pin

BENCH_PIDS=()
BENCH_TMP_DIRS=()
TABIB_PID=""
TABIB_DATA=""
RELAY_PID=""
FLOOR_PID=""

bench_log() {
  echo "[$(date -u +%H:%M:%S)] $*" >&2
}

bench_require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "bench: '$tool' is required but not on the PATH" >&2; exit 2; }
  done
}

bench_cleanup() {
  local pid dir
  for pid in "${BENCH_PIDS[@]}"; do
    bench_stop_pid "$pid"
  done
  BENCH_PIDS=()
  for dir in "${BENCH_TMP_DIRS[@]}"; do
    rm -rf "$dir"
  done
  BENCH_TMP_DIRS=()
}

# Stops one process we started: TERM, then KILL if it is still there after 20 s.
bench_stop_pid() {
  local pid="$1" waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 40 ]; do
    sleep 0.5
    waited=$((waited + 1))
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

bench_forget_pid() {
  local pid="$1" kept=() p
  for p in "${BENCH_PIDS[@]}"; do
    [ "$p" = "$pid" ] || kept+=("$p")
  done
  BENCH_PIDS=("${kept[@]}")
}

bench_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

bench_build() {
  bench_log "building the server and the load generator (mvn package, tests skipped)"
  # an already repackaged jar would be kept with its old nested module jars when only those modules changed
  rm -f "$SERVER_JAR"
  (cd "$ROOT" && mvn -B -q -pl web,ops -am package -DskipTests)
  [ -f "$SERVER_JAR" ] || { echo "bench: $SERVER_JAR was not built" >&2; exit 2; }
  [ -f "$LOAD_JAR" ] || { echo "bench: $LOAD_JAR was not built" >&2; exit 2; }
}

# Builds the server jar (mvn package, tests skipped) unless SKIP_BUILD=1, then checks that JAR (default: the server
# jar) is there.
bench_server_jar() {
  local jar="${1:-$SERVER_JAR}"
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    bench_require mvn
    bench_log "building the server jar (mvn package, tests skipped)"
    rm -f "$SERVER_JAR"
    (cd "$ROOT" && mvn -B -q -pl web -am package -DskipTests)
  fi
  [ -f "$jar" ] || { echo "bench: $jar is missing (build it, or unset SKIP_BUILD)" >&2; exit 2; }
}

bench_install_relay() {
  bench_log "installing the Node ws relay's dependencies (npm ci)"
  (cd "$RELAY_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

# Starts our server in a fresh data folder (demo mode, embedded Redis on a free port); extra JVM options as arguments.
bench_start_tabib() {
  for port in "$BENCH_HTTP_PORT" "$BENCH_SIGNAL_PORT"; do
    if bench_port_open "$port"; then
      echo "bench: port $port is already in use; set BENCH_HTTP_PORT / BENCH_SIGNAL_PORT" >&2
      exit 2
    fi
  done
  TABIB_DATA="$(mktemp -d -t tabib-bench.XXXXXX)"
  BENCH_TMP_DIRS+=("$TABIB_DATA")
  bench_log "starting our server (data in $TABIB_DATA)"
  # The load generator brings thousands of identities with tokens it mints from the server's key, outside any
  # sign-in: TABIB_AUTH_SESSIONLESS_TOKENS lets this throwaway server accept them (never set it in production).
  # shellcheck disable=SC2086
  (cd "$TABIB_DATA" && exec env \
      TABIB_DEMO=true \
      SERVER_PORT="$BENCH_HTTP_PORT" \
      TABIB_AUTH_SESSIONLESS_TOKENS=true \
      TABIB_SIGNALING_PORT="$BENCH_SIGNAL_PORT" \
      TABIB_SIGNALING_MAX_MESSAGES_PER_SECOND="$BENCH_MAX_MESSAGES_PER_SECOND" \
      TABIB_SIGNALING_MESSAGE_BURST="$BENCH_MAX_MESSAGES_PER_SECOND" \
      TABIB_TLS=false \
      TABIB_DATA_DIR="$TABIB_DATA/data" \
      "${SERVER_PIN[@]}" java $SERVER_JAVA_OPTS "$@" -jar "$SERVER_JAR" >"$TABIB_DATA/server.log" 2>&1) &
  TABIB_PID=$!
  BENCH_PIDS+=("$TABIB_PID")
  bench_await_start "$TABIB_PID" "$TABIB_DATA/server.log" "our server (port $BENCH_SIGNAL_PORT)" bench_tabib_ready
  BENCH_PATIENT_REF="$(bench_tabib_patient)"
  bench_log "our server is up (pid $TABIB_PID); the load's calls are about patient $BENCH_PATIENT_REF"
}

# Registers, through the REST API as the demo nurse of disp-tinghir (the dispensary of the load's nurses), the
# patient the load's urgent calls are about: the server refuses calls about unknown patients. Prints its id.
bench_tabib_patient() {
  local base="http://127.0.0.1:$BENCH_HTTP_PORT" token="" id="" tries=0
  while [ -z "$id" ] && [ "$tries" -lt 60 ]; do
    tries=$((tries + 1))
    token="$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
      -d '{"username":"nurse1","password":"demo1234"}' 2>/dev/null | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')"
    if [ -n "$token" ]; then
      id="$(curl -fsS -X POST "$base/api/v1/patients" -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $token" \
        -d '{"fullName":"Load Patient","birthYear":1980,"sex":"FEMALE","teleconsultationConsent":true}' 2>/dev/null \
        | grep -o '"id":"pat-[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)"
    fi
    [ -n "$id" ] || sleep 0.5
  done
  if [ -z "$id" ]; then
    echo "bench: could not register the load's patient through $base (see $TABIB_DATA/server.log)" >&2
    return 1
  fi
  echo "$id"
}

# Writes a patient of disp-tinghir who consented straight into a bare Redis on PORT, the fields the signalling nodes
# read before queuing a call (standalone nodes over a Redis without the web application). Prints its id.
bench_seed_patient() {
  local port="$1" id key reply=""
  id="pat-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  key="tl:rec:pat:$id"
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf '*6\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n$4\r\ndisp\r\n$12\r\ndisp-tinghir\r\n$7\r\nconsent\r\n$4\r\ntrue\r\n' \
    "${#key}" "$key" >&3
  read -r -t 5 reply <&3 || true
  exec 3<&- 3>&-
  if [[ "$reply" != :* ]]; then
    echo "bench: could not write the load's patient into Redis on port $port ($reply)" >&2
    return 1
  fi
  echo "$id"
}

bench_tabib_ready() {
  bench_port_open "$BENCH_SIGNAL_PORT" && [ -f "$TABIB_DATA/data/keys/access-token.jwk" ]
}

# The path of a redis-server: the machine's, or else the one the server jar carries (embedded-redis ships Redis 6.2
# binaries), copied out into DIR. Prints the path; fails when neither exists for this system.
bench_redis_server() {
  local dir="$1" arch lib binary
  if command -v redis-server >/dev/null 2>&1; then
    command -v redis-server
    return 0
  fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) arch=linux-amd64 ;;
    Linux-aarch64) arch=linux-arm64 ;;
    Darwin-x86_64) arch=darwin-amd64 ;;
    Darwin-arm64) arch=darwin-arm64 ;;
    *) echo "bench: no redis-server here and none bundled for $(uname -sm); install Redis" >&2; return 1 ;;
  esac
  lib="$(cd "$dir" && jar tf "$SERVER_JAR" | grep '^BOOT-INF/lib/embedded-redis-.*\.jar$' | head -n 1)"
  [ -n "$lib" ] || { echo "bench: $SERVER_JAR carries no embedded Redis; install Redis" >&2; return 1; }
  (cd "$dir" && jar xf "$SERVER_JAR" "$lib")
  binary="$(cd "$dir" && jar tf "$lib" | grep "^redis-server-.*-$arch\$" | head -n 1)"
  [ -n "$binary" ] || { echo "bench: no bundled redis-server for $arch; install Redis" >&2; return 1; }
  (cd "$dir" && jar xf "$lib" "$binary")
  chmod +x "$dir/$binary"
  echo "$dir/$binary"
}

# Waits until a command succeeds (e.g. bench_port_open 8081) while the process PID starting up stays alive;
# exits with the end of its log when it dies or STARTUP_TIMEOUT_SECONDS pass.
bench_await_start() {
  local pid="$1" log="$2" what="$3" waited=0
  shift 3
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench: $what exited during start-up; its log:" >&2
      tail -n 40 "$log" >&2
      exit 1
    fi
    if [ "$waited" -ge "$((STARTUP_TIMEOUT_SECONDS * 5))" ]; then
      echo "bench: $what was not ready within $STARTUP_TIMEOUT_SECONDS s; its log:" >&2
      tail -n 40 "$log" >&2
      exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
}

bench_stop_tabib() {
  if [ -n "$TABIB_PID" ]; then
    bench_stop_pid "$TABIB_PID"
    bench_forget_pid "$TABIB_PID"
    TABIB_PID=""
  fi
}

# bench_start_reference NAME PORT COMMAND...: starts a reference relay on SERVER_CPUS and waits for its "listening"
# line; its pid is left in REFERENCE_PID.
bench_start_reference() {
  local name="$1" port="$2" log
  shift 2
  if bench_port_open "$port"; then
    echo "bench: port $port is already in use for the $name" >&2
    exit 2
  fi
  log="$(mktemp -t reference-relay-XXXXXX)"
  BENCH_TMP_DIRS+=("$log")
  bench_log "starting the $name"
  "${SERVER_PIN[@]}" "$@" >"$log" 2>&1 &
  REFERENCE_PID=$!
  BENCH_PIDS+=("$REFERENCE_PID")
  bench_await_start "$REFERENCE_PID" "$log" "the $name" grep -q "listening" "$log"
}

bench_start_relay() {
  bench_start_reference "Node ws relay (BENCH_RELAY_PORT)" "$BENCH_RELAY_PORT" \
    env RELAY_PORT="$BENCH_RELAY_PORT" node "$RELAY_DIR/relay.js"
  RELAY_PID="$REFERENCE_PID"
}

bench_stop_relay() {
  if [ -n "$RELAY_PID" ]; then
    bench_stop_pid "$RELAY_PID"
    bench_forget_pid "$RELAY_PID"
    RELAY_PID=""
  fi
}

# Starts the floor relay: a Netty server that forwards frames between the two members of a pair and does nothing else
# (ops/src/main/java/ma/tabiblink/ops/bench/floor/FloorRelay.java), the same contract as the Node relay.
bench_start_floor() {
  # shellcheck disable=SC2086
  bench_start_reference "floor relay (BENCH_FLOOR_PORT)" "$BENCH_FLOOR_PORT" \
    java $SERVER_JAVA_OPTS -cp "$LOAD_JAR" ma.tabiblink.ops.bench.floor.FloorRelay "$BENCH_FLOOR_PORT"
  FLOOR_PID="$REFERENCE_PID"
}

bench_stop_floor() {
  if [ -n "$FLOOR_PID" ]; then
    bench_stop_pid "$FLOOR_PID"
    bench_forget_pid "$FLOOR_PID"
    FLOOR_PID=""
  fi
}

# Runs the load generator; its report goes to stdout.
bench_load() {
  # shellcheck disable=SC2086
  "${LOAD_PIN[@]}" java $LOAD_JAVA_OPTS -jar "$LOAD_JAR" "$@"
}

bench_tabib_load() {
  bench_load --target=tabib --url="ws://127.0.0.1:$BENCH_SIGNAL_PORT/signal" \
    --key-file="$TABIB_DATA/data/keys/access-token.jwk" --patient-ref="$BENCH_PATIENT_REF" "$@"
}

bench_relay_load() {
  bench_load --target=ws-pair --url="ws://127.0.0.1:$BENCH_RELAY_PORT/" "$@"
}

bench_floor_load() {
  bench_load --target=ws-pair --url="ws://127.0.0.1:$BENCH_FLOOR_PORT/" "$@"
}

# The value of a key=value line of a report.
bench_value() {
  local key="$1" file="$2"
  sed -n "s/^$key=//p" "$file" | tail -n 1
}

bench_median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

bench_machine() {
  echo "machine: $(nproc) cores (nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/^Mem:/ { print $2 " GB RAM" }')"
  echo "java: $(java -version 2>&1 | head -n 1)"
  echo "node: $(node --version 2>/dev/null || echo none), ws $(sed -n 's/.*"ws": "\(.*\)".*/\1/p' "$RELAY_DIR/package.json")"
  echo "kernel: $(uname -sr)"
}
