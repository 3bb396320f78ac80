# Sourced by benchmarks/transactions.sh and benchmarks/transport.sh: the bundled broker in a JVM of its own, on
# 127.0.0.1, stopped when the script exits (also on Ctrl-C or failure).
#
#   start_broker PORT LOG [JVM OPTION...]   starts KafkaBrokerMain and returns once it logs that it is ready
#   free_port                               prints a free TCP port on 127.0.0.1
#   stop_broker                             stops it (also run on exit)
#
# The caller sets broker_jar and runs from the repository root.

broker_pid=
stop_broker() {
  if [[ -n "$broker_pid" ]]; then
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=
  fi
}
trap stop_broker EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 40000)); }

start_broker() { # port log [jvm option...]
  local port="$1" log="$2"
  shift 2
  java -Xmx1g -Dgradflow.kafka.controller.port="$(free_port)" "$@" \
    -cp "$broker_jar:kafka-broker/target/lib/*" dev.gradflow.kafka.broker.KafkaBrokerMain "$port" >"$log" 2>&1 &
  broker_pid=$!
  for ((t = 0; t < 450; t++)); do
    grep -q "Kafka broker ready" "$log" 2>/dev/null && return 0
    kill -0 "$broker_pid" 2>/dev/null || { echo "the broker died; see $log" >&2; exit 1; }
    sleep 0.2
  done
  echo "the broker was not ready after 90 s; see $log" >&2
  exit 1
}
