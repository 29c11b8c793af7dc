#!/usr/bin/env bash
# Runs Tabib Link with embedded defaults (demo mode: embedded Redis with AOF in ./data, demo accounts,
# generated keys). Builds the application first when the jar is missing or older than the sources.
set -euo pipefail
cd "$(dirname "$0")/.."

jar=web/target/tabib-link.jar
if [ ! -f "$jar" ] || [ -n "$(find redis-script signaling scheduler records web -path '*/src/main/*' -newer "$jar" -print -quit)" ] || [ pom.xml -nt "$jar" ]; then
  echo "Building Tabib Link (tests skipped; run 'mvn verify' for them)..."
  # repackaging an existing jar would keep its old copies of the modules that changed
  rm -f "$jar"
  mvn -B -q -pl web -am package -DskipTests
fi
# Demo mode is asked for here, never by default: the jar alone refuses to start without configuration.
export TABIB_DEMO="${TABIB_DEMO:-true}"
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
