#!/usr/bin/env bash
# Backs up the Tabib Link Redis: a point-in-time RDB snapshot streamed from the running server (redis-cli --rdb,
# so it works from another host and needs no access to Redis's files), checked with redis-check-rdb, with a
# SHA-256 checksum and a description beside it. Old backups beyond --keep are removed.
#
# usage: backup-redis.sh [--url REDIS_URL] [--out DIR] [--keep N]
#   --url   default: $REDIS_URL, else redis://127.0.0.1:6379 (password in the URL: redis://:secret@host:6379)
#   --out   default: /var/backups/tabib-link/redis
#   --keep  how many backups to keep in DIR (default 14)
# Prints the path of the new backup. Exit status: 0 done, 2 bad usage, 3 Redis unreachable, 4 backup failed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=backup-redis-connection.sh
. "$here/backup-redis-connection.sh"

url="${REDIS_URL:-redis://127.0.0.1:6379}"
out=/var/backups/tabib-link/redis
keep=14
while (($#)); do
  case "$1" in
    --url) url="${2:?--url needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --keep) keep="${2:?--keep needs a value}"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || { echo "error: --keep must be a positive number" >&2; exit 2; }
parse_redis_url "$url" || exit 2

if [[ "$(RCLI_TIMEOUT=10 rcli PING 2>&1)" != PONG ]]; then
  echo "error: Redis at $R_HOST:$R_PORT does not answer PING (address, password?)" >&2
  exit 3
fi

umask 077
mkdir -p "$out"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="tabib-redis-$stamp.rdb"
partial="$out/.$name.partial"
trap 'rm -f "$partial"' EXIT

keys="$(RCLI_TIMEOUT=10 rcli DBSIZE)"
version="$(RCLI_TIMEOUT=10 rcli INFO server | tr -d '\r' | awk -F: '/^redis_version:/{print $2}')"
if ! RCLI_TIMEOUT=600 rcli --rdb "$partial" >/dev/null 2>&1 || [[ ! -s "$partial" ]]; then
  echo "error: could not transfer the snapshot from Redis (the user needs the SYNC permission)" >&2
  exit 4
fi
if command -v redis-check-rdb >/dev/null 2>&1 && ! timeout 600 redis-check-rdb "$partial" >/dev/null 2>&1; then
  echo "error: the transferred snapshot does not pass redis-check-rdb" >&2
  exit 4
fi
mv "$partial" "$out/$name"
(cd "$out" && sha256sum "$name" >"$name.sha256")
printf 'created=%s\nsource=%s:%s/%s\nkeys_at_start=%s\nredis_version=%s\n' \
  "$stamp" "$R_HOST" "$R_PORT" "$R_DB" "$keys" "$version" >"$out/$name.info"

# Retention: newest first, remove everything past the first $keep.
ls -1 "$out"/tabib-redis-*.rdb 2>/dev/null | sort -r | tail -n +$((keep + 1)) | while read -r old; do
  rm -f "$old" "$old.sha256" "$old.info"
done
echo "$out/$name"
