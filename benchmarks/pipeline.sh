#!/usr/bin/env bash
# Benchmarks the whole pipeline on this machine: builds what is missing or stale, starts a real Kafka broker (its
# own JVM), creates the topics with 6 partitions, starts the gateway and N instances each of the forward-service
# and the gradient-service, drives them (dev.gradflow.benchmarks.pipeline.PipelineBenchmark), prints one markdown
# table, and stops everything it started, also on Ctrl-C or failure.
#
#   benchmarks/pipeline.sh                          every case, 1 instance of each service
#   benchmarks/pipeline.sh --instances 2            2 forward-service and 2 gradient-service instances
#   benchmarks/pipeline.sh --cases neuron,784-256-128-10/256/float32 --duration 10 --warmup 3 --batches 20
#   benchmarks/pipeline.sh --jobs                   jobs instead: training and a gradient job, next to in-process
#   benchmarks/pipeline.sh --jobs --instances 2 --job-cases gradient --batch 500
#   benchmarks/pipeline.sh --secure --cases neuron   the same against the secure broker (README, "Security")
#
# Options:
#   --instances N   instances of the forward-service and of the gradient-service (default 1, at most 6: the
#                   topics have 6 partitions)
#   --cases LIST    comma-separated: neuron-rest (examples/single-neuron through the gateway's REST API), neuron
#                   (the same straight onto the topic), widths/batch/dtype such as 784-256-128-10/256/float32
#                   (default: neuron-rest,neuron,2-64-3/300/float64,784-256-128-10/256/float32,
#                   784-256-128-10/256/float64)
#   --duration S    seconds of throughput measurement per case, after the warm-up (default 20)
#   --warmup S      seconds of load per case before anything is measured, to warm every JVM (default 60; the
#                   JVMs compile for minutes, and a shorter warm-up measures their compilers)
#   --batches N     batches sent one at a time for the idle latency (default 50)
#   --window N      most batches unanswered during the throughput run (default 16)
#   --clients N     concurrent HTTP clients of the REST case (default 8)
#   --jobs          also start a job-service and run dev.gradflow.benchmarks.jobs.JobBenchmark instead: a training
#                   job (2-64-3 on spiral_data(100, 3), Adam, --steps steps, default 1000) and a gradient job
#                   (784-256-128-10 float32 on 60,000 x 784 rows, --batch rows per batch, default 1000), each next
#                   to the same computation in process; --job-cases train,gradient picks them
#   --secure        the broker in its secure mode (SASL_SSL, SCRAM-SHA-512, ACLs): each service gets its own
#                   principal's credentials as environment variables, the driver the administrator's
#
# Every server listens on 127.0.0.1 on a free port. The table, the driver's output and every server's log go to
# benchmarks/target/pipeline/<time>/. Environment: JAVA (default java), GRADFLOW_REBUILD=1 to rebuild regardless,
# GRADFLOW_SERVICE_HEAP (default 1g) for each service's -Xmx, GRADFLOW_SERVICE_OPTS for more JVM options of every
# service (they run with -XX:+UseSerialGC and -Dgradflow.blas.threads=1, as every JVM shares the cores; e.g.
# "-XX:-UseSerialGC -XX:+UseG1GC" or -Dgradflow.blas.threads=2 overrides them), GRADFLOW_BROKER_OPTS for the
# broker's JVM (it runs with -XX:TieredStopAtLevel=1, C1 only, which -XX:TieredStopAtLevel=4 there overrides),
# where -Dgradflow.kafka.broker.<name>=<value> sets a broker property.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"
java="${JAVA:-java}"
heap="${GRADFLOW_SERVICE_HEAP:-1g}"

instances=1
jobs=false
secure=false
driver_args=()
job_args=()
while (($#)); do
  case "$1" in
    --instances) instances="$2"; shift 2 ;;
    --cases | --duration | --warmup | --batches | --window | --clients) driver_args+=("$1" "$2"); shift 2 ;;
    --jobs) jobs=true; shift ;;
    --secure) secure=true; shift ;;
    --job-cases) job_args+=(--cases "$2"); shift 2 ;;
    --steps | --batch) job_args+=("$1" "$2"); shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see $0 --help)" >&2; exit 2 ;;
  esac
