#!/usr/bin/env bash
# Fault: the Redis primary killed with SIGKILL under booking load, FAILOVERS times in a row (default 5; CI's
# `mvn verify` runs the same test with 3). Runs SentinelFailoverTest (web): the whole application on a real primary,
# two replicas and three sentinels on loopback, three coordinators booking through the REST API; each failover kills
# the primary the previous one promoted, after the old primary rejoined as a replica. Prints, per failover: how long
# until Sentinel promoted a replica and until bookings were answered again, bookings acknowledged, refused with a coded
# 503, missing (must be 0) and slots booked twice (must be 0); and, of the consultation note versions a specialist saved
# meanwhile, how many were acknowledged so far and how many of them no longer read back (must be 0); and of the 20 calls
# relaying through the application and a standalone signalling node under the same kills, how long until every call
# relayed again and every specialist's presence change was answered again, and the calls kept; then the relayed
# messages lost, duplicated or out of order over the run. Needs Debian's redis-server and redis-sentinel
# (bash ops/scripts/install-test-deps.sh). Then the same for calls: CallsThroughRedisFailoverTest (ops), two
# signalling nodes and 20 calls relaying numbered messages across them, FAILOVERS kills of the primary; per failover
# the time until every call relays again and the calls kept, then the messages lost, duplicated or out of order.
# Exit status 0 only when both tests passed. Raw lines: ops/bench/results/redis-failover-<time>.txt.
#
#   bash ops/scripts/fault-redis-failover.sh
#   FAILOVERS=3 MVN_FLAGS=-o bash ops/scripts/fault-redis-failover.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FAILOVERS="${FAILOVERS:-5}"
MVN_FLAGS="${MVN_FLAGS:-}"
RESULTS_DIR="${RESULTS_DIR:-$ROOT/ops/bench/results}"
REPORTS="$ROOT/web/target/surefire-reports"
TEST=SentinelFailoverTest

for binary in redis-server redis-sentinel; do
  command -v "$binary" >/dev/null 2>&1 \
    || { echo "fault-redis-failover: $binary is missing (bash ops/scripts/install-test-deps.sh installs it)" >&2; exit 2; }
done
mkdir -p "$RESULTS_DIR"
RAW="$RESULTS_DIR/redis-failover-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), $(redis-server --version | sed 's/ sha=.*//')"
  echo "# main at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%FT%TZ), FAILOVERS=$FAILOVERS"
} >"$RAW"

echo "fault-redis-failover: $FAILOVERS failovers (mvn -pl web -am test -Dtest=$TEST)" >&2
rm -f "$REPORTS"/*"$TEST"*
status=0
# shellcheck disable=SC2086
(cd "$ROOT" && mvn -B -q $MVN_FLAGS -pl web -am test -Dtest="$TEST" -Dtabib.failovers="$FAILOVERS" \
    -Dsurefire.failIfNoSpecifiedTests=false >"$RAW.maven.log" 2>&1) || status=$?
grep -h '^failover-' "$REPORTS"/*"$TEST"-output.txt >>"$RAW" 2>/dev/null || true

results="$(grep '^failover-result ' "$RAW" || true)"
summary="$(grep '^failover-summary ' "$RAW" || true)"
if [ -z "$results" ]; then
  echo "fault-redis-failover: the test printed no failover (skipped, or failed before the first kill); see $RAW.maven.log and $REPORTS" >&2
  exit 1
fi

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
{
  grep '^#' "$RAW"
  # acknowledged and refused: since the previous failover; missing and booked_twice: of all acknowledged so far;
  # notes_acked and notes_missing: note versions acknowledged so far, and those of them that no longer read back
  printf '%-9s %-22s %-22s %12s %12s %13s %9s %8s %12s %12s %14s %9s %11s %12s\n' failover killed promoted \
    promotion_ms recovery_ms acknowledged refused missing booked_twice notes_acked notes_missing calls_ms calls_kept \
    presence_ms
  echo "$results" | while read -r line; do
    printf '%-9s %-22s %-22s %12s %12s %13s %9s %8s %12s %12s %14s %9s %11s %12s\n' "$(echo "$line" | field failover)" \
      "$(echo "$line" | field killed)" "$(echo "$line" | field promoted)" "$(echo "$line" | field promotion_ms)" \
      "$(echo "$line" | field recovery_ms)" "$(echo "$line" | field acknowledged_since_previous)" \
      "$(echo "$line" | field refused_503)" "$(echo "$line" | field missing)" "$(echo "$line" | field booked_twice)" \
      "$(echo "$line" | field notes_acknowledged)" "$(echo "$line" | field notes_missing)" \
      "$(echo "$line" | field calls_relaying_ms)" "$(echo "$line" | field calls_kept)" \
      "$(echo "$line" | field presence_answered_ms)"
  done
  echo "median promotion: $(echo "$results" | field promotion_ms | median) ms," \
       "median recovery (bookings answered again): $(echo "$results" | field recovery_ms | median) ms," \
       "median until every call relays again: $(echo "$results" | field calls_relaying_ms | median) ms"
  if [ -n "$summary" ]; then
    echo "run: $(echo "$summary" | field failovers) failovers, $(echo "$summary" | field acknowledged) bookings acknowledged," \
         "$(echo "$summary" | field refused_503) coded 503s, missing $(echo "$summary" | field missing)," \
         "booked twice $(echo "$summary" | field booked_twice);" \
         "$(echo "$summary" | field notes_acknowledged) note versions acknowledged," \
         "$(echo "$summary" | field notes_refused_503) coded 503s, missing $(echo "$summary" | field notes_missing)"
  fi
  grep '^failover-calls ' "$RAW" || true
  echo "raw lines: $RAW"
} | tee "$RAW.summary"

CALLS_TEST=CallsThroughRedisFailoverTest
CALLS_REPORTS="$ROOT/ops/target/surefire-reports"
echo "fault-redis-failover: calls through $FAILOVERS failovers (mvn -pl ops -am test -Dtest=$CALLS_TEST)" >&2
rm -f "$CALLS_REPORTS"/*"$CALLS_TEST"*
calls_status=0
# shellcheck disable=SC2086
(cd "$ROOT" && mvn -B -q $MVN_FLAGS -pl ops -am test -Dtest="$CALLS_TEST" -Dtabib.failovers="$FAILOVERS" \
    -Dsurefire.failIfNoSpecifiedTests=false >"$RAW.calls.maven.log" 2>&1) || calls_status=$?
calls="$(grep -h '^redis-failover' "$CALLS_REPORTS"/*"$CALLS_TEST"-output.txt 2>/dev/null || true)"
echo "$calls" >>"$RAW"
echo "$calls" | tee -a "$RAW.summary"
if [ "$calls_status" -ne 0 ] || [ -z "$calls" ]; then
  echo "fault-redis-failover: calls through the failovers FAILED (see $RAW.calls.maven.log and $CALLS_REPORTS)" >&2
  status=1
fi

if [ "$status" -ne 0 ] || [ -z "$summary" ]; then
  echo "fault-redis-failover: FAILED (see $RAW.maven.log and $REPORTS)" >&2
  exit 1
fi
echo "fault-redis-failover: PASS" >&2
