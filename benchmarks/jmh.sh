#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of the server's hot paths against this checkout's library classes.
#   benchmarks/jmh.sh [JMH options, e.g. a benchmark regex, -f 1 -wi 2 -i 3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
# One invocation, so that the reactor resolves pushwire-spring-boot-autoconfigure to this checkout's
# build and not to a snapshot that may sit in the local repository.
./mvnw -B -q -DskipTests package dependency:build-classpath -pl benchmarks/jmh -am \
  -Dmdep.outputFile="$ROOT/benchmarks/jmh/target/classpath.txt"
CP="$ROOT/benchmarks/jmh/target/classes:$(cat "$ROOT/benchmarks/jmh/target/classpath.txt")"
if [[ "$CP" != *"/pushwire-spring-boot-autoconfigure/target/"* ]]; then
  echo "the classpath does not use this checkout's pushwire-spring-boot-autoconfigure" >&2
  exit 1
fi
exec java -Xms1g -Xmx1g -XX:+UseG1GC -cp "$CP" org.openjdk.jmh.Main "$@"
