#!/usr/bin/env bash
# Lighthouse 12.2.3 (mobile preset: simulated slow 4G, 4x slower CPU) on the sign-in screen and on the nurse's screen
# (signed in as nurse1), in Debian's Chromium, against the server jar in demo mode on a loopback port. Prints every run
# and the medians per screen (ops/bench/lighthouse/screens.mjs); the output is also kept in ops/bench/results/.
# Loopback only; everything it started is stopped on exit.
#
#   ops/scripts/bench-lighthouse.sh                  # builds the jar (mvn package, tests skipped), 5 runs
#   SKIP_BUILD=1 RUNS=3 ops/scripts/bench-lighthouse.sh
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
trap bench_cleanup EXIT
trap 'exit 130' INT

RUNS="${RUNS:-5}"
LIGHTHOUSE_DIR="$ROOT/ops/bench/lighthouse"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

bench_require java curl node npm "$CHROMIUM"
bench_server_jar

bench_log "installing Lighthouse (npm ci)"
(cd "$LIGHTHOUSE_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

bench_start_tabib
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/lighthouse-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
bench_machine
echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$LIGHTHOUSE_DIR/screens.mjs" "http://127.0.0.1:$BENCH_HTTP_PORT" "$RUNS" | tee "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
bench_log "results kept in $out"
