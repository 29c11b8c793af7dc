#!/usr/bin/env bash
# The network lab by hand: a dispensary's link (4G, rural 3G, EDGE, satellite, blackouts, a UDP-blocking firewall)
# between a network namespace and this machine. Needs root. Runs a command inside the lab, or keeps the lab up and
# prints its counters every 10 s until --lifetime (default 30m) or Ctrl-C; everything is removed on exit.
#
#   sudo bash ops/scripts/netlab.sh --list
#   sudo bash ops/scripts/netlab.sh --profile edge -- curl -s http://10.213.1.1:8080/actuator/health
#   sudo bash ops/scripts/netlab.sh --profile edge-to-4g --lifetime 10m -- chromium --no-sandbox …
#
# The servers must listen on the host address the lab prints (see README, "Trying a call on a rural link").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/ops/target/tabib-load.jar"
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && mvn -B -q -pl ops -am package -DskipTests)
fi
exec java -cp "$JAR" ma.tabiblink.ops.netlab.NetLabCommand "$@"
