#!/usr/bin/env bash
# Installs what the test suite needs beyond a JDK and Maven: Debian's Chromium and ChromeDriver for the browser tests,
# coturn for the test that a real TURN server accepts our credentials, GnuPG for the encrypted key backups, Redis
# with Sentinel for the failover tests (they run their own primary, replicas and sentinels on free ports), and nginx
# for the rolling restart test (it runs its own, on a free port, in front of two web nodes), and WebKitGTK's
# WebDriver with a virtual display (xvfb) for the tests in the second engine, WebKit, and a colour emoji font so the
# screenshots show the buttons' icons as a tablet does. Idempotent;
# without root or apt those tests skip themselves with a clear message.
set -uo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -x /usr/bin/turnserver ] || missing+=(coturn)
command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/bin/redis-sentinel ] || missing+=(redis-sentinel)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/WebKitWebDriver ] || missing+=(webkit2gtk-driver)
[ -x /usr/bin/xvfb-run ] || missing+=(xvfb)
command -v xauth >/dev/null 2>&1 || missing+=(xauth)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: ${missing[*]} missing and cannot apt-get here; the tests needing them will be skipped"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "install-test-deps: could not install ${missing[*]}; the tests needing them will be skipped"
# the coturn package starts a system TURN server; the tests run their own on a free port
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now coturn >/dev/null 2>&1 || true
  if [[ " ${missing[*]} " == *" nginx "* ]]; then
    systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
  # likewise the Redis packages start a server on 6379 and a sentinel on 26379; only those we just installed are
  # stopped, so a Redis the machine already ran is left alone
  for package in redis-server redis-sentinel; do
    if [[ " ${missing[*]} " == *" $package "* ]]; then
      systemctl disable --now "$package" >/dev/null 2>&1 || true
    fi
  done
fi
exit 0