done
[[ "$instances" =~ ^[1-6]$ ]] || { echo "--instances must be 1 to 6 (the topics have 6 partitions)" >&2; exit 2; }

fail() { echo "error: $*" >&2; exit 1; }

# --- Build the modules whose artifact is missing or older than its sources (or core's, or a pom).
declare -A artifact_of=(
  [kafka-broker]=kafka-broker/target/gradflow-kafka-broker-0.1.0-SNAPSHOT.jar
  [gateway]=gateway/target/quarkus-app/quarkus-run.jar
  [forward-service]=forward-service/target/quarkus-app/quarkus-run.jar
  [gradient-service]=gradient-service/target/quarkus-app/quarkus-run.jar
  [benchmarks]=benchmarks/target/benchmarks.jar
)
$jobs && artifact_of[job-service]=job-service/target/quarkus-app/quarkus-run.jar
stale_modules=()
for module in "${!artifact_of[@]}"; do
  artifact="${artifact_of[$module]}"
  if [[ "${GRADFLOW_REBUILD:-0}" == 1 || ! -f "$artifact" ]] \
    || [[ -n "$(find pom.xml "$module/pom.xml" core/pom.xml core/src/main exactly-once/pom.xml exactly-once/src/main "$module/src/main" -newer "$artifact" \
      -print -quit)" ]]; then
    stale_modules+=("$module")
  fi
