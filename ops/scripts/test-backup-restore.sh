#!/usr/bin/env bash
# Proves the backup and restore procedures on throwaway servers over loopback:
#   Redis - a redis-server started with ops/deploy/redis/tabib-redis.conf (password, AOF) gets keys of every type
#           the application uses, some with an expiry; backup-redis.sh saves it; the data are flushed;
#           restore-redis.sh puts them back; every value and expiry is compared, and the restored data survive
#           a restart (they reached the AOF). Damaged backups and non-empty targets are refused.
#   Keys  - backup-keys.sh archives a data directory's keys/ encrypted with its own passphrase, and restore-keys.sh
#           puts them back byte for byte with that passphrase (and refuses a wrong one).
# Bounded in time; stops what it started and removes its temporary directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
conf="$(cd "$here/../deploy/redis" && pwd)/tabib-redis.conf"
work="$(mktemp -d -t tabib-backup-test.XXXXXX)"
pid=""
failures=0

cleanup() {
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
pass() { printf '  ok    %s\n' "$1"; }
fail() { printf '  FAIL  %s\n' "$1"; failures=$((failures + 1)); }

command -v redis-server >/dev/null 2>&1 || { echo "test-backup-restore: redis-server is required (apt-get install redis-server)" >&2; exit 2; }

# shellcheck source=backup-redis-connection.sh
. "$here/backup-redis-connection.sh"
port="$(free_loopback_port)"
password="$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
export REDIS_URL="redis://:$password@127.0.0.1:$port"
printf 'requirepass %s\n' "$password" >"$work/auth.conf"
mkdir -p "$work/data" "$work/backups"

start_redis() {
  redis-server "$conf" --port "$port" --bind 127.0.0.1 --dir "$work/data" --maxmemory 64mb \
    --include "$work/auth.conf" >"$work/redis.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    [[ "$(cli PING 2>/dev/null)" == PONG ]] && return 0
    sleep 0.1
  done
  echo "redis-server did not start:" >&2; tail -20 "$work/redis.log" >&2; return 1
}
stop_redis() {
  cli SHUTDOWN >/dev/null 2>&1 || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  pid=""
}
cli() { REDISCLI_AUTH="$password" timeout 10 redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning "$@"; }

# A readable picture of the whole data set: every key with its type, whether it expires, and its content
# (strings as a hash, since values may be binary). Pipelined: three redis-cli runs whatever the key count.
quote() { local s="${2//\\/\\\\}"; s="${s//\"/\\\"}"; printf -v "$1" '"%s"' "$s"; }
snapshot() {
  local keys types ttls i key q expires
  mapfile -t keys < <(cli --scan | sort)
  ((${#keys[@]})) || return 0
  mapfile -t types < <(for key in "${keys[@]}"; do quote q "$key"; printf 'TYPE %s\n' "$q"; done | cli)
  mapfile -t ttls < <(for key in "${keys[@]}"; do quote q "$key"; printf 'PTTL %s\n' "$q"; done | cli)
  for i in "${!keys[@]}"; do
    quote key "${keys[$i]}"
    expires=no; [[ "${ttls[$i]}" -gt 0 ]] && expires=yes
    quote q "== ${types[$i]} ${keys[$i]} expires=$expires"
    printf 'ECHO %s\n' "$q"
    case "${types[$i]}" in
      string) printf 'STRLEN %s\nSHA %s\n' "$key" "$key" ;;
      hash) printf 'HGETALL %s\n' "$key" ;;
      zset) printf 'ZRANGE %s 0 -1 WITHSCORES\n' "$key" ;;
      list) printf 'LRANGE %s 0 -1\n' "$key" ;;
      set) printf 'SORT %s ALPHA\n' "$key" ;;
      stream) printf 'XRANGE %s - +\n' "$key" ;;
    esac
  done | sed "s/^SHA \(.*\)\$/EVAL \"return redis.sha1hex(redis.call('GET', KEYS[1]))\" 1 \1/" | cli
}

