#!/usr/bin/env bash
# Exercises the deployment files of ops/deploy with the real servers from Debian, on loopback only:
#   nginx   - the site configuration passes `nginx -t`, then serves TLS + HTTP/2, redirects HTTP, proxies /signal
#             and /board with the WebSocket upgrade headers without logging their tickets, keeps /actuator away from
#             the outside (also when disguised with path parameters, encodings or dot segments) and refuses paths with
#             path parameters;
#   coturn  - our turnserver.conf starts, relays with a REST credential computed here (UDP and TURN over TLS),
#             and refuses expired or forged credentials;
#   Redis   - our tabib-redis.conf starts with AOF on, everysec fsync and noeviction, and data survive a restart;
#   Sentinel - three servers (tabib-redis-ha.conf) and three Sentinels (tabib-sentinel.conf) started from the shipped
#             files with an operator's substitutions: the Sentinels agree on the primary, the primary is killed
#             with SIGKILL, a replica is promoted within a bound, an acknowledged write survives, writes resume,
#             and the old primary comes back as a replica; with --with-app, a web node on those Sentinels answers
#             only 503 during the failover and signs in again by itself after it;
#   systemd - the unit files pass `systemd-analyze verify` (when systemd-analyze exists), the drop-ins too, applied
#             to the Debian units they extend;
#   Prometheus - the alert rules pass `promtool check rules` and their unit tests (when promtool exists);
#   k8s and Compose - the manifests render with `kubectl kustomize` (when kubectl exists), the Sentinel overlay
#             (k8s-sentinel) too, the k8s Redis settings agree with tabib-redis.conf and the overlay's with
#             tabib-redis-ha.conf and tabib-sentinel.conf, compose.yaml and compose.ha.yaml parse (and merge, with
#             `docker compose config`, when it exists), the Redis start commands of both start a password-protected
#             Redis with our config, and the start scripts of the Sentinel variants choose the right primary and
#             leave no placeholder;
#   app     - with --with-app, web/target/tabib-link.jar in demo mode plus a standalone signalling node behind
#             the nginx site: health over HTTP/2, OpenAPI, sign-in, the signalling URL given to browsers,
#             WebSockets opened with single-use tickets through an upstream of both nodes (a used ticket and a
#             token in the URL refused), the live board, a foreign Origin refused, no token or ticket in nginx's
#             logs, sign-in throttling per client behind the proxy, the web node's tickets accepted by the
#             standalone node, and that node drained by SIGTERM.
# Installs nginx, coturn, redis-server and redis-sentinel with apt-get when missing (needs root). Every step is
# bounded in time; everything started here is stopped and the temporary directory removed on exit.
set -euo pipefail

WITH_APP=0
case "${1:-}" in
  --with-app) WITH_APP=1 ;;
  "") ;;
  *) echo "usage: check-deploy.sh [--with-app]   (--with-app also runs web/target/tabib-link.jar behind the nginx site)" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEPLOY="$ROOT/ops/deploy"
WORK="$(mktemp -d -t tabib-check-deploy.XXXXXX)"
PIDS=()
FAILURES=0

cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { printf '  ok    %s\n' "$1"; }
FAILED=()
fail() { printf '  FAIL  %s\n' "$1"; FAILURES=$((FAILURES + 1)); FAILED+=("$1"); }
section() { printf '\n== %s\n' "$1"; }
check() { # check "description" command...
  local what="$1"; shift
  if "$@" >>"$WORK/check.log" 2>&1; then pass "$what"; else fail "$what (see output above)"; tail -n 20 "$WORK/check.log"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# shellcheck source=backup-redis-connection.sh
. "$ROOT/ops/scripts/backup-redis-connection.sh"   # free_loopback_port
wait_tcp() { # wait_tcp port seconds
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    if ! port_free "$1"; then return 0; fi
    sleep 0.2
  done
  return 1
}

install_missing() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || missing+=(nginx)
  command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  ((${#missing[@]} == 0)) && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "check-deploy: missing ${missing[*]} and cannot apt-get (need root on Debian)" >&2
    exit 2
  fi
  echo "installing ${missing[*]} from Debian"
  # Packages must not start their services (nginx would take port 80): policy-rc.d forbids it during install.
  local policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_added=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -qq
  timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null
  if ((policy_added)); then rm -f /usr/sbin/policy-rc.d; fi
}

make_certificate() {
  timeout 30 openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=tabib.test" \
    -addext "subjectAltName=DNS:tabib.test,DNS:turn.tabib.test,IP:127.0.0.1" \
    -keyout "$WORK/tls.key" -out "$WORK/tls.crt" >/dev/null 2>&1
}

# A tiny HTTP backend standing in for the application: answers a WebSocket upgrade with 101 and echoes the
# request headers it received, so the proxy's header handling can be checked.
start_backend() { # start_backend port
  python3 - "$1" <<'PY' &
import socket, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1]))); srv.listen(16)
while True:
    conn, _ = srv.accept()
    conn.settimeout(5)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk: break
            data += chunk
        head = data.split(b"\r\n\r\n")[0].decode("latin-1")
        body = head.encode()
        if "upgrade: websocket" in head.lower():
            conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"X-Seen-Request: " + head.replace("\r\n", " | ").encode("latin-1") + b"\r\n\r\n")
        else:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    except OSError:
        pass
    finally:
        conn.close()
PY
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# render_nginx DIR WEB_PORT SIGNAL_PORT HTTPS_PORT HTTP_PORT: our site file, moved to loopback test ports and
# the throwaway certificate (nothing else changes), inside a minimal nginx.conf of its own.
render_nginx() {
  local dir="$1" web="$2" sig="$3" https="$4" http="$5" extra="${6:-}"
  mkdir -p "$dir/logs" "$dir/tmp" "$WORK/acme"
  sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https ssl http2;|" \
      -e "/listen \[::\]:443/d" -e "/listen \[::\]:80;/d" \
      -e "s|listen 80;|listen 127.0.0.1:$http;|" \
      -e "s|server 127.0.0.1:8081 |server 127.0.0.1:$sig |" \
      -e "s|server 127.0.0.1:8080 |server 127.0.0.1:$web |" \
      -e "s|/etc/letsencrypt/live/tabib.example.org/fullchain.pem|$WORK/tls.crt|" \
      -e "s|/etc/letsencrypt/live/tabib.example.org/privkey.pem|$WORK/tls.key|" \
      -e "s|/var/www/letsencrypt|$WORK/acme|" \
      -e "s|/var/log/nginx/|$dir/logs/|" \
      -e "s|tabib.example.org|tabib.test|g" \
      "$DEPLOY/nginx/tabib-link.conf" >"$dir/tabib-link.conf"
  if [[ -n "$extra" ]]; then
    sed -i "s|^\( *\)server 127.0.0.1:$sig \(.*\)$|&\n\1server 127.0.0.1:$extra \2|" "$dir/tabib-link.conf"
  fi
  cat >"$dir/nginx.conf" <<NGX
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
daemon off;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log $dir/logs/access.log;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  include $dir/tabib-link.conf;
}
NGX
}