done
if ((${#stale_modules[@]})); then
  modules="$(IFS=,; echo "${stale_modules[*]}")"
  echo "==> Building $modules (./mvnw package -DskipTests -pl $modules -am)"
  ./mvnw -B -q package -DskipTests -pl "$modules" -am
fi

out="$here/target/pipeline/$(date +%Y%m%d-%H%M%S)"
logs="$out/logs"
mkdir -p "$logs"

# --- Everything started is stopped on exit: the driver and the services first, then the broker they talk to.
pids=()
names=()
stop_all() {
  trap - EXIT INT TERM
  if ((${#pids[@]})); then
    echo "==> Stopping ${names[*]}"
    for ((i = ${#pids[@]} - 1; i >= 1; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
    for ((i = ${#pids[@]} - 1; i >= 1; i--)); do wait "${pids[$i]}" 2>/dev/null || true; done
    kill "${pids[0]}" 2>/dev/null || true
    wait "${pids[0]}" 2>/dev/null || true
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
taken=" "
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if [[ "$taken" != *" $port "* ]] && ! port_in_use "$port"; then
      taken+="$port "
      echo "$port"
      return
    fi
  done
  fail "found no free port"
}

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

kafka_port=$(free_port)
kafka_controller_port=$(free_port)
bootstrap="127.0.0.1:$kafka_port"
secure_dir="$out/secure"
broker_args=()
client_args=()
if $secure; then
  # The broker creates the topics, one SCRAM user per service and their ACLs, and writes each principal's client
  # properties to $secure_dir (deleted when it stops).
  broker_args=(--secure "$secure_dir")
  client_args=(--client-properties "$secure_dir/admin.properties")
  echo "==> Starting Kafka on $bootstrap (SASL_SSL, SCRAM-SHA-512, ACLs)"
else
  echo "==> Starting Kafka on $bootstrap"
fi
# The broker compiles with C1 only: its work is copying bytes and CRCs (native code either way), and on cores it
# shares with the whole stack its C2 compiler otherwise runs for minutes (README, "The bundled broker compiles
# with C1 only"). GRADFLOW_BROKER_OPTS comes later, so -XX:TieredStopAtLevel=4 there restores C2.
# shellcheck disable=SC2086 # GRADFLOW_BROKER_OPTS is a list of JVM options
"$java" -Xmx1g -XX:TieredStopAtLevel=1 -Dgradflow.kafka.controller.port="$kafka_controller_port" \
  ${GRADFLOW_BROKER_OPTS:-} \
  -cp "kafka-broker/target/gradflow-kafka-broker-0.1.0-SNAPSHOT.jar:kafka-broker/target/lib/*" \
  dev.gradflow.kafka.broker.KafkaBrokerMain ${broker_args[@]+"${broker_args[@]}"} "$kafka_port" \
  >"$logs/kafka.log" 2>&1 &
pids+=($!); names+=(kafka)
await_line "$logs/kafka.log" "Kafka broker ready" 90 "${pids[-1]}"

# Before any service: a service's client would otherwise create a topic with the broker's default of 1 partition.
# (The secure broker has created them already, and no service may create one.)
"$java" -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.pipeline.CreateTopics "$bootstrap" \
  ${client_args[1]+"${client_args[1]}"}

# In secure mode, each service gets its Kafka client properties as environment variables.
source scripts/kafka-credentials.sh

ready_urls=()
ready_names=()
ready_pids=()
start_service() { # module instance-id port
  local log="$logs/$2.log"
  echo "==> Starting $2 on 127.0.0.1:$3"
  (
    if $secure; then export_kafka_credentials "$secure_dir/$1.properties"; fi
    # shellcheck disable=SC2086 # GRADFLOW_SERVICE_OPTS is a list of options
    # One OpenBLAS thread per service: every JVM here shares the same cores, and an OpenBLAS thread that waits
    # for a core stalls the other (README, "Threads"). The serial collector: G1's concurrent threads compete with
    # five JVMs for the same cores (README, "The services on the serial collector"). GRADFLOW_SERVICE_OPTS comes
    # after, so it can override both (-XX:-UseSerialGC -XX:+UseG1GC, -Dgradflow.blas.threads=2).
    exec "$java" -Xmx"$heap" -XX:+UseSerialGC -Dgradflow.blas.threads=1 ${GRADFLOW_SERVICE_OPTS:-} -Dkafka.bootstrap.servers="$bootstrap" \
      -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$3" -Dgradflow.instance-id="$2" \
      -jar "$1/target/quarkus-app/quarkus-run.jar" >"$log" 2>&1
  ) &
  pids+=($!); names+=("$2")
  ready_urls+=("http://127.0.0.1:$3/q/health/ready"); ready_names+=("$2"); ready_pids+=($!)
}
forward_metrics=()
gradient_metrics=()
for ((i = 1; i <= instances; i++)); do
  port=$(free_port)
  start_service forward-service "forward-service-$i" "$port"
  forward_metrics+=("http://127.0.0.1:$port/q/metrics")
  port=$(free_port)
  start_service gradient-service "gradient-service-$i" "$port"
  gradient_metrics+=("http://127.0.0.1:$port/q/metrics")
done
if $jobs; then
  start_service job-service job-service-1 "$(free_port)"
fi
gateway_port=$(free_port)
start_service gateway gateway-1 "$gateway_port"
for i in "${!ready_urls[@]}"; do
  await_ready "${ready_names[$i]}" "${ready_urls[$i]}" 120 "${ready_pids[$i]}" "$logs/${ready_names[$i]}.log"
done

join() { local IFS=,; echo "$*"; }
if $jobs; then
  echo "==> Running jobs"
  "$java" -Xmx3g -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.jobs.JobBenchmark \
    --gateway "http://127.0.0.1:$gateway_port" --out "$out" ${job_args[@]+"${job_args[@]}"} \
    > >(tee "$out/output.txt") 2>&1 &
  pids+=($!); names+=(driver)
  wait "${pids[-1]}" || fail "the driver failed; see $out/output.txt and the logs in $logs/"
  echo "Saved to $out/"
  exit 0
fi
echo "==> Driving the pipeline"
# In the background and waited for, so that a signal to this script stops it at once rather than after the run.
"$java" -Xmx2g -cp benchmarks/target/benchmarks.jar dev.gradflow.benchmarks.pipeline.PipelineBenchmark \
  --bootstrap "$bootstrap" --gateway "http://127.0.0.1:$gateway_port" \
  --forward-metrics "$(join "${forward_metrics[@]}")" --gradient-metrics "$(join "${gradient_metrics[@]}")" \
  --examples examples --out "$out" ${client_args[@]+"${client_args[@]}"} ${driver_args[@]+"${driver_args[@]}"} \
  > >(tee "$out/output.txt") 2>&1 &
pids+=($!); names+=(driver)
wait "${pids[-1]}" || fail "the driver failed; see $out/output.txt and the logs in $logs/"
echo "Saved to $out/"
