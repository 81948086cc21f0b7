#!/usr/bin/env bash
# Runs one scenario of issue #5 against pushwire, the STOMP simple broker and the raw Reactor Netty
# server, alternating the servers in each round, then prints medians and ratios.
#
#   benchmarks/run.sh SCENARIO [ROUNDS] [-- extra load generator arguments]
#   e.g. benchmarks/run.sh A 3          benchmarks/run.sh C 1 -- --connections 5000
# Scenario P is the publish path alone (issue #17): the publish warm-up, then 10,000 publishes to no
# subscriber measured (publishes/s, server CPU per publish), e.g. TARGETS="sample raw" PUBLISH=http
# benchmarks/run.sh P 3.
# Every scenario first warms the publish path: passes of 5,000 publishes before subscribers connect
# until the server's JIT compilers are nearly idle over a pass (at most 10); scenarios with
# deliveries then send warm-up bursts by the same rule (at most 4). The same rule for every server.
#
# Environment: TARGETS (default "pushwire stomp raw"; "sse" for scenario F), SKIP_BUILD=1,
# PROFILE=1 (a JFR recording of each server, settings=profile, in the results directory),
# PROFILE=async (async-profiler's CPU samples, every 1 ms, of the measured phase only, as collapsed stacks
# per thread in <target>-round<N>.collapsed; the library comes from Maven Central's
# tools.profiler:async-profiler; summarise with: java -jar benchmarks/loadgen/target/loadgen.jar
# collapsed FILE [REGEX] [ROWS]),
# SERVER_ARGS (application arguments for the server, e.g. "--pushwire.server.max-queued-bytes=64KB"),
# PUBLISH=server|http (who publishes: the server itself, POST /bench/publish, or the load generator
# over HTTP: POST /publish to raw and pushwire, a STOMP SEND frame, POST /demo/publish with a bearer
# token to the sample; default http when TARGETS names "sample", else server).
#
# The target "sample" is the sample application (sample-app/target/pushwire-sample-app.jar) on port
# 8081: subscribers authenticated with a JWT from /demo/token (alice), on chat:bench, e.g.
#   TARGETS="sample stomp raw" benchmarks/run.sh A 3
# HEAP_DUMP=1 (scenario C: a heap dump of the server with its idle connections, next to the class
# histogram; a few hundred MB at 10,000 connections).
# PUSHWIRE_METERS=on (the pushwire server with a Prometheus MeterRegistry, so that pushwire records its
# meters; the other servers ignore it).
# FORMAT=msgpack|cbor: pushwire's (and the sample's) subscribers ask for binary frames (?format=); the
# other targets stay text, e.g. FORMAT=msgpack benchmarks/run.sh A 3. PAYLOAD_BYTES=2048: every
# published payload is about that many bytes of JSON (binary bodies of 512 bytes or more are
# zstd-compressed). Every run records bytes_per_delivery (WebSocket payload bytes per delivery).
#
# REDIS_NODES=2 (several nodes on one Redis, issue #16): each pushwire round runs as that many
# bench-server nodes with --pushwire.server.store=redis on one redis-server that this script starts
# (on a free port, empty, flushed before each round); subscribers are split over the nodes
# (--subscriber-ports), publishing goes through the first node. NODE_PORTS (default "8081 8082")
# names the nodes' ports. Only with TARGETS=pushwire, e.g.
#   REDIS_NODES=2 TARGETS=pushwire benchmarks/run.sh A 3
#   REDIS_NODES=2 TARGETS=pushwire benchmarks/run.sh B 3
# (benchmarks/redis-publish-rate.sh measures the publishes per second one node sustains on Redis.)
set -euo pipefail

SCENARIO=${1:?scenario A..F or P}
ROUNDS=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
[[ "${1:-}" == "--" ]] && shift
EXTRA=("$@")

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/benchmarks"
if [[ "$SCENARIO" == "F" ]]; then DEFAULT_TARGETS="sse"; else DEFAULT_TARGETS="pushwire stomp raw"; fi
read -r -a TARGETS <<< "${TARGETS:-$DEFAULT_TARGETS}"
if [[ " ${TARGETS[*]} " == *" sample "* ]]; then DEFAULT_PUBLISH=http; else DEFAULT_PUBLISH=server; fi
PUBLISH=${PUBLISH:-$DEFAULT_PUBLISH}
# The sample application as a user runs it, with the limits that keep one user (alice, whose token every
# subscriber presents) from opening thousands of connections raised for the benchmark. Join/leave
# announcements are off: every subscriber joins chat:bench, and announcing each join to every earlier
# member is N^2/2 join frames (50 million at 10,000) before a measurement starts; presence stays on.
SAMPLE_ARGS=(--server.port=8081 --server.address=127.0.0.1 --pushwire.server.max-connections-per-principal=100000
  --pushwire.server.max-sessions-per-principal=100000 --pushwire.server.max-connections-per-second=100000
  --pushwire.server.channels.chat.join-leave=false --logging.level.root=warn)