echo "== Redis backup and restore (redis-server $(redis-server --version | awk '{print $3}' | cut -d= -f2), port $port)"
start_redis
# Keys shaped like the application's: scheduler, records, accounts, signalling.
cli SET tl:sch:appointment:apt-1 '{"slot":"2026-03-01T09:00:00Z","zone":"Africa/Casablanca","status":"booked"}' >/dev/null
cli HSET tl:acct:user:nurse1 role NURSE dispensary disp-tinghir province Tinghir name 'Infirmière Tinghir' >/dev/null
cli ZADD tl:sch:slots:dr.cardio 1772355600 slot-0900 1772357400 slot-0930 1772359200 slot-1000 >/dev/null
cli RPUSH tl:sch:waitlist:cardiology pat-1 pat-2 pat-3 >/dev/null
cli SADD tl:sig:presence:cardiology dr.cardio >/dev/null
cli XADD tl:rec:audit:pat-123 '*' actor dr.cardio action note.read >/dev/null
cli XADD tl:rec:audit:pat-123 '*' actor nurse1 action note.list >/dev/null
printf 'ciphertext\x00\x01\x02\xff header' | cli -x SET tl:rec:note:n-1 >/dev/null
cli SET tl:sch:hold:slot-0930 nurse1 EX 86400 >/dev/null
cli SET 'tl:sch:key with "quotes" and spaces' value >/dev/null
for i in $(seq 1 1000); do printf 'SET tl:sig:session:s-%d node-a\n' "$i"; done | cli >/dev/null
before="$(snapshot)"
count_before="$(cli DBSIZE)"
if [[ "$(grep -c '^== ' <<<"$before")" == "$count_before" ]] && grep -q '^== string tl:sch:hold:slot-0930 expires=yes$' <<<"$before" \
   && grep -q 'Infirmière Tinghir' <<<"$before" && grep -q '^== stream tl:rec:audit:pat-123 expires=no$' <<<"$before"; then
  pass "the comparison picture covers all $count_before keys (types, expiries, contents)"
else
  fail "the comparison picture is incomplete"
fi

backup="$("$here/backup-redis.sh" --out "$work/backups" --keep 3)"
[[ -s "$backup" && -s "$backup.sha256" && -s "$backup.info" ]] && pass "backup-redis.sh wrote $(basename "$backup") with checksum and description" \
  || fail "backup files present"
(cd "$work/backups" && sha256sum -c --quiet "$(basename "$backup").sha256") && pass "backup checksum verifies" || fail "backup checksum verifies"

if "$here/restore-redis.sh" "$backup" >"$work/refused.txt" 2>&1; then
  fail "restore into a non-empty target without --replace or --merge is refused"
else
  grep -q 'holds' "$work/refused.txt" && pass "restore into a non-empty target without --replace or --merge is refused" \
    || fail "refusal message: $(cat "$work/refused.txt")"
fi

cli FLUSHALL >/dev/null
[[ "$(cli DBSIZE)" == 0 ]] && pass "data flushed ($count_before keys gone)" || fail "flush"

"$here/restore-redis.sh" "$backup" && pass "restore-redis.sh ran into the empty target" || fail "restore-redis.sh"
after="$(snapshot)"
if [[ "$before" == "$after" ]]; then
  pass "all $count_before keys are back with identical values, types and expiries"
else
  fail "restored data differ:"; diff <(echo "$before") <(echo "$after") | head -20
fi
ttl="$(cli TTL tl:sch:hold:slot-0930)"
((ttl > 86000 && ttl <= 86400)) && pass "the hold keeps its expiry (TTL $ttl s)" || fail "hold TTL after restore: $ttl"

sleep 1.5 # one everysec fsync period
stop_redis
start_redis
[[ "$(snapshot)" == "$before" ]] && pass "restored data survive a restart (they reached the AOF)" || fail "restored data after restart"

cli SET tl:sch:written-after-backup yes >/dev/null
"$here/restore-redis.sh" --replace "$backup" >/dev/null && [[ "$(cli EXISTS tl:sch:written-after-backup)" == 0 && "$(snapshot)" == "$before" ]] \
  && pass "--replace gives exactly the backup's content" || fail "--replace"
cli SET tl:sch:written-after-backup yes >/dev/null
"$here/restore-redis.sh" --merge "$backup" >/dev/null && [[ "$(cli EXISTS tl:sch:written-after-backup)" == 1 ]] \
  && pass "--merge keeps keys written after the backup" || fail "--merge"