check_nginx() {
  section "nginx ($(nginx -v 2>&1 | sed 's/.*: //'))"
  local https http web sig
  https=$(free_loopback_port); http=$(free_loopback_port); web=$(free_loopback_port); sig=$(free_loopback_port)
  render_nginx "$WORK/nginx" "$web" "$sig" "$https" "$http"
  check "nginx -t accepts tabib-link.conf" timeout 20 nginx -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
  if ! command -v python3 >/dev/null 2>&1; then
    echo "  (python3 missing: the proxying checks are skipped; nginx -t above still ran)"
    return 0
  fi
  local sig_pid
  start_backend "$web"; start_backend "$sig"; sig_pid=$LAST_PID
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" &
  PIDS+=($!)
  if ! wait_tcp "$https" 10 || ! wait_tcp "$web" 10 || ! wait_tcp "$sig" 10; then fail "nginx and the stand-in backends start"; return 0; fi
  local base="https://tabib.test:$https" resolve=(--resolve "tabib.test:$https:127.0.0.1" --resolve "tabib.test:$http:127.0.0.1")
  local out
  out=$(timeout 10 curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "${resolve[@]}" "http://tabib.test:$http/login?x=1")
  [[ "$out" == "301 https://tabib.test/login?x=1" ]] && pass "plain HTTP redirects to HTTPS ($out)" || fail "plain HTTP redirects to HTTPS (got $out)"
  out=$(timeout 10 curl -s -D - -o /dev/null --http2 --cacert "$WORK/tls.crt" "${resolve[@]}" "$base/api/v1/ping")
  grep -q '^HTTP/2 200' <<<"$out" && pass "TLS with HTTP/2 to the web upstream" || fail "TLS with HTTP/2 to the web upstream: $out"
  grep -qi '^strict-transport-security: max-age=63072000' <<<"$out" && pass "HSTS header set" || fail "HSTS header set"
  out=$(timeout 10 curl -s --http1.1 --cacert "$WORK/tls.crt" "${resolve[@]}" -D - -o /dev/null \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$base/signal?ticket=abc" --max-time 3 || true)
  if grep -q '^HTTP/1.1 101' <<<"$out" && grep -qi 'x-seen-request: GET /signal?ticket=abc HTTP/1.1 .*upgrade: websocket.*connection: upgrade' <<<"$out"; then
    pass "/signal reaches the signalling upstream with Upgrade and Connection: upgrade"
  else
    fail "/signal WebSocket upgrade through the proxy: $out"
  fi
  out=$(timeout 10 curl -s --http1.1 --cacert "$WORK/tls.crt" "${resolve[@]}" -D - -o /dev/null \
    -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$base/board?ticket=board-ticket-xyz" --max-time 3 || true)
  if grep -q '^HTTP/1.1 101' <<<"$out" && grep -qi 'x-seen-request: GET /board?ticket=board-ticket-xyz HTTP/1.1 .*upgrade: websocket.*connection: upgrade.*x-forwarded-for: 127.0.0.1' <<<"$out"; then
    pass "/board reaches the web upstream with Upgrade, Connection: upgrade and X-Forwarded-For"
  else
    fail "/board WebSocket upgrade through the proxy: $out"
  fi
  out=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -o /dev/null -w '%{http_code}' "$base/actuator/prometheus" -H 'X-Forwarded-For: 203.0.113.7')
  [[ "$out" == 200 ]] && pass "/actuator/ is open to loopback (the monitoring network)" || fail "/actuator/ from loopback (got $out)"
  kill "$sig_pid" 2>/dev/null || true
  wait "$sig_pid" 2>/dev/null || true
  out=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -o /dev/null -w '%{http_code}' "$base/signal?ticket=secret-ticket-xyz")
  [[ "$out" == 502 ]] && pass "/signal answers 502 while no signalling node is up" || fail "/signal with the upstream down (got $out)"
  if grep -rq -e 'ticket=abc' -e 'secret-ticket-xyz' -e 'board-ticket-xyz' "$WORK/nginx/logs/"; then
    fail "socket tickets of /signal and /board stay out of the access and error logs"
  else
    pass "socket tickets of /signal and /board stay out of the access and error logs"
  fi
  out=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" "$base/api/v1/ping")
  grep -qi 'X-Forwarded-Proto: https' <<<"$out" && pass "web upstream sees X-Forwarded-Proto: https" || fail "web upstream sees X-Forwarded-Proto: https"
  local path
  for path in '/;x/actuator/prometheus' '/api/v1/me;jsessionid=1' '/.;/actuator/prometheus' '/%3Bx/actuator/prometheus'; do
    out=$(timeout 10 curl -s --path-as-is --cacert "$WORK/tls.crt" "${resolve[@]}" -w ' %{http_code}' "$base$path")
    [[ "$out" == *'"code":"BAD_PATH"'*' 400' ]] && pass "$path is refused by nginx with a coded 400" || fail "$path refused (got $out)"
  done

  # The same site seen from outside the monitoring network: loopback no longer in its allow list.
  local outside_https outside_http
  outside_https=$(free_loopback_port); outside_http=$(free_loopback_port)
  render_nginx "$WORK/nginx-outside" "$web" "$sig" "$outside_https" "$outside_http"
  sed -i -e '/allow 127.0.0.1;/d' -e '/allow ::1;/d' "$WORK/nginx-outside/tabib-link.conf"
  nginx -p "$WORK/nginx-outside" -c "$WORK/nginx-outside/nginx.conf" &
  PIDS+=($!)
  if ! wait_tcp "$outside_https" 10; then fail "nginx (outside view) starts"; return 0; fi
  local outside="https://tabib.test:$outside_https"
  for path in /actuator/prometheus /actuator '/actuator;x/prometheus' '/actuator%3Bx/prometheus' '/%61ctuator/prometheus' \
              '//actuator/prometheus' '/api/../actuator/prometheus' '/actuator/./prometheus'; do
    out=$(timeout 10 curl -s --path-as-is --cacert "$WORK/tls.crt" --resolve "tabib.test:$outside_https:127.0.0.1" \
      -o /dev/null -w '%{http_code}' "$outside$path")
    [[ "$out" == 403 || "$out" == 400 ]] && pass "$path is kept from outside the monitoring network ($out)" \
      || fail "$path from outside the monitoring network (got $out)"
  done
}

