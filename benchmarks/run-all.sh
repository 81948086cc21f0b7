#!/usr/bin/env bash
# Runs every scenario of issue #5 in one go (the figures of RESULTS.md), then the JMH micro-benchmarks.
#   benchmarks/run-all.sh [ROUNDS]        default 3; about an hour on 2 cores
# Results: one benchmarks/results/<UTC time>-<scenario>/ directory per run.sh call, JMH output in
# benchmarks/results/<UTC time>-jmh.txt.
set -euo pipefail
ROUNDS=${1:-3}
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")

(cd "$ROOT" && ./mvnw -B -q -o -DskipTests package -pl benchmarks/loadgen,benchmarks/pushwire-server,benchmarks/stomp-server,benchmarks/raw-server -am)
export SKIP_BUILD=1
for scenario in A B C D; do
  "$BENCH/run.sh" "$scenario" "$ROUNDS"
done
# Only pushwire can resume; STOMP and raw show once what a reconnect storm costs them.
TARGETS=pushwire "$BENCH/run.sh" E "$ROUNDS"
TARGETS="stomp raw" "$BENCH/run.sh" E 1
TARGETS="sse pushwire raw" "$BENCH/run.sh" F "$ROUNDS"
"$BENCH/jmh.sh" -f 1 -wi 3 -w 1s -i 5 -r 1s | tee "$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)-jmh.txt"