cp "$backup" "$work/damaged.rdb"; cp "$backup.sha256" "$work/damaged.rdb.sha256"
sed -i "s/$(basename "$backup")/damaged.rdb/" "$work/damaged.rdb.sha256"
printf '\x00' | dd of="$work/damaged.rdb" bs=1 seek=200 conv=notrunc status=none
if "$here/restore-redis.sh" --replace "$work/damaged.rdb" >"$work/damaged.txt" 2>&1; then
  fail "a damaged backup is refused"
else
  grep -q 'damaged' "$work/damaged.txt" && [[ "$(cli EXISTS tl:sch:written-after-backup)" == 1 ]] \
    && pass "a damaged backup is refused before anything is touched" || fail "damaged backup: $(cat "$work/damaged.txt")"
fi

for _ in 1 2 3; do sleep 1.1; "$here/backup-redis.sh" --out "$work/backups" --keep 3 >/dev/null; done
kept=("$work/backups"/tabib-redis-*.rdb)
[[ ${#kept[@]} == 3 && ! -e "$backup" && ! -e "$backup.sha256" ]] && pass "--keep 3 leaves the three newest backups (the first one is gone)" \
  || fail "retention: ${kept[*]}"
stop_redis

echo "== Key backup and restore"
data="$work/tabib-data"
mkdir -p "$data/keys"
head -c 600 /dev/urandom >"$data/keys/records-keystore.bcfks"
printf '{"kty":"EC","crv":"P-256","kid":"k1","x":"x","y":"y","d":"d"}' >"$data/keys/access-token.jwk"
chmod 700 "$data/keys"; chmod 600 "$data/keys"/*
(cd "$data/keys" && sha256sum ./* | sort) >"$work/keys.before"
head -c 33 /dev/urandom | base64 >"$work/archive-passphrase"
export TABIB_KEYS_BACKUP_PASSPHRASE_FILE="$work/archive-passphrase"
archive="$("$here/backup-keys.sh" --data-dir "$data" --out "$work/key-backups")"
[[ -s "$archive" && -s "$archive.sha256" ]] && pass "backup-keys.sh wrote $(basename "$archive")" || fail "key archive"
if tar -tzf "$archive" >/dev/null 2>&1 || grep -q '"kty"' "$archive"; then
  fail "the key archive is encrypted"
else
  pass "the key archive is encrypted (unreadable without its passphrase)"
fi
head -c 33 /dev/urandom | base64 >"$work/wrong-passphrase"
mv "$data/keys" "$data/keys.kept"
if "$here/restore-keys.sh" --data-dir "$data" --passphrase-file "$work/wrong-passphrase" "$archive" >/dev/null 2>&1; then
  fail "a wrong archive passphrase is refused"
else
  [[ ! -e "$data/keys" ]] && pass "a wrong archive passphrase is refused before anything is written" || fail "wrong passphrase wrote keys"
fi
mv "$data/keys.kept" "$data/keys"
[[ "$(stat -c %a "$archive")" == 600 ]] && pass "the key archive is readable by its owner only" || fail "archive mode $(stat -c %a "$archive")"
if "$here/restore-keys.sh" --data-dir "$data" "$archive" >/dev/null 2>&1; then
  fail "restore-keys.sh refuses to overwrite existing keys without --force"
else
  pass "restore-keys.sh refuses to overwrite existing keys without --force"
fi
rm -rf "$data/keys"
"$here/restore-keys.sh" --data-dir "$data" "$archive" >/dev/null
(cd "$data/keys" && sha256sum ./* | sort) >"$work/keys.after"
cmp -s "$work/keys.before" "$work/keys.after" && pass "keys restored byte for byte" || fail "restored keys differ"
[[ "$(stat -c %a "$data/keys")" == 700 && "$(stat -c %a "$data/keys/access-token.jwk")" == 600 ]] \
  && pass "restored keys are private (700/600)" || fail "restored key permissions"

echo
if ((failures > 0)); then echo "test-backup-restore: $failures check(s) failed"; exit 1; fi
echo "test-backup-restore: all checks passed"
