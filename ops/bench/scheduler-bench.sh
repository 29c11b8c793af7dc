#!/usr/bin/env bash
# Scheduling benchmark, RUNS times against the same Redis:
#  1. redis-benchmark EVALSHA of a trivial script ("return 1"): the raw scripting rate of this Redis;
#  2. redis-benchmark EVALSHA of the booking script itself (lib.lua + book.lua, every call a fresh slot): the rate at
#     which this Redis can execute bookings when nothing else is in the way;
#  3. SchedulerBenchmark: coordinator threads booking random slots of a shared pool through BookingService (rules
#     validation, the booking script, idempotency, conflicts answered with the next free slots), then an overlap check.
# Prints each run and the medians; ratios are booking attempts/s of (3) over requests/s of (1) and of (2).
#
#   ops/bench/scheduler-bench.sh                       # 5 runs against 127.0.0.1:6379, logical database 15
#   RUNS=7 THREADS=16 REDIS_PORT=6380 ops/bench/scheduler-bench.sh
#
# SchedulerBenchmark warms up on a second pool of the same shape (other specialists), then makes PASSES measured
# passes, each on a fresh pool of that shape; its rate is over all of them (one pass alone lasts well under a second
# on a fast machine, too short to leave the compiler's work behind).
#
# By default the booking threads and the redis-benchmark clients are equally many (50), so both sides keep the same
# number of requests in flight.
#
# The benchmark empties logical database BENCH_DB (default 15) before and after each run; nothing else is touched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
BENCH_DB="${BENCH_DB:-15}"
RUNS="${RUNS:-5}"
THREADS="${THREADS:-50}"
SPECIALISTS="${SPECIALISTS:-40}"
DAYS="${DAYS:-20}"
WARMUP="${WARMUP:--1}"   # -1: one warm-up attempt per slot, on a pool of the same shape
PASSES="${PASSES:-5}"
EVALSHA_CLIENTS="${EVALSHA_CLIENTS:-50}"
EVALSHA_REQUESTS="${EVALSHA_REQUESTS:-100000}"
BOOKING_REQUESTS="${BOOKING_REQUESTS:-20000}"
RESULTS_DIR="${RESULTS_DIR:-$ROOT/ops/bench/results}"

for tool in java mvn redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null 2>&1 || { echo "scheduler-bench: '$tool' is required but not on the PATH" >&2; exit 2; }
done
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null || { echo "scheduler-bench: no Redis at $REDIS_HOST:$REDIS_PORT" >&2; exit 2; }

mkdir -p "$RESULTS_DIR"
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
echo "Building the benchmark..." >&2
(cd "$ROOT" && mvn -B -q -pl ops -am compile dependency:build-classpath -Dmdep.includeScope=runtime \
  -Dmdep.outputFile="$CP_FILE" >&2)
CLASSPATH_BENCH="$ROOT/ops/target/classes:$(cat "$CP_FILE")"

SHA="$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" SCRIPT LOAD "return 1")"
LUA_DIR="$ROOT/scheduler/src/main/resources/ma/tabiblink/scheduler/booking"
BOOK_SHA="$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" SCRIPT LOAD "$(cat "$LUA_DIR/lib.lua" "$LUA_DIR/book.lua")")"

# The booking script's own rate: random appointment, specialist, patient and idempotency key per call, a schedule
# stamp that matches, a slot a week ahead; the logical database is emptied afterwards.
raw_booking_rate() {
  local now start end
  now=$(($(date +%s) * 1000)); start=$((now + 7 * 86400000)); end=$((start + 1800000))
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$BENCH_DB" HSET tl:sch:schedule:bench version 1 >/dev/null
  redis-benchmark -h "$REDIS_HOST" -p "$REDIS_PORT" --dbnum "$BENCH_DB" -r 100000000 -n "$BOOKING_REQUESTS" \
    -c "$EVALSHA_CLIENTS" -q EVALSHA "$BOOK_SHA" 3 tl:sch:idem:bench:__rand_int__ tl:sch:schedule:bench \
    tl:sch:policy:bench tl:sch: "$now" bench COORDINATOR apt___rand_int__ spec-__rand_int__ cardiology disp-bench \
    pat-__rand_int__ "$start" "$end" Africa/Casablanca 0 1 14400000 fingerprint 604800 1440,60 1 "" \
    | tr '\r' '\n' | grep 'requests per second' | tail -1 | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/'
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$BENCH_DB" FLUSHDB >/dev/null
}
OUT="$RESULTS_DIR/scheduler-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "# Redis $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" INFO server | grep redis_version | tr -d '\r'), java $(java -version 2>&1 | head -1)"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# threads=$THREADS specialists=$SPECIALISTS days=$DAYS warmup=$WARMUP passes=$PASSES evalsha_clients=$EVALSHA_CLIENTS booking_requests=$BOOKING_REQUESTS"
} | tee "$OUT"

raw_rates=()
script_rates=()
booking_rates=()
ratios=()
script_ratios=()
for run in $(seq 1 "$RUNS"); do
  raw="$(redis-benchmark -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$EVALSHA_REQUESTS" -c "$EVALSHA_CLIENTS" -q EVALSHA "$SHA" 0 \
    | tr '\r' '\n' | grep 'requests per second' | tail -1 | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/')"
  script="$(raw_booking_rate)"
  result="$(java -cp "$CLASSPATH_BENCH" ma.tabiblink.ops.bench.scheduler.SchedulerBenchmark \
    --redis "$REDIS_HOST:$REDIS_PORT" --db "$BENCH_DB" --threads "$THREADS" --specialists "$SPECIALISTS" \
    --days "$DAYS" --warmup "$WARMUP" --passes "$PASSES" 2>/dev/null | grep '^RESULT')"
  attempts="$(sed -E 's/.* attempts_per_s=([0-9]+).*/\1/' <<<"$result")"
  ratio="$(awk -v a="$attempts" -v r="$raw" 'BEGIN { printf "%.3f", a / r }')"
  script_ratio="$(awk -v a="$attempts" -v r="$script" 'BEGIN { printf "%.3f", a / r }')"
  raw_rates+=("$raw")
  script_rates+=("$script")
  booking_rates+=("$attempts")
  ratios+=("$ratio")
  script_ratios+=("$script_ratio")
  echo "run $run: evalsha_return1_rps=$raw evalsha_booking_script_rps=$script ${result#RESULT } ratio_vs_return1=$ratio ratio_vs_booking_script=$script_ratio" | tee -a "$OUT"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median: evalsha_return1_rps=$(median "${raw_rates[@]}") evalsha_booking_script_rps=$(median "${script_rates[@]}") booking_attempts_per_s=$(median "${booking_rates[@]}") ratio_vs_return1=$(median "${ratios[@]}") ratio_vs_booking_script=$(median "${script_ratios[@]}")" | tee -a "$OUT"
echo "results: $OUT" >&2