OUT="$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)-$SCENARIO"
mkdir -p "$OUT"

# The same flags for every server.
SERVER_JVM=(-Xms512m -Xmx2g -XX:+UseG1GC)
LOADGEN_JVM=(-Xms1g -Xmx4g -XX:+UseG1GC ${LOADGEN_JFR:+-XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,filename=$LOADGEN_JFR,dumponexit=true})

# D is about the server's bounds: pushwire's per-connection queue is sized so that 2,000 of them fit
# the heap (2,000 x 256 KB = 512 MB of 2 GB), and its sockets' send buffers are fixed, so that a lagging
# client is shed with 4008 rather than buffered in the kernel. Set SERVER_ARGS (even empty) to override.
if [[ "$SCENARIO" == "D" && -z "${SERVER_ARGS+x}" ]]; then
  SERVER_ARGS="--pushwire.server.max-queued-bytes=256KB --pushwire.server.socket-send-buffer=64KB"
fi

ulimit -n 20000 || ulimit -n "$(ulimit -Hn)"

# --- Several nodes on one Redis (REDIS_NODES) ---
REDIS_PID=""
OTHER_PIDS=()
NODE_LOADGEN_ARGS=()
if [[ -n "${REDIS_NODES:-}" ]]; then
  [[ "${TARGETS[*]}" == "pushwire" ]] || { echo "REDIS_NODES runs with TARGETS=pushwire only" >&2; exit 2; }
  read -r -a NODE_PORTS <<< "${NODE_PORTS:-8081 8082}"
  (( ${#NODE_PORTS[@]} >= REDIS_NODES )) || { echo "NODE_PORTS needs $REDIS_NODES ports" >&2; exit 2; }
  NODE_PORTS=("${NODE_PORTS[@]:0:$REDIS_NODES}")
  # shellcheck source=redis-common.sh
  source "$BENCH/redis-common.sh"
  start_redis "$OUT/redis.log"
  REDIS_ARGS=(--pushwire.server.store=redis "--spring.data.redis.url=redis://127.0.0.1:$REDIS_PORT")
  NODE_LOADGEN_ARGS=(--subscriber-ports "$(IFS=,; echo "${NODE_PORTS[*]}")")
fi

# The nodes after the first (REDIS_NODES), same jar and arguments, each on its port.
start_other_nodes() {
  local round=$1
  OTHER_PIDS=()
  for node_port in "${NODE_PORTS[@]:1}"; do
    java "${SERVER_JVM[@]}" -jar "$(server_jar pushwire)" "${REDIS_ARGS[@]}" --server.port="$node_port" ${SERVER_ARGS:-} \
      > "$OUT/pushwire-round$round-node$node_port-server.log" 2>&1 &
    OTHER_PIDS+=($!)
    for _ in $(seq 1 150); do
      curl -sf "http://127.0.0.1:$node_port/bench/stats" > /dev/null 2>&1 && break
      sleep 0.2
    done
  done
}

stop_other_nodes() {
  for pid in "${OTHER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${OTHER_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
  OTHER_PIDS=()
}
# --- end of several nodes ---

if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  (cd "$ROOT" && ./mvnw -B -q -o -DskipTests package -pl benchmarks/loadgen,benchmarks/pushwire-server,benchmarks/stomp-server,benchmarks/raw-server,sample-app -am)
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "server jvm: ${SERVER_JVM[*]}"
  echo "commit: $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- . ':!benchmarks/results' || echo ' (with uncommitted changes)')"
  echo "publish: $PUBLISH"
  [[ -n "${REDIS_NODES:-}" ]] && echo "redis: $REDIS_NODES nodes on ports ${NODE_PORTS[*]}, $(redis-server --version | cut -d' ' -f3)"
  echo "command: ${REDIS_NODES:+REDIS_NODES=$REDIS_NODES }${PUSHWIRE_METERS:+PUSHWIRE_METERS=$PUSHWIRE_METERS }${PROFILE:+PROFILE=$PROFILE }${SERVER_ARGS:+SERVER_ARGS=\"$SERVER_ARGS\" }PUBLISH=$PUBLISH TARGETS=\"${TARGETS[*]}\" benchmarks/run.sh $SCENARIO $ROUNDS ${EXTRA[*]:+-- ${EXTRA[*]}}"
} | tee "$OUT/machine.txt"

server_jar() {
  case "$1" in
    pushwire|sse) echo "$BENCH/pushwire-server/target/pushwire-bench-server.jar" ;;
    stomp) echo "$BENCH/stomp-server/target/stomp-bench-server.jar" ;;
    raw) echo "$BENCH/raw-server/target/raw-bench-server.jar" ;;
    sample) echo "$ROOT/sample-app/target/pushwire-sample-app.jar" ;;
  esac
}

