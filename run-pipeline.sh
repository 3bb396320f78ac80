#!/usr/bin/env bash
# Runs the whole gradflow pipeline on this machine: builds it, starts a real Kafka broker (its own JVM) and the
# four services, submits the demo networks through the gateway, prints their gradients, runs a short training job
# and prints its progress, and keeps everything up until Ctrl-C, then stops all it started.
#
#   ./run-pipeline.sh                     build, start, demo, wait for Ctrl-C
#   ./run-pipeline.sh --exit-after-demo   the same, then stop (for scripts)
#   ./run-pipeline.sh --secure            Kafka over TLS with SASL/SCRAM-SHA-512 and ACLs, one principal per service
#                                         (README, "Security"); combines with --exit-after-demo
#
# Ports (override with the environment): Kafka 9092, gateway 8080, forward-service 8081, gradient-service 8082,
# job-service 8083.
# Logs: target/run/*.log.
set -euo pipefail
cd "$(dirname "$0")"

KAFKA_PORT=${GRADFLOW_KAFKA_PORT:-9092}
GATEWAY_PORT=${GRADFLOW_GATEWAY_PORT:-8080}
FORWARD_PORT=${GRADFLOW_FORWARD_PORT:-8081}
GRADIENT_PORT=${GRADFLOW_GRADIENT_PORT:-8082}
JOB_PORT=${GRADFLOW_JOB_PORT:-8083}
RUN_DIR=target/run
GATEWAY=http://127.0.0.1:$GATEWAY_PORT
SECURE_DIR=$RUN_DIR/secure
EXIT_AFTER_DEMO=false
SECURE=false
for arg in "$@"; do
  case "$arg" in
    --exit-after-demo) EXIT_AFTER_DEMO=true ;;
    --secure) SECURE=true ;;
    *) echo "unknown option $arg (see the header of $0)" >&2; exit 2 ;;
  esac
done

pids=()
names=()

