#!/usr/bin/env bash
# Restores a backup made by backup-redis.sh into a running Redis, without stopping it and without touching its
# files: the snapshot is loaded into a throwaway redis-server on loopback, and every key is copied to the target
# with MIGRATE ... COPY REPLACE (values and expiry times intact). The target records the writes in its AOF like
# any other, so the restore is durable as soon as the script ends. Stop the Tabib Link services first so that
# nothing writes while the data are put back.
#
# usage: restore-redis.sh [--url REDIS_URL] (--replace | --merge) BACKUP.rdb
#   --url      default: $REDIS_URL, else redis://127.0.0.1:6379
#   --replace  empty the target database first (the usual restore)
#   --merge    keep the target's other keys; keys present in the backup are overwritten
#   Without either, the target must be empty.
# The checksum file BACKUP.rdb.sha256 is verified when present. TLS-only targets (rediss://) cannot receive
# MIGRATE from the plaintext throwaway server: run the script on the Redis host against a loopback plaintext port.
# Exit status: 0 restored, 2 bad usage, 3 Redis unreachable, 4 backup unusable, 5 target not empty, 6 copy failed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=backup-redis-connection.sh
. "$here/backup-redis-connection.sh"

url="${REDIS_URL:-redis://127.0.0.1:6379}"
mode=""
file=""
while (($#)); do
  case "$1" in
    --url) url="${2:?--url needs a value}"; shift 2 ;;
    --replace) mode=replace; shift ;;
    --merge) mode=merge; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown option '$1' (see --help)" >&2; exit 2 ;;
    *) [[ -z "$file" ]] || { echo "error: one backup file at a time" >&2; exit 2; }; file="$1"; shift ;;
  esac
done
[[ -n "$file" ]] || { echo "error: which backup? usage: restore-redis.sh [--url URL] (--replace|--merge) BACKUP.rdb" >&2; exit 2; }
[[ -f "$file" && -r "$file" ]] || { echo "error: cannot read backup file $file" >&2; exit 4; }
parse_redis_url "$url" || exit 2
if ((R_TLS)); then
  echo "error: restore into a rediss:// target is not supported; run it on the Redis host against its loopback plaintext port" >&2
  exit 2
fi

# 1. The backup is intact.
if [[ -f "$file.sha256" ]]; then
  expected="$(awk '{print $1}' "$file.sha256")"
  actual="$(sha256sum "$file" | awk '{print $1}')"
  if [[ "$expected" != "$actual" ]]; then
    echo "error: $file does not match its checksum file: the backup is damaged" >&2
    exit 4
  fi
else
  echo "warning: no $file.sha256 beside the backup; relying on redis-check-rdb alone" >&2
fi
if command -v redis-check-rdb >/dev/null 2>&1 && ! timeout 600 redis-check-rdb "$file" >/dev/null 2>&1; then
  echo "error: $file is not a valid RDB file (redis-check-rdb)" >&2
  exit 4
fi

# 2. The target answers and may be written.
if [[ "$(RCLI_TIMEOUT=10 rcli PING 2>&1)" != PONG ]]; then
  echo "error: Redis at $R_HOST:$R_PORT does not answer PING (address, password?)" >&2
  exit 3
fi
present="$(RCLI_TIMEOUT=10 rcli DBSIZE)"
if [[ "$present" != 0 && -z "$mode" ]]; then
  echo "error: the target database holds $present keys; pass --replace to empty it first or --merge to keep them" >&2
  exit 5
fi

# 3. A throwaway server holding the backup.
work="$(mktemp -d -t tabib-restore.XXXXXX)"
src_pid=""
cleanup() {
  if [[ -n "$src_pid" ]]; then
    kill "$src_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$src_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cp "$file" "$work/dump.rdb"
src_port=""
for _ in $(seq 1 100); do
  p=$((20000 + RANDOM % 30000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then src_port=$p; break; fi
done
[[ -n "$src_port" ]] || { echo "error: no free loopback port for the throwaway server" >&2; exit 6; }
redis-server --port "$src_port" --bind 127.0.0.1 --dir "$work" --dbfilename dump.rdb --appendonly no --save "" \
  --daemonize no --logfile "$work/redis.log" &
src_pid=$!
src() { timeout 30 redis-cli -h 127.0.0.1 -p "$src_port" "$@"; }
ready=0
for _ in $(seq 1 300); do
  if [[ "$(src PING 2>/dev/null)" == PONG ]] && src INFO persistence 2>/dev/null | tr -d '\r' | grep -q '^loading:0'; then ready=1; break; fi
  kill -0 "$src_pid" 2>/dev/null || break
  sleep 0.2
done
((ready)) || { echo "error: the backup could not be loaded (see below)" >&2; tail -5 "$work/redis.log" >&2; exit 4; }
total="$(src DBSIZE)"

# 4. Copy every key to the target.
if [[ "$mode" == replace ]]; then
  RCLI_TIMEOUT=60 rcli FLUSHDB >/dev/null
fi
# quote VAR VALUE: VAR becomes VALUE in redis-cli's double-quoted form (no subshell: called once per key).
quote() { local s="${2//\\/\\\\}"; s="${s//\"/\\\"}"; printf -v "$1" '"%s"' "$s"; }
auth=""
quote q_host "$R_HOST"; quote q_user "$R_USER"; quote q_pass "$R_PASS"
if [[ -n "$R_PASS" && -n "$R_USER" ]]; then
  auth="AUTH2 $q_user $q_pass"
elif [[ -n "$R_PASS" ]]; then
  auth="AUTH $q_pass"
fi
# One MIGRATE per batch of 200 keys, fed to redis-cli on stdin so that the password is on no command line.
src --scan >"$work/keys"
copied=0
failed=0
batch=()
flush_batch() {
  ((${#batch[@]})) || return 0
  local line="MIGRATE $q_host $R_PORT \"\" $R_DB 30000 COPY REPLACE $auth KEYS"
  local k q
  for k in "${batch[@]}"; do quote q "$k"; line+=" $q"; done
  local reply
  reply="$(printf '%s\n' "$line" | src 2>&1 || true)"
  # NOKEY: every key of the batch expired between the scan and the copy.
  if [[ "$reply" == OK || "$reply" == NOKEY ]]; then
    copied=$((copied + ${#batch[@]}))
  else
    failed=$((failed + ${#batch[@]}))
    echo "error: MIGRATE refused a batch: $reply" >&2
  fi
  batch=()
}
while IFS= read -r key; do
  batch+=("$key")
  ((${#batch[@]} < 200)) || flush_batch
done <"$work/keys"
flush_batch

after="$(RCLI_TIMEOUT=10 rcli DBSIZE)"
if ((failed > 0)); then
  echo "error: $failed of $total keys were not restored" >&2
  exit 6
fi
if [[ "$mode" == replace || "$present" == 0 ]] && ((after < copied)); then
  echo "error: the target holds $after keys after copying $copied" >&2
  exit 6
fi
# Compact the target's AOF now that it holds a burst of restored writes.
RCLI_TIMEOUT=10 rcli BGREWRITEAOF >/dev/null 2>&1 || true
echo "restored $copied keys from $(basename "$file") into $R_HOST:$R_PORT/$R_DB (target now holds $after keys)"
