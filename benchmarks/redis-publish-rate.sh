#!/usr/bin/env bash
# How many publishes per second one node sustains on Redis (issue #16), beside the same node with the
# in-memory store: starts a redis-server of its own (free port, empty) and one bench-server node, and
# asks the node to publish COUNT frames with CONCURRENCY in flight (POST /bench/publish-rate; each
# counted when the store acknowledged it, with Redis once the publish script ran). No subscribers:
# this is the store's publish path alone.
#
#   benchmarks/redis-publish-rate.sh [ROUNDS] [COUNT] [CONCURRENCY]     (defaults 3 100000 256)
#
# Environment: STORES (default "redis memory"), NODE_PORT (default 8081), SKIP_BUILD=1,
# SERVER_ARGS (more application arguments for the node).
set -euo pipefail

ROUNDS=${1:-3}
COUNT=${2:-100000}
CONCURRENCY=${3:-256}
read -r -a STORES <<< "${STORES:-redis memory}"
NODE_PORT=${NODE_PORT:-8081}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/benchmarks"
OUT="$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)-publish-rate"
mkdir -p "$OUT"
JAR="$BENCH/pushwire-server/target/pushwire-bench-server.jar"
SERVER_JVM=(-Xms512m -Xmx2g -XX:+UseG1GC)

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  (cd "$ROOT" && ./mvnw -B -q -o -DskipTests package -pl benchmarks/pushwire-server -am)
fi

# shellcheck source=redis-common.sh
source "$BENCH/redis-common.sh"
start_redis "$OUT/redis.log"

NODE_PID=""
stop_node() {
  if [[ -n "$NODE_PID" ]]; then
    kill "$NODE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$NODE_PID" 2>/dev/null || true
    NODE_PID=""
  fi
}
trap 'stop_node; stop_redis' EXIT

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "redis: $(redis-server --version | cut -d' ' -f3)"
  echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD)"
  echo "command: STORES=\"${STORES[*]}\" benchmarks/redis-publish-rate.sh $ROUNDS $COUNT $CONCURRENCY"
} | tee "$OUT/machine.txt"

for round in $(seq 1 "$ROUNDS"); do
  for store in "${STORES[@]}"; do
    args=(--server.port="$NODE_PORT" --pushwire.server.store="$store")
    if [[ "$store" == "redis" ]]; then
      redis_flush
      args+=("--spring.data.redis.url=redis://127.0.0.1:$REDIS_PORT")
    fi
    java "${SERVER_JVM[@]}" -jar "$JAR" "${args[@]}" ${SERVER_ARGS:-} > "$OUT/$store-round$round-server.log" 2>&1 &
    NODE_PID=$!
    for _ in $(seq 1 150); do
      curl -sf "http://127.0.0.1:$NODE_PORT/bench/stats" > /dev/null 2>&1 && break
      sleep 0.2
    done
    # A short warm-up, then the measured run.
    curl -sf -X POST "http://127.0.0.1:$NODE_PORT/bench/publish-rate?count=$(( COUNT / 10 + 1 ))&concurrency=$CONCURRENCY" > /dev/null
    result=$(curl -sf -X POST "http://127.0.0.1:$NODE_PORT/bench/publish-rate?count=$COUNT&concurrency=$CONCURRENCY")
    echo "round $round, store $store: $result" | tee -a "$OUT/results.txt"
    stop_node
  done
done

# Median publishes per second per store.
for store in "${STORES[@]}"; do
  median=$(grep "store $store:" "$OUT/results.txt" | sed 's/.*"per_second":\([0-9]*\).*/\1/' | sort -n \
    | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}')
  echo "median publishes/s, $store: $median" | tee -a "$OUT/summary.txt"
done
echo "results in $OUT"
