# Sourced by backup-redis.sh and restore-redis.sh: turns a REDIS_URL (redis:// or rediss://, as the application
# reads it) into redis-cli arguments. The password travels in REDISCLI_AUTH, never on a command line.

url_decode() {
  local s="${1//+/ }"
  printf '%b' "${s//%/\\x}"
}

# parse_redis_url URL: sets R_HOST R_PORT R_USER R_PASS R_DB R_TLS, or fails with a clear message.
parse_redis_url() {
  local url="$1" rest userinfo hostport
  R_TLS=0 R_USER="" R_PASS="" R_DB=0
  case "$url" in
    redis://*) rest="${url#redis://}" ;;
    rediss://*) rest="${url#rediss://}"; R_TLS=1 ;;
    *) echo "error: Redis URL must start with redis:// or rediss:// (got '${url%%://*}://...')" >&2; return 2 ;;
  esac
  if [[ "$rest" == */* ]]; then
    R_DB="${rest#*/}"; rest="${rest%%/*}"
    R_DB="${R_DB:-0}"
    [[ "$R_DB" =~ ^[0-9]+$ ]] || { echo "error: Redis URL database must be a number" >&2; return 2; }
  fi
  if [[ "$rest" == *@* ]]; then
    userinfo="${rest%@*}"; hostport="${rest##*@}"
    if [[ "$userinfo" == *:* ]]; then
      R_USER="$(url_decode "${userinfo%%:*}")"; R_PASS="$(url_decode "${userinfo#*:}")"
    else
      R_PASS="$(url_decode "$userinfo")"
    fi
  else
    hostport="$rest"
  fi
  if [[ "$hostport" == \[*\]* ]]; then
    R_HOST="${hostport%%]*}"; R_HOST="${R_HOST#[}"; R_PORT="${hostport##*]}"; R_PORT="${R_PORT#:}"
  elif [[ "$hostport" == *:* ]]; then
    R_HOST="${hostport%%:*}"; R_PORT="${hostport##*:}"
  else
    R_HOST="$hostport"; R_PORT=""
  fi
  R_HOST="${R_HOST:-127.0.0.1}"; R_PORT="${R_PORT:-6379}"
  [[ "$R_PORT" =~ ^[0-9]+$ ]] || { echo "error: Redis URL port must be a number" >&2; return 2; }
}

# rcli ARGS...: redis-cli against the parsed URL, bounded by RCLI_TIMEOUT seconds (default 10).
rcli() {
  local args=(-h "$R_HOST" -p "$R_PORT" -n "$R_DB" --no-auth-warning)
  [[ -n "$R_USER" ]] && args+=(--user "$R_USER")
  ((R_TLS)) && args+=(--tls)
  REDISCLI_AUTH="$R_PASS" timeout "${RCLI_TIMEOUT:-10}" redis-cli "${args[@]}" "$@"
}
