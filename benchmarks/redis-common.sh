# Shared by run.sh (REDIS_NODES) and redis-publish-rate.sh: a redis-server of the benchmark's own,
# empty and without persistence, on a free port. Source it; then start_redis LOGFILE sets REDIS_PORT
# and REDIS_PID, redis_flush empties it, stop_redis stops it.

redis_command() {
  # One inline command over bash's /dev/tcp (redis-cli may not be installed); prints the first line.
  local reply
  exec 9<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || return 1
  printf '%s\r\n' "$1" >&9
  IFS= read -r -t 5 reply <&9 || true
  exec 9>&-
  printf '%s\n' "${reply%$'\r'}"
}

start_redis() {
  local log=$1
  command -v redis-server > /dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 2; }
  for _ in $(seq 1 20); do
    REDIS_PORT=$(( 20000 + RANDOM % 20000 ))
    (exec 9<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null || break
  done
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    --protected-mode no > "$log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 100); do
    [[ "$(redis_command PING 2>/dev/null)" == "+PONG" ]] && return 0
    sleep 0.1
  done
  echo "redis-server did not start on port $REDIS_PORT (see $log)" >&2
  exit 2
}

redis_flush() {
  [[ "$(redis_command FLUSHALL)" == "+OK" ]] || echo "FLUSHALL failed on redis port $REDIS_PORT" >&2
}

stop_redis() {
  if [[ -n "${REDIS_PID:-}" ]]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=""
  fi
}
