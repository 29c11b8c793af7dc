#!/usr/bin/env bash
# Records benchmark: store and read consultation notes through the records module against a real Redis, beside raw
# JCA AES-256-GCM on the same sizes and a Redis PING, in one run. Arguments are passed to the benchmark
# (--redis redis://127.0.0.1:6379/12 --runs 5 --ops 3000 --sizes 1024,10240,20480).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -pl ops -am compile dependency:build-classpath -Dmdep.outputFile=target/runtime.classpath \
  -Dmdep.includeScope=runtime
exec java ${JAVA_OPTS:-} -cp "ops/target/classes:$(cat ops/target/runtime.classpath)" \
  ma.tabiblink.ops.bench.records.RecordsBenchmark "$@"