# A minimal TURN client over TLS (RFC 5766 Allocate with the long-term credential mechanism). turnutils_uclient
# hangs intermittently over TLS with coturn 4.6.1, so the TLS path is exercised with this instead.
write_tls_allocator() {
  cat >"$WORK/turn_tls_allocate.py" <<'PY'
import hashlib, hmac, os, socket, ssl, struct, sys
host, port, user, password, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
COOKIE = 0x2112A442

def attr(kind, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack("!HH", kind, len(value)) + value + b"\0" * pad

def message(attrs, integrity_key=None):
    txid = os.urandom(12)
    body = b"".join(attrs)
    if integrity_key is not None:
        head = struct.pack("!HHI", 0x0003, len(body) + 24, COOKIE) + txid
        mac = hmac.new(integrity_key, head + body, hashlib.sha1).digest()
        body += attr(0x0008, mac)
    return struct.pack("!HHI", 0x0003, len(body), COOKIE) + txid + body

def read(sock):
    def exact(n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise EOFError("connection closed")
            data += chunk
        return data
    head = exact(20)
    kind, length = struct.unpack("!HH", head[:4])
    body = exact(length)
    attrs, i = {}, 0
    while i < len(body):
        t, l = struct.unpack("!HH", body[i:i + 4])
        attrs[t] = body[i + 4:i + 4 + l]
        i += 4 + l + (4 - l % 4) % 4
    return kind, attrs

context = ssl.create_default_context(cafile=cafile)
context.check_hostname = False
with socket.create_connection((host, port), timeout=5) as raw, context.wrap_socket(raw) as sock:
    transport = attr(0x0019, b"\x11\0\0\0")
    sock.sendall(message([transport]))
    kind, attrs = read(sock)
    if kind != 0x0113 or 0x0014 not in attrs:
        sys.exit("expected a 401 challenge, got 0x%04x" % kind)
    realm, nonce = attrs[0x0014], attrs[0x0015]
    key = hashlib.md5(user.encode() + b":" + realm + b":" + password.encode()).digest()
    sock.sendall(message([transport, attr(0x0006, user.encode()), attr(0x0014, realm), attr(0x0015, nonce)], key))
    kind, attrs = read(sock)
    if kind == 0x0103:
        print("allocated over TLS")
        sys.exit(0)
    code = attrs.get(0x0009, b"\0\0\0\0")
    sys.exit("allocation refused: %d" % (code[2] * 100 + code[3]))
PY
}

check_coturn() {
  section "coturn ($(turnserver --version 2>/dev/null | tail -n 1))"
  local port tls peer minp secret
  port=$(free_loopback_port); tls=$(free_loopback_port); peer=$(free_loopback_port)
  minp=$((15000 + RANDOM % 15000)) # relay ports, below the ephemeral range like every port here
  secret=$(openssl rand -hex 32)
  # Our file, moved to loopback test ports and the throwaway certificate. Loopback peers are denied in
  # production; here the test peer is on loopback, so they are allowed for this run only.
  sed -e "s|^listening-port=.*|listening-port=$port|" \
      -e "s|^tls-listening-port=.*|tls-listening-port=$tls|" \
      -e "s|^cert=.*|cert=$WORK/tls.crt|" -e "s|^pkey=.*|pkey=$WORK/tls.key|" \
      -e "s|^min-port=.*|min-port=$minp|" -e "s|^max-port=.*|max-port=$((minp + 50))|" \
      -e "s|^log-file=.*|log-file=$WORK/turnserver.log|" \
      -e "/^denied-peer-ip=127\./d" \
      "$DEPLOY/coturn/turnserver.conf" >"$WORK/turnserver.conf"
  printf 'listening-ip=127.0.0.1\nrelay-ip=127.0.0.1\nallow-loopback-peers\npidfile=%s\nstatic-auth-secret=%s\n' \
    "$WORK/turnserver.pid" "$secret" >>"$WORK/turnserver.conf"
  turnserver -c "$WORK/turnserver.conf" >/dev/null 2>&1 &
  PIDS+=($!)
  turnutils_peer -L 127.0.0.1 -p "$peer" >/dev/null 2>&1 &
  PIDS+=($!)
  if ! wait_tcp "$port" 10 || ! wait_tcp "$tls" 10; then fail "turnserver starts and listens on $port and $tls (TLS)"; tail -n 20 "$WORK/turnserver.log" 2>/dev/null; return 0; fi
  pass "turnserver starts with our config and listens on TCP $port and TLS $tls"
  ss -Hlun "sport = :$port" | grep -q . && pass "UDP listener on $port" || fail "UDP listener on $port"

  rest_credential() { # rest_credential expiry user -> "username password"
    local username="$1:$2"
    printf '%s %s' "$username" "$(printf '%s' "$username" | openssl dgst -sha1 -hmac "$secret" -binary | base64)"
  }
  local now user pass
  now=$(date +%s)
  read -r user pass <<<"$(rest_credential $((now + 3600)) nurse1)"
  check "relay over UDP with a REST credential computed here" \
    timeout 20 turnutils_uclient -n 5 -e 127.0.0.1 -r "$peer" -p "$port" -u "$user" -w "$pass" 127.0.0.1
  if command -v python3 >/dev/null 2>&1; then
    write_tls_allocator
    check "TURN over TLS (the 443 listener): Allocate succeeds with the same credential" \
      timeout 20 python3 "$WORK/turn_tls_allocate.py" 127.0.0.1 "$tls" "$user" "$pass" "$WORK/tls.crt"
    local refused
    refused=$(timeout 20 python3 "$WORK/turn_tls_allocate.py" 127.0.0.1 "$tls" "$user" "Zm9yZ2VkLXBhc3N3b3Jk" "$WORK/tls.crt" 2>&1 || true)
    if [[ "$refused" == *"refused: 401"* ]]; then
      pass "TURN over TLS: a forged password gets 401"
    else
      fail "TURN over TLS: a forged password gets 401"
    fi
  else
    echo "  (python3 missing: TURN over TLS allocation skipped; the TLS listener was checked above)"
  fi
  read -r user pass <<<"$(rest_credential $((now - 60)) nurse1)"
  if timeout 20 turnutils_uclient -n 2 -e 127.0.0.1 -r "$peer" -p "$port" -u "$user" -w "$pass" 127.0.0.1 >>"$WORK/check.log" 2>&1; then
    fail "an expired REST credential is refused"
  else
    pass "an expired REST credential is refused"
  fi
  read -r user pass <<<"$(rest_credential $((now + 3600)) nurse1)"
  if timeout 20 turnutils_uclient -n 2 -e 127.0.0.1 -r "$peer" -p "$port" -u "$user" -w "Zm9yZ2VkLXBhc3N3b3Jk" 127.0.0.1 >>"$WORK/check.log" 2>&1; then
    fail "a forged password is refused"
  else
    pass "a forged password is refused"
  fi
}

check_redis() {
  section "Redis ($(redis-server --version | awk '{print $3}'))"
  local port pw dir
  port=$(free_loopback_port); pw=$(openssl rand -hex 16); dir="$WORK/redis"
  mkdir -p "$dir"
  printf 'requirepass %s\n' "$pw" >"$WORK/redis-auth.conf"
  chmod 600 "$WORK/redis-auth.conf"
  start() {
    redis-server "$DEPLOY/redis/tabib-redis.conf" --port "$port" --bind 127.0.0.1 --dir "$dir" --maxmemory 64mb \
      --include "$WORK/redis-auth.conf" >"$WORK/redis.log" 2>&1 &
    PIDS+=($!)
    wait_tcp "$port" 10
  }
  cli() { REDISCLI_AUTH="$pw" timeout 10 redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning "$@"; }
  if ! start; then fail "redis-server starts with tabib-redis.conf"; tail -20 "$WORK/redis.log"; return 0; fi
  pass "redis-server starts with tabib-redis.conf and the separate auth file"
  [[ "$(cli CONFIG GET appendonly | tail -n 1)" == yes ]] && pass "appendonly yes" || fail "appendonly yes"
  [[ "$(cli CONFIG GET appendfsync | tail -n 1)" == everysec ]] && pass "appendfsync everysec" || fail "appendfsync everysec"
  [[ "$(cli CONFIG GET maxmemory-policy | tail -n 1)" == noeviction ]] && pass "maxmemory-policy noeviction" || fail "maxmemory-policy noeviction"
  [[ "$(REDISCLI_AUTH='' timeout 5 redis-cli -h 127.0.0.1 -p "$port" PING 2>&1)" == *NOAUTH* ]] && pass "password required" || fail "password required"
  cli SET tl:sch:check-deploy "booked" >/dev/null
  local deadline=$((SECONDS + 10))
  while ((SECONDS < deadline)) && [[ "$(cli INFO persistence | tr -d '\r' | awk -F: '/^aof_rewrite_in_progress/{print $2}')" != 0 ]]; do sleep 0.2; done
  sleep 1.2 # one everysec fsync period
  grep -rqa 'tl:sch:check-deploy' "$dir/appendonlydir" && pass "write is in the append-only file" || fail "write is in the append-only file"
  cli SHUTDOWN NOSAVE >/dev/null 2>&1 || true
  sleep 0.5
  if ! start; then fail "redis-server restarts"; return 0; fi
  [[ "$(cli GET tl:sch:check-deploy)" == booked ]] && pass "data survive a restart without an RDB save (from the AOF)" || fail "data survive a restart from the AOF"
  cli SHUTDOWN NOSAVE >/dev/null 2>&1 || true
}

# Three Redis servers and three Sentinels from the shipped tabib-redis-ha.conf and tabib-sentinel.conf, with the
# substitutions an operator makes (addresses, password) plus loopback test ports and folders: the Sentinels agree
# on the primary, a write acknowledged by a replica survives the primary's kill -9, a replica is promoted, writes
# work again, the promoted server's file was rewritten, and the old primary comes back as a replica.
check_sentinel() {
  section "Redis under Sentinel ($(redis-sentinel --version | awk '{print $3}'), tabib-redis-ha.conf + tabib-sentinel.conf)"
  if ! command -v redis-sentinel >/dev/null 2>&1; then
    echo "  (redis-sentinel missing: skipped; ops/scripts/install-test-deps.sh installs it)"; return 0
  fi
  local pw i p taken=" " dir
  pw=$(openssl rand -hex 16)
  local ports=() sports=()
  while ((${#ports[@]} + ${#sports[@]} < 6)); do # six distinct free ports
    p=$(free_loopback_port)
    [[ "$taken" == *" $p "* ]] && continue
    taken+="$p "
    if ((${#ports[@]} < 3)); then ports+=("$p"); else sports+=("$p"); fi
  done
  # A server: its own copy of tabib-redis-ha.conf (Redis rewrites it), the shared tabib-redis.conf included as is.
  render_server() { # render_server INDEX -> $WORK/sentinel/server-INDEX/tabib-redis-ha.conf
    dir="$WORK/sentinel/server-$1"
    mkdir -p "$dir"
    printf 'requirepass %s\nmasterauth %s\n' "$pw" "$pw" >"$dir/tabib-redis-auth.conf"
    chmod 600 "$dir/tabib-redis-auth.conf"
    sed -e "s|^include /etc/redis/tabib-redis.conf$|include $DEPLOY/redis/tabib-redis.conf|" \
        -e "s|^include /etc/redis/tabib-redis-auth.conf$|include $dir/tabib-redis-auth.conf|" \
        -e "s|^bind 127.0.0.1 -::1 10.0.0.1$|bind 127.0.0.1|" \
        "$DEPLOY/redis/tabib-redis-ha.conf" >"$dir/tabib-redis-ha.conf"
    if (($1 > 0)); then sed -i "s|^# replicaof 10.0.0.1 6379$|replicaof 127.0.0.1 ${ports[0]}|" "$dir/tabib-redis-ha.conf"; fi
    # The machines all use 6379 and /var/lib/redis; here, one port and folder each, and little memory.
    printf 'port %s\ndir %s\nmaxmemory 64mb\n' "${ports[$1]}" "$dir" >>"$dir/tabib-redis-ha.conf"
  }
  start_server() { # start_server INDEX: sets LAST_PID
    redis-server "$WORK/sentinel/server-$1/tabib-redis-ha.conf" >>"$WORK/sentinel/server-$1/redis.log" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
  }
  render_sentinel() { # render_sentinel INDEX
    dir="$WORK/sentinel/sentinel-$1"
    mkdir -p "$dir"
    sed -e "s|^port 26379$|port ${sports[$1]}|" \
        -e "s|^bind 127.0.0.1 -::1 10.0.0.1$|bind 127.0.0.1|" \
        -e "s|^dir /var/lib/redis$|dir $dir|" \
        -e "s|^sentinel monitor tabib 10.0.0.1 6379 2$|sentinel monitor tabib 127.0.0.1 ${ports[0]} 2|" \
        -e "s|CHANGE_ME|$pw|" \
        "$DEPLOY/redis/tabib-sentinel.conf" >"$dir/tabib-sentinel.conf"
    chmod 600 "$dir/tabib-sentinel.conf"
  }
  rcli_port() { local port="$1"; shift; REDISCLI_AUTH="$pw" timeout 5 redis-cli -h 127.0.0.1 -p "$port" --no-auth-warning "$@" 2>&1 | tr -d '\r'; }
  scli() { local port="$1"; shift; timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>&1 | tr -d '\r'; }
  # agreed_primary: "host:port" when every Sentinel names the same primary, else nothing.
  agreed_primary() {
    local named="" one s
    for s in "${sports[@]}"; do
      one=$(scli "$s" SENTINEL get-master-addr-by-name tabib | paste -sd: -)
      [[ "$one" =~ ^[0-9.]+:[0-9]+$ ]] || return 0
      [[ -z "$named" || "$named" == "$one" ]] || return 0
      named="$one"
    done
    echo "$named"
  }
  # every_sentinel_ready: both replicas in sync with the first primary, and each Sentinel knows them and the 2 other
  # Sentinels.
  every_sentinel_ready() {
    local s info
    [[ "$(rcli_port "${ports[0]}" INFO replication | grep -c 'state=online')" == 2 ]] || return 1
    for s in "${sports[@]}"; do
      info=$(scli "$s" SENTINEL master tabib | paste -sd' ' -)
      [[ "$info" == *"num-slaves 2 "* && "$info" == *"num-other-sentinels 2 "* ]] || return 1
    done
  }
  role_of() { rcli_port "$1" ROLE | head -n 1; }
  local server_pids=() deadline
  for i in 0 1 2; do
    render_server "$i"; start_server "$i"; server_pids+=("$LAST_PID")
  done
  for i in 0 1 2; do
    if ! wait_tcp "${ports[$i]}" 10; then fail "server $i starts with tabib-redis-ha.conf"; tail -20 "$WORK/sentinel/server-$i/redis.log"; return 0; fi
  done
  pass "three redis-server start from tabib-redis-ha.conf (one primary, two with replicaof) on ${ports[*]}"
  [[ "$(REDISCLI_AUTH='' timeout 5 redis-cli -h 127.0.0.1 -p "${ports[0]}" PING 2>&1)" == *NOAUTH* ]] \
    && pass "the servers require the password" || fail "the servers require the password"
  for i in 0 1 2; do
    render_sentinel "$i"
    redis-sentinel "$WORK/sentinel/sentinel-$i/tabib-sentinel.conf" >"$WORK/sentinel/sentinel-$i/sentinel.log" 2>&1 &
    PIDS+=($!)
  done
  for i in 0 1 2; do
    if ! wait_tcp "${sports[$i]}" 10; then fail "sentinel $i starts with tabib-sentinel.conf"; tail -20 "$WORK/sentinel/sentinel-$i/sentinel.log"; return 0; fi
  done
  pass "three redis-sentinel start from tabib-sentinel.conf on ${sports[*]}"
  # Without a password, protected mode would refuse every client but loopback, the other machines included.
  grep -q '^protected-mode no$' "$DEPLOY/redis/tabib-sentinel.conf" \
    && pass "tabib-sentinel.conf: protected-mode no (no password: protected mode would serve loopback only)" \
    || fail "tabib-sentinel.conf must say protected-mode no"
  deadline=$((SECONDS + 45))
  while ((SECONDS < deadline)) && ! every_sentinel_ready; do sleep 0.5; done
  if every_sentinel_ready; then
    pass "every Sentinel found both replicas and the two other Sentinels (after $((SECONDS - deadline + 45)) s)"
  else
    fail "the Sentinels discover the replicas and each other within 45 s: $(scli "${sports[0]}" SENTINEL master tabib | paste -sd' ' -)"
    return 0
  fi
  local primary out
  primary=$(agreed_primary)
  [[ "$primary" == "127.0.0.1:${ports[0]}" ]] && pass "the three Sentinels agree on the primary ($primary)" \
    || { fail "the Sentinels agree on the primary 127.0.0.1:${ports[0]} (got '$primary')"; return 0; }
  [[ "$(scli "${sports[0]}" SENTINEL ckquorum tabib)" == OK* ]] && pass "SENTINEL CKQUORUM: quorum and majority reachable" \
    || fail "SENTINEL CKQUORUM: $(scli "${sports[0]}" SENTINEL ckquorum tabib)"
  [[ "$(scli "${sports[0]}" PING)" == PONG ]] \
    && pass "the Sentinels answer without a password (as the application connects to them)" \
    || fail "the Sentinels answer without a password"
  out=$(rcli_port "${ports[0]}" SET tl:sch:sentinel-check booked)
  [[ "$out" == OK && "$(rcli_port "${ports[0]}" WAIT 1 2000)" -ge 1 ]] && pass "a write on the primary is acknowledged by a replica (WAIT 1)" \
    || fail "a write on the primary is acknowledged by a replica (SET: $out)"
  [[ "$(rcli_port "${ports[1]}" SET tl:x y)" == *READONLY* ]] && pass "the replicas refuse writes (READONLY)" \
    || fail "the replicas refuse writes"

  # With --with-app: a web node (demo mode) on these Sentinels, the servers' password given, none for the Sentinels.
  local app_pid="" web_port="" sig_port="" jar="$ROOT/web/target/tabib-link.jar"
  app_login() {
    timeout 5 curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      -d '{"username":"coord1","password":"demo1234"}' "http://127.0.0.1:$web_port/api/v1/auth/login" || true
  }
  if ((WITH_APP)) && [[ -f "$jar" ]] && command -v java >/dev/null 2>&1; then
    while [[ -z "$web_port" || "$taken" == *" $web_port "* ]]; do web_port=$(free_loopback_port); done
    taken+="$web_port "
    while [[ -z "$sig_port" || "$taken" == *" $sig_port "* ]]; do sig_port=$(free_loopback_port); done
    mkdir -p "$WORK/sentinel/app"
    (cd "$WORK/sentinel/app" && exec env TABIB_DEMO=true TABIB_DATA_DIR="$WORK/sentinel/app/data" TABIB_TLS=false \
        TABIB_HTTP_HOST=127.0.0.1 SERVER_PORT="$web_port" TABIB_SIGNALING_HOST=127.0.0.1 TABIB_SIGNALING_PORT="$sig_port" \
        REDIS_SENTINELS="127.0.0.1:${sports[0]},127.0.0.1:${sports[1]},127.0.0.1:${sports[2]}" REDIS_SENTINEL_MASTER=tabib \
        REDIS_PASSWORD="$pw" REDIS_MIN_REPLICAS_ACKED=1 java -jar "$jar" >"$WORK/sentinel/app/app.log" 2>&1) &
    app_pid=$!
    PIDS+=("$app_pid")
    deadline=$((SECONDS + 240))
    while ((SECONDS < deadline)) && ! timeout 5 curl -fs "http://127.0.0.1:$web_port/actuator/health" 2>/dev/null | grep -q '"UP"'; do
      kill -0 "$app_pid" 2>/dev/null || break
      sleep 1
    done
    if [[ "$(app_login)" == 200 ]]; then
      pass "a web node (demo mode) runs on the three Sentinels, the servers' password given, none to the Sentinels"
    else
      fail "a web node on the Sentinels (see $WORK/sentinel/app/app.log)"; tail -n 20 "$WORK/sentinel/app/app.log"; app_pid=""
    fi
  fi

  # The primary dies without warning.
  local killed_at=$SECONDS new=""
  kill -9 "${server_pids[0]}" 2>/dev/null
  wait "${server_pids[0]}" 2>/dev/null || true
  deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    new=$(agreed_primary)
    if [[ -n "$new" && "$new" != "$primary" && "$(role_of "${new##*:}")" == master ]]; then break; fi
    new=""; sleep 0.2
  done
  if [[ -z "$new" ]]; then
    fail "a replica is promoted within 30 s of the primary's kill -9"
    tail -n 20 "$WORK/sentinel/sentinel-0/sentinel.log"; return 0
  fi
  pass "primary killed (kill -9): every Sentinel names the promoted replica $new after $((SECONDS - killed_at)) s (down-after-milliseconds 5000)"
  if [[ -n "$app_pid" ]]; then
    local answers="" health login
    deadline=$((killed_at + 40))
    while ((SECONDS < deadline)); do
      health=$(timeout 5 curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$web_port/actuator/health" || true)
      login=$(app_login)
      answers+="$health/$login "
      [[ "$health" == 200 && "$login" == 200 ]] && break
      sleep 0.5
    done
    # Every answer meanwhile a coded 503 (never a 500 or a hang), the last ones 200.
    if [[ "$answers" =~ ^((503|200)/(503|200)\ )+$ && "$answers" == *"200/200 " ]]; then
      pass "the web node follows the failover by itself: health and sign-in back $((SECONDS - killed_at)) s after the kill, only 503 meanwhile"
    else
      fail "the web node after the failover (health/sign-in answers: $answers)"
    fi
    kill "$app_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  [[ "$(rcli_port "${new##*:}" GET tl:sch:sentinel-check)" == booked ]] && pass "the write acknowledged before the kill is on the new primary" \
    || fail "the acknowledged write is on the new primary"
  deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)); do
    out=$(rcli_port "${new##*:}" SET tl:sch:after-failover booked)
    [[ "$out" == OK ]] && break
    sleep 0.2
  done
  [[ "$out" == OK ]] && pass "the new primary accepts writes once the other replica follows it (min-replicas-to-write 1)" \
    || fail "writes on the new primary within 20 s (last answer: $out)"
  local promoted
  for i in 1 2; do [[ "${ports[$i]}" == "${new##*:}" ]] && promoted=$i; done
  grep -q '^replicaof' "$WORK/sentinel/server-$promoted/tabib-redis-ha.conf" \
    && fail "the promoted server's tabib-redis-ha.conf lost its replicaof line (CONFIG REWRITE)" \
    || pass "the promoted server's tabib-redis-ha.conf was rewritten without replicaof (it restarts as a primary)"
  grep -q "^sentinel monitor tabib 127.0.0.1 ${new##*:} 2" "$WORK/sentinel/sentinel-0/tabib-sentinel.conf" \
    && pass "the Sentinels' files now name the new primary (they survive a restart)" \
    || fail "sentinel file rewritten with the new primary: $(grep '^sentinel monitor' "$WORK/sentinel/sentinel-0/tabib-sentinel.conf")"

  # The old primary comes back from its own unchanged file, as a primary with stale data: it refuses writes for
  # want of replicas, and the Sentinels turn it into a replica of the new primary.
  start_server 0
  wait_tcp "${ports[0]}" 10 || { fail "the old primary restarts"; return 0; }
  out=$(rcli_port "${ports[0]}" SET tl:sch:stale-primary lost)
  [[ "$out" == *NOREPLICAS* || "$out" == *READONLY* ]] \
    && pass "the old primary, back with stale data, takes no write (${out%% *})" \
    || fail "the old primary takes no write when it comes back (got: $out)"
  deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)) && [[ "$(rcli_port "${ports[0]}" ROLE | sed -n 2p)" != 127.0.0.1 || "$(rcli_port "${ports[0]}" ROLE | sed -n 3p)" != "${new##*:}" ]]; do sleep 0.5; done
  if [[ "$(role_of "${ports[0]}")" == slave && "$(rcli_port "${ports[0]}" ROLE | sed -n 3p)" == "${new##*:}" ]]; then
    pass "the old primary, restarted, is turned into a replica of $new by the Sentinels"
  else
    fail "the old primary rejoins as a replica within 30 s (ROLE: $(rcli_port "${ports[0]}" ROLE | paste -sd' ' -))"
  fi
  deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)) && [[ "$(rcli_port "${ports[0]}" GET tl:sch:after-failover)" != booked ]]; do sleep 0.5; done
  [[ "$(rcli_port "${ports[0]}" GET tl:sch:after-failover)" == booked ]] && pass "it resynchronised: it holds the write made after the failover" \
    || fail "the old primary holds the write made after the failover"
  # The nightly backup reads a fixed server (REDIS_URL): a replica serves it as well as the primary.
  local backup
  backup=$(REDIS_URL="redis://:$pw@127.0.0.1:${ports[0]}" timeout 60 bash "$ROOT/ops/scripts/backup-redis.sh" \
    --out "$WORK/sentinel/backups" --keep 2 2>>"$WORK/check.log" || true)
  [[ -n "$backup" && -s "$backup" ]] && pass "backup-redis.sh takes a checked snapshot from a replica" \
    || fail "backup-redis.sh from a replica (see $WORK/check.log)"
  for p in "${ports[@]}"; do rcli_port "$p" SHUTDOWN NOSAVE >/dev/null 2>&1 || true; done
  for p in "${sports[@]}"; do scli "$p" SHUTDOWN NOSAVE >/dev/null 2>&1 || true; done
}

check_systemd() {
  section "systemd units"
  if ! command -v systemd-analyze >/dev/null 2>&1; then echo "  (systemd-analyze missing: skipped)"; return 0; fi
  local unit out name
  for unit in "$DEPLOY"/systemd/*.service; do
    name=$(basename "$unit")
    # A template is verified as one of its instances; the scripts are looked up where this checkout has them.
    if [[ "$name" == *@.service ]]; then name="${name/@./@1.}"; fi
    sed "s|/opt/tabib-link/ops/|$ROOT/ops/|g" "$unit" >"$WORK/$name"
    unit="$WORK/$name"
    out=$(timeout 30 systemd-analyze verify --man=no "$unit" 2>&1 | grep -v -e 'Failed to put bus name' -e 'System has not been booted' || true)
    if grep -qi -e 'unknown key' -e 'invalid' -e 'failed to parse' -e 'bad unit' -e 'error' <<<"$out"; then
      fail "$(basename "$unit"): $out"
    else
      pass "$(basename "$unit") passes systemd-analyze verify"
    fi
  done
  # The drop-ins, applied to the Debian units they extend (when those are installed here): the unit file and the
  # drop-in's lines after it, as systemd merges them.
  local dropin debian
  for dropin in redis-server-tabib.conf redis-server-tabib-ha.conf redis-sentinel-tabib.conf coturn-tabib.conf; do
    name="${dropin%%-tabib*}.service"
    debian="/lib/systemd/system/$name"
    [[ -f "$debian" ]] || { echo "  ($name not installed: $dropin not verified)"; continue; }
    mkdir -p "$WORK/dropin-${dropin%.conf}"
    unit="$WORK/dropin-${dropin%.conf}/$name"
    { cat "$debian"; echo; grep -v '^#' "$DEPLOY/systemd/$dropin"; } >"$unit"
    out=$(timeout 30 systemd-analyze verify --man=no "$unit" 2>&1 | grep -v -e 'Failed to put bus name' -e 'System has not been booted' || true)
    if grep -qi -e 'unknown key' -e 'invalid' -e 'failed to parse' -e 'bad unit' -e 'error' <<<"$out"; then
      fail "$dropin on Debian's $name: $out"
    else
      pass "$dropin on Debian's $name passes systemd-analyze verify"
    fi
  done
  cp "$DEPLOY/systemd/tabib-backup.timer" "$WORK/"
  out=$(timeout 30 systemd-analyze verify --man=no "$WORK/tabib-backup.timer" 2>&1 | grep -v -e 'Failed to put bus name' -e 'System has not been booted' || true)
  if grep -qi -e 'unknown' -e 'invalid' -e 'failed' -e 'error' <<<"$out"; then fail "tabib-backup.timer: $out"; else pass "tabib-backup.timer passes systemd-analyze verify"; fi
}

check_prometheus() {
  section "Prometheus alert rules"
  if ! command -v promtool >/dev/null 2>&1; then echo "  (promtool missing: skipped; Debian package prometheus)"; return 0; fi
  check "promtool check rules tabib-redis-alerts.yml" timeout 30 promtool check rules "$DEPLOY/prometheus/tabib-redis-alerts.yml"
  check "promtool test rules tabib-redis-alerts.test.yml" timeout 60 promtool test rules "$DEPLOY/prometheus/tabib-redis-alerts.test.yml"
}

check_k8s() {
  section "Kubernetes manifests and Compose file"
  local directive canonical mirrored
  # The Redis ConfigMap mirrors tabib-redis.conf: the persistence and memory settings must agree.
  for directive in appendonly appendfsync no-appendfsync-on-rewrite aof-use-rdb-preamble aof-load-truncated \
                   maxmemory-policy save stop-writes-on-bgsave-error; do
    canonical=$(grep -E "^$directive " "$DEPLOY/redis/tabib-redis.conf" || true)
    mirrored=$(grep -E "^ *$directive " "$DEPLOY/k8s/redis.yaml" | sed 's/^ *//' || true)
    [[ -n "$canonical" && "$canonical" == "$mirrored" ]] || fail "k8s Redis config agrees on $directive ('$canonical' vs '$mirrored')"
  done
  pass "k8s Redis ConfigMap agrees with tabib-redis.conf on persistence and eviction"
  # The Sentinel overlay mirrors tabib-redis-ha.conf and tabib-sentinel.conf: every setting of the shipped files but
  # those each deployment sets its own way (includes, addresses, folder, primary, password, name resolution).
  check "k8s-sentinel ConfigMap agrees with tabib-redis-ha.conf and tabib-sentinel.conf" python3 - "$DEPLOY" <<'PY'
import os, re, sys, yaml
deploy = sys.argv[1]
docs = list(yaml.safe_load_all(open(os.path.join(deploy, "k8s-sentinel/redis-sentinel.yaml"))))
data = [d for d in docs if d["kind"] == "ConfigMap"][0]["data"]
own_way = re.compile(r"^(include|bind|dir|replicaof|sentinel monitor|sentinel auth-pass|sentinel resolve-hostnames|sentinel announce-hostnames) ")
for shipped, key in (("tabib-redis-ha.conf", "tabib-redis-ha.conf"), ("tabib-sentinel.conf", "tabib-sentinel.conf")):
    mirrored = set(data[key].splitlines())
    for line in open(os.path.join(deploy, "redis", shipped)):
        line = line.strip()
        if line and not line.startswith("#") and not own_way.match(line):
            assert line in mirrored, f"{shipped}: '{line}' is not in the ConfigMap's {key}"
sentinel = data["tabib-sentinel.conf"].splitlines()
assert sentinel.index("sentinel resolve-hostnames yes") < sentinel.index("sentinel monitor tabib PRIMARY 6379 2")
PY
  if command -v kubectl >/dev/null 2>&1; then
    check "kubectl kustomize renders ops/deploy/k8s" timeout 60 kubectl kustomize "$DEPLOY/k8s"
    check "kubectl kustomize renders ops/deploy/k8s-sentinel (three Redis with Sentinels, the nodes on REDIS_SENTINELS)" \
      bash -c 'set -o pipefail; timeout 60 kubectl kustomize "$1" | python3 -c "
import sys, yaml
docs = list(yaml.safe_load_all(sys.stdin))
names = {(d[\"kind\"], d[\"metadata\"][\"name\"]) for d in docs}
assert (\"StatefulSet\", \"tabib-redis\") not in names and (\"Service\", \"tabib-redis\") not in names, names
assert {(\"StatefulSet\", \"tabib-redis-ha\"), (\"Service\", \"tabib-redis-ha\"), (\"PodDisruptionBudget\", \"tabib-redis-ha\")} <= names
for d in docs:
    if d[\"kind\"] == \"Deployment\":
        env = {e[\"name\"]: e.get(\"value\") for e in d[\"spec\"][\"template\"][\"spec\"][\"containers\"][0][\"env\"]}
        assert \"REDIS_URL\" not in env and env[\"REDIS_SENTINEL_MASTER\"] == \"tabib\" and env[\"REDIS_SENTINELS\"].count(\":26379\") == 3, env
"' _ "$DEPLOY/k8s-sentinel"
  else
    echo "  (kubectl missing: rendering skipped)"
  fi
  if python3 -c 'import yaml' 2>/dev/null; then
    local kport
    kport=$(free_loopback_port)
    # The overlay's start scripts, run here with a stand-in redis-cli for the Sentinels' answers: the primary chosen
    # on a first start, after a failover, after a restart of the whole set; then pod 0's configuration on loopback.
    check "the start scripts of k8s-sentinel choose the primary and write a working configuration" \
      timeout 90 python3 - "$DEPLOY" "$WORK" "$kport" <<'PY'
import os, stat, subprocess, sys, time, yaml
deploy, work, port = sys.argv[1], sys.argv[2], sys.argv[3]
docs = list(yaml.safe_load_all(open(os.path.join(deploy, "k8s-sentinel/redis-sentinel.yaml"))))
data = [d for d in docs if d["kind"] == "ConfigMap"][0]["data"]
base = [d for d in yaml.safe_load_all(open(os.path.join(deploy, "k8s/redis.yaml"))) if d["kind"] == "ConfigMap"][0]
root = os.path.join(work, "k8s-ha")
password = os.urandom(32).hex()
def run(script, pod, sentinel_answer="", known_primary=None):
    d = os.path.join(root, f"{script}-{pod}-{sentinel_answer or 'none'}-{known_primary or 'none'}")
    for sub in ("etc", "data/sentinel", "auth", "bin"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    for name, text in data.items():
        text = (text.replace("/etc/tabib-redis-ha/", d + "/etc/").replace("/etc/redis/redis.conf", d + "/etc/redis.conf")
                .replace("/run/redis-auth", d + "/auth").replace("/data", d + "/data")
                .replace("exec redis-server", "exit 0 #").replace("exec redis-sentinel", "exit 0 #"))
        open(os.path.join(d, "etc", name), "w").write(text)
    open(os.path.join(d, "etc/redis.conf"), "w").write(base["data"]["redis.conf"].replace("/data", d + "/data"))
    if known_primary:
        open(os.path.join(d, "data/sentinel/tabib-sentinel.conf"), "w").write(f"sentinel monitor tabib {known_primary} 6379 2\n")
    fake = os.path.join(d, "bin/redis-cli")
    open(fake, "w").write("#!/bin/sh\n" + (f"printf '%s\\n6379\\n' '{sentinel_answer}'\n" if sentinel_answer else "exit 1\n"))
    os.chmod(fake, stat.S_IRWXU)
    env = dict(os.environ, PATH=os.path.join(d, "bin") + ":" + os.environ["PATH"], HOSTNAME=f"tabib-redis-ha-{pod}",
               REDIS_PASSWORD=password, REDISCLI_AUTH=password)
    subprocess.run(["sh", os.path.join(d, "etc", script)], env=env, check=True, timeout=20, capture_output=True)
    return d
def replicaof(d):
    lines = [l for l in open(os.path.join(d, "data/conf/tabib-redis-ha.conf")).read().splitlines() if l.startswith("replicaof ")]
    return lines[0].split()[1] if lines else None
ha = "tabib-redis-ha"
assert replicaof(run("start-redis.sh", 0)) is None, "first start: pod 0 is the primary"
assert replicaof(run("start-redis.sh", 1)) == f"{ha}-0.{ha}", "first start: pod 1 follows pod 0"
assert replicaof(run("start-redis.sh", 0, sentinel_answer=f"{ha}-2.{ha}")) == f"{ha}-2.{ha}", "after a failover: pod 0 follows the Sentinels' primary"
assert replicaof(run("start-redis.sh", 2, sentinel_answer=f"{ha}-2.{ha}")) is None, "the Sentinels' primary restarts as the primary"
assert replicaof(run("start-redis.sh", 0, known_primary=f"{ha}-1.{ha}")) == f"{ha}-1.{ha}", "whole set restarted: the last known primary"
d = run("start-sentinel.sh", 1)
conf = open(os.path.join(d, "data/sentinel/tabib-sentinel.conf")).read().splitlines()
assert f"sentinel monitor tabib {ha}-0.{ha} 6379 2" in conf and f"sentinel auth-pass tabib {password}" in conf, conf
assert f"sentinel announce-ip {ha}-1.{ha}" in conf and not [l for l in conf if "PRIMARY" in l or "CHANGE_ME" in l], conf
d = run("start-sentinel.sh", 0, sentinel_answer=f"{ha}-2.{ha}")
assert f"sentinel monitor tabib {ha}-2.{ha} 6379 2" in open(os.path.join(d, "data/sentinel/tabib-sentinel.conf")).read()
# Pod 0's server configuration, first start, on loopback.
d = run("start-redis.sh", 0)
proc = subprocess.Popen(["redis-server", os.path.join(d, "data/conf/tabib-redis-ha.conf"), "--bind", "127.0.0.1",
                         "--port", port, "--maxmemory", "64mb"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    def cli(*args, auth=True):
        env = dict(os.environ, REDISCLI_AUTH=password if auth else "")
        return subprocess.run(["redis-cli", "-p", port, "--no-auth-warning", *args], env=env,
                              capture_output=True, text=True, timeout=5).stdout.strip()
    for _ in range(50):
        if cli("PING") == "PONG":
            break
        time.sleep(0.1)
    assert cli("PING") == "PONG", "no PONG with the password"
    assert "NOAUTH" in cli("PING", auth=False), "answers without the password"
    assert cli("CONFIG", "GET", "min-replicas-to-write").splitlines()[-1] == "1"
    assert cli("CONFIG", "GET", "appendonly").splitlines()[-1] == "yes"
    assert cli("CONFIG", "GET", "replica-announce-ip").splitlines()[-1] == f"{ha}-0.{ha}"
    cli("SHUTDOWN", "NOSAVE")
finally:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
PY
    check "compose.yaml is valid YAML with web, signaling, redis and coturn" python3 - "$DEPLOY/docker/compose.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert set(doc["services"]) == {"web", "signaling", "redis", "coturn"}, doc["services"].keys()
assert doc["services"]["signaling"]["environment"]["TABIB_MODE"] == "signaling"
assert doc["services"]["web"]["stop_grace_period"] == "60s"
PY
    check "compose.ha.yaml is valid YAML: three Redis servers, three Sentinels, the nodes on REDIS_SENTINELS" python3 - "$DEPLOY/docker/compose.ha.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
services = doc["services"]
assert set(services) == {"redis", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3", "web", "signaling"}, services.keys()
for node in ("web", "signaling"):
    env = services[node]["environment"]
    assert env["REDIS_SENTINELS"] == "sentinel-1:26379,sentinel-2:26379,sentinel-3:26379", env
    assert env["REDIS_SENTINEL_MASTER"] == "tabib" and env["REDIS_MIN_REPLICAS_ACKED"] == "1" and env["REDIS_URL"] == ""
    assert set(services[node]["depends_on"]) == {"sentinel-1", "sentinel-2", "sentinel-3"}
for name in ("redis", "redis-2", "redis-3"):
    assert services[name]["environment"]["REDIS_NAME"] == name
for name in ("sentinel-1", "sentinel-2", "sentinel-3"):
    assert services[name]["environment"]["SENTINEL_NAME"] == name
PY
    if docker compose version >/dev/null 2>&1; then
      check "docker compose config accepts compose.yaml with compose.ha.yaml over it" \
        env REDIS_PASSWORD=0123abcd TABIB_TURN_SECRET=0123abcd TURN_HOST=turn.tabib.test PUBLIC_HOST=tabib.test \
        timeout 60 docker compose --project-directory "$DEPLOY/docker" -f "$DEPLOY/docker/compose.yaml" \
        -f "$DEPLOY/docker/compose.ha.yaml" config -q
    else
      echo "  (docker compose missing: the merge of compose.yaml and compose.ha.yaml is not checked)"
    fi
    local hport
    hport=$(free_loopback_port)
    # The start scripts of compose.ha.yaml, run here with the container paths moved into a temporary folder: the
    # configurations they write must have every placeholder of the shipped files replaced, and the first primary's
    # must start a password-protected Redis.
    check "the start scripts of compose.ha.yaml turn the shipped files into working configurations" \
      timeout 60 python3 - "$DEPLOY" "$WORK" "$hport" <<'PY'
import os, subprocess, sys, time, yaml
deploy, work, port = sys.argv[1], sys.argv[2], sys.argv[3]
doc = yaml.safe_load(open(os.path.join(deploy, "docker/compose.ha.yaml")))
password = os.urandom(32).hex()
def generate(service, conf_name):
    spec = doc["services"][service]
    d = os.path.join(work, "compose-ha", service)
    os.makedirs(os.path.join(d, "auth"), exist_ok=True)
    script = (spec["command"][2].replace("$$", "$")
              .replace("/usr/local/etc/redis/", os.path.join(deploy, "redis") + "/")
              .replace("/run/redis-auth", os.path.join(d, "auth")).replace("/data", d)
              .replace("exec redis-server", "true").replace("exec redis-sentinel", "true"))
    env = dict(os.environ, **{k: str(v) for k, v in spec["environment"].items()})
    env["REDIS_PASSWORD"] = password
    subprocess.run(["sh", "-c", script], env=env, check=True, timeout=10)
    return d, open(os.path.join(d, conf_name)).read()
for service in ("redis", "redis-2", "redis-3"):
    d, conf = generate(service, "tabib-redis-ha.conf")
    assert not [l for l in conf.splitlines() if "10.0.0.1" in l and not l.startswith("#")], service + ": an address left"
    assert "include " + os.path.join(deploy, "redis/tabib-redis.conf") in conf, service + ": shared file not included"
    assert "include " + os.path.join(d, "auth/auth.conf") in conf, service + ": auth file not included"
    assert "\nbind * -::*\n" in conf and "\nreplica-announce-ip " + service + "\n" in conf, service
    assert ("\nreplicaof redis 6379\n" in conf) == (service != "redis"), service + ": replicaof"
for service in ("sentinel-1", "sentinel-2", "sentinel-3"):
    d, conf = generate(service, "tabib-sentinel.conf")
    lines = conf.splitlines()
    assert not [l for l in lines if ("CHANGE_ME" in l or "10.0.0.1" in l) and not l.startswith("#")], service + ": placeholder left"
    assert "sentinel auth-pass tabib " + password in lines, service + ": password"
    monitor = lines.index("sentinel monitor tabib redis 6379 2")
    assert lines.index("sentinel resolve-hostnames yes") < monitor, service + ": resolve-hostnames after monitor"
    assert "sentinel announce-hostnames yes" in lines and "sentinel announce-ip " + service in lines
    assert "bind * -::*" in lines and "dir " + d in lines, service
# The first primary's configuration, on loopback.
d = os.path.join(work, "compose-ha", "redis")
proc = subprocess.Popen(["redis-server", os.path.join(d, "tabib-redis-ha.conf"), "--bind", "127.0.0.1", "--port", port,
                         "--maxmemory", "64mb"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    def cli(*args, auth=True):
        env = dict(os.environ, REDISCLI_AUTH=password if auth else "")
        return subprocess.run(["redis-cli", "-p", port, "--no-auth-warning", *args], env=env,
                              capture_output=True, text=True, timeout=5).stdout.strip()
    for _ in range(50):
        if cli("PING") == "PONG":
            break
        time.sleep(0.1)
    assert cli("PING") == "PONG", "no PONG with the password"
    assert "NOAUTH" in cli("PING", auth=False), "answers without the password"
    assert cli("CONFIG", "GET", "min-replicas-to-write").splitlines()[-1] == "1", "min-replicas-to-write"
    assert cli("CONFIG", "GET", "appendonly").splitlines()[-1] == "yes", "AOF off"
    cli("SHUTDOWN", "NOSAVE")
finally:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
PY
    local rport
    rport=$(free_loopback_port)
    check "the Redis start commands of compose.yaml and redis.yaml start a password-protected Redis with our config" \
      timeout 60 python3 - "$DEPLOY" "$WORK" "$rport" <<'PY'
import os, subprocess, sys, time, yaml
deploy, work, port = sys.argv[1], sys.argv[2], sys.argv[3]
conf = os.path.join(deploy, "redis/tabib-redis.conf")
compose = yaml.safe_load(open(os.path.join(deploy, "docker/compose.yaml")))["services"]["redis"]["command"][2]
k8s = [d for d in yaml.safe_load_all(open(os.path.join(deploy, "k8s/redis.yaml"))) if d["kind"] == "StatefulSet"][0]
k8s = k8s["spec"]["template"]["spec"]["containers"][0]["command"][2]
variants = {
    "compose": compose.replace("$$", "$").replace("/usr/local/etc/redis/tabib-redis.conf", conf)
                      .replace("--bind '0.0.0.0 -::'", "--bind 127.0.0.1").replace("--dir /data", "--dir DIR"),
    "k8s": k8s.replace("/etc/redis/redis.conf", conf + " --bind 127.0.0.1 --dir DIR"),
}
password = os.urandom(32).hex()
for name, script in variants.items():
    d = os.path.join(work, "redis-" + name)
    os.makedirs(os.path.join(d, "auth"))
    script = script.replace("/run/redis-auth", os.path.join(d, "auth")).replace("DIR", d)
    script = script.replace(" --include", " --port " + port + " --maxmemory 64mb --include")
    proc = subprocess.Popen(["sh", "-c", script], env=dict(os.environ, REDIS_PASSWORD=password),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def cli(*args, auth=True):
            env = dict(os.environ, REDISCLI_AUTH=password if auth else "")
            return subprocess.run(["redis-cli", "-p", port, "--no-auth-warning", *args], env=env,
                                  capture_output=True, text=True, timeout=5).stdout.strip()
        for _ in range(50):
            if cli("PING") == "PONG":
                break
            time.sleep(0.1)
        assert cli("PING") == "PONG", name + ": no PONG with the password"
        assert "NOAUTH" in cli("PING", auth=False), name + ": answers without the password"
        assert cli("CONFIG", "GET", "appendonly").splitlines()[-1] == "yes", name + ": AOF off"
        cli("SHUTDOWN", "NOSAVE")
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
PY
  else
    echo "  (python3-yaml missing: compose.yaml checks skipped)"
  fi
}

# socket_ticket BASE ACCESS_TOKEN SOCKET: a single-use ticket to open /signal or /board (POST /api/v1/auth/ticket).
socket_ticket() {
  timeout 10 curl -s --cacert "$WORK/tls.crt" --resolve "tabib.test:${1##*:}:127.0.0.1" -H "Authorization: Bearer $2" \
      -H 'Content-Type: application/json' -d "{\"socket\":\"$3\"}" "$1/api/v1/auth/ticket" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["ticket"])' 2>/dev/null || true
}

# A minimal WebSocket client: opens PATH on 127.0.0.1:PORT with the given Origin, over TLS checked against CAFILE
# (or without TLS when CAFILE is "plain"), prints the handshake status line, then up to FRAMES frames (a text
# message each, or "close <code> <reason>"), flushing each line; it stops at a close frame.
write_ws_client() {
  cat >"$WORK/ws_client.py" <<'PY'
import base64, os, socket, ssl, struct, sys
port, path, origin, cafile = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
frames = int(sys.argv[5]) if len(sys.argv) > 5 else 1
sock = socket.create_connection(("127.0.0.1", port), timeout=30)
if cafile != "plain":
    sock = ssl.create_default_context(cafile=cafile).wrap_socket(sock, server_hostname="tabib.test")
key = base64.b64encode(os.urandom(16)).decode()
sock.sendall(("GET %s HTTP/1.1\r\nHost: tabib.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nOrigin: %s\r\n\r\n" % (path, key, origin)).encode())
buffer = b""
while b"\r\n\r\n" not in buffer:
    chunk = sock.recv(4096)
    if not chunk:
        sys.exit("connection closed during the handshake")
    buffer += chunk
head, buffer = buffer.split(b"\r\n\r\n", 1)
print(head.split(b"\r\n")[0].decode(), flush=True)
def exact(n):
    global buffer
    while len(buffer) < n:
        chunk = sock.recv(4096)
        if not chunk:
            sys.exit("connection closed mid-frame")
        buffer += chunk
    out, buffer = buffer[:n], buffer[n:]
    return out
for _ in range(frames):
    first, second = exact(2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", exact(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", exact(8))[0]
    payload = exact(length)
    opcode = first & 0x0F
    if opcode == 8:
        print("close %d %s" % (struct.unpack("!H", payload[:2])[0], payload[2:].decode(errors="replace")), flush=True)
        break
    if opcode == 1:
        print(payload.decode(errors="replace"), flush=True)
PY
}

# The real application (demo mode, embedded Redis) behind our nginx site: sign-in, UI, health and a signalling
# WebSocket all go through the proxy. Needs web/target/tabib-link.jar; run with --with-app.
check_app() {
  local jar="$ROOT/web/target/tabib-link.jar"
  section "Tabib Link behind nginx ($(basename "$jar"): web node in demo mode + a standalone signalling node)"
  if [[ ! -f "$jar" ]] || ! command -v java >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
    echo "  (needs java, python3 and $jar: mvn -B -pl web -am package -DskipTests)"
    return 0
  fi
  local web sig sig2 web2 https http app_pid node_pid client_pid out token redis_port
  web=$(free_loopback_port); sig=$(free_loopback_port); sig2=$(free_loopback_port); web2=$(free_loopback_port); https=$(free_loopback_port); http=$(free_loopback_port)
  mkdir -p "$WORK/app" "$WORK/node2"
  (cd "$WORK/app" && exec env TABIB_DEMO=true TABIB_DATA_DIR="$WORK/app/data" TABIB_TLS=false \
      TABIB_HTTP_HOST=127.0.0.1 SERVER_PORT="$web" TABIB_SIGNALING_HOST=127.0.0.1 TABIB_SIGNALING_PORT="$sig" \
      TABIB_ALLOWED_ORIGINS=https://tabib.test TABIB_SIGNALING_PUBLIC_URL="wss://tabib.test:$https/signal" \
      java -jar "$jar" >"$WORK/app/app.log" 2>&1) &
  app_pid=$!
  PIDS+=("$app_pid")
  local deadline=$((SECONDS + 240))
  while ((SECONDS < deadline)) && ! curl -fs "http://127.0.0.1:$web/actuator/health" 2>/dev/null | grep -q '"UP"'; do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 1
  done
  if ! curl -fs "http://127.0.0.1:$web/actuator/health" 2>/dev/null | grep -q '"UP"'; then
    fail "the application starts (see $WORK/app/app.log)"; tail -20 "$WORK/app/app.log"; return 0
  fi
  pass "the web node starts in demo mode on $web (HTTP) and $sig (signalling)"

  # A standalone node (TABIB_MODE=signaling) sharing the web node's Redis, token key and signalling state key, as
  # in a scale-out.
  redis_port=$(sed -n 's/.*Embedded Redis started on 127.0.0.1:\([0-9]*\).*/\1/p' "$WORK/app/app.log" | head -n 1)
  (cd "$WORK/node2" && exec env TABIB_MODE=signaling TABIB_DATA_DIR="$WORK/node2" TABIB_TLS=false \
      REDIS_URL="redis://127.0.0.1:$redis_port" TABIB_TOKEN_KEY_FILE="$WORK/app/data/keys/access-token.jwk" \
      TABIB_SIGNALING_STATE_KEY_FILE="$WORK/app/data/keys/signaling-state.key" \
      TABIB_SIGNALING_HOST=127.0.0.1 TABIB_SIGNALING_PORT="$sig2" TABIB_NODE_ID=check-node-2 SERVER_PORT="$web2" \
      TABIB_ALLOWED_ORIGINS=https://tabib.test java -jar "$jar" >"$WORK/node2/node.log" 2>&1) &
  node_pid=$!
  PIDS+=("$node_pid")
  if [[ -n "$redis_port" ]] && wait_tcp "$sig2" 180; then
    pass "a standalone signalling node (TABIB_MODE=signaling) starts on $sig2 against the same Redis"
    # Standalone means no web part: the HTTP port it was given stays closed.
    port_free "$web2" && pass "the standalone node serves no HTTP (port $web2 stays closed)" \
      || fail "the standalone node opened an HTTP server on $web2"
  else
    fail "the standalone signalling node starts (see $WORK/node2/node.log)"; tail -20 "$WORK/node2/node.log"
  fi

  render_nginx "$WORK/nginx-app" "$web" "$sig" "$https" "$http" "$sig2"
  nginx -p "$WORK/nginx-app" -c "$WORK/nginx-app/nginx.conf" &
  PIDS+=($!)
  wait_tcp "$https" 10 || { fail "nginx starts in front of the application"; return 0; }
  local base="https://tabib.test:$https" resolve=(--resolve "tabib.test:$https:127.0.0.1")
  out=$(timeout 10 curl -s --http2 --cacert "$WORK/tls.crt" "${resolve[@]}" -w ' %{http_version}' "$base/actuator/health")
  [[ "$out" == *'"UP"'*' 2' ]] && pass "health through the proxy over HTTP/2: $out" || fail "health through the proxy: $out"
  out=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" "$base/actuator/prometheus" | grep -c 'application="tabib-link"' || true)
  ((out > 0)) && pass "Prometheus metrics through the proxy from the monitoring network ($out series)" \
    || fail "Prometheus metrics through the proxy"
  out=$(timeout 30 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -o /dev/null -w '%{http_code} %{content_type}' "$base/v3/api-docs")
  [[ "$out" == 200*json* ]] && pass "OpenAPI document served through the proxy ($out)" || fail "/v3/api-docs through the proxy: $out"
  token=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -H 'Content-Type: application/json' \
      -d '{"username":"nurse1","password":"demo1234"}' "$base/api/v1/auth/login" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])' 2>/dev/null || true)
  [[ -n "$token" ]] && pass "sign-in through the proxy (POST /api/v1/auth/login)" || fail "sign-in through the proxy"
  out=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -H "Authorization: Bearer $token" "$base/api/v1/config")
  [[ "$out" == *"\"signalingUrl\":\"wss://tabib.test:$https/signal\""* ]] && pass "browsers are told to open wss://…/signal through the proxy" \
    || fail "signalling URL given to browsers: $out"
  write_ws_client
  local welcomed=0 ticket tickets=()
  for _ in 1 2 3 4; do # the upstream holds both nodes
    ticket=$(socket_ticket "$base" "$token" signal)
    tickets+=("$ticket")
    out=$(timeout 20 python3 "$WORK/ws_client.py" "$https" "/signal?ticket=$ticket" https://tabib.test "$WORK/tls.crt" 2>&1 || true)
    [[ "$out" == *"101"*'"type":"welcome"'* ]] && welcomed=$((welcomed + 1))
  done
  ((welcomed == 4)) && pass "signalling WebSockets through the proxy with a ticket each (upstream: both nodes): 101 and the welcome message (4 of 4)" \
    || fail "signalling WebSocket through the proxy: $welcomed of 4 welcomed; last: $out"
  out=$(timeout 20 python3 "$WORK/ws_client.py" "$https" "/signal?ticket=${tickets[0]}" https://tabib.test "$WORK/tls.crt" 2>&1 || true)
  [[ "$out" == *AUTH_INVALID* ]] && pass "a used ticket opens no second connection (AUTH_INVALID)" || fail "a used ticket again: $out"
  out=$(timeout 20 python3 "$WORK/ws_client.py" "$https" "/signal?token=$token" https://tabib.test "$WORK/tls.crt" 2>&1 || true)
  [[ "$out" == *AUTH_MISSING* ]] && pass "an access token in the URL is refused (AUTH_MISSING)" || fail "access token in the URL: $out"
  out=$(timeout 20 python3 "$WORK/ws_client.py" "$https" "/signal?ticket=$(socket_ticket "$base" "$token" signal)" https://elsewhere.example "$WORK/tls.crt" 2>&1 || true)
  [[ "$out" == *ORIGIN_FORBIDDEN* || "$out" == *"close 4403"* ]] && pass "a foreign Origin is refused through the proxy (ORIGIN_FORBIDDEN)" \
    || fail "foreign Origin through the proxy: $out"
  local coordinator
  coordinator=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -H 'Content-Type: application/json' \
      -d '{"username":"coord1","password":"demo1234"}' "$base/api/v1/auth/login" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])' 2>/dev/null || true)
  ticket=$(socket_ticket "$base" "$coordinator" board)
  tickets+=("$ticket")
  out=$(timeout 20 python3 "$WORK/ws_client.py" "$https" "/board?ticket=$ticket" https://tabib.test "$WORK/tls.crt" 2>&1 || true)
  [[ "$out" == *"101"*'"type":"board.snapshot"'* ]] && pass "the live board through the proxy with a ticket: 101 and a snapshot" \
    || fail "live board through the proxy: $out"
  local leaked=0
  for secret in "$token" "$coordinator" "${tickets[@]}"; do
    grep -rqF "$secret" "$WORK/nginx-app/logs/" && leaked=1
  done
  ((leaked == 0)) && pass "access tokens and socket tickets stay out of nginx's logs" || fail "a token or ticket is in nginx's logs"

  # Sign-in throttling counts per real client behind the proxy (X-Forwarded-For from the trusted nginx): a stranger
  # guessing nurse2's password is slowed down; nurse2 herself, from another address, signs in.
  local codes=""
  for _ in 1 2 3 4 5 6; do
    codes+=$(timeout 10 curl -s -o /dev/null -w '%{http_code} ' --cacert "$WORK/tls.crt" "${resolve[@]}" \
      -H 'Content-Type: application/json' -H 'X-Forwarded-For: 203.0.113.7' \
      -d '{"username":"nurse2","password":"guess"}' "$base/api/v1/auth/login")
  done
  out=$(timeout 10 curl -s -o /dev/null -w '%{http_code}' --cacert "$WORK/tls.crt" "${resolve[@]}" \
    -H 'Content-Type: application/json' -H 'X-Forwarded-For: 198.51.100.9' \
    -d '{"username":"nurse2","password":"demo1234"}' "$base/api/v1/auth/login")
  [[ "$codes" == "401 401 401 401 401 429 " && "$out" == 200 ]] \
    && pass "sign-in throttling per client behind the proxy: a guesser gets 429 after 5 failures, nurse2 elsewhere signs in" \
    || fail "sign-in throttling behind the proxy: guesser got $codes, nurse2 got $out"

  # Draining: a client connected to the standalone node, which is then stopped the way systemd and Kubernetes do.
  # Another user: nurse1's sessions above stay resumable for a while and count against the per-user limit.
  token=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -H 'Content-Type: application/json' \
      -d '{"username":"dr.cardio","password":"demo1234"}' "$base/api/v1/auth/login" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])' 2>/dev/null || true)
  timeout 60 python3 "$WORK/ws_client.py" "$sig2" "/signal?ticket=$(socket_ticket "$base" "$token" signal)" https://tabib.test plain 5 >"$WORK/drain.txt" 2>&1 &
  client_pid=$!
  deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)) && ! grep -q '"type":"welcome"' "$WORK/drain.txt"; do sleep 0.2; done
  kill -TERM "$node_pid" 2>/dev/null || true
  wait "$client_pid" 2>/dev/null || true
  if grep -q '"type":"server.draining"' "$WORK/drain.txt" && grep -q '^close 4503' "$WORK/drain.txt"; then
    pass "SIGTERM drains the node: its client gets server.draining, then close 4503"
  else
    fail "drain on SIGTERM: $(tr '\n' ' ' <"$WORK/drain.txt")"
  fi
  for _ in $(seq 1 300); do kill -0 "$node_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$node_pid" 2>/dev/null && fail "the drained node exits" || pass "the drained node exits"
  kill "$app_pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
}

install_missing
make_certificate
check_nginx
check_coturn
check_redis
check_sentinel
check_systemd
check_prometheus
check_k8s
if ((WITH_APP)); then check_app; fi

echo
if ((FAILURES > 0)); then
  echo "check-deploy: $FAILURES check(s) failed:"
  printf '  - %s\n' "${FAILED[@]}"
  exit 1
fi
echo "check-deploy: all checks passed"
