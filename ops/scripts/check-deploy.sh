#!/usr/bin/env bash
# Exercises the deployment files of ops/deploy with the real servers from Debian, on loopback only:
#   nginx   - the site configuration passes `nginx -t`, then serves TLS + HTTP/2, redirects HTTP, proxies /signal
#             with the WebSocket upgrade headers and keeps /actuator/ away from the outside;
#   coturn  - our turnserver.conf starts, relays with a REST credential computed here (UDP and TURN over TLS),
#             and refuses expired or forged credentials;
#   Redis   - our tabib-redis.conf starts with AOF on, everysec fsync and noeviction, and data survive a restart;
#   systemd - the unit files pass `systemd-analyze verify` (when systemd-analyze exists);
#   k8s     - the manifests render with `kubectl kustomize` (when kubectl exists).
# Installs nginx, coturn and redis-server with apt-get when missing (needs root). Every step is bounded in time;
# everything started here is stopped and the temporary directory removed on exit.
set -euo pipefail

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
fail() { printf '  FAIL  %s\n' "$1"; FAILURES=$((FAILURES + 1)); }
section() { printf '\n== %s\n' "$1"; }
check() { # check "description" command...
  local what="$1"; shift
  if "$@" >>"$WORK/check.log" 2>&1; then pass "$what"; else fail "$what (see output above)"; tail -n 20 "$WORK/check.log"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 30000))
    if port_free "$p" && ! ss -Hlun "sport = :$p" 2>/dev/null | grep -q .; then echo "$p"; return 0; fi
  done
  echo "no free port found" >&2; return 1
}
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

check_nginx() {
  section "nginx ($(nginx -v 2>&1 | sed 's/.*: //'))"
  local https http web sig
  https=$(free_port); http=$(free_port); web=$(free_port); sig=$(free_port)
  mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp" "$WORK/acme"
  # Our site file, moved to loopback test ports and the throwaway certificate; nothing else changes.
  sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https ssl http2;|" \
      -e "/listen \[::\]:443/d" -e "/listen \[::\]:80;/d" \
      -e "s|listen 80;|listen 127.0.0.1:$http;|" \
      -e "s|server 127.0.0.1:8081 |server 127.0.0.1:$sig |" \
      -e "s|server 127.0.0.1:8080 |server 127.0.0.1:$web |" \
      -e "s|/etc/letsencrypt/live/tabib.example.org/fullchain.pem|$WORK/tls.crt|" \
      -e "s|/etc/letsencrypt/live/tabib.example.org/privkey.pem|$WORK/tls.key|" \
      -e "s|/var/www/letsencrypt|$WORK/acme|" \
      -e "s|/var/log/nginx/|$WORK/nginx/logs/|" \
      -e "s|tabib.example.org|tabib.test|g" \
      "$DEPLOY/nginx/tabib-link.conf" >"$WORK/nginx/tabib-link.conf"
  cat >"$WORK/nginx/nginx.conf" <<NGX
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
daemon off;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  access_log $WORK/nginx/logs/access.log;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  include $WORK/nginx/tabib-link.conf;
}
NGX
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
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$base/signal?token=abc" --max-time 3 || true)
  if grep -q '^HTTP/1.1 101' <<<"$out" && grep -qi 'x-seen-request: GET /signal?token=abc HTTP/1.1 .*upgrade: websocket.*connection: upgrade' <<<"$out"; then
    pass "/signal reaches the signalling upstream with Upgrade and Connection: upgrade"
  else
    fail "/signal WebSocket upgrade through the proxy: $out"
  fi
  out=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -o /dev/null -w '%{http_code}' "$base/actuator/prometheus" -H 'X-Forwarded-For: 203.0.113.7')
  [[ "$out" == 200 ]] && pass "/actuator/ is open to loopback (the monitoring network)" || fail "/actuator/ from loopback (got $out)"
  kill "$sig_pid" 2>/dev/null || true
  wait "$sig_pid" 2>/dev/null || true
  out=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" -o /dev/null -w '%{http_code}' "$base/signal?token=secret-token-xyz")
  [[ "$out" == 502 ]] && pass "/signal answers 502 while no signalling node is up" || fail "/signal with the upstream down (got $out)"
  if grep -rq -e 'token=abc' -e 'secret-token-xyz' "$WORK/nginx/logs/"; then
    fail "access tokens stay out of the access and error logs"
  else
    pass "access tokens stay out of the access and error logs"
  fi
  out=$(timeout 10 curl -s --cacert "$WORK/tls.crt" "${resolve[@]}" "$base/api/v1/ping")
  grep -qi 'X-Forwarded-Proto: https' <<<"$out" && pass "web upstream sees X-Forwarded-Proto: https" || fail "web upstream sees X-Forwarded-Proto: https"
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
  port=$(free_port); tls=$(free_port); peer=$(free_port)
  minp=$((40000 + RANDOM % 20000))
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
  if ! wait_tcp "$port" 10 || ! wait_tcp "$tls" 10; then fail "turnserver starts and listens on $port and $tls (TLS)"; cat "$WORK/turnserver.log" 2>/dev/null | tail -20; return 0; fi
  pass "turnserver starts with our config and listens on TCP $port and TLS $tls"
  ss -Hlun "sport = :$port" | grep -q . && pass "UDP listener on $port" || fail "UDP listener on $port"

  rest_credential() { # rest_credential expiry user -> "username password"
    local username="$1:$2"
    printf '%s %s' "$username" "$(printf '%s' "$username" | openssl dgst -sha1 -hmac "$secret" -binary | base64)"
  }
  local now cred user pass
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
  local port pw dir cli
  port=$(free_port); pw=$(openssl rand -hex 16); dir="$WORK/redis"
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
  [[ "$(REDISCLI_AUTH= timeout 5 redis-cli -h 127.0.0.1 -p "$port" PING 2>&1)" == *NOAUTH* ]] && pass "password required" || fail "password required"
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
  cp "$DEPLOY/systemd/tabib-backup.timer" "$WORK/"
  out=$(timeout 30 systemd-analyze verify --man=no "$WORK/tabib-backup.timer" 2>&1 | grep -v -e 'Failed to put bus name' -e 'System has not been booted' || true)
  if grep -qi -e 'unknown' -e 'invalid' -e 'failed' -e 'error' <<<"$out"; then fail "tabib-backup.timer: $out"; else pass "tabib-backup.timer passes systemd-analyze verify"; fi
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
  if command -v kubectl >/dev/null 2>&1; then
    check "kubectl kustomize renders ops/deploy/k8s" timeout 60 kubectl kustomize "$DEPLOY/k8s"
  else
    echo "  (kubectl missing: rendering skipped)"
  fi
  if python3 -c 'import yaml' 2>/dev/null; then
    check "compose.yaml is valid YAML with web, signaling, redis and coturn" python3 - "$DEPLOY/docker/compose.yaml" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert set(doc["services"]) == {"web", "signaling", "redis", "coturn"}, doc["services"].keys()
assert doc["services"]["signaling"]["environment"]["TABIB_MODE"] == "signaling"
assert doc["services"]["web"]["stop_grace_period"] == "60s"
PY
    local rport
    rport=$(free_port)
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

install_missing
make_certificate
check_nginx
check_coturn
check_redis
check_systemd
check_k8s

echo
if ((FAILURES > 0)); then
  echo "check-deploy: $FAILURES check(s) failed"
  exit 1
fi
echo "check-deploy: all checks passed"
