#!/usr/bin/env bash
# Client throughput (issue #11): frames per second one PushClient consumes from the pushwire benchmark
# server and the CPU time the client process spends per frame. Starts the server once, runs the client
# ROUNDS times (a fresh JVM each), prints each run and the medians.
#
#   benchmarks/client.sh [ROUNDS] [-- extra client arguments]
#   e.g. benchmarks/client.sh 3        benchmarks/client.sh 3 -- --transport sse-only --frames 100000
#
# Environment: SKIP_BUILD=1, SERVER_ARGS (application arguments for the server).
#
# The server publishes a burst faster than one client consumes it. By default its per-connection
# queue is made large enough for the whole burst, so that the run measures the client draining it
# rather than the server shedding it (4008 slow_consumer, then a resume, or resume_required past the
# history). Set SERVER_ARGS (even empty) to keep the server's default bound.
set -euo pipefail

ROUNDS=${1:-3}
shift $(( $# >= 1 ? 1 : 0 ))
[[ "${1:-}" == "--" ]] && shift
EXTRA=("$@")

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/benchmarks"
OUT="$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)-client"
mkdir -p "$OUT"
PORT=8081
if [[ -z "${SERVER_ARGS+x}" ]]; then
  SERVER_ARGS="--pushwire.server.max-queued-bytes=1GB"
fi
SERVER_JVM=(-Xms512m -Xmx2g -XX:+UseG1GC)
CLIENT_JVM=(-Xms512m -Xmx1g -XX:+UseG1GC)

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  (cd "$ROOT" && ./mvnw -B -q -o -DskipTests package -pl benchmarks/client-bench,benchmarks/pushwire-server -am)
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "server jvm: ${SERVER_JVM[*]}  client jvm: ${CLIENT_JVM[*]}"
  echo "command: ${SERVER_ARGS:+SERVER_ARGS=\"$SERVER_ARGS\" }benchmarks/client.sh $ROUNDS ${EXTRA[*]:+-- ${EXTRA[*]}}"
} | tee "$OUT/machine.txt"

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT

java "${SERVER_JVM[@]}" -jar "$BENCH/pushwire-server/target/pushwire-bench-server.jar" ${SERVER_ARGS:-} \
  > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/bench/stats" > /dev/null 2>&1 && break
  sleep 0.2
done

for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round"
  timeout 600 java "${CLIENT_JVM[@]}" -jar "$BENCH/client-bench/target/client-bench.jar" \
    --port "$PORT" --out "$OUT/round$round.properties" "${EXTRA[@]}" > "$OUT/round$round.txt" 2>&1 \
    || echo "client failed in round $round (exit $?)" | tee -a "$OUT/failures.txt"
  grep -E '^(complete|received|lost|duplicates|reconnects|elapsed_s|frames_per_s|cpu_us_per_frame|cpu_cores|gc_ms|latency_p50_ms|latency_p99_ms)=' \
    "$OUT/round$round.txt" | paste -sd' ' || cat "$OUT/round$round.txt"
done

# Medians over the rounds of each numeric figure.
{
  echo "median of $ROUNDS rounds:"
  for key in frames_per_s cpu_us_per_frame cpu_cores elapsed_s gc_ms latency_p50_ms latency_p99_ms lost duplicates reconnects; do
    values=$(grep -h "^$key=" "$OUT"/round*.properties 2>/dev/null | cut -d= -f2 | sort -g)
    n=$(echo "$values" | grep -c . || true)
    if [[ "$n" -gt 0 ]]; then
      median=$(echo "$values" | awk -v n="$n" 'NR == int((n + 1) / 2) { lo = $1 } NR == int(n / 2) + 1 { hi = $1 } END { printf "%.3f", (lo + hi) / 2 }')
      echo "  $key: $median   (runs: $(echo $values))"
    fi
  done
} | tee "$OUT/summary.txt"
echo "results in $OUT"
