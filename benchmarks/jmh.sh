#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of the server's hot paths.
#   benchmarks/jmh.sh [JMH options, e.g. a benchmark regex, -f 1 -wi 2 -i 3]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  ./mvnw -B -q -o -DskipTests package -pl benchmarks/jmh -am
fi
./mvnw -B -q -o dependency:build-classpath -pl benchmarks/jmh -am -Dmdep.outputFile="$ROOT/benchmarks/jmh/target/classpath.txt" > /dev/null
CP="$ROOT/benchmarks/jmh/target/classes:$(cat "$ROOT/benchmarks/jmh/target/classpath.txt")"
exec java -Xms1g -Xmx1g -XX:+UseG1GC -cp "$CP" org.openjdk.jmh.Main "$@"
