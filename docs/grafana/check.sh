#!/usr/bin/env bash
# Checks docs/grafana/pushwire.json against a real Prometheus: runs the sample app (with a PushClient
# of its own, for the client panels), a Prometheus that scrapes its /actuator/prometheus, and traffic
# (Traffic.java), then sends every PromQL expression of the dashboard to Prometheus' HTTP API
# (/api/v1/query) and fails if one returns no series. Grafana itself is not needed: the dashboard's
# variables are substituted as Grafana would ($job, $instance: .*; $__rate_interval: 1m).
#
#   docs/grafana/check.sh [seconds of traffic, default 90]
#
# Needs a JDK 17+, curl, python3 and Prometheus (Debian: apt-get install prometheus; the service
# need not run, the binary is started here with a temporary config and data directory). Ports:
# SAMPLE_PORT (8095) for the sample, PROM_PORT (9095) for Prometheus. With SCREENSHOT=file.png and
# Debian's chromium, it also takes a screenshot of Prometheus' graph page (Prometheus' UI, not
# Grafana's) for one of the dashboard's queries. Not part of ./mvnw verify.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SAMPLE_PORT=${SAMPLE_PORT:-8095}
PROM_PORT=${PROM_PORT:-9095}
TRAFFIC_SECONDS=${1:-90}
PROMETHEUS=${PROMETHEUS:-$(command -v prometheus || echo /usr/bin/prometheus)}
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

JAR=$(ls sample-app/target/*.jar 2>/dev/null | grep -v original | head -1 || true)
if [[ -z "$JAR" ]]; then
  ./mvnw -B -q -DskipTests package -pl sample-app -am
  JAR=$(ls sample-app/target/*.jar | grep -v original | head -1)
fi

echo "sample app on :$SAMPLE_PORT ($JAR)"
java -jar "$JAR" --server.port="$SAMPLE_PORT" \
  --pushwire.client.base-url="http://localhost:$SAMPLE_PORT/rps" \
  --pushwire.client.username=bob --pushwire.client.password=bob-pass \
  --pushwire.client.channels=ticker >"$WORK/sample.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do
  curl -sf "http://localhost:$SAMPLE_PORT/actuator/health" >/dev/null && break
  sleep 1
done
curl -sf "http://localhost:$SAMPLE_PORT/actuator/health" >/dev/null || { cat "$WORK/sample.log"; exit 1; }

cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 2s
scrape_configs:
  - job_name: pushwire-sample
    metrics_path: /actuator/prometheus
    basic_auth:
      username: alice
      password: alice-pass
    static_configs:
      - targets: ['localhost:$SAMPLE_PORT']
YAML
echo "prometheus on :$PROM_PORT"
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null && break
  sleep 1
done

echo "traffic for ${TRAFFIC_SECONDS}s"
java docs/grafana/Traffic.java "http://localhost:$SAMPLE_PORT" "$TRAFFIC_SECONDS"
sleep 6 # two more scrapes

python3 - "$PROM_PORT" docs/grafana/pushwire.json <<'PY'
import json, sys, urllib.parse, urllib.request
port, dashboard = sys.argv[1], sys.argv[2]
def exprs(panels):
    for panel in panels:
        yield from exprs(panel.get("panels", []))
        for target in panel.get("targets", []):
            yield panel.get("title"), target["expr"]
missing = 0
for title, expr in exprs(json.load(open(dashboard))["panels"]):
    query = (expr.replace("$__rate_interval", "1m").replace('"$job"', '".*"')
             .replace('"$instance"', '".*"'))
    url = "http://127.0.0.1:%s/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": query}))
    answer = json.load(urllib.request.urlopen(url))
    series = answer["data"]["result"] if answer["status"] == "success" else []
    ok = len(series) > 0
    missing += 0 if ok else 1
    sample = ", ".join("%s=%s" % (",".join("%s:%s" % kv for kv in s["metric"].items()) or "-", s["value"][1])
                       for s in series[:3])
    print("%-7s %-55s %s" % ("ok" if ok else "NO DATA", title[:55], sample or expr))
print("%d expression(s) without data" % missing)
sys.exit(1 if missing else 0)
PY

if [[ -n "${SCREENSHOT:-}" ]]; then
  EXPR='sum by (kind) (rate(pushwire_messages_delivered_total[1m]))'
  URL="http://127.0.0.1:$PROM_PORT/graph?g0.expr=$(python3 -c 'import sys,urllib.parse;print(urllib.parse.quote(sys.argv[1]))' "$EXPR")&g0.tab=0&g0.range_input=5m"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,900 \
    --virtual-time-budget=15000 --screenshot="$SCREENSHOT" "$URL" 2>/dev/null
  echo "screenshot: $SCREENSHOT ($URL)"
fi
