#!/usr/bin/env bash
# A CPU profile (async-profiler, collapsed stacks: the text behind a flame graph) of one relay server under the
# closed-loop relay load of bench-cpu-per-message.sh, pinned the same way: the generator on LOAD_CPUS, the server on
# SERVER_CPUS. Prints where the server's CPU goes: kernel or Java, and the hottest frames.
#
#   ops/scripts/bench-flame.sh ours|floor    # PROFILE_SECONDS=15 WARMUP=10 CONNECTIONS=1000
#
# async-profiler comes from Maven Central (tools.profiler:async-profiler, a provided dependency of ops, so a build
# resolves it into the local repository); its library is loaded into the running server with jcmd.
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
bench_dedicated_cores

which="${1:-ours}"
PROFILE_SECONDS="${PROFILE_SECONDS:-15}"
WARMUP="${WARMUP:-10}"
CONNECTIONS="${CONNECTIONS:-1000}"
PROFILER_VERSION="${PROFILER_VERSION:-4.2}"

bench_require java mvn jcmd unzip
[ "${SKIP_BUILD:-0}" = 1 ] || bench_build
jar="${MAVEN_REPOSITORY:-$HOME/.m2/repository}/tools/profiler/async-profiler/$PROFILER_VERSION/async-profiler-$PROFILER_VERSION.jar"
[ -f "$jar" ] || { echo "bench: $jar is missing (build ops: mvn -pl ops -am package)" >&2; exit 2; }
case "$(uname -m)" in
  x86_64) arch=linux-x64 ;;
  aarch64) arch=linux-arm64 ;;
  *) echo "bench: async-profiler has no library for $(uname -m)" >&2; exit 2 ;;
esac
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/flame-$which-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
unzip -q -o "$jar" "$arch/libasyncProfiler.so" -d "$out"
library="$out/$arch/libasyncProfiler.so"

case "$which" in
  ours) bench_start_tabib; server="$TABIB_PID"; load=bench_tabib_load ;;
  floor) bench_start_floor; server="$FLOOR_PID"; load=bench_floor_load ;;
  *) echo "usage: $0 ours|floor" >&2; exit 2 ;;
esac
"$load" --threads="$LOAD_THREADS" --connections="$CONNECTIONS" --warmup="$WARMUP" \
  --duration="$((PROFILE_SECONDS + 5))" >"$out/load.txt" 2>&1 &
load_pid=$!
until grep -q "measuring" "$out/load.txt" 2>/dev/null; do
  kill -0 "$load_pid" 2>/dev/null || { cat "$out/load.txt" >&2; exit 1; }
  sleep 0.2
done
bench_log "profiling the $which server for $PROFILE_SECONDS s"
# the quotes keep jcmd from splitting the profiler's comma-separated options
jcmd "$server" JVMTI.agent_load "$library" \
  "\"start,event=cpu,interval=1ms,timeout=$PROFILE_SECONDS,file=$out/cpu.collapsed,collapsed\"" >/dev/null
sleep "$((PROFILE_SECONDS + 2))"
wait "$load_pid" || true

{
  echo "== CPU profile of the $which relay server, $PROFILE_SECONDS s, $CONNECTIONS connections, closed loop =="
  bench_machine
  echo "relayed messages/s: $(bench_value relayed_messages_per_second "$out/load.txt")"
  awk '{ n = $NF; total += n; sub(/ [0-9]+$/, ""); k = split($0, f, ";"); top = f[k]
         if (top ~ /_\[k\]$/) kernel += n; else if ($0 ~ /CompileBroker/) jit += n; else java += n
         self[top] += n }
       END {
         printf "samples: %d; kernel %.1f%%, Java and native user code %.1f%%, JIT compiler %.1f%%\n",
           total, 100 * kernel / total, 100 * java / total, 100 * jit / total
         print "hottest frames (self time):"
         for (frame in self) printf "  %5.1f%% %s\n", 100 * self[frame] / total, frame | "sort -rn | head -n 25"
       }' "$out/cpu.collapsed"
  echo "collapsed stacks: $out/cpu.collapsed"
} | tee "$out/summary.txt"