stop_all() {
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    echo
    echo "Stopping ${names[*]}..."
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    echo "Stopped."
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

fail() { echo "error: $*" >&2; exit 1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for port in "$KAFKA_PORT" "$GATEWAY_PORT" "$FORWARD_PORT" "$GRADIENT_PORT" "$JOB_PORT"; do
  port_in_use "$port" && fail "port $port is in use; stop what uses it or set GRADFLOW_*_PORT (see the script's header)"
done

echo "==> Building (./mvnw package -DskipTests)"
./mvnw -B -q package -DskipTests
mkdir -p "$RUN_DIR"

# Waits until a file contains a line, or the process dies, or time runs out.
await_line() { # file pattern seconds pid
  for ((t = 0; t < $3 * 5; t++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || fail "process $4 died; see $1"
    sleep 0.2
  done
  fail "no '$2' in $1 after $3 s"
}

await_ready() { # name url seconds pid log
  for ((t = 0; t < $3 * 5; t++)); do
    curl -fs -o /dev/null "$2" && return 0
    kill -0 "$4" 2>/dev/null || fail "$1 died; see $5"
    sleep 0.2
  done
  fail "$1 was not ready after $3 s; see $5"
}

broker_args=()
if $SECURE; then
  # The broker makes a certificate authority, creates the topics, one SCRAM user per service and their ACLs, and
  # writes each service's client properties to $SECURE_DIR/<service>.properties (deleted when it stops).
  echo "==> Starting Kafka on 127.0.0.1:$KAFKA_PORT (SASL_SSL, SCRAM-SHA-512, ACLs)"
  broker_args=(--secure "$SECURE_DIR")
else
  echo "==> Starting Kafka on 127.0.0.1:$KAFKA_PORT"
fi
# C1 only: on the few cores the whole local stack shares, the broker's C2 compiler would compete with the services
# for minutes, for code that mostly copies bytes (README, "The bundled broker compiles with C1 only").
java -Xmx1g -XX:TieredStopAtLevel=1 \
  -cp "kafka-broker/target/gradflow-kafka-broker-0.1.0-SNAPSHOT.jar:kafka-broker/target/lib/*" \
  dev.gradflow.kafka.broker.KafkaBrokerMain ${broker_args[@]+"${broker_args[@]}"} "$KAFKA_PORT" \
  >"$RUN_DIR/kafka.log" 2>&1 &
pids+=($!); names+=(kafka)
await_line "$RUN_DIR/kafka.log" "Kafka broker ready" 90 "${pids[-1]}"

# In secure mode, each service gets its Kafka client properties as environment variables.
source scripts/kafka-credentials.sh

start_service() { # module port
  local log="$RUN_DIR/$1.log"
  echo "==> Starting $1 on 127.0.0.1:$2"
  # A stable instance id, as a StatefulSet pod name would give: see "Recovery in seconds" in the README.
  (
    if $SECURE; then export_kafka_credentials "$SECURE_DIR/$1.properties"; fi
    # One OpenBLAS thread per service: all of them share this machine's cores (README, "Threads"). The serial
    # collector: G1's concurrent threads compete with five JVMs for the same cores (README, "The services on the
    # serial collector").
    exec java -Xmx2g -XX:+UseSerialGC -Dgradflow.blas.threads=1 -Dkafka.bootstrap.servers="127.0.0.1:$KAFKA_PORT" -Dquarkus.http.host=127.0.0.1 \
      -Dquarkus.http.port="$2" -Dgradflow.instance-id=local-1 -jar "$1/target/quarkus-app/quarkus-run.jar" >"$log" 2>&1
  ) &
  pids+=($!); names+=("$1")
}
start_service forward-service "$FORWARD_PORT"
start_service gradient-service "$GRADIENT_PORT"
start_service job-service "$JOB_PORT"
start_service gateway "$GATEWAY_PORT"
await_ready forward-service "http://127.0.0.1:$FORWARD_PORT/q/health/ready" 90 "${pids[1]}" "$RUN_DIR/forward-service.log"
await_ready gradient-service "http://127.0.0.1:$GRADIENT_PORT/q/health/ready" 90 "${pids[2]}" "$RUN_DIR/gradient-service.log"
await_ready job-service "http://127.0.0.1:$JOB_PORT/q/health/ready" 90 "${pids[3]}" "$RUN_DIR/job-service.log"
await_ready gateway "$GATEWAY/q/health/ready" 90 "${pids[4]}" "$RUN_DIR/gateway.log"

json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

# Registers examples/<name>.network.json, submits <batch JSON>, waits for the answer and prints it.
demo() { # title name batch-json
  echo
  echo "--- $1"
  local network batch result
  network=$(curl -fsS -H 'Content-Type: application/json' --data-binary "@examples/$2.network.json" \
    "$GATEWAY/networks" | json_field networkId)
  [[ -n "$network" ]] || fail "registering examples/$2.network.json failed"
  batch=$(curl -fsS -H 'Content-Type: application/json' --data-binary "$3" \
    "$GATEWAY/networks/$network/batches" | json_field batchId)
  [[ -n "$batch" ]] || fail "submitting a batch to network $network failed"
  echo "network $network, batch $batch: $3"
  for ((t = 0; t < 300; t++)); do
    result=$(curl -fsS "$GATEWAY/batches/$batch")
    [[ "$result" == *'"status":"pending"'* ]] || break
    sleep 0.1
  done
  echo "$result"
  DEMO_BATCH=$batch
}

# Prints a batch's recorded graph edge by edge: input -> node, and the chain rule at that point (from the DOT form
# of GET /batches/{id}/graph: node ids mapped to names, then each edge's label).
print_graph() { # batch
  curl -fsS -H 'Accept: text/vnd.graphviz' "$GATEWAY/batches/$1/graph" | awk '
    /^  "[^"]*" \[label="/ { id = $1; gsub(/"/, "", id); name = $0; sub(/^[^=]*="/, "", name); sub(/\\n.*/, "", name)
                            names[id] = name; if ($0 ~ /grad /) { g = $0; sub(/.*\\ngrad /, "", g); sub(/".*/, "", g)
                            grads[id] = g } }
    / -> / { from = $1; to = $3; gsub(/"/, "", from); gsub(/"/, "", to); label = $0; sub(/.*label="/, "", label)
             sub(/"\];$/, "", label); gsub(/\\n/, "; ", label)
             printf "    %-6s -> %-6s %s\n", names[from], names[to], label }
    END { printf "    (a node\047s gradient is the sum of what flows back into it: x gets %s = h\047(1))\n", grads["n0"] }'
}

echo
echo "==> Demo: the chapter's examples through gateway -> Kafka -> forward -> Kafka -> gradient -> gateway"
demo "y = ReLU(w.x + b), x = [1, -2, 3], w = [-3, -1, 2], b = 1 (expect y = 6, dy/dw = x, dy/dx = w, dy/db = 1)" \
  single-neuron "$(cat examples/single-neuron.batch.json)"
demo "f = 3x^3 z - y^2 + 5z + 2yz at (1, 2, 3) (expect grad f = [9x^2 z, -2y + 2z, 3x^3 + 5 + 2y] = [27, 2, 12])" \
  polynomial "$(cat examples/polynomial.batch.json)"
demo "h(x) = 3(2x^2)^5 at x = 1 (expect h'(1) = 960)" chain-rule "$(cat examples/chain-rule.batch.json)"
echo "  the chain rule along the recorded graph (∂ local × ↑ upstream = what flows back; GET /batches/{id}/graph):"
print_graph "$DEMO_BATCH"
demo "max(x, y) at (3, 5) (expect d/dx = 0, d/dy = 1)" max '{"inputs": {"x": 3, "y": 5}}'
demo "ReLU at 0 (expect ReLU'(0) = 0)" relu '{"inputs": {"x": 0}}'
demo "Dense(4->8, ReLU) -> Dense(8->3) -> softmax cross-entropy on the book's 3-sample batch" \
  mlp "$(cat examples/mlp.batch.json)"

# The first occurrence of a number field in a JSON line (the top-level one: the per-epoch history comes after it).
# Empty when the field is absent (a queued job has no epoch yet, a job without a categorical loss no accuracy).
number_field() { { grep -o "\"$1\":[-0-9.eE]*" || true; } | head -1 | cut -d: -f2; }

echo
echo "--- Training: spiral_data(100, 3), Dense(2, 64) -> ReLU -> Dense(64, 3) -> softmax cross-entropy, Adam"
echo "    (examples/spiral-training.job.json: 100 epochs of 3 steps, weights as nnfs draws them), through the pipeline"
job=$(curl -fsS -H 'Content-Type: application/json' --data-binary @examples/spiral-training.job.json \
  "$GATEWAY/jobs" | json_field jobId)
[[ -n "$job" ]] || fail "submitting examples/spiral-training.job.json failed"
echo "job $job; its progress from GET /jobs/$job/events (Server-Sent Events):"
last_epoch=-1
while IFS= read -r line; do
  [[ "$line" == data:* ]] || continue
  status=$(json_field status <<<"$line")
  epoch=$(number_field epoch <<<"$line")
  [[ -n "$epoch" ]] || continue
  if [[ "$status" != running || $((epoch / 10)) -gt $((last_epoch / 10)) ]]; then
    last_epoch=$epoch
    printf '  %-9s epoch %3s/%s  step %4s/%s  loss %-10.6f accuracy %-6s %s samples/s\n' "$status" \
      "$((epoch + 1))" "$(number_field epochs <<<"$line")" "$(number_field step <<<"$line")" \
      "$(number_field steps <<<"$line")" "$(number_field loss <<<"$line")" \
      "$(number_field accuracy <<<"$line" | cut -c1-6)" "$(number_field samplesPerSecond <<<"$line" | cut -d. -f1)"
  fi
  [[ "$status" == running ]] || break
done < <(curl -fsN "$GATEWAY/jobs/$job/events")
[[ "$status" == done ]] || fail "the training job ended $status; see $RUN_DIR/job-service.log"
echo "  final accuracy on the training data (the last epoch's): $(curl -fsS "$GATEWAY/jobs/$job" | number_field accuracy)"
echo "  the trained network, ready for POST /networks: GET $GATEWAY/jobs/$job/result"

echo
echo "The pipeline is running:"
echo "  gateway           $GATEWAY  (OpenAPI UI: $GATEWAY/q/swagger-ui)"
echo "  the chain rule    $GATEWAY/  (a page: pick an example, see its graph with every factor)"
echo "  forward-service   http://127.0.0.1:$FORWARD_PORT/q/health, /q/metrics"
echo "  gradient-service  http://127.0.0.1:$GRADIENT_PORT/q/health, /q/metrics"
echo "  job-service       http://127.0.0.1:$JOB_PORT/q/health, /q/metrics"
if $SECURE; then
  echo "  kafka             127.0.0.1:$KAFKA_PORT  (SASL_SSL, SCRAM-SHA-512, ACLs; each principal's client properties,"
  echo "                    for this run only, in $SECURE_DIR/: admin.properties for kafka-*.sh --command-config)"
else
  echo "  kafka             127.0.0.1:$KAFKA_PORT"
fi
echo "  logs              $RUN_DIR/"
$EXIT_AFTER_DEMO && exit 0
echo "Press Ctrl-C to stop."
while true; do
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || fail "${names[$i]} stopped unexpectedly; see $RUN_DIR/${names[$i]}.log"
  done
  sleep 1
done