server_port() {
  case "$1" in
    pushwire|sse|sample) echo 8081 ;;
    stomp) echo 8082 ;;
    raw) echo 8083 ;;
  esac
}

if [[ "${PROFILE:-0}" == "async" ]]; then
  AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1.jar"
  [[ -f "$AP_JAR" ]] || "$ROOT/mvnw" -q -B dependency:get -Dartifact=tools.profiler:async-profiler:4.1 -Dtransitive=false
  unzip -o -q "$AP_JAR" 'linux-x64/libasyncProfiler.so' -d "$OUT/async-profiler"
  export PUSHWIRE_BENCH_ASPROF="$OUT/async-profiler/linux-x64/libasyncProfiler.so"
fi

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap 'stop_server; stop_other_nodes; [[ -n "$REDIS_PID" ]] && stop_redis' EXIT

for round in $(seq 1 "$ROUNDS"); do
  # Rotate the order each round so that no server always runs first (or last) on a warm machine.
  n=${#TARGETS[@]}
  for i in $(seq 0 $((n - 1))); do
    target=${TARGETS[$(( (i + round - 1) % n ))]}
    port=$(server_port "$target")
    jfr=()
    if [[ "${PROFILE:-0}" == "1" ]]; then
      # JDK's "profile" settings (Java samples every 10 ms), with per-thread CPU load every second.
      if [[ ! -f "$OUT/bench.jfc" ]]; then
        java_home=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.home/ {print $2}')
        sed '/name="jdk.ThreadCPULoad"/,/<\/event>/ s|<setting name="period">10 s</setting>|<setting name="period">1 s</setting>|' \
          "$java_home/lib/jfr/profile.jfc" > "$OUT/bench.jfc"
      fi
      jfr=(-XX:StartFlightRecording=settings="$OUT/bench.jfc",filename="$OUT/$target-round$round.jfr",dumponexit=true)
    fi
    args=()
    [[ $target == raw ]] && args=("$port")
    [[ $target == sample ]] && args=("${SAMPLE_ARGS[@]}")
    if [[ -n "${REDIS_NODES:-}" ]]; then
      redis_flush
      port=${NODE_PORTS[0]}
      args=("${REDIS_ARGS[@]}" --server.port="$port")
    fi
    java "${SERVER_JVM[@]}" "${jfr[@]}" -jar "$(server_jar "$target")" "${args[@]}" ${SERVER_ARGS:-} \
      > "$OUT/$target-round$round-server.log" 2>&1 &
    SERVER_PID=$!
    ready_path=/bench/stats
    [[ $target == sample ]] && ready_path=/actuator/health
    for _ in $(seq 1 150); do
      curl -sf "http://127.0.0.1:$port$ready_path" > /dev/null 2>&1 && break
      sleep 0.2
    done
    [[ -n "${REDIS_NODES:-}" ]] && start_other_nodes "$round"
    echo "== round $round: $target (pid $SERVER_PID)"
    wire=()
    [[ -n "${FORMAT:-}" && ( $target == pushwire || $target == sample ) ]] && wire=(--format "$FORMAT")
    [[ -n "${PAYLOAD_BYTES:-}" ]] && wire+=(--payload-bytes "$PAYLOAD_BYTES")
    timeout 600 java "${LOADGEN_JVM[@]}" -jar "$BENCH/loadgen/target/loadgen.jar" \
      --target "$target" --scenario "$SCENARIO" --port "$port" --pid "$SERVER_PID" --round "$round" --publish "$PUBLISH" \
      --out "$OUT/$target-round$round.properties" ${wire[@]+"${wire[@]}"} "${NODE_LOADGEN_ARGS[@]}" "${EXTRA[@]}" | tee "$OUT/$target-round$round.txt" \
      || echo "load generator failed for $target round $round (exit $?)" | tee -a "$OUT/failures.txt"
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server $target died during round $round" | tee -a "$OUT/failures.txt"
    fi
    stop_server
    stop_other_nodes
    sleep 1
  done
done

java -jar "$BENCH/loadgen/target/loadgen.jar" summary "$OUT" | tee "$OUT/summary.md"
echo "results in $OUT"
