#!/usr/bin/env bash
# The pipeline's Kafka transport alone, for the records of real networks: starts the bundled broker (as
# benchmarks/pipeline.sh does), runs dev.gradflow.benchmarks.transport.TransportCeiling against it and prints one
# markdown table. For each case: the engine alone (batches/s, CPU time a batch), then the services' two
# exactly-once streams moving the case's real batch, tape and gradient records with no engine in between (a
# reader decoding every answer, as the gateway does, and a driver keeping --window batches unanswered): answered
# batches/s, and the CPU time a batch took in that JVM and in the broker. Its last columns divide the machine's
# cores by the CPU time a batch needs, transport and engine together: the most the pipeline could answer here.
# Last, --batches batches one at a time, each after the previous answer: the two exactly-once hops' latency with
# nothing queued and no engine, the floor under the pipeline's idle latency.
#
#   benchmarks/transport.sh
#   benchmarks/transport.sh --cases 784-256-128-10/256/float32 --warmup 60 --duration 20 --window 16
#
# Options (defaults): --cases (2-64-3/300/float64,784-256-128-10/256/float32,784-256-128-10/256/float64),
# --warmup seconds of load before counting (30), --duration seconds counted (15), --window batches unanswered
# (1024 for a tape under 1 MB, which needs many in flight to keep the cores busy, else 16), --batches sent one at a
# time (50), --recompute-max-work-per-byte (4, the forward-service's default: the tape travels with its cheap
# outputs as recipes, which decoding recomputes; 0 sends every saved tensor).
# GRADFLOW_BROKER_OPTS adds JVM options to the broker's, GRADFLOW_DRIVER_OPTS to the driver's (a profiler agent,
# say). Every server listens on 127.0.0.1 on a free port and is stopped at the end, also on Ctrl-C or failure; the
# broker's log goes to benchmarks/target/transport/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

for arg in "$@"; do
  if [[ "$arg" == -h || "$arg" == --help ]]; then sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0; fi
done

broker_jar=kafka-broker/target/gradflow-kafka-broker-0.1.0-SNAPSHOT.jar
bench_jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$broker_jar" || ! -f "$bench_jar" \
  || -n "$(find core/src/main exactly-once/src/main kafka-broker/src/main benchmarks/src/main -newer "$bench_jar" -print -quit)" ]]; then
  echo "==> Building kafka-broker and benchmarks"
  ./mvnw -B -q package -DskipTests -pl kafka-broker,benchmarks -am
fi

source benchmarks/bundled-broker.sh

out="$here/target/transport"
mkdir -p "$out"
port=$(free_port)
log="$out/kafka.log"
echo "==> Starting Kafka on 127.0.0.1:$port"
# C1 only, as benchmarks/pipeline.sh starts it (README, "The bundled broker compiles with C1 only").
# shellcheck disable=SC2086 # GRADFLOW_BROKER_OPTS is a list of JVM options
start_broker "$port" "$log" -XX:TieredStopAtLevel=1 ${GRADFLOW_BROKER_OPTS:-}

echo "==> Transport alone and engine alone, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
java -Xmx2g ${GRADFLOW_DRIVER_OPTS:-} -cp "$bench_jar" dev.gradflow.benchmarks.transport.TransportCeiling \
  --bootstrap "127.0.0.1:$port" --broker-pid "$broker_pid" "$@" 2>>"$out/driver.log"
