#!/usr/bin/env bash
# Starts a real Prometheus beside ./run-pipeline.sh: it scrapes the three local services every 5 s and evaluates the
# same alerting rules as the Kubernetes deployment (deploy/local/prometheus.yml). Run it in a second terminal while
# ./run-pipeline.sh is up; Ctrl-C stops it.
#
#   scripts/local-prometheus.sh            Prometheus on http://127.0.0.1:9090
#
# Environment: GRADFLOW_PROMETHEUS_PORT (default 9090). Data goes to target/prometheus/ and is kept between runs.
# Needs Debian's prometheus package (apt-get install prometheus); scripts/verify.sh installs it when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${GRADFLOW_PROMETHEUS_PORT:-9090}
prometheus=$(command -v prometheus || true)
if [[ -z "$prometheus" ]]; then
  echo "prometheus is not installed: apt-get install -y prometheus (Debian's package; the binary is enough," >&2
  echo "its service need not run)" >&2
  exit 1
fi
mkdir -p target/prometheus
url="http://127.0.0.1:$port"
throughput='sum by (channel) (rate(gradflow_records_processed_total{outcome!="skipped"}[1m]))'
echo "==> Prometheus on $url (config deploy/local/prometheus.yml; data target/prometheus/)"
urlencode() { # percent-encodes everything but unreserved characters
  local text=$1 encoded='' char i
  for ((i = 0; i < ${#text}; i++)); do
    char=${text:i:1}
    case "$char" in
      [a-zA-Z0-9._~-]) encoded+=$char ;;
      *) printf -v char '%%%02X' "'$char"; encoded+=$char ;;
    esac
  done
  printf '%s' "$encoded"
}
echo "    throughput per stage: $url/graph?g0.expr=$(urlencode "$throughput")&g0.tab=0&g0.range_input=15m"
echo "    alerts:               $url/alerts"
echo "    scrape targets:       $url/targets"
exec "$prometheus" --config.file=deploy/local/prometheus.yml --storage.tsdb.path=target/prometheus \
  --web.listen-address="127.0.0.1:$port" --storage.tsdb.retention.time=2d
